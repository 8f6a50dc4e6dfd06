// The note on a JSON array said "a problem's line number is the record's (1 = the first)" while
// the problems read `api_bad.json:4 (record 3)`: the line the record opens on, then its number.
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes } from '../../src/service/source.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

describe('the note on a JSON array', () => {
  it('says problems as they read: the line of the record, then its number', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const records = [
        '[',
        ' {"customer_id": "A", "ordered_at": "2024-01-02", "amount": 1},',
        ' {"customer_id": "B", "ordered_at": "2024-01-02", "amount": 2},',
        ' {"customer_id": "C", "ordered_at": "xx", "amount": 3}',
        ']',
      ]
      const file = write(dir, 'api_bad.json', records.join('\n'))
      const e = await importError(() => importFile(engine, file, { kind: 'orders' }))
      expect(e.problems[0]).toMatchObject({ line: 3, record: true, startLine: 4 })
      const r = await importFile(engine, file, { kind: 'orders', skipBadRows: true })
      const note = importNotes(r).find((n) => n.includes('JSON array'))
      expect(note).toBe(
        `${file}: a JSON array, read one record after another; a problem names its record's number (1 = the first) after the line the record opens on (${file}:LINE (record N)), or alone when the records share one line; the rejects file's line column holds the record's number`,
      )
    } finally {
      await engine.close()
    }
  })
})
