// SHA-256 (FIPS 180-4) in plain TypeScript, so the pure core can hash without node:crypto: holdout
// assignment and hashed audience emails both use it, and anyone can reproduce either with any
// SHA-256 tool. Strings are encoded as UTF-8 by hand (no TextEncoder, which is not in lib es2023).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const H0 = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
] as const

/** Write the UTF-8 bytes of `text` into `out` from 0; returns the byte count (out must be big enough). */
function encodeUtf8Into(text: string, out: Uint8Array): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
      continue
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
      } else c = 0xfffd
    } else if (c >= 0xdc00 && c <= 0xdfff) c = 0xfffd
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 63)
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12)
      out[n++] = 0x80 | ((c >> 6) & 63)
      out[n++] = 0x80 | (c & 63)
    } else {
      out[n++] = 0xf0 | (c >> 18)
      out[n++] = 0x80 | ((c >> 12) & 63)
      out[n++] = 0x80 | ((c >> 6) & 63)
      out[n++] = 0x80 | (c & 63)
    }
  }
  return n
}

/**
 * UTF-8 bytes of a string. Lone surrogates become U+FFFD, as TextEncoder does.
 * @example utf8Bytes('é') // Uint8Array [0xc3, 0xa9]
 */
export function utf8Bytes(text: string): Uint8Array {
  const buf = new Uint8Array(text.length * 3)
  return buf.slice(0, encodeUtf8Into(text, buf))
}

// Scratch buffers reused across calls: hashing millions of short ids must not allocate per call.
let scratch = new Uint8Array(256)
const W = new Int32Array(64)
const H = new Int32Array(8)

/**
 * SHA-256 digest of bytes, or of a string's UTF-8 encoding (FIPS 180-4 §6.2).
 * @example sha256Hex(sha256('abc')) // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256(input: Uint8Array | string): Uint8Array {
  // Room for the message (3 bytes per UTF-16 unit at most), the 0x80 byte and the length.
  const maxLen = typeof input === 'string' ? input.length * 3 : input.length
  const blocksMax = Math.ceil((maxLen + 9) / 64)
  const need = blocksMax * 64
  if (need <= 4096 && scratch.length < need) scratch = new Uint8Array(4096)
  const padded = need <= scratch.length ? scratch : new Uint8Array(need)
  let len: number
  if (typeof input === 'string') len = encodeUtf8Into(input, padded)
  else {
    padded.set(input)
    len = input.length
  }
  const blocks = Math.ceil((len + 9) / 64)
  const end = blocks * 64
  padded.fill(0, len, end)
  padded[len] = 0x80
  // Message length in bits as a 64-bit big-endian integer.
  const bitsHi = Math.floor(len / 0x20000000)
  const bitsLo = (len << 3) >>> 0
  padded[end - 8] = bitsHi >>> 24
  padded[end - 7] = (bitsHi >>> 16) & 255
  padded[end - 6] = (bitsHi >>> 8) & 255
  padded[end - 5] = bitsHi & 255
  padded[end - 4] = bitsLo >>> 24
  padded[end - 3] = (bitsLo >>> 16) & 255
  padded[end - 2] = (bitsLo >>> 8) & 255
  padded[end - 1] = bitsLo & 255

  const h = H
  h.set(H0)
  const w = W
  for (let b = 0; b < blocks; b++) {
    const off = b * 64
    for (let t = 0; t < 16; t++) {
      const j = off + t * 4
      w[t] = (padded[j]! << 24) | (padded[j + 1]! << 16) | (padded[j + 2]! << 8) | padded[j + 3]!
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!
      const y = w[t - 2]!
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0
    }
    let a = h[0]!
    let bb = h[1]!
    let c = h[2]!
    let d = h[3]!
    let e = h[4]!
    let f = h[5]!
    let g = h[6]!
    let hh = h[7]!
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const ch = (e & f) ^ (~e & g)
      const t1 = (hh + S1 + ch + K[t]! + w[t]!) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const maj = (a & bb) ^ (a & c) ^ (bb & c)
      const t2 = (S0 + maj) | 0
      hh = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = bb
      bb = a
      a = (t1 + t2) | 0
    }
    h[0] = (h[0]! + a) | 0
    h[1] = (h[1]! + bb) | 0
    h[2] = (h[2]! + c) | 0
    h[3] = (h[3]! + d) | 0
    h[4] = (h[4]! + e) | 0
    h[5] = (h[5]! + f) | 0
    h[6] = (h[6]! + g) | 0
    h[7] = (h[7]! + hh) | 0
  }
  const out = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    const v = h[i]!
    out[i * 4] = v >>> 24
    out[i * 4 + 1] = (v >>> 16) & 255
    out[i * 4 + 2] = (v >>> 8) & 255
    out[i * 4 + 3] = v & 255
  }
  return out
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += HEX[b]
  return s
}

/**
 * Lowercase hex SHA-256 of a string's UTF-8 bytes (or of bytes).
 * @example sha256Hex('abc') // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256Hex(input: Uint8Array | string): string {
  return toHex(sha256(input))
}
