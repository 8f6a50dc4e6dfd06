import { describe, expect, it } from 'vitest'
import { hashEmail, normalizeEmail } from './audiences.ts'
import { sha256, sha256Hex, utf8Bytes } from './sha256.ts'

describe('sha256 (FIPS 180-4 published vectors)', () => {
  it('hashes the empty string, "abc" and the two-block 448-bit message', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
  })

  it('hashes one million "a"', () => {
    expect(sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    )
  })

  it('pads correctly at the 55/56/64-byte block boundaries', () => {
    // 55 bytes fit one block with the length; 56 need a second block; 64 is exactly one block.
    const lens = [55, 56, 63, 64, 65].map((n) => sha256('x'.repeat(n)).length)
    expect(lens).toEqual([32, 32, 32, 32, 32])
    expect(sha256Hex('x'.repeat(55))).not.toBe(sha256Hex('x'.repeat(56)))
  })

  it('encodes UTF-8 like TextEncoder, surrogate pairs included', () => {
    expect([...utf8Bytes('é€😀')]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])
    expect([...utf8Bytes('\ud800')]).toEqual([0xef, 0xbf, 0xbd])
    expect(sha256Hex('é€😀')).toBe(
      'df9226927fd572c1ee66eec85de1bb139497614899f36e4e90474cb71f6ef9d0',
    )
  })
})

describe('email normalization and hashing', () => {
  it('trims and lowercases, keeping Gmail dots by default', () => {
    expect(normalizeEmail('  Jane.Doe@GMail.com \t')).toBe('jane.doe@gmail.com')
    expect(hashEmail(' Jane.Doe@Gmail.com')).toBe(
      '831f6494ad6be4fcb3a724c3d5fef22d3ceffa3c62ef3a7984e45a0ea177f982',
    )
  })

  it('drops Gmail dots only when asked, and only for gmail.com / googlemail.com', () => {
    expect(normalizeEmail('Jane.Doe@gmail.com', { gmailDots: 'remove' })).toBe('janedoe@gmail.com')
    expect(normalizeEmail('j.d@googlemail.com', { gmailDots: 'remove' })).toBe('jd@googlemail.com')
    expect(normalizeEmail('j.d@example.com', { gmailDots: 'remove' })).toBe('j.d@example.com')
    expect(hashEmail('Jane.Doe@gmail.com', { gmailDots: 'remove' })).toBe(
      'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69',
    )
  })

  it('returns null for unusable addresses instead of hashing them', () => {
    for (const bad of [
      null,
      undefined,
      '',
      '   ',
      'no-at-sign',
      '@example.com',
      'a@',
      'a@b@c',
      'a b@c.d',
    ]) {
      expect(normalizeEmail(bad)).toBeNull()
      expect(hashEmail(bad)).toBeNull()
    }
  })
})
