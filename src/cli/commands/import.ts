// `loyals import`: one file into the workspace. All work is in service/import; this file parses
// flags and prints a short summary (or JSON). While a server holds the workspace (or with
// --server), orders and customers go through it (cli/forward-import.ts).
import { type Command, Option } from 'commander'
import { env } from '../../config.ts'
import type { Engine } from '../../data/engine.ts'
import { isPostgresUrl, openWorkspace } from '../../data/workspace.ts'
import { UsageError, WrongKindError } from '../../errors.ts'
import { type ImportKind, KINDS, parseKind, parseMap } from '../../service/import/columns.ts'
import { parseEncoding } from '../../service/import/encoding.ts'
import {
  type ImportResult,
  type ImportStage,
  importFile,
} from '../../service/import/import-file.ts'
import { extraKind } from '../../service/import/kinds/index.ts'
import {
  currencyNotes,
  ordersNote,
  readingNotes,
  suspectRefundNotes,
  unusedColumnsNote,
} from '../../service/source.ts'
import { withWorkspaceCopy } from '../../service/workspace-copy.ts'
import { asOfArg, nonEmptyArg, requireDuckDbOrServer, resolveDb, withDb } from '../common.ts'
import { forwardImport } from '../forward-import.ts'
import { eprintln, printJson, println } from '../output.ts'
import { type RemoteOptions, remoteFor, withServer } from '../remote.ts'

interface ImportCliOptions extends RemoteOptions {
  kind?: string
  map?: string[]
  dateFormat?: string
  decimalComma?: boolean
  encoding?: string
  tz?: string
  skipBadRows?: boolean
  rejects?: string
  asOf?: string
  json?: boolean
  pauseAt?: string
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v]

/** What the stored rows that belong to no known customer mean, with a few of them. */
function unmatchedNote(
  kind: string,
  u: { rows: number; ownerless: number; named?: number; examples: string; noCustomers?: boolean },
  r: Pick<ImportResult, 'columns' | 'rowsStored'>,
): string {
  const one = u.rows === 1
  const more = u.rows > 3 ? ', ...' : ''
  if (kind === 'returns') {
    const named = u.named ?? 0
    // as the value step counts them: a return naming its customer counts toward that customer
    // (once known, whatever its order); one naming none waits for its order
    const groups: [number, (one: boolean) => string][] = [
      [u.rows - u.ownerless, (o) => `toward the customer ${o ? 'it names' : 'they name'}`],
      [
        named,
        (o) =>
          `toward the customer ${o ? 'it names' : 'they name'}, who has no order or customer record yet`,
      ],
      [
        u.ownerless - named,
        (o) => `toward no customer until ${o ? 'its order is' : 'their orders are'} imported`,
      ],
    ]
    const held = groups.filter(([n]) => n > 0)
    const counts =
      held.length === 1
        ? `${held[0]?.[0] === u.rows - u.ownerless ? '' : 'but '}${one ? 'it counts' : 'they count'} ${held[0]?.[1](one)}`
        : held
            .map(
              ([n, what], i) =>
                `${n}${i === 0 ? ` count${n === 1 ? 's' : ''}` : ''} ${what(n === 1)}`,
            )
            .join(', ')
    return (
      `note: ${num(u.rows)} return${one ? ' is' : 's are'} of ${one ? 'an order' : 'orders'} not in the ` +
      `workspace (${u.examples}${more}); stored, ${counts}`
    )
  }
  const noun = {
    tickets: 'ticket',
    engagement: 'engagement event',
    surveys: 'survey response',
    referrals: 'referral',
  }[kind]
  // a referral is of two customers: it names them
  const are =
    kind === 'referrals'
      ? one
        ? ' names a customer'
        : 's name customers'
      : one
        ? ' is of customers'
        : 's are of customers'
  return (
    `note: ${num(u.rows)} ${noun ?? 'row'}${are} with no order or customer record ` +
    `(${u.examples}${more}); ` +
    // a referral through someone who never bought still credits the referrer above them
    // (docs/value.md): only the unknown customer's own value is missing
    (kind === 'referrals'
      ? `stored; ${one ? 'that customer is' : 'those customers are'} worth nothing of their own until imported, and a chain through them still credits the referrers above`
      : `stored, but ${one ? 'it counts' : 'they count'} toward no one until those customers are imported`) +
    // none matching at all: more likely the wrong column (a help desk's own user id) than
    // customers still to import, unless the workspace knows no customer at all yet
    (u.noCustomers
      ? '. The workspace has no orders or customers yet: import them (loyals import orders.csv), and these rows count toward them'
      : u.rows === r.rowsStored && r.columns.customer_id
        ? `. No row matched a known customer: if ${r.columns.customer_id} is not the id your orders use, name the column that is (--map customer_id=COLUMN, an email column for instance)`
        : '')
  )
}

