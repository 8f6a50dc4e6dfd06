// The fast import path must read every value exactly as the validating path does. These tests pit
// its shortcuts (the reader's DOUBLE parse, the trim skip, the date shape lanes, the monotonic key
// check) against the plain SQL they stand in for, on grids of tricky values.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tempDir } from '../../../test/helpers/cli.ts'
import { openDuckDb } from '../../data/duckdb.ts'
import type { Engine } from '../../data/engine.ts'
import { lit, sourceOf } from '../../data/queries/import-stage.ts'
import { openWorkspace } from '../../data/workspace.ts'
import type { ImportError } from '../../errors.ts'
import {
  doubleColumns,
  fastSource,
  timestampColumns,
  tryFastStage,
  ZULU_FORMAT,
} from './fast-path.ts'
import { importFile } from './import-file.ts'
import {
  dateSql,
  numberSql,
  type ParseOptions,
  type TypedSpec,
  textOf,
  typedSpec,
} from './validate.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
let engine: Engine
let dir: string

beforeAll(async () => {
  engine = await openDuckDb(':memory:')
  dir = tempDir('loyals-fast-')
})
afterAll(async () => {
  await engine.close()
})

/**
 * dateSql as it was before the shape lanes: the reference the lanes must agree with; like dateSql
 * it reads no text without a digit (DuckDB's casts took 'epoch' and 'infinity' as instants).
 */
function referenceDateSql(r: string, o: ParseOptions): string {
  return `CASE WHEN ${r} GLOB '*[0-9]*' THEN ${laneFreeDateSql(r, o)} END`
}

function laneFreeDateSql(r: string, o: ParseOptions): string {
  const toUtc = (naive: string) =>
    o.tz === 'UTC' ? naive : `timezone('UTC', timezone(${lit(o.tz)}, ${naive}))`
  const zulu = `(ends_with(${r}, 'Z') OR ends_with(${r}, 'z'))`
  const noOffset = `(length(${r}) <= 19 AND NOT contains(${r}, '+') AND NOT ${zulu} AND strpos(substr(${r}, 11), '-') = 0)`
  const spaced = `CASE WHEN regexp_matches(${r}, '\\s[+-]\\d{2}:?\\d{2}$') THEN try_cast(regexp_replace(${r}, '\\s+([+-]\\d{2}:?\\d{2})$', '\\1') AS TIMESTAMPTZ) END`
  const offset = `timezone('UTC', coalesce(try_cast(${r} AS TIMESTAMPTZ), ${spaced}))`
  const utc = `(${zulu} AND length(${r}) BETWEEN 17 AND 30 AND NOT contains(${r}, '+') AND strpos(substr(${r}, 11), '-') = 0 AND substr(${r}, length(${r}) - 1, 1) BETWEEN '0' AND '9')`
  return `CASE WHEN ${noOffset} THEN ${toUtc(`try_cast(${r} AS TIMESTAMP)`)}
    WHEN ${utc} THEN coalesce(try_cast(left(${r}, length(${r}) - 1) AS TIMESTAMP), ${offset})
    ELSE ${offset} END`
}

// Hand-picked texts around every branch: offsets, Z, fractions, date-only, out-of-range parts,
// DST gaps and overlaps, padding. (Named zones such as "Europe/Paris" are left out: DuckDB's
// TIMESTAMPTZ cast keeps such a zone for the later rows of its batch, in both versions alike.)
const TRICKY_DATES = [
  '2025-06-30T15:33:45Z',
  '2025-06-30T15:33:45z',
  '2025-06-30 15:33:45Z',
  '2025-06-30T15:33:45',
  '2025-06-30 15:33:45',
  '2025-06-30',
  '2025-6-3',
  '2025-06-30T15:33',
  '2025-06-30T15:33Z',
  '2025-06-30T15:33:45.123456Z',
  '2025-06-30T15:33:45.1234567Z',
  '2025-06-30T15:33:45.5',
  '2025-06-30T15:33:45+02:00',
  '2025-06-30T15:33:45-0500',
  '2025-06-30 15:33:45 -0500',
  '2025-06-30 15:33:45 +05:30',
  '2025-06-30T15:33:45+02',
  '2025-06-30T15:33:45 UTC',
  '2025-06-30T15:33:45ZZ',
  '2025-06-30T15:33:45Z ',
  '2025-06-30T15:33:45.Z',
  'infinity',
  '-infinity',
  'epoch',
  'now',
  '2025-02-30',
  '2024-02-29T24:00:00',
  '2025-06-30T24:00:00Z',
  '2025-06-30T15:60:00Z',
  '0001-01-01T00:00:00Z',
  '10000-01-01T00:00:00Z',
  '-2025-06-30T15:33:45Z',
  '0044-03-15 BC',
  '99-01-01',
  '2025/06/30',
  '20250630',
  '2025-03-09T02:30:00',
  '2025-03-09 02:30:00Z',
  '2025-11-02T01:30:00',
  '2025-03-30T02:30:00',
  '2025-10-26T02:30:00',
]

