import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeDirs } from './out-dir.ts'

describe('makeDirs', () => {
  const base = mkdtempSync(join(tmpdir(), 'loyals-out-dir-'))

  it('creates missing parents and accepts an existing directory', async () => {
    const deep = join(base, 'a', 'b', 'c')
    await makeDirs(deep)
    expect(statSync(deep).isDirectory()).toBe(true)
    await makeDirs(deep)
    await makeDirs(base)
  })

  it('says ENOTDIR when a file is in the way, at the path or above it', async () => {
    const file = join(base, 'file')
    writeFileSync(file, 'x')
    await expect(makeDirs(file)).rejects.toMatchObject({ code: 'ENOTDIR' })
    await expect(makeDirs(join(file, 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })

  it.runIf(existsSync('/proc/self'))(
    "returns an error under /proc, where Node's recursive mkdir loops forever",
    async () => {
      await expect(makeDirs('/proc/loyals-nope/out')).rejects.toMatchObject({ code: 'ENOENT' })
    },
    5000,
  )
})
