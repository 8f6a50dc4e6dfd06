// Dates that are not ISO 8601 ("12/1/2010 8:26" in a US export, "01.12.2010" in a German one) are
// read without --date-format when exactly one common shape reads every value of the file's date
// columns; when two do (03/04/2024: March 4 or 3 April?) the user is asked to choose. The shapes
// are tried on a sample first, and only the ones that read all of it are checked on every row.
import type { Engine } from '../../data/engine.ts'
import { ident, lit } from '../../data/queries/import-stage.ts'
import {
  dateSql,
  EARLIEST_DATE,
  earliestSql,
  fieldParse,
  type ParseOptions,
  type TypedSpec,
} from './validate.ts'

/** One way of writing dates: a name for messages and the strptime formats that read it. */
export interface DateShape {
  /** "month/day/year": the order of the parts, as a person would say it. */
  readonly label: string
  /** Tried in order (longest first): the date alone and followed by common times of day. */
  readonly formats: readonly string[]
}

/** Times of day that may follow a date, each with the separator before it. */
const TIMES = [' %H:%M:%S', ' %H:%M', ' %I:%M:%S %p', ' %I:%M %p', 'T%H:%M:%S', 'T%H:%M', '']

const shape = (label: string, date: string): DateShape => ({
  label,
  formats: TIMES.map((t) => `${date}${t}`),
})

/**
 * The shapes tried, none of them ISO 8601 (which is read without any). Only the pairs of a
 * separator's month-first and day-first shapes can both read a file (every day <= 12). Dates
 * with dots are day-first wherever they are written (01.02.2024 is 1 February in Germany,
 * Russia, Poland ...): no month-first reading competes with them (--date-format %m.%d.%Y reads
 * one).
 */
export const DATE_SHAPES: readonly DateShape[] = [
  ...['/', '-'].flatMap((s) => [
    shape('month/day/year', `%m${s}%d${s}%Y`),
    shape('day/month/year', `%d${s}%m${s}%Y`),
    shape('month/day/two-digit year', `%m${s}%d${s}%y`),
    shape('day/month/two-digit year', `%d${s}%m${s}%y`),
  ]),
  // year first with two digits (24-01-13): it reads every dd-mm-yy date of 2001-2031 too, so the
  // two compete in most such files; a reading that puts dates in the future loses (see below)
  shape('two-digit year-month-day', '%y-%m-%d'),
  shape('two-digit year/month/day', '%y/%m/%d'),
  shape('day.month.year', '%d.%m.%Y'),
  shape('day.month.two-digit year', '%d.%m.%y'),
  shape('year/month/day', '%Y/%m/%d'),
  shape('year.month.day', '%Y.%m.%d'),
  shape('yearmonthday', '%Y%m%d'),
  shape('day month-name year', '%d %b %Y'),
  shape('day-month-name-year', '%d-%b-%Y'),
  shape('month-name day, year', '%b %d, %Y'),
  shape('day full-month-name year', '%d %B %Y'),
  shape('full-month-name day, year', '%B %d, %Y'),
]

/** A shape with the one of its formats that reads an example value, as --date-format takes it. */
export interface DateReading {
  readonly shape: DateShape
  readonly format: string
  /** The value `format` was chosen for. */
  readonly example: string
}

export type DateShapeResult =
  | { readonly kind: 'one'; readonly reading: DateReading }
  | {
      readonly kind: 'several'
      readonly readings: readonly DateReading[]
      readonly example: string
    }
  | { readonly kind: 'none' }
  /**
   * No shape reads every date, and two read as many of them (more than half): the file mixes
   * them, each reading with an `example` that only it reads (06/13/2024 and 13/06/2024).
   */
  | { readonly kind: 'mixed'; readonly readings: readonly [DateReading, DateReading] }