/** A count as the other commands print it: 2,357. */
const num = (n: number): string => n.toLocaleString('en-US')

/** "1 order", "2,357 customers", "1 order line": the plural noun made singular for one. */
const count = (n: number, plural: string): string =>
  `${num(n)} ${n === 1 ? plural.replace(/s$/, '') : plural}`

/** What an import did, as printed on the terminal. */
export function describeImport(r: ImportResult, forwarded = false): string {
  const what =
    extraKind(r.kind)?.noun ??
    (r.kind === 'orders' ? 'orders' : r.kind === 'order-lines' ? 'order lines' : 'customers')
  const layout = r.layout === 'plain' ? '' : ` (${r.layout.replace('-', ' ')} export)`
  // refund rows are stored beside their orders: said apart from them, so that orders and refunds
  // add up to the rows stored (new + updated + unchanged) and the orders are analyze's
  // (the cancelled orders of 0 among the orders have a mark row each, no money refunded: said
  // beside the orders, not as refunds)
  const marks = r.refundMarks ?? 0
  const orders = `${count(r.rowsStored - r.refunds - marks, what)}${
    marks > 0
      ? ` (${marks === 1 ? '1 of them' : `${num(marks)} of them`} cancelled or unpaid at 0: no purchase, marked by a row of ${marks === 1 ? 'its' : 'their'} own)`
      : ''
  }`
  const stored = r.refunds > 0 ? `${orders} and ${count(r.refunds, 'refunds')}` : orders
  // sent to a server, the file was staged in a scratch workspace first: its new/updated counts
  // say nothing of the server's store (the "sent to" line says what the server stored)
  const out = [
    forwarded
      ? `read ${r.file}${layout}: ${count(r.rowsRead, 'rows')}, ${stored}`
      : `imported ${r.file}${layout}: ${count(r.rowsRead, 'rows')} read, ${stored} ` +
        `(${num(r.inserted)} new, ${num(r.updated)} updated, ${num(r.unchanged)} unchanged)`,
  ]
  if (r.lines > 0) out.push(`  ${count(r.lines, 'order lines')}`)
  // a later file's version of an order id replaces the stored order (corrected exports): named
  const changed = r.changedOrders ?? []
  if (changed.length > 0) {
    const more = r.updated > changed.length ? `, and ${num(r.updated - changed.length)} more` : ''
    out.push(
      `  ${num(r.updated)} stored order${r.updated === 1 ? '' : 's'} replaced by this file's version: ` +
        `${changed.map((c) => `${c.orderId} (${c.what || 'no field shown changed'})`).join(', ')}${more}`,
    )
  }
  const same = r.sameTimeOrders
  if (same && same.n > 0) {
    const one = same.n === 1
    const shown = same.first
      .map(
        (o) => `line ${o.line} (${o.customerId} at ${o.at} UTC: ${o.amount}, stored ${o.stored})`,
      )
      .join(', ')
    const more = same.n > same.first.length ? `, and ${num(same.n - same.first.length)} more` : ''
    out.push(
      `  note: ${one ? '1 order' : `${num(same.n)} orders`} without an order id ${one ? 'has' : 'have'} the customer and time of a stored order but another amount, ` +
        `stored beside it as ${one ? 'a second order' : 'second orders'}: ${shown}${more}. Orders without ids are known by customer, time and amount; ` +
        'if this file corrects an earlier one, import it into a fresh workspace without that one',
    )
  }
  const answered = r.sameTimeResponses
  if (answered && answered.n > 0) {
    const one = answered.n === 1
    const shown = answered.first
      .map(
        (a) => `line ${a.line} (${a.customerId} at ${a.at} UTC: ${a.answers}; stored ${a.stored})`,
      )
      .join(', ')
    const more =
      answered.n > answered.first.length
        ? `, and ${num(answered.n - answered.first.length)} more`
        : ''
    out.push(
      `  note: ${one ? '1 response' : `${num(answered.n)} responses`} without a response id ${one ? 'has' : 'have'} the customer and time of a stored one but other answers, ` +
        `stored beside it as ${one ? 'a second response' : 'second responses'}: ${shown}${more}. Responses without ids are known by customer, time and answers, and two at one time tie as the latest; ` +
        'if this file corrects an earlier one, import it into a fresh workspace without that one, or give the responses ids',
    )
  }
  const replaced = r.linesReplaced
  if (replaced && replaced.lines > 0) {
    const one = replaced.lines === 1
    out.push(
      `  ${replaced.lines} stored line${one ? '' : 's'} of ${replaced.orders} order${replaced.orders === 1 ? '' : 's'} ` +
        `removed: the lines this file carries for an order replace the order's stored lines`,
    )
  }
  const orphans = r.linesWithoutOrder
  if (orphans && orphans.rows > 0) {
    const one = orphans.rows === 1
    out.push(
      `  note: ${orphans.rows} line${one ? ' is' : 's are'} of ${orphans.orders === 1 ? 'an order' : `${orphans.orders} orders`} not in the workspace ` +
        `(${orphans.examples}${orphans.orders > 3 ? ', ...' : ''}); ${one ? 'it is' : 'they are'} stored and ${one ? 'counts' : 'count'} with ${one ? 'its order' : 'their orders'} once imported`,
    )
  }
  if (r.placesFilled !== null && r.placesFilled > 0) {
    out.push(
      `  ${r.placesFilled} customer${r.placesFilled === 1 ? "'s" : "s'"} place (country, region, city) from their latest order, where no customers file says it`,
    )
  }
  for (const n of readingNotes(r)) out.push(`  ${n}`)
  const unused = unusedColumnsNote(r)
  if (unused !== null) out.push(`  ${unused}`)
  if (r.mixedLineEndings) {
    out.push(
      '  the file mixes CRLF and LF line endings: read from a copy with LF only (same lines)',
    )
  }
  if (r.noAmount) {
    out.push(
      '  no amount column: read as a transaction log, every order with amount 0 (purchase counts and dates are complete; spend figures are 0)',
    )
  }
  if (r.kind === 'orders') {
    out.push(
      `  ${count(r.customers, 'customers')}${r.firstDate ? `, orders from ${r.firstDate} to ${r.lastDate}` : ''}`,
    )
    if (r.afterAsOf !== null) {
      out.push(`  ${count(r.afterAsOf, 'orders')} after --as-of (kept for holdout)`)
    }
    if (r.refundsMoved > 0) {
      out.push(
        `  ${r.refundsMoved} stored refund${r.refundsMoved === 1 ? '' : 's'} went with ${r.refundsMoved === 1 ? 'its order' : 'their orders'} to the customer this file gives ${r.refundsMoved === 1 ? 'it' : 'them'}`,
      )
    }
  }
  const withdrawn = r.refundsWithdrawn
  if (withdrawn.n > 0) {
    const one = withdrawn.n === 1
    out.push(
      `  ${withdrawn.n} stored refund${one ? '' : 's'} or cancellation${one ? '' : 's'} withdrawn: this file's version of ${one ? 'its order refunds or cancels' : 'their orders refunds or cancels'} nothing (` +
        `${withdrawn.examples}${withdrawn.more > 0 ? `, and ${num(withdrawn.more)} more` : ''})`,
    )
  }
  if (r.rejected > 0) {
    const leftOut = r.leftOut ?? 0
    const withOrder =
      leftOut > 0
        ? ` (${leftOut} of them good line${leftOut === 1 ? '' : 's'} of an order with a bad line: such an order is left out whole, what is stored of it kept)`
        : ''
    out.push(`  ${count(r.rejected, 'bad rows')} skipped${withOrder}, written to ${r.rejectsFile}`)
  }
  if (r.rejectsEmptied) {
    out.push(
      `  no bad rows: ${r.rejectsEmptied}, which held an earlier import's rejects, is now empty`,
    )
  }
  if (r.unmatched && r.unmatched.rows > 0) out.push(`  ${unmatchedNote(r.kind, r.unmatched, r)}`)
  const self = r.selfReferrals
  if (self && self.rows > 0) {
    const one = self.rows === 1
    out.push(
      `  note: ${one ? '1 referral names' : `${num(self.rows)} referrals name`} the same customer as referrer and referred (${self.examples}${self.rows > 3 ? ', ...' : ''}): stored, and left out of referral value (someone using their own code)`,
    )
  }
  if (r.otherOwner && r.otherOwner.rows > 0) {
    const o = r.otherOwner
    const one = o.rows === 1
    out.push(
      `  note: ${o.rows} return${one ? ' names' : 's name'} another customer than the order's ` +
        `(${o.examples}${o.rows > 3 ? ', ...' : ''}); ${one ? 'it counts' : 'they count'} toward ` +
        `the customer ${one ? 'it names' : 'they name'}: check the returns or the orders`,
    )
  }
  const suspect = r.suspectRefunds
  if (suspect) out.push(...suspectRefundNotes(suspect, 'stored').map((n) => `  note: ${n}`))
  out.push(...currencyNotes(r).map((n) => `  note: ${n}`))
  const early = r.returnedEarly
  if (early) {
    const one = early.returns === 1
    out.push(
      `  note: ${early.returns} return${one ? ' is' : 's are'} dated before ${one ? 'its order' : 'their orders'} ` +
        `(${early.examples}${early.returns > 3 ? ', ...' : ''}); stored as given: check the dates or the order ids`,
    )
  }
  const over = r.overReturned
    ? ordersNote(
        r.overReturned,
        ['has', 'have'],
        (it) => `returns worth more than ${it} paid`,
        'stored as given, so the returned goods count in full in the cost to serve: check the return amounts or their order ids',
      )
    : null
  if (over !== null) out.push(`  note: ${over}`)
  return out.join('\n')
}

