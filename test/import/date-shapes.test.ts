// Dates that are not ISO 8601 are read without --date-format when exactly one common shape reads
// every one of them; two readings that disagree stop the import and name both formats.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { DATE_SHAPES } from '../../src/service/import/date-shapes.ts'
import { type ImportOptions, importFile } from '../../src/service/import/import-file.ts'
import { importNotes } from '../../src/service/source.ts'
import { tempDir } from '../helpers/cli.ts'
import { importError, write } from './helpers.ts'

const NOW = new Date('2026-01-01T00:00:00Z')

describe('dates in a shape of their own', () => {
  let dir: string
  let engine: Engine
  beforeAll(async () => {
    dir = tempDir('loyals-date-shapes-')
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  const orders = (name: string, rows: string[], opts: Partial<ImportOptions> = {}) =>
    importFile(
      engine,
      write(dir, name, ['order_id,customer_id,ordered_at,amount', ...rows].join('\n')),
      {
        kind: 'orders',
        now: NOW,
        ...opts,
      },
    )
  const stored = (ids: string[]) =>
    engine.query<{ order_id: string; at: string; day: string }>(
      `SELECT order_id, strftime(ordered_at, '%Y-%m-%d %H:%M:%S') AS at, strftime(order_date, '%Y-%m-%d') AS day
       FROM orders WHERE order_id IN (${ids.map((i) => `'${i}'`).join(', ')}) ORDER BY order_id`,
    )

  test('no shape reads a value that begins as ISO 8601 does (four digits, a dash): inferDateShape counts those as misses without trying the formats', async () => {
    const values = [
      '2024-03-10',
      '2024-13-45',
      '2024-03-10 14:30:00',
      '2024-03-10T14:30:00Z',
      '2024-03-10T14:30:00.123+02:00',
      '2024-3-1',
      '2024-03-10 2:30 PM',
      '2024-1-10T10:00',
      '2024-03-10 14:30:00 UTC',
      '0012-03-10',
      '2024-03-1012',
    ]
    const formats = DATE_SHAPES.flatMap((s) => s.formats)
    expect(formats.length).toBeGreaterThan(100)
    const cols = formats.map((f, i) => `try_strptime(v, '${f}') IS NOT NULL AS f${i}`)
    const rows = await engine.query<Record<string, boolean | string>>(
      `SELECT v, ${cols.join(', ')} FROM (VALUES ${values.map((v) => `('${v}')`).join(', ')}) t(v)`,
    )
    const read = rows.flatMap((r) =>
      formats.flatMap((f, i) => (r[`f${i}`] === true ? [`${r.v} by ${f}`] : [])),
    )
    expect(read).toEqual([])
  })

  test('US month/day/year, with and without times: one reading, used and said', async () => {
    const r = await orders('us.csv', [
      'u1,a,12/1/2010 8:26,10',
      'u2,a,12/13/2010 17:05,20',
      'u3,b,1/2/2011,5',
      'u4,c,01/05/2011 10:00:01,7',
    ])
    expect(r.rowsStored).toBe(4)
    expect(r.dateShape).toMatchObject({ label: 'month/day/year', columns: ['ordered_at'] })
    expect(await stored(['u1', 'u2', 'u3', 'u4'])).toEqual([
      { order_id: 'u1', at: '2010-12-01 08:26:00', day: '2010-12-01' },
      { order_id: 'u2', at: '2010-12-13 17:05:00', day: '2010-12-13' },
      { order_id: 'u3', at: '2011-01-02 00:00:00', day: '2011-01-02' },
      { order_id: 'u4', at: '2011-01-05 10:00:01', day: '2011-01-05' },
    ])
    const [note] = importNotes(r)
    expect(note).toContain('the dates in ordered_at are not ISO 8601')
    expect(note).toContain('month/day/year')
  })

  test('every day 12 or less: month/day and day/month both read it, so the user chooses', async () => {
    const e = await importError(() =>
      orders('either.csv', ['e1,a,03/04/2024,1', 'e2,b,05/04/2024,2']),
    )
    expect(e.message).toMatch(/read both ways, e\.g\. '0[35]\/04\/2024'/)
    expect(e.message).toContain("month/day/year (--date-format '%m/%d/%Y')")
    expect(e.message).toContain("day/month/year (--date-format '%d/%m/%Y')")
    expect(await stored(['e1', 'e2'])).toEqual([])
    // the user's choice is used as given
    const r = await orders('either.csv', ['e1,a,03/04/2024,1', 'e2,b,05/04/2024,2'], {
      dateFormat: '%d/%m/%Y',
    })
    expect(r.dateShape).toBeNull()
    expect((await stored(['e1'])).map((s) => s.day)).toEqual(['2024-04-03'])
  })

  test('day.month.year (German), yearmonthday (the raw CDNOW file), two-digit years', async () => {
    const de = await orders('de.csv', ['d1,a,31.12.2023 23:59,1', 'd2,b,01.02.2024,2'])
    expect(de.dateShape?.label).toBe('day.month.year')
    // dotted dates are day-first: every day 12 or less still has one reading, not a question
    const dots = await orders('dots.csv', ['t1,a,05.01.2024,1', 't2,b,06.01.2024,2'])
    expect(dots.dateShape?.label).toBe('day.month.year')
    const compact = await orders('compact.csv', ['k1,a,19970101,1', 'k2,b,19970325,2'])
    expect(compact.dateShape?.label).toBe('yearmonthday')
    const yy = await orders('yy.csv', ['y1,a,1/13/97,1', 'y2,b,2/1/05,2'])
    expect(yy.dateShape?.label).toBe('month/day/two-digit year')
    expect(await stored(['d1', 'd2', 'k1', 'k2', 't1', 't2', 'y1', 'y2'])).toEqual([
      { order_id: 'd1', at: '2023-12-31 23:59:00', day: '2023-12-31' },
      { order_id: 'd2', at: '2024-02-01 00:00:00', day: '2024-02-01' },
      { order_id: 'k1', at: '1997-01-01 00:00:00', day: '1997-01-01' },
      { order_id: 'k2', at: '1997-03-25 00:00:00', day: '1997-03-25' },
      { order_id: 't1', at: '2024-01-05 00:00:00', day: '2024-01-05' },
      { order_id: 't2', at: '2024-01-06 00:00:00', day: '2024-01-06' },
      { order_id: 'y1', at: '1997-01-13 00:00:00', day: '1997-01-13' },
      { order_id: 'y2', at: '2005-02-01 00:00:00', day: '2005-02-01' },
    ])
  })

  test('two-digit years first or last: asked when both fit, the one without future dates taken', async () => {
    // 24-01-13 is 13 January 2024 year first, 24 January 2013 day first: the user chooses
    const e = await importError(() =>
      orders('ymd.csv', ['w1,a,24-01-13,1', 'w2,a,24-02-05,1', 'w3,b,24-01-02,1']),
    )
    expect(e.message).toMatch(/read both ways/)
    expect(e.message).toContain("day/month/two-digit year (--date-format '%d-%m-%y')")
    expect(e.message).toContain("two-digit year-month-day (--date-format '%y-%m-%d')")
    expect(await stored(['w1'])).toEqual([])
    const ymd = await orders('ymd.csv', ['w1,a,24-01-13,1'], { dateFormat: '%y-%m-%d' })
    expect(ymd.rowsStored).toBe(1)
    // a day of 30 read year first would be an order of 2030 (NOW is 2026): day first it is
    const dmy = await orders('dmy.csv', ['v1,a,30-03-24,1', 'v2,b,02-01-24,1'])
    expect(dmy.dateShape?.label).toBe('day/month/two-digit year')
    // and a year of 30 read day first would be 2030: year first it is
    const late = await orders('ymd2.csv', ['x1,a,24-01-30,1', 'x2,b,24-03-02,1'])
    expect(late.dateShape?.label).toBe('two-digit year-month-day')
    expect(await stored(['v1', 'v2', 'w1', 'x1', 'x2'])).toEqual([
      { order_id: 'v1', at: '2024-03-30 00:00:00', day: '2024-03-30' },
      { order_id: 'v2', at: '2024-01-02 00:00:00', day: '2024-01-02' },
      { order_id: 'w1', at: '2024-01-13 00:00:00', day: '2024-01-13' },
      { order_id: 'x1', at: '2024-01-30 00:00:00', day: '2024-01-30' },
      { order_id: 'x2', at: '2024-03-02 00:00:00', day: '2024-03-02' },
    ])
  })

  test('the first rows decide the reading; a later date it cannot read is a bad row that says so', async () => {
    const rows = Array.from(
      { length: 25_000 },
      (_, i) => `b${i},c${i % 97},12/${1 + (i % 28)}/2020,1`,
    )
    const e = await importError(() => orders('big.csv', [...rows, 'bx,c1,13/01/2021,2']))
    expect(e.problems.map((p) => `${p.line} ${p.reason}`)).toEqual([
      "25002 cannot read '13/01/2021' as a date as month/day/year (%m/%d/%Y), as the file's other dates read; pass --date-format if they are meant otherwise",
    ])
  })

  test('a small file whose dates one shape reads but for one: that one is the bad row, named as such', async () => {
    // day first (days up to 28) but for one month-first date
    const rows = Array.from(
      { length: 50 },
      (_, i) =>
        `d${i},c${i},${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/2024,1`,
    )
    const e = await importError(() => orders('mostly.csv', [...rows, 'dx,c1,06/13/2024,2']))
    expect(e.problems.map((p) => `${p.line} ${p.reason}`)).toEqual([
      "52 cannot read '06/13/2024' as a date as day/month/year (%d/%m/%Y), as the file's other dates read; pass --date-format if they are meant otherwise",
    ])
    // skipped, the other 50 import read day first
    const r = await orders('mostly.csv', [...rows, 'dx,c1,06/13/2024,2'], { skipBadRows: true })
    expect(r.rowsStored).toBe(50)
    expect(await stored(['d13'])).toEqual([
      { order_id: 'd13', at: '2024-02-14 00:00:00', day: '2024-02-14' },
    ])
    // two shapes reading as many dates: nothing is guessed, the mix is named with a date of each
    const tie = await importError(() =>
      orders('tie.csv', ['t1,a,03/04/2024,1', 't2,b,06/13/2024,1', 't3,c,13/06/2024,1']),
    )
    expect(tie.message).toMatch(
      /the dates in ordered_at mix two readings: '06\/13\/2024' reads only as month\/day\/year \(--date-format '%m\/%d\/%Y'\), '13\/06\/2024' only as day\/month\/year \(--date-format '%d\/%m\/%Y'\)\. Pass the --date-format most of the file is written in/,
    )
  })

  test('an ISO 8601 date among day/month/year dates reads as ISO 8601, as with --date-format', async () => {
    // it was a bad row whose message said to pass --date-format, which then took it
    const r = await orders('iso-among.csv', [
      's1,a,2024-03-04,1',
      's2,b,04/03/2024,1',
      's3,c,25/12/2024,1',
    ])
    expect(r.dateShape).toMatchObject({ label: 'day/month/year' })
    expect(await stored(['s1', 's2', 's3'])).toEqual([
      { order_id: 's1', at: '2024-03-04 00:00:00', day: '2024-03-04' },
      { order_id: 's2', at: '2024-03-04 00:00:00', day: '2024-03-04' },
      { order_id: 's3', at: '2024-12-25 00:00:00', day: '2024-12-25' },
    ])
  })

  test('a spreadsheet serial day number is named as one, with the day it would be', async () => {
    // the hint had been to pass --date-format, which cannot read a serial number
    const e = await importError(() => orders('serial.csv', ['x1,a,45292,1', 'x2,b,45300.25,1']))
    expect(e.problems.map((p) => `${p.line} ${p.reason}`)).toEqual([
      "2 cannot read '45292' as a date: it looks like a spreadsheet serial day number (45292 is 2024-01-01 in Excel's 1900 system); format the column as dates (yyyy-mm-dd) in the spreadsheet and export it again",
      "3 cannot read '45300.25' as a date: it looks like a spreadsheet serial day number (45300.25 is 2024-01-09 in Excel's 1900 system); format the column as dates (yyyy-mm-dd) in the spreadsheet and export it again",
    ])
  })

  test('a value no shape reads: the rows are reported as before, nothing is guessed', async () => {
    const e = await importError(() =>
      orders('mixed.csv', ['m1,a,12/13/2010,1', 'm2,b,someday,2', 'm3,c,2024-01-05,3']),
    )
    expect(e.message).toMatch(/2 bad rows; nothing was imported/)
    expect(e.problems.map((p) => `${p.line} ${p.reason}`)).toEqual([
      expect.stringMatching(/^2 cannot read '12\/13\/2010' as a date/),
      expect.stringMatching(/^3 cannot read 'someday' as a date/),
    ])
  })

  test('ISO 8601 dates take no shape; dates in the future are still refused', async () => {
    const r = await orders('iso.csv', ['i1,a,2024-03-10T14:30:00Z,1'])
    expect(r.dateShape).toBeNull()
    expect(importNotes(r)).toEqual([])
    const e = await importError(() =>
      orders('future.csv', ['f1,a,12/13/2030,1', 'f2,b,1/2/2024,1']),
    )
    // the shape is read from the file; the date it gives is then refused for being in the future
    expect(e.problems.map((p) => `${p.line} ${p.reason}`)).toEqual([
      '2 date is in the future: 12/13/2030',
    ])
  })
})