/** The first format of each shape that reads `value` (every shape given reads it). */
async function formatsFor(
  engine: Engine,
  shapes: readonly DateShape[],
  value: string,
): Promise<DateReading[]> {
  const cols = shapes.flatMap((s, i) =>
    s.formats.map((f, j) => `try_strptime(${lit(value)}, ${lit(f)}) IS NOT NULL AS s${i}_${j}`),
  )
  const [r] = await engine.query<Record<string, boolean>>(`SELECT ${cols.join(', ')}`)
  return shapes.map((shape, i) => ({
    shape,
    format: shape.formats.find((_, j) => r?.[`s${i}_${j}`] === true) ?? shape.formats[0] ?? '',
    example: value,
  }))
}

/** Whole-file misses already counted, of `shapes` (in DATE_SHAPES), over `n` values. */
interface WholeCounts {
  readonly shapes: readonly DateShape[]
  readonly missed: readonly number[]
  readonly n: number
}

/** Rows of the sample the shapes are first tried on. */
const SAMPLE = 20_000

/**
 * Which shapes read every non-empty value of `columns` (text columns of `table`) as a date from
 * 1900 on (a %Y that took a two-digit year, 0097, is not a reading). A date in the future is a
 * reading, but among readings that disagree, those that put a date after `now` (plus the import's
 * day of grace) lose to those that put none: the import would refuse those rows. A file that only
 * one reading takes gets it, future dates and all: the import then reports them as such.
 */
