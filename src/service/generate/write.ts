// Stream a generated company to CSV (or gzip CSV) files: rows are appended to a per-file string
// buffer that is handed to the stream in ~256 kB chunks, and the generator waits for the streams
// to drain, so memory stays flat however many customers are generated.
import { createWriteStream, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { UsageError } from '../../errors.ts'
import { onInterrupt } from '../interrupt.ts'
import { readyOutDir } from '../out-dir.ts'
import { valueConfigFromCosts } from '../value-config.ts'
import {
  type GenerateOptions,
  type GenerationTruth,
  generateInto,
  TABLES,
  type TableName,
  type Value,
} from './company.ts'
import { COST_RATES } from './params.ts'

export type GenerateFormat = 'csv' | 'csv.gz'

export interface WrittenFile {
  readonly name: string
  readonly path: string
  readonly rows: number
}

export interface WriteResult {
  readonly truth: GenerationTruth
  readonly files: readonly WrittenFile[]
}

const CHUNK = 256 * 1024

/** One CSV field (RFC 4180): quoted only when it holds a comma, quote or line break. */
export function csvField(v: Value): string {
  if (v === null) return ''
  if (typeof v === 'number') return String(v)
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v
}

/** Columns holding money (EUR): docs/generator.md promises two decimals for all of them. */
const MONEY_COLUMNS: ReadonlySet<string> = new Set(['amount', 'cost', 'discount', 'list_price'])

/** A money value with exactly two decimals (`359` -> `359.00`, `261.1` -> `261.10`). */
export function moneyField(v: Value): string {
  return typeof v === 'number' ? (Math.round(v * 100) / 100).toFixed(2) : csvField(v)
}

class CsvOut {
  #buf = ''
  #sink: Writable
  #done: Promise<void>
  #money: readonly boolean[]
  constructor(path: string, gzip: boolean, header: readonly string[]) {
    this.#money = header.map((h) => MONEY_COLUMNS.has(h))
    const file = createWriteStream(path)
    if (gzip) {
      const z = createGzip({ level: 6 })
      z.pipe(file)
      this.#sink = z
    } else {
      this.#sink = file
    }
    this.#done = finished(file)
    this.#buf = `${header.join(',')}\n`
  }
  add(values: readonly Value[]): void {
    const money = this.#money
    let line = money[0] ? moneyField(values[0] ?? null) : csvField(values[0] ?? null)
    for (let k = 1; k < values.length; k++) {
      const v = values[k] ?? null
      line += `,${money[k] ? moneyField(v) : csvField(v)}`
    }
    this.#buf += `${line}\n`
    if (this.#buf.length >= CHUNK) this.#push()
  }
  #push(): void {
    if (this.#buf.length === 0) return
    this.#sink.write(this.#buf)
    this.#buf = ''
  }
  async drain(): Promise<void> {
    // Ask the stream, not a flag set at write time: it may have drained since.
    if (!this.#sink.writableNeedDrain) return
    await new Promise<void>((resolve) => this.#sink.once('drain', () => resolve()))
  }
  async close(): Promise<void> {
    this.#push()
    this.#sink.end()
    await this.#done
  }
}

/** The value configuration file written beside costs.json (docs/value.md format). */
export const VALUE_CONFIG_FILE = 'loyals.value.json'

/**
 * Generate a company and write it to `dir`: one file per table (`orders.csv`, `order_lines.csv`,
 * `customers.csv`, `referrals.csv`, `engagement.csv`, `tickets.csv`, `returns.csv`,
 * `surveys.csv`, `products.csv`), `costs.json` (cost rates), the same rates as a value
 * configuration for `--config` (`loyals.value.json`) and `truth.json` (what was planted). Same options and seed give byte-identical files.
 * @example await writeCompany({ customers: 100_000 }, 'demo-co', 'csv') // others: DEFAULT_OPTIONS'
 * @throws UsageError for bad options or format, and when `dir` cannot be created or written (a file
 *   of that name is in the way); other file-system errors as thrown by node:fs.
 */
export async function writeCompany(
  opts: Partial<GenerateOptions>,
  dir: string,
  format: GenerateFormat = 'csv',
): Promise<WriteResult> {
  if (format !== 'csv' && format !== 'csv.gz') {
    throw new UsageError(`format must be csv or csv.gz, got ${JSON.stringify(format)}`)
  }
  const ext = format === 'csv.gz' ? '.csv.gz' : '.csv'
  const gzip = format === 'csv.gz'
  const names = Object.keys(TABLES) as TableName[]
  // checked before any row is generated: a file in the way is said in words, not as EEXIST
  await readyOutDir(dir, [
    ...names.map((t) => `${t}${ext}`),
    'costs.json',
    VALUE_CONFIG_FILE,
    'truth.json',
  ])
  // every file is written under a temporary name and renamed into place at the end: an
  // interrupted run (Ctrl-C, a kill, an error) left tables cut short under their final names,
  // which import without a word
  const temps: string[] = []
  const tmpOf = (name: string) => {
    const tmp = join(dir, `${name}.${process.pid}.tmp`)
    temps.push(tmp)
    return tmp
  }
  const removeTemps = () => {
    for (const t of temps) rmSync(t, { force: true })
  }
  const stopListening = onInterrupt(removeTemps)
  const outs = new Map<TableName, CsvOut>()
  let truth: GenerationTruth
  try {
    for (const t of names) outs.set(t, new CsvOut(tmpOf(`${t}${ext}`), gzip, TABLES[t]))
    try {
      truth = await generateInto(opts, {
        row: (table, values) => outs.get(table)?.add(values),
        flush: async () => {
          for (const o of outs.values()) await o.drain()
        },
      })
    } finally {
      for (const o of outs.values()) await o.close()
    }
    writeFileSync(tmpOf('costs.json'), `${JSON.stringify(COST_RATES, null, 2)}\n`)
    // the same rates as a value configuration, for `analyze` / `customer --config`
    writeFileSync(
      tmpOf(VALUE_CONFIG_FILE),
      `${JSON.stringify(valueConfigFromCosts(COST_RATES), null, 2)}\n`,
    )
    writeFileSync(tmpOf('truth.json'), `${JSON.stringify(truth, null, 2)}\n`)
    for (const tmp of temps) renameSync(tmp, tmp.slice(0, -`.${process.pid}.tmp`.length))
  } catch (e) {
    removeTemps()
    throw e
  } finally {
    stopListening()
  }
  const files: WrittenFile[] = names.map((t) => ({
    name: `${t}${ext}`,
    path: join(dir, `${t}${ext}`),
    rows: truth.rows[t],
  }))
  return { truth, files }
}