describe('dateSql shape lanes', () => {
  for (const tz of ['UTC', 'America/New_York', 'Europe/Paris']) {
    test(`agree with the branch tests on a grid of ISO-like texts (${tz})`, async () => {
      const o: ParseOptions = { tz, now: NOW }
      const part = (xs: string[]) => `unnest([${xs.map(lit).join(', ')}])`
      // every combination of in- and out-of-range parts, with T or space, with and without Z
      await engine.exec(`CREATE OR REPLACE TEMP TABLE grid AS
SELECT y || '-' || m || '-' || d || s || hh || ':' || mi || ':' || ss || z AS r
FROM (SELECT ${part(['0000', '0001', '1969', '2000', '2024', '2025', '9999'])} AS y)
CROSS JOIN (SELECT ${part(['00', '01', '02', '03', '10', '11', '12', '13'])} AS m)
CROSS JOIN (SELECT ${part(['00', '01', '08', '09', '28', '29', '30', '31', '32'])} AS d)
CROSS JOIN (SELECT ${part(['T', ' '])} AS s)
CROSS JOIN (SELECT ${part(['00', '01', '02', '23', '24', '25'])} AS hh)
CROSS JOIN (SELECT ${part(['00', '30', '59', '60'])} AS mi)
CROSS JOIN (SELECT ${part(['00', '59', '60'])} AS ss)
CROSS JOIN (SELECT ${part(['', 'Z'])} AS z)
UNION ALL
SELECT y || '-' || m || '-' || d FROM (SELECT ${part(['0000', '1969', '2024', '9999'])} AS y)
CROSS JOIN (SELECT ${part(['00', '01', '02', '12', '13'])} AS m)
CROSS JOIN (SELECT ${part(['00', '01', '28', '29', '30', '31', '32'])} AS d)
UNION ALL SELECT ${part(TRICKY_DATES)}`)
      await engine.exec(`SET TimeZone = ${lit(tz)}`)
      try {
        const [c] = await engine.query<{
          n: number
          parsed: number
          differ: number
          example: string | null
        }>(`SELECT count(*) AS n, count(now) AS parsed,
  count(*) FILTER (WHERE now IS DISTINCT FROM ref) AS differ,
  min(r) FILTER (WHERE now IS DISTINCT FROM ref) AS example
FROM (SELECT r, ${dateSql('r', o)} AS now, ${referenceDateSql('r', o)} AS ref FROM grid)`)
        expect(c?.n).toBeGreaterThan(20_000)
        // both parsed and unparsed texts are in the grid
        expect(c?.parsed).toBeGreaterThan(1000)
        expect(c?.parsed).toBeLessThan(c?.n ?? 0)
        expect({ differ: c?.differ, example: c?.example }).toEqual({ differ: 0, example: null })
      } finally {
        await engine.exec("SET TimeZone = 'UTC'")
      }
    })
  }
})