export async function inferDateShape(
  engine: Engine,
  args: { table: string; columns: readonly string[]; now?: Date },
): Promise<DateShapeResult> {
  if (args.columns.length === 0) return { kind: 'none' }
  const values = args.columns
    .map((c) => `SELECT ${ident(c)} AS v FROM ${ident(args.table)} WHERE ${ident(c)} IS NOT NULL`)
    .join('\nUNION ALL\n')
  const read = (s: DateShape) => `try_strptime(v, [${s.formats.map(lit).join(', ')}])`
  // a value a shape does not read as a date from 1900 on. One that begins as ISO 8601 does (four
  // digits and a dash: none of the shapes' 140 formats reads one, test/import/date-shapes.test.ts)
  // is said so first, without trying them: in a file of ISO dates with one bad date, trying every
  // format on every row took 50-100 s a million rows
  // (a CASE: its ELSE runs on the other rows alone, where OR tried every format on every row)
  const unread = (s: DateShape) =>
    `CASE WHEN regexp_matches(v, '^[0-9]{4}-') THEN true ELSE ${read(s)} IS NULL OR ${read(s)} < ${EARLIEST_DATE} END`
  const misses = (shapes: readonly DateShape[], from: string) =>
    engine.query<Record<string, number>>(`SELECT ${shapes
      .map((s, i) => `count(*) FILTER (WHERE ${unread(s)}) AS m${i}`)
      .join(',\n  ')}, min(v) AS example, count(*) AS n
FROM (${from})`)
  const fitting = async (shapes: readonly DateShape[], from: string) => {
    const [r] = await misses(shapes, from)
    const missed = shapes.map((_, i) => Number(r?.[`m${i}`] ?? 1))
    const n = Number(r?.n ?? 0)
    return { fit: shapes.filter((_, i) => missed[i] === 0), missed, n, example: r?.example }
  }
  /**
   * Each shape's misses over the whole file, for the shapes that may miss fewest: a shape misses
   * at least what it missed in the sample, so one that missed more there than another misses in
   * the whole file is left at its sample count (a bound, above the fewest). Every shape over every
   * row cost 100 s on a million rows with one bad date, the shapes that read the sample ~2 s.
   */
  const wholeMisses = async (sampleMissed: readonly number[], known?: WholeCounts) => {
    const missed = [...sampleMissed]
    const counted = new Set<number>()
    let n = 0
    let fewest = Number.POSITIVE_INFINITY
    // the whole-file counts already taken (of the shapes that read the sample)
    if (known) {
      n = known.n
      known.shapes.forEach((s, k) => {
        const i = DATE_SHAPES.indexOf(s)
        missed[i] = known.missed[k]!
        counted.add(i)
        fewest = Math.min(fewest, missed[i]!)
      })
    }
    const count = async (pick: (m: number) => boolean) => {
      const idx = DATE_SHAPES.flatMap((_, i) => (!counted.has(i) && pick(missed[i]!) ? [i] : []))
      if (idx.length === 0) return
      const [r] = await misses(
        idx.map((i) => DATE_SHAPES[i]!),
        values,
      )
      n = Number(r?.n ?? 0)
      idx.forEach((i, k) => {
        missed[i] = Number(r?.[`m${k}`] ?? n)
        counted.add(i)
        fewest = Math.min(fewest, missed[i]!)
      })
    }
    const least = Math.min(...sampleMissed)
    await count((m) => m === least)
    await count((m) => m <= fewest)
    return { missed, n, fewest }
  }
  // No shape reads every date: one that reads most of them, and more than any other, is the
  // file's; the dates it cannot read are bad rows, named as such ("06/13/2024" among day-first
  // dates), instead of every date reported as unreadable.
  const mostly = async (
    sampleMissed: readonly number[],
    known?: WholeCounts,
  ): Promise<DateShapeResult> => {
    const { missed, n, fewest } = await wholeMisses(sampleMissed, known)
    const best = DATE_SHAPES.filter((_, i) => missed[i] === fewest)
    if (fewest * 2 >= n) return { kind: 'none' }
    if (best.length === 2) {
      // a value each reads and the other does not
      const [a, b] = best as [DateShape, DateShape]
      const [e] = await engine.query<{ a: string | null; b: string | null }>(
        `SELECT min(v) FILTER (WHERE ${unread(b)} AND NOT (${unread(a)})) AS a,
  min(v) FILTER (WHERE ${unread(a)} AND NOT (${unread(b)})) AS b FROM (${values})`,
      )
      if (e?.a && e.b) {
        const [ra] = await formatsFor(engine, [a], e.a)
        const [rb] = await formatsFor(engine, [b], e.b)
        if (ra && rb) return { kind: 'mixed', readings: [ra, rb] }
      }
    }
    if (best.length !== 1) return { kind: 'none' }
    const [example] = await engine.query<{ v: string }>(
      `SELECT min(v) AS v FROM (${values}) WHERE ${read(best[0]!)} >= ${EARLIEST_DATE}`,
    )
    const [reading] = await formatsFor(engine, best, String(example?.v ?? ''))
    return reading ? { kind: 'one', reading } : { kind: 'none' }
  }
  const sampled = await fitting(DATE_SHAPES, `SELECT v FROM (${values}) LIMIT ${SAMPLE}`)
  if (sampled.fit.length === 0) return mostly(sampled.missed)
  const all = await fitting(sampled.fit, values)
  const [first, ...others] = all.fit
  if (!first) return mostly(sampled.missed, { shapes: sampled.fit, ...all })
  // shapes that read every value as the same instant (%b and %B both taking "Dec") are one reading
  const differ = others.map((s) => `${read(first)} <> ${read(s)}`)
  const [d] =
    differ.length === 0
      ? [{}]
      : await engine.query<Record<string, number | string | null>>(`SELECT ${differ
          .map(
            (c, i) => `count(*) FILTER (WHERE ${c}) AS d${i}, min(v) FILTER (WHERE ${c}) AS e${i}`,
          )
          .join(',\n  ')}
FROM (${values})`)
  const rivals = others.filter((_, i) => Number(d?.[`d${i}`] ?? 0) > 0)
  if (rivals.length > 0) {
    const latest = `(TIMESTAMP ${lit((args.now ?? new Date()).toISOString().replace('T', ' ').replace('Z', ''))} + INTERVAL 1 DAY)`
    const candidates = [first, ...rivals]
    const [f] = await engine.query<Record<string, number>>(
      `SELECT ${candidates
        .map((s, i) => `count(*) FILTER (WHERE ${read(s)} > ${latest}) AS f${i}`)
        .join(', ')} FROM (${values})`,
    )
    const past = candidates.filter((_, i) => Number(f?.[`f${i}`] ?? 0) === 0)
    if (past.length > 0 && past.length < candidates.length) {
      if (past.length === 1) {
        const [reading] = await formatsFor(engine, past, String(all.example ?? ''))
        return reading ? { kind: 'one', reading } : { kind: 'none' }
      }
      return {
        kind: 'several',
        readings: await formatsFor(engine, past, String(all.example ?? '')),
        example: String(all.example ?? ''),
      }
    }
  }
  if (rivals.length === 0) {
    const [reading] = await formatsFor(engine, [first], String(all.example ?? ''))
    return reading ? { kind: 'one', reading } : { kind: 'none' }
  }
  const example = String(d?.[`e${others.indexOf(rivals[0] as DateShape)}`] ?? all.example ?? '')
  return {
    kind: 'several',
    readings: await formatsFor(engine, [first, ...rivals], example),
    example,
  }
}

