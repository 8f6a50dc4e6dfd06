// `loyals summary FILE | head -1`: the reader closes the pipe and the process ends at once (an
// EPIPE is no error, main.ts); the summary's temporary copy, every customer's row, must not stay
// behind in the temporary directory.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, tempDir } from '../helpers/cli.ts'

const CDNOW = join(import.meta.dirname, '../../data/cdnow/cdnow_sample_orders.csv')

describe('loyals summary into a pipe closed early', () => {
  it.each(['csv', 'json'])('leaves no temporary file behind (%s)', (format) => {
    const tmp = join(tempDir('loyals-closed-pipe-'), 'tmp')
    mkdirSync(tmp)
    for (const reader of ['head -c 10', 'true']) {
      const r = spawnSync(
        'sh',
        ['-c', `"${process.execPath}" "${CLI}" summary "${CDNOW}" --format ${format} | ${reader}`],
        { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' },
      )
      expect(r.status, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
    }
    expect(readdirSync(tmp)).toEqual([])
  })
})
