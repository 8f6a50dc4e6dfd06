// `--date-format %d/%m/%Y` on dates with a time of day (`13/01/2024 10:00`) rejected every row
// with only "cannot read ... with --date-format %d/%m/%Y": the rows now say the format with the
// time that reads them.
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

describe('a --date-format without the time of day the dates carry', () => {
  it('names the format with the time in each bad row', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const file = write(
        dir,
        'df.csv',
        'customer_id,ordered_at,amount\nA,13/01/2024 10:00,1\nB,14/01/2024 11:30:05,2\nC,xx,1\nD,15/01/2024,3\n',
      )
      const e = await importError(() =>
        importFile(engine, file, { kind: 'orders', dateFormat: '%d/%m/%Y' }),
      )
      expect(e.problems.map((p) => [p.line, p.reason])).toEqual([
        [
          2,
          "cannot read '13/01/2024 10:00' as a date with --date-format %d/%m/%Y, which has no time of day: --date-format '%d/%m/%Y %H:%M' reads it",
        ],
        [
          3,
          "cannot read '14/01/2024 11:30:05' as a date with --date-format %d/%m/%Y, which has no time of day: --date-format '%d/%m/%Y %H:%M:%S' reads it",
        ],
        [4, "cannot read 'xx' as a date with --date-format %d/%m/%Y"],
      ])
      // the format it names reads them
      const ok = write(dir, 'ok.csv', 'customer_id,ordered_at,amount\nA,13/01/2024 10:00,1\n')
      const r = await importFile(engine, ok, { kind: 'orders', dateFormat: '%d/%m/%Y %H:%M' })
      expect(r.rowsStored).toBe(1)
    } finally {
      await engine.close()
    }
  })
})