/** The date fields of `spec` that the file has a column for. */
const dateFields = (spec: TypedSpec) =>
  spec.fields.filter((f) => f.type === 'date' && f.header !== null)

/**
 * The shape of the dates of `table`, a table with the text `<field>__raw` and its ISO 8601 parse
 * `<field>` of each date field of `spec` (import_typed, or a sample of the file made so): null
 * when every date read as ISO 8601, else which shapes read them (inferDateShape).
 */
export async function unreadDateShape(
  engine: Engine,
  args: { table: string; spec: TypedSpec; now?: Date; tz?: string },
): Promise<DateShapeResult | null> {
  const dates = dateFields(args.spec)
  if (dates.length === 0) return null
  // a date before 1900 is unread too: ISO 8601 took a two-digit year (01/05/24 as the year 1)
  const unread = dates
    .map(
      (f) =>
        `(${ident(`${f.field}__raw`)} IS NOT NULL AND coalesce(${ident(f.field)} < ${earliestSql(args.tz ?? 'UTC')}, true))`,
    )
    .join(' OR ')
  const [u] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${ident(args.table)} WHERE ${unread}`,
  )
  if (Number(u?.n ?? 0) === 0) return null
  return inferDateShape(engine, {
    table: args.table,
    columns: dates.map((f) => `${f.field}__raw`),
    ...(args.now ? { now: args.now } : {}),
  })
}

/**
 * Before a file is read in full: the shape of its dates when the first SAMPLE rows hold a date
 * that is not ISO 8601 and exactly one shape reads them all. A big file in "12/13/2010 8:26" is
 * then read once, with that shape, instead of staging every row as text to find it. Null when the
 * sample's dates are ISO 8601, or its reading is open (every day 12 or less): the full read
 * decides. `source` is the file's reader (a table function call); `parse` has no date format.
 */
export async function sampledDateShape(
  engine: Engine,
  args: { source: string; spec: TypedSpec; parse: ParseOptions },
): Promise<DateReading | null> {
  const dates = dateFields(args.spec)
  if (dates.length === 0) return null
  const cols = dates.map((f) => {
    const raw = `nullif(trim(CAST(${ident(f.header ?? '')} AS VARCHAR)), '')`
    return `${raw} AS ${ident(`${f.field}__raw`)}, ${dateSql(raw, fieldParse(args.parse, f))} AS ${ident(f.field)}`
  })
  try {
    await engine.exec(`CREATE OR REPLACE TEMP TABLE import_date_sample AS
SELECT ${cols.join(', ')} FROM ${args.source} LIMIT ${SAMPLE}`)
    const r = await unreadDateShape(engine, {
      table: 'import_date_sample',
      spec: args.spec,
      now: args.parse.now,
      tz: args.parse.tz,
    })
    return r?.kind === 'one' ? r.reading : null
  } catch {
    // a reader that cannot even give a sample: the full read says what is wrong
    return null
  } finally {
    await engine.exec('DROP TABLE IF EXISTS import_date_sample')
  }
}
