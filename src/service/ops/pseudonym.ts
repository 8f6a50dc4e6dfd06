// The ids erasure gives a customer (`erased_` and 32 hex digits of an HMAC of the id, erase.ts):
// recognised where an erased customer must not be named or must be found again.
export const PSEUDONYM = /^erased_[0-9a-f]{32}$/
