// Zone names the engine would read wrongly are refused, and ISO 8601 times without seconds are
// read: "00:30:00 BST" was taken as Asia/Dhaka (+6, ICU's old id) and put a London order of 1 July
// on 30 June; `--tz BST` and a customer's timezone trait "PST" passed as zones; and
// 2025-03-30T01:30+01:00 (no seconds) was a bad row though it is ISO 8601, and so was
// 2025-03-12 23:30 Europe/London.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { zoneNameProblem } from '../../src/core/time-zones.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { isTimeZone } from '../../src/service/ops/events.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { freshWorkspace, write } from './helpers.ts'

describe('zone names and offsets in order times', () => {
  it('a zone abbreviation after the time is a bad row that says what to write instead', () => {
    const dir = tempDir('loyals-abbrev-')
    const file = write(
      dir,
      'bst.csv',
      'customer_id,order_id,ordered_at,amount\nU1,O1,2025-07-01 00:30:00 BST,40\nU2,O2,2025-09-01 09:00:00 CET,10\nU3,O3,2025-09-0x,10\nU4,O4,2025-09-02 09:00 EST,10\n',
    )
    const r = runCli(['summary', file, '--tz', 'Europe/London', '--as-of', '2025-09-30'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      "bst.csv:2 ordered_at: cannot read '2025-07-01 00:30:00 BST' as a date: BST after the time is a zone abbreviation",
    )
    expect(r.stderr).toContain(
      "bst.csv:3 ordered_at: cannot read '2025-09-01 09:00:00 CET' as a date: CET after the time is a zone abbreviation, which is not read: an abbreviation can stand for several zones (BST for British and Bangladesh time) or change its offset with summer time (CET)",
    )
    // a letter with no time before it is no zone: a typo, said as one
    expect(r.stderr).toContain(
      "bst.csv:4 ordered_at: cannot read '2025-09-0x' as a date (expected ISO 8601",
    )
    expect(r.stderr).toContain(
      "bst.csv:5 ordered_at: cannot read '2025-09-02 09:00 EST' as a date: EST after",
    )
  })

  it('UTC, GMT, offsets (with or without seconds) and IANA names after the time are read', () => {
    const dir = tempDir('loyals-offsets-')
    const file = write(
      dir,
      'ok.csv',
      [
        'customer_id,order_id,ordered_at,amount',
        'A,1,2025-07-01 23:30:00 UTC,1',
        'B,2,2025-07-01 23:30:00 GMT,1',
        'C,3,2025-07-02T00:30+01:00,1',
        'D,4,2025-07-02T00:30+0100,1',
        'E,5,2025-07-02 00:30:00 Europe/London,1',
        // a space before the offset, as Shopify writes it, with the seconds left out
        'F,6,2025-07-02 00:30 +0100,1',
        'G,7,2025-07-02 00:30 +01:00,1',
        // an offset of hours alone, as ISO 8601 lets it be written
        'H,8,2025-07-02T00:30+01,1',
        'I,9,2025-07-02 00:30:00 +01,1',
        'J,10,2025-07-02 00:30 +01,1',
      ].join('\n'),
    )
    const r = runCli([
      'summary',
      file,
      '--as-of',
      '2025-07-02',
      '--unit',
      'day',
      '--format',
      'json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const rows = JSON.parse(r.stdout) as { customer_id: string; first_purchase: string }[]
    // every one of them is 2025-07-01 23:30 UTC
    expect(rows.map((x) => [x.customer_id, x.first_purchase])).toEqual(
      ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((c) => [c, '2025-07-01']),
    )
  })

  it('a time without seconds with UTC, GMT or an IANA name after it is that instant, in both paths', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      // each file its own order ids, so that the second does not replace the first's orders
      const rows = (o: string) => [
        `A,${o}1,2025-03-12 23:30 UTC,1`,
        `B,${o}2,2025-03-12 23:30 gmt,1`,
        `C,${o}3,2025-03-12T23:30 Europe/London,1`,
        `D,${o}4,2025-03-12 16:30 America/Los_Angeles,1`,
      ]
      const header = 'customer_id,order_id,ordered_at,amount'
      const now = new Date('2025-04-01T00:00:00Z')
      const good = write(dir, 'nosec.csv', [header, ...rows('F')].join('\n'))
      // a bad row sends the file down the validating path; an abbreviation stays one
      const bad = write(
        dir,
        'nosec-bad.csv',
        [header, ...rows('V'), 'E,V5,2025-03-12 23:30 BST,1'].join('\n'),
      )
      for (const [file, extra] of [
        [good, {}],
        [bad, { skipBadRows: true }],
      ] as const) {
        const r = await importFile(engine, file, {
          kind: 'orders',
          now,
          tz: 'Asia/Tokyo',
          ...extra,
        })
        expect(r.rowsStored, file).toBe(4)
        const at = await engine.query<{ t: string }>(
          `SELECT CAST(ordered_at AS VARCHAR) AS t FROM orders WHERE source = '${file}'`,
        )
        // 16:30 in Los Angeles on 12 March is daylight time (-7): every one is 23:30 UTC
        expect(at.map((x) => x.t)).toEqual(Array(4).fill('2025-03-12 23:30:00'))
      }
    } finally {
      await engine.close()
    }
  })

  it('--tz BST is refused, naming the zone ICU would have used', () => {
    const dir = tempDir('loyals-tz-abbrev-')
    const file = write(dir, 'o.csv', 'customer_id,ordered_at,amount\nA,2025-07-01 10:00:00,1\n')
    const r = runCli(['summary', file, '--tz', 'BST'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown time zone 'BST': BST is an abbreviation, not a time zone")
    expect(r.stderr).toContain('Asia/Dhaka')
    expect(runCli(['summary', file, '--tz', 'Europe/London']).code).toBe(0)
  })

  it('--tz EST is refused: a fixed -05:00 all year, not the US Eastern time', () => {
    const dir = tempDir('loyals-tz-est-')
    const file = write(dir, 'o.csv', 'customer_id,ordered_at,amount\nA,2025-07-01 23:30:00,1\n')
    const r = runCli(['summary', file, '--tz', 'EST'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('EST is a fixed UTC-05:00 all year')
    expect(r.stderr).toContain('America/New_York')
    expect(runCli(['summary', file, '--tz', 'America/New_York']).code).toBe(0)
  })

  it('--tz UTC+2, GMT+2 or +05:00 is refused as an offset, however the engine would read it', () => {
    // DuckDB's ICU read UTC+2 as +02:00 and refused GMT+2; the IANA Etc/GMT+2 is UTC-2
    const dir = tempDir('loyals-tz-offset-')
    const file = write(dir, 'o.csv', 'customer_id,ordered_at,amount\nA,2025-07-01 23:30:00,1\n')
    for (const tz of ['UTC+2', 'GMT+2', 'utc-03:30', '+05:00', 'Z+1']) {
      const r = runCli(['summary', file, '--tz', tz])
      expect(r.code, tz).toBe(2)
      expect(r.stderr, tz).toContain(
        `unknown time zone '${tz}': ${tz} is an offset, not a time zone`,
      )
      expect(isTimeZone(tz), tz).toBe(false)
    }
    // the IANA database's fixed zones are names, read as such (Etc/GMT-2 is UTC+02:00)
    const etc = runCli(['summary', file, '--tz', 'Etc/GMT-2'])
    expect(etc.code, etc.stderr).toBe(0)
    expect(etc.stdout).toContain(',2025-07-01,')
  })

  it('an empty --tz is refused, not read as UTC over LOYALS_TZ', () => {
    const dir = tempDir('loyals-tz-empty-')
    const file = write(dir, 'o.csv', 'customer_id,ordered_at,amount\nA,2025-07-01 03:30:00,1\n')
    const env = { LOYALS_TZ: 'America/New_York' }
    for (const args of [
      ['summary', file, '--tz', ''],
      ['import', file, '--db', `${dir}/w.duckdb`, '--tz', ' '],
    ]) {
      const r = runCli(args, { env })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain('the --tz zone is empty')
    }
    // without the flag, LOYALS_TZ is the zone: 03:30 in New York is still 1 July
    const ok = runCli(['summary', file], { env })
    expect(ok.stdout).toContain(',2025-07-01,')
  })

  it('an empty --date-format or --map is refused, not read as none', () => {
    // QA: `--date-format ""` and `--map ""` (unset shell variables) were ignored without a word
    const dir = tempDir('loyals-empty-flags-')
    const file = write(dir, 'o.csv', 'customer_id,ordered_at,amount\nA,2025-07-01,1\n')
    for (const [args, said] of [
      [['summary', file, '--date-format', ''], 'the --date-format format is empty'],
      [
        ['import', file, '--db', `${dir}/w.duckdb`, '--date-format', ' '],
        'the --date-format format is empty',
      ],
      [['import', file, '--db', `${dir}/w.duckdb`, '--map', ''], 'the --map value is empty'],
      [['analyze', file, '--out', `${dir}/out`, '--map', ' '], 'the --map value is empty'],
    ] as const) {
      const r = runCli([...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toContain(said)
    }
    expect(existsSync(`${dir}/w.duckdb`)).toBe(false)
  })

  it("a customer's time zone trait must be a zone, not an abbreviation", () => {
    // EST too: a fixed -05:00, which a US east coast shop does not mean
    for (const z of ['BST', 'pst', 'IST', 'AST', 'EST']) {
      expect(zoneNameProblem(z), z).not.toBeNull()
      expect(isTimeZone(z), z).toBe(false)
    }
    for (const z of ['Europe/London', 'UTC', 'MST', 'CET', 'US/Eastern', 'EST5EDT']) {
      expect(zoneNameProblem(z), z).toBeNull()
      expect(isTimeZone(z), z).toBe(true)
    }
  })

  it('PM after the time is the 12-hour clock, not a zone: a bad date gets the format hint', () => {
    const dir = tempDir('loyals-ampm-')
    const file = write(
      dir,
      'pm.csv',
      'customer_id,ordered_at,amount\nA,2024-01-05 02:30 PM,1\nB,2024-13-01 02:30 PM,1\n',
    )
    const r = runCli(['summary', file, '--date-format', '%Y-%m-%d %I:%M %p'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      "pm.csv:3 ordered_at: cannot read '2024-13-01 02:30 PM' as a date with --date-format %Y-%m-%d %I:%M %p",
    )
    expect(r.stderr).not.toContain('zone abbreviation')
  })
})