describe('textOf', () => {
  test('is nullif(trim(text), "") for every code point at either end, blanks and NULL', async () => {
    await engine.exec(`CREATE OR REPLACE TEMP TABLE texts AS
SELECT x FROM (SELECT chr(CAST(c AS INTEGER)) AS ch FROM range(1, 70000) t(c)
               WHERE c < 55296 OR c > 57343),
  LATERAL (SELECT unnest([ch, ch || 'a', 'a' || ch, ch || 'a' || ch, ch || ch, ' ' || ch]) AS x)
UNION ALL SELECT unnest(['', ' ', '   ', ' a', 'a ', '  a b  ', 'a b', NULL, 'é', ' é ', 'ab' || chr(12288)])`)
    const [c] = await engine.query<{ n: number; spaces: number; differ: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE trim(x) <> x) AS spaces,
  count(*) FILTER (WHERE ${textOf('x')} IS DISTINCT FROM nullif(trim(x), '')) AS differ FROM texts`,
    )
    expect(c?.n).toBeGreaterThan(300_000)
    expect(c?.spaces).toBeGreaterThan(50)
    expect(c?.differ).toBe(0)
  })
})

/** The CSV reader's DOUBLE for `text` (the field of a one-row file), or 'error'. */
async function readerDouble(text: string, i: number): Promise<number | null | 'error'> {
  const file = join(dir, `n${i}.csv`)
  writeFileSync(file, `id,amount\n1,${text}\n`)
  try {
    const rows = await engine.query<{ a: number | null }>(
      `SELECT amount AS a FROM ${fastSource(sourceOf(file, 'csv', false), ['amount'])}`,
    )
    return rows[0]?.a ?? null
  } catch {
    return 'error'
  }
}

describe("the CSV reader's DOUBLE", () => {
  const values = [
    '86.77',
    '-5',
    '+5',
    '1e3',
    '1E-3',
    '.5',
    '5.',
    '0x10',
    '1_000',
    '"1,000"',
    '"$1,234.50"',
    '$5',
    '(12.00)',
    '12 EUR',
    'inf',
    '-Infinity',
    'NaN',
    '  12.5  ',
    '" 12.5 "',
    '\t12',
    ' ',
    '""',
    '" "',
    '1e400',
    '4.9e-324',
    '1e-400',
    '00012',
    '1 000',
    '12e',
    '--5',
    '+-5',
    '5-',
    '1.2.3',
    '-0',
    '123456789012345678901234567890',
    '0.30000000000000004',
    'true',
    '١٢',
  ]
  test('reads a value only as try_cast of its trimmed text, else fails the read', async () => {
    const seen = { read: 0, failed: 0, blank: 0 }
    for (const [i, v] of values.entries()) {
      const got = await readerDouble(v, i)
      // what the all-text path makes of the same field
      const file = join(dir, `n${i}.csv`)
      const [ref] = await engine.query<{ r: string | null; fast: number | null; v: number | null }>(
        `SELECT r, fast, ${numberSql('r', 'fast')} AS v FROM (
          SELECT r, try_cast(r AS DOUBLE) AS fast FROM (
            SELECT ${textOf('amount')} AS r FROM ${fastSource(sourceOf(file, 'csv', false))}))`,
      )
      if (got === 'error') {
        seen.failed++
        continue
      }
      if (got === null) {
        seen.blank++
        expect({ v, r: ref?.r }).toEqual({ v, r: null })
        continue
      }
      seen.read++
      expect({ v, got }).toEqual({ v, got: ref?.fast })
      // a non-finite read is a bad row on the fast path and a bad value on the text path
      // (both paths store -0, and anything below half a millionth in size, as 0, as numberSql
      // reads it: belowMillionthAsZero)
      const stored = Math.abs(got) < 0.0000005 ? 0 : got
      if (Number.isFinite(got)) expect({ v, got: stored }).toEqual({ v, got: ref?.v })
      else expect({ v, ref: ref?.v }).toEqual({ v, ref: null })
    }
    expect(seen.read).toBeGreaterThan(15)
    expect(seen.failed).toBeGreaterThan(8)
    expect(seen.blank).toBeGreaterThan(0)
  })

  test('only columns read by number fields alone, as their plain text, are typed', () => {
    const spec = typedSpec('orders', {
      layout: 'plain',
      columns: { customer_id: 'c', ordered_at: 't', amount: 'a', cost: 'k', order_id: 'o' },
    })
    expect(doubleColumns(spec).sort()).toEqual(['a', 'k'])
    const shared: TypedSpec = {
      ...spec,
      fields: spec.fields.map((f) => (f.field === 'channel' ? { ...f, raw: textOf('k') } : f)),
    }
    expect(doubleColumns(shared)).toEqual(['a'])
    expect(fastSource(sourceOf('x.csv', 'csv', false), ['a'])).toBe(
      "read_csv('x.csv', all_varchar=true, header=true, skip=0, types={'a': 'DOUBLE'})",
    )
    expect(fastSource(sourceOf('x.parquet', 'parquet', false), ['a'])).toBe(
      "read_parquet('x.parquet')",
    )
  })
})

/** Run the fast stage on `csv`; its result and the repeated keys it found. */
async function fastStage(csv: string, name: string) {
  const file = join(dir, name)
  writeFileSync(file, csv)
  const header = csv.split('\n')[0]?.split(',') ?? []
  const columns = Object.fromEntries(header.map((h) => [h, h]))
  const spec = typedSpec('orders', { layout: 'plain', columns })
  const source = sourceOf(file, 'csv', false)
  const parse: ParseOptions = { tz: 'UTC', now: NOW }
  const r = await tryFastStage(engine, {
    source: fastSource(source),
    typedSource: fastSource(source, doubleColumns(spec)),
    datedSource: fastSource(source, doubleColumns(spec), timestampColumns(spec, parse)),
    spec,
    parse,
    firstLine: 2,
    tally: 'order_id IS NULL OR amount < 0',
  })
  const dup = r
    ? (await engine.query<{ k: string }>('SELECT k FROM import_dupkeys ORDER BY k')).map((d) => d.k)
    : null
  const typed = r
    ? await engine.query<{ line: number; amount: number; t: string }>(
        `SELECT __line AS line, amount, CAST(ordered_at AS VARCHAR) AS t FROM import_typed ORDER BY 1`,
      )
    : null
  return { r, dup, typed }
}

const rows = (ids: string[], amount = '10') =>
  `order_id,customer_id,ordered_at,amount\n${ids.map((id) => `${id},c1,2024-01-01T10:00:00Z,${amount}`).join('\n')}\n`

describe('tryFastStage', () => {
  test('sorted, numeric, descending and shuffled unique ids: no repeated keys', async () => {
    for (const ids of [
      ['A-01', 'A-02', 'A-10'],
      ['8', '9', '10', '11', '100'],
      ['100', '11', '10', '9', '8'],
      ['z', 'y', 'b', 'a'],
      ['3', '1', '2', '10'],
    ]) {
      const { r, dup } = await fastStage(rows(ids), 'ids.csv')
      expect({ ids, r, dup }).toEqual({
        ids,
        r: { rows: ids.length, tally: 0, formattedNumbers: false },
        dup: [],
      })
    }
  })

  test('a repeated id is found in sorted files too, and different content fails', async () => {
    const same = await fastStage(rows(['A-1', 'A-2', 'A-2', 'A-3']), 'same.csv')
    expect(same.r).toEqual({ rows: 4, tally: 0, formattedNumbers: false })
    expect(same.dup).toEqual(['A-2'])
    const other = rows(['A-1', 'A-2']).replace(/\n$/, '\nA-2,c9,2024-01-01T10:00:00Z,10\n')
    expect((await fastStage(other, 'other.csv')).r).toBeNull()
    // refunds repeat their order's id on purpose: outside the key scope, counted by the tally
    const refund = await fastStage(`${rows(['A-1', 'A-2'])}A-1,c1,2024-01-02,-4\n`, 'refund.csv')
    expect(refund.r).toEqual({ rows: 3, tally: 1, formattedNumbers: false })
    expect(refund.dup).toEqual([])
  })

  test('formatted amounts take the all-text read, with the same values', async () => {
    const csv =
      'order_id,customer_id,ordered_at,amount\nA,c1,2024-01-01,12.5\nB,c1,2024-01-02,"$1,234.50"\nC,c2,2024-01-03 10:00:00 -0500,(3)\n'
    const { r, typed } = await fastStage(csv, 'money.csv')
    // the amounts did not read as DOUBLE: the caller knows their text may carry currency marks
    expect(r).toEqual({ rows: 3, tally: 1, formattedNumbers: true })
    expect(typed).toEqual([
      { line: 2, amount: 12.5, t: '2024-01-01 00:00:00' },
      { line: 3, amount: 1234.5, t: '2024-01-02 00:00:00' },
      { line: 4, amount: -3, t: '2024-01-03 15:00:00' },
    ])
  })

  test('plain numbers read as DOUBLE keep their values; a non-finite one is a bad row', async () => {
    const csv =
      'order_id,customer_id,ordered_at,amount\nA, c1 ,2024-01-01T10:00:00Z, 12.5 \nB,c1,2024-01-02T10:00:00+02:00,1e3\nC,c2,2024-01-03,.5\n'
    const { r, typed } = await fastStage(csv, 'plain.csv')
    expect(r).toEqual({ rows: 3, tally: 0, formattedNumbers: false })
    expect(typed).toEqual([
      { line: 2, amount: 12.5, t: '2024-01-01 10:00:00' },
      { line: 3, amount: 1000, t: '2024-01-02 08:00:00' },
      { line: 4, amount: 0.5, t: '2024-01-03 00:00:00' },
    ])
    const [c] = await engine.query<{ c: string }>(
      `SELECT customer_id AS c FROM import_typed WHERE order_id = 'A'`,
    )
    expect(c?.c).toBe('c1')
    expect((await fastStage(`${rows(['A'])}B,c1,2024-01-01,inf\n`, 'inf.csv')).r).toBeNull()
    expect((await fastStage(`${rows(['A'])}B,c1,2024-01-01, \n`, 'blank.csv')).r).toBeNull()
  })
})

describe("the CSV reader's TIMESTAMP", () => {
  // ISO texts with Z, in and out of range, with short parts and padding of every kind
  const part = (xs: string[]) => `unnest([${xs.map(lit).join(', ')}])`
  const PADS = ['', ' ', '  ', '\t', '\r', '\n', '\v', '\f', '\u00a0']
  const zGrid = `SELECT p || y || '-' || m || '-' || d || 'T' || hh || ':' || mi || ':' || ss || 'Z' || q AS r
FROM (SELECT ${part(['0', '0000', '0001', '1900', '1969', '2024', '9999', '10000'])} AS y)
CROSS JOIN (SELECT ${part(['0', '1', '01', '02', '12', '13', '001'])} AS m)
CROSS JOIN (SELECT ${part(['0', '1', '01', '29', '30', '31', '32'])} AS d)
CROSS JOIN (SELECT ${part(['0', '00', '1', '23', '24'])} AS hh)
CROSS JOIN (SELECT ${part(['0', '00', '59', '60'])} AS mi)
CROSS JOIN (SELECT ${part(['0', '00', '59', '60', '61'])} AS ss)
CROSS JOIN (SELECT ${part(PADS)} AS p) CROSS JOIN (SELECT ${part(PADS)} AS q)
UNION ALL SELECT ${part(TRICKY_DATES)}`

  test('strptime in ZULU_FORMAT gives what dateSql gives, but for the specials (UTC)', async () => {
    const o: ParseOptions = { tz: 'UTC', now: NOW }
    await engine.exec(`CREATE OR REPLACE TEMP TABLE zgrid AS ${zGrid}`)
    const [c] = await engine.query<{
      n: number
      taken: number
      special: number
      differ: number
      example: string | null
    }>(`SELECT count(*) AS n, count(t) AS taken,
  count(*) FILTER (WHERE t = TIMESTAMP '1900-01-01 00:00:00') AS special,
  count(*) FILTER (WHERE t IS NOT NULL AND t <> TIMESTAMP '1900-01-01 00:00:00'
    AND t IS DISTINCT FROM d) AS differ,
  min(r) FILTER (WHERE t IS NOT NULL AND t <> TIMESTAMP '1900-01-01 00:00:00'
    AND t IS DISTINCT FROM d) AS example
FROM (SELECT r, try_strptime(r, ${lit(ZULU_FORMAT)}) AS t, ${dateSql(`(${textOf('r')})`, o)} AS d
      FROM zgrid)`)
    expect(c?.n).toBeGreaterThan(100_000)
    expect(c?.taken).toBeGreaterThan(10_000)
    // 'epoch', 'infinity' and '-infinity' (and the true 1900-01-01T00:00:00Z texts) take that value
    expect(c?.special).toBeGreaterThan(3)
    expect({ differ: c?.differ, example: c?.example }).toEqual({ differ: 0, example: null })
  })

  test('the reader parses a value as strptime does, or throws when strptime gives NULL', async () => {
    const values = [
      ...TRICKY_DATES,
      ...PADS.flatMap((p) => [`${p}2025-06-30T15:33:45Z${p}`, `${p}2025-6-3T1:2:3Z`]),
      '1900-01-01T00:00:00Z',
    ]
    const file = join(dir, 'one-date.csv')
    for (const v of values) {
      writeFileSync(file, `id,t\n1,"${v}"\n`)
      const src = `read_csv(${lit(file)}, all_varchar=true, header=true, quote='"', types={'t': 'TIMESTAMP'}, timestampformat=${lit(ZULU_FORMAT)})`
      const [want] = await engine.query<{ t: string | null }>({
        sql: `SELECT CAST(try_strptime($1, ${lit(ZULU_FORMAT)}) AS VARCHAR) AS t`,
        params: [v],
      })
      let got: string | null
      try {
        const [r] = await engine.query<{ t: string | null }>(
          `SELECT CAST(t AS VARCHAR) AS t FROM ${src}`,
        )
        got = r?.t ?? null
      } catch {
        got = null
      }
      expect({ v, got }).toEqual({ v, got: want?.t ?? null })
    }
  })

  test('only plain date columns of UTC imports without --date-format', () => {
    const spec = typedSpec('orders', {
      layout: 'plain',
      columns: { order_id: 'k', customer_id: 'c', ordered_at: 't', amount: 'a' },
    })
    expect(timestampColumns(spec, { tz: 'UTC', now: NOW })).toEqual(['t'])
    expect(timestampColumns(spec, { tz: 'Europe/Paris', now: NOW })).toEqual([])
    expect(timestampColumns(spec, { tz: 'UTC', now: NOW, dateFormat: '%d/%m/%Y' })).toEqual([])
    expect(fastSource(sourceOf('x.csv', 'csv', false), ['a'], ['t'])).toBe(
      "read_csv('x.csv', all_varchar=true, header=true, skip=0, types={'a': 'DOUBLE', 't': 'TIMESTAMP'}, timestampformat='%Y-%m-%dT%H:%M:%SZ')",
    )
  })

  test('a file of Z dates is read as is; other shapes, specials and bad dates fall back', async () => {
    const z = await fastStage(rows(['A', 'B']), 'zulu.csv')
    expect(z.r).toEqual({ rows: 2, tally: 0, formattedNumbers: false })
    expect(z.typed?.map((t) => t.t)).toEqual(['2024-01-01 10:00:00', '2024-01-01 10:00:00'])
    // an offset deep in the file: the dated read throws, the text read converts it
    const mixed = await fastStage(`${rows(['A'])}B,c1,2024-01-01T10:00:00+02:00,10\n`, 'mix.csv')
    // the amounts still read as DOUBLE (the read without typed dates): not formatted
    expect(mixed.r).toEqual({ rows: 2, tally: 0, formattedNumbers: false })
    expect(mixed.typed?.map((t) => t.t)).toEqual(['2024-01-01 10:00:00', '2024-01-01 08:00:00'])
    // ... and with a formatted amount too
    const money = await fastStage(`${rows(['A'])}B,c1,2024-01-02,"$1,234.50"\n`, 'mixm.csv')
    expect(money.r?.formattedNumbers).toBe(true)
    expect(money.typed).toEqual([
      { line: 2, amount: 10, t: '2024-01-01 10:00:00' },
      { line: 3, amount: 1234.5, t: '2024-01-02 00:00:00' },
    ])
    // strptime's value for the specials: the validating path reads those rows
    for (const v of ['epoch', 'infinity', '1900-01-01T00:00:00Z']) {
      expect((await fastStage(`${rows(['A'])}B,c1,${v},10\n`, 'special.csv')).r).toBeNull()
    }
    expect(
      (await fastStage(`${rows(['A'])}B,c1,2024-13-01T10:00:00Z,10\n`, 'bad.csv')).r,
    ).toBeNull()
    expect(
      (await fastStage(`${rows(['A'])}B,c1,2099-01-01T10:00:00Z,10\n`, 'late.csv')).r,
    ).toBeNull()
  })

  test('an import with a special date gets what the validating path says of it: a bad row', async () => {
    const file = join(dir, 'epoch.csv')
    writeFileSync(file, `${rows(['A'])}B,c1,epoch,10\n`)
    const scratch = await openWorkspace(':memory:')
    try {
      // the fast path's reader took 'epoch' as 1900-01-01; the validating path reads no date in it
      const e = await importFile(scratch, file, { kind: 'orders', now: NOW, scratch: true }).then(
        () => null,
        (x: unknown) => x as ImportError,
      )
      expect(e?.problems.map((p) => [p.line, p.column])).toEqual([[3, 'ordered_at']])
      expect(e?.problems[0]?.reason).toMatch(/^cannot read 'epoch' as a date/)
    } finally {
      await scratch.close()
    }
  })
})
