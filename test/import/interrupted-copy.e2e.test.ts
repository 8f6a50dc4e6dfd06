// An import interrupted (Ctrl-C, a kill) leaves no copy of the file in the temp directory: a file
// with mixed line endings, another encoding or a JSON array is read through a whole copy of it
// (customers and all), which an interrupted import left behind (QA).
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, tempDir } from '../helpers/cli.ts'

/** Run the import with TMPDIR=`tmp`, send `signal` once its copy is there; the copies left after. */
function interrupted(
  file: string,
  args: string[],
  tmp: string,
  signal: NodeJS.Signals,
  command = 'import',
) {
  const child = spawn(process.execPath, [CLI, command, file, ...args], {
    env: { ...process.env, TMPDIR: tmp },
  })
  return new Promise<{ signal: NodeJS.Signals | null; seen: boolean; left: string[] }>(
    (resolve) => {
      let seen = false
      const poll = setInterval(() => {
        if (readdirSync(tmp).some((n) => n.startsWith('loyals-'))) {
          seen = true
          clearInterval(poll)
          child.kill(signal)
        }
      }, 5)
      child.on('exit', (_code, sig) => {
        clearInterval(poll)
        resolve({
          signal: sig,
          seen,
          left: readdirSync(tmp).filter((n) => n.startsWith('loyals-')),
        })
      })
    },
  )
}

describe('an import interrupted while it reads a copy of the file', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s removes the copy',
    async (signal) => {
      const dir = tempDir('loyals-int-copy-')
      const rows = Array.from(
        { length: 200_000 },
        (_, i) => `K${i},C${i % 5000},2023-0${(i % 9) + 1}-1${i % 10},${(i % 97) + 0.5}`,
      )
      // the header ends in CRLF and the rows in LF: mixed line endings, read through a copy
      const mixed = join(dir, 'mixed.csv')
      writeFileSync(mixed, `order_id,customer_id,order_date,amount\r\n${rows.join('\n')}\n`)
      const latin = join(dir, 'latin.csv')
      writeFileSync(
        latin,
        Buffer.from(`order_id,customer_id,order_date,amount\n${rows.join('\n')}\n`, 'latin1'),
      )
      for (const [file, extra] of [
        [mixed, []],
        [latin, ['--encoding', 'latin-1']],
      ] as const) {
        const tmp = join(dir, `tmp-${signal}-${extra.length}`)
        mkdirSync(tmp)
        const r = await interrupted(file, ['--db', join(dir, 'w.duckdb'), ...extra], tmp, signal)
        expect(r.seen, file).toBe(true)
        expect(r.signal, file).toBe(signal)
        expect(r.left, file).toEqual([])
      }
      // fit and summary of an orders file write every customer's summary to a temporary file
      const plain = join(dir, 'plain.csv')
      writeFileSync(plain, `order_id,customer_id,order_date,amount\n${rows.join('\n')}\n`)
      for (const [command, extra] of [
        ['fit', ['--model', 'bgnbd']],
        ['summary', []],
      ] as const) {
        const tmp = join(dir, `tmp-${signal}-${command}`)
        mkdirSync(tmp)
        const r = await interrupted(plain, [...extra], tmp, signal, command)
        expect(r.seen, command).toBe(true)
        expect(r.signal, command).toBe(signal)
        expect(r.left, command).toEqual([])
      }
    },
    120_000,
  )
})