export function registerImport(program: Command): void {
  withServer(
    withDb(
      program
        .command('import')
        .description(
          'Import orders, order lines, customers, referrals, engagement, tickets, returns or surveys (CSV, Parquet, JSON lines, gzip)',
        )
        .argument('<file>', 'the file to import', (v: string) => nonEmptyArg(v, 'file to import'))
        .option('--kind <kind>', `what the file holds: ${KINDS.join(', ')}`, 'orders')
        .option('--map <field=Column>', 'use this column for a field (repeatable, or a,b)', collect)
        .option('--date-format <fmt>', 'strptime format of dates, e.g. %d/%m/%Y (default ISO 8601)')
        .option('--decimal-comma', 'numbers are written with a decimal comma: 1.234,50')
        .option(
          '--encoding <name>',
          'character encoding of a CSV: utf-8 (default) or latin-1 / windows-1252',
        )
        .option('--tz <zone>', 'time zone of times without an offset (default UTC, or $LOYALS_TZ)')
        .option('--skip-bad-rows', 'import the good rows; write bad ones to --rejects')
        .option(
          '--rejects <file>',
          'where bad rows go (default <file>.rejects.csv); without --skip-bad-rows, every bad row of a refused import',
        )
        .option(
          '--as-of <date>',
          'report how many orders fall after this date (they are kept)',
          asOfArg,
        )
        .option('--json', 'print the summary as JSON')
        .addOption(new Option('--pause-at <stage>', 'test hook: stall at a stage').hideHelp()),
    ),
  ).action(async (file: string, opts: ImportCliOptions, cmd: Command) => {
    let kind = parseKind(opts.kind)
    const map = parseMap(opts.map)
    const remote = await remoteFor(opts)
    // only orders and customers go through a server, the one way into a PostgreSQL store: the
    // other kinds go into a DuckDB file only (no advice to start a server that cannot take them)
    const pg = isPostgresUrl(resolveDb(opts))
    if ((remote || pg) && kind !== 'orders' && kind !== 'customers') {
      throw new UsageError(
        remote
          ? `import --kind ${kind} cannot go through the server at ${remote.url}: only orders and customers do. A DuckDB workspace takes ${kind} directly (stop its server, then import into the file); a PostgreSQL store cannot take ${kind} yet`
          : `a PostgreSQL store cannot take import --kind ${kind} yet: only orders and customers reach it, through its server (loyals serve --db URL, then import with --server URL --api-key KEY); ${kind} can be imported into a DuckDB workspace`,
      )
    }
    // through a server: validate and map into a throw-away workspace, then send
    const path = remote ? ':memory:' : await requireDuckDbOrServer(resolveDb(opts), 'import')
    // an import that fails changes nothing, not even a workspace file it would have created; into
    // a file it writes a copy that then replaces the workspace (workspace-copy.ts: a kill in
    // DuckDB's commit left half the import)
    const inFile = path !== ':memory:'
    const run = async (engine: Engine): Promise<void> => {
      const tz = opts.tz === undefined ? env().LOYALS_TZ : nonEmptyArg(opts.tz, '--tz zone')
      const read = (k: ImportKind) =>
        importFile(engine, file, {
          kind: k,
          map,
          ...(inFile ? { workspace: path } : {}),
          ...(tz ? { tz } : {}),
          // an empty --date-format (an unset shell variable) was read as none, without a word
          ...(opts.dateFormat !== undefined
            ? { dateFormat: nonEmptyArg(opts.dateFormat, '--date-format format') }
            : {}),
          ...(opts.decimalComma ? { decimalComma: true } : {}),
          ...(opts.encoding ? { encoding: parseEncoding(opts.encoding) } : {}),
          ...(opts.skipBadRows ? { skipBadRows: true } : {}),
          ...(opts.rejects ? { rejects: opts.rejects } : {}),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
          ...(opts.pauseAt
            ? {
                onStage: async (stage: ImportStage) => {
                  if (stage !== opts.pauseAt) return
                  eprintln(`paused at ${stage}`)
                  await new Promise(() => setInterval(() => undefined, 1 << 30))
                },
              }
            : {}),
        })
      let result: ImportResult
      let readAs: string | null = null
      try {
        result = await read(kind)
      } catch (e) {
        // no --kind given, and the file is plainly another kind (Shopify's customers export):
        // imported as what it holds, and said
        if (!(e instanceof WrongKindError) || cmd.getOptionValueSource('kind') !== 'default')
          throw e
        // read as what it holds, --as-of would be refused for a --kind the user never typed
        if (opts.asOf) {
          throw new UsageError(
            `${file} is Shopify's customers export, not orders: --as-of counts orders after a date and does not apply to it (import it without --as-of)`,
          )
        }
        kind = parseKind(e.kind)
        readAs = e.kind
        result = await read(kind)
      }
      if (readAs && !opts.json) {
        println(`${file} is Shopify's customers export: imported as --kind ${readAs}`)
      }
      if (remote) {
        const sent = await forwardImport(
          engine,
          remote,
          result.kind === 'customers' ? Object.keys(result.columns) : [],
        )
        // the counts of the scratch workspace the file was read into say nothing of the server's
        // store (a file it held already read "inserted 2000"): its answer stands in for them
        if (opts.json) {
          printJson({
            ...result,
            inserted: sent.stored,
            updated: sent.replaced,
            unchanged: sent.duplicates,
            forwarded: sent,
          })
        } else {
          println(describeImport(result, true))
          println(
            `  sent to ${sent.server}: ${sent.sent} calls, ${sent.stored} stored, ${sent.replaced ? `${sent.replaced} replaced, ` : ''}${sent.duplicates} already there`,
          )
        }
      } else if (opts.json) printJson(result)
      else println(describeImport(result))
    }
    if (inFile) {
      await withWorkspaceCopy(path, run)
      return
    }
    const engine = await openWorkspace(path)
    try {
      await run(engine)
    } finally {
      await engine.close()
    }
  })
}
