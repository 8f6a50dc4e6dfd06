// `loyals customer ID`: one customer's profile on the terminal (or as JSON). The work is in
// service/customer-profile.ts; this file parses flags and lays the profile out as text. While a
// server holds the workspace (or with --server) it shows the server's live profile instead.
import type { Command } from 'commander'
import { DEFAULT_VALUE_CONFIG } from '../../core/value/config.ts'
import { daysAgo, decimalsApart } from '../../core/words.ts'
import { openWorkspace } from '../../data/workspace.ts'
import { UsageError } from '../../errors.ts'
import {
  formatCount,
  formatExpected,
  formatInt,
  formatMoney,
  formatNumber,
  formatPct,
} from '../../report/format.ts'
import { type CustomerProfile, customerProfile } from '../../service/customer-profile.ts'
import type { TimeUnit } from '../../service/summary.ts'
import { loadValueConfig } from '../../service/value-config.ts'
import type { ReferralTreeNodeSummary } from '../../service/value-summary.ts'
import {
  asOfArg,
  choiceFlag,
  existingWorkspace,
  nonEmptyArg,
  requireDuckDbOrServer,
  resolveDb,
  UNITS,
  withDb,
} from '../common.ts'
import { eprintln, printJson, println, table } from '../output.ts'
import { type PredictFlags, predictFlags, predictionsOrOff } from '../predict-flags.ts'
import { type RemoteOptions, remoteFor, withServer } from '../remote.ts'

interface CustomerCliOptions extends RemoteOptions, PredictFlags {
  config?: string
  json?: boolean
  asOf?: string
  unit: string
  predictions?: boolean
}

const TYPE_NAMES: Record<string, string> = {
  lucrative_loyal: 'lucrative loyal',
  limited_loyal: 'limited loyal',
  lazy_loyal: 'lazy loyal',
  one_time_buyer: 'one-time buyer',
  lapsed: 'lapsed',
}

const plural = (k: number, one: string): string => `${formatInt(k)} ${one}${k === 1 ? '' : 's'}`
/** A 1-5 or 1-7 score: whole numbers as they are, a mean to one decimal. */
const score = (v: number): string => formatNumber(v, Number.isInteger(v) ? 0 : 1)
/** Characters of a comment shown on the terminal (--json gives all of it). */
const COMMENT_SHOWN = 200

/**
 * A percentile in whole numbers, rounded down as the rules measure it: 69.998 is not the 70th
 * percentile a rule may ask for, and 99.94 is not the 100th (only the top customer reads 100).
 */
const percentile = (p: number): string => formatNumber(Math.floor(p + 1e-8), 0)
/**
 * A stored text (an id, a name) on one terminal line: its line feeds and tabs written as escapes,
 * so an id holding one does not break the profile's lines (println escapes the other control
 * characters; --json gives the text as is).
 */
export function shown(text: string): string {
  return text.replace(/[\n\t]/g, (c) => (c === '\n' ? '\\n' : '\\t'))
}

/** Free text on one line: its line breaks and runs of spaces as one space, long text cut. */
function oneLine(text: string): string {
  // by code points, so that an emoji is never cut in half
  const t = Array.from(text.replace(/\s+/g, ' ').trim())
  return t.length > COMMENT_SHOWN ? `${t.slice(0, COMMENT_SHOWN - 1).join('')}…` : t.join('')
}

/** A response-time target in words: "45 min", "1.5 h", "1 day", "2.5 days". */
export function minutes(m: number): string {
  if (m < 60) return `${formatInt(m)} min`
  if (m < 1440) return `${formatNumber(m / 60, m % 60 === 0 ? 0 : 1)} h`
  const days = formatNumber(m / 1440, m % 1440 === 0 ? 0 : 1)
  return `${days} ${days === '1' ? 'day' : 'days'}`
}

function treeLines(
  nodes: readonly ReferralTreeNodeSummary[],
  money: (v: number) => string,
  depth = 1,
): string[] {
  const out: string[] = []
  for (const node of nodes) {
    const part =
      node.level === 1
        ? money(node.contribution)
        : `${money(node.contribution)} of ${money(node.ownValue)}`
    out.push(`${'  '.repeat(depth)}- ${shown(node.customerId)} (level ${node.level}): ${part}`)
    out.push(...treeLines(node.children, money, depth + 1))
  }
  return out
}

type Money = (v: number | null) => string

/**
 * P(alive) as a percent that reads neither 100.0% below 1 nor 0.0% above 0 (a customer the model
 * is not sure of is never shown as certainly active or gone), nor at the lapsed rule's `line`
 * below it (the reason beside it says "29.98 %"): a tenth of a percent, else the decimals that
 * tell them apart (decimalsApart).
 */
function pAlivePct(p: number, line?: number): string {
  const pc = p * 100
  if (!(pc > 0 && pc < 100)) return formatPct(p)
  const end = pc >= 50 ? decimalsApart(pc, 100, 1, 1) : decimalsApart(0, pc, 1, 1)
  if (end === null) return pc >= 50 ? 'over 99.99999%' : 'under 0.00001%'
  if (line === undefined || !(pc < line * 100)) return formatPct(p, end)
  const below = decimalsApart(pc, line * 100, 1, 1)
  return below === null ? `under ${formatPct(line)}` : formatPct(p, Math.max(end, below))
}

/** Orders, purchase days, dates and RFM; revenue too when `money` is given. */
function purchasesLine(p: CustomerProfile, money: Money | null): string {
  const sm = p.summary
  const revenue = money ? `, ${money(sm.revenue)} revenue` : ''
  return (
    `Purchases: ${plural(sm.orders, 'order')} on ${plural(sm.purchaseDays, 'day')}${revenue}; ` +
    `first ${sm.firstPurchase}, last ${sm.lastPurchase} (${daysAgo(sm.daysSinceLast)}). ` +
    `RFM ${p.rfm.r}${p.rfm.f}${p.rfm.m ?? ''}.`
  )
}

/** The predictions in one line (spend and value only when `money` is given); null without. */
function predictionsLine(
  p: CustomerProfile,
  money: Money | null,
  pAliveBelow?: number,
): string | null {
  const pr = p.predictions
  if (!pr) return null
  const pa = pr.pAlive === null ? '' : `P(alive) ${pAlivePct(pr.pAlive, pAliveBelow)}, `
  // the median among the futures in which they buy again: said as such, since a customer with a
  // P(alive) of 4 % has a date too
  const next = pr.expectedNextPurchase
    ? `; if they buy again, the next purchase around ${pr.expectedNextPurchase}`
    : ''
  const spend = money
    ? `, ${money(pr.expectedSpend)} expected spend per purchase, predicted value ${money(pr.predictedValue)}`
    : ''
  return `Predictions (next ${pr.horizon} ${pr.unit}s): ${pa}${formatExpected(pr.expectedPurchases)} expected purchases${spend}${next}.`
}

/**
 * The profile of a workspace whose orders carry no amounts (a transaction log): who, when and how
 * often they buy, the predictions in purchases, and the recent orders; nothing in money.
 */
function formatPurchasesOnly(p: CustomerProfile, pAliveBelow?: number): string {
  const name = p.attributes?.name ? ` (${shown(p.attributes.name)})` : ''
  const lines = [
    `Customer ${shown(p.customerId)}${name}: ${p.rfm.segment} (as of ${p.asOf})`,
    '  The orders carry no amounts: no value in money, tier, loyalty type or reasons.',
    '',
    purchasesLine(p, null),
  ]
  const pr = predictionsLine(p, null, pAliveBelow)
  if (pr) lines.push(pr)
  if (p.recentOrders.length > 0) {
    lines.push('', 'Recent orders:')
    // a transaction log often has neither order ids nor channels: no empty columns
    const cols: [string, (o: CustomerProfile['recentOrders'][number]) => string][] = [
      ['Date', (o) => o.date],
    ]
    if (p.recentOrders.some((o) => o.orderId)) cols.push(['Order', (o) => shown(o.orderId ?? '')])
    if (p.recentOrders.some((o) => o.channel)) cols.push(['Channel', (o) => shown(o.channel ?? '')])
    // without amounts, a cancelled order is told apart in a column of its own
    if (p.recentOrders.some((o) => o.cancelled)) {
      cols.push(['Status', (o) => (o.cancelled ? 'cancelled' : '')])
    }
    lines.push(
      table(
        cols.map(([h]) => h),
        p.recentOrders.map((o) => cols.map(([, cell]) => cell(o))),
      ),
    )
  }
  return lines.join('\n')
}

/**
 * The profile as plain text: who, why, value breakdown, behaviour, service, orders, referrals.
 * `pAliveBelow` is the lapsed rule's line, which P(alive) never reads as at when below it.
 */
export function formatProfile(p: CustomerProfile, pAliveBelow?: number): string {
  const cur = p.currency
  const money = (v: number | null) => formatMoney(v, cur, p.locale)
  const t = p.tier
  if (p.value === null || t === null || p.loyalty === null || p.service === null) {
    return formatPurchasesOnly(p, pAliveBelow)
  }
  const sl = t.serviceLevel
  const lines: string[] = []
  const name = p.attributes?.name ? ` (${shown(p.attributes.name)})` : ''
  lines.push(
    `Customer ${shown(p.customerId)}${name}: ${t.name}, ${TYPE_NAMES[p.loyalty.type] ?? p.loyalty.type}, ` +
      `${p.rfm.segment} (as of ${p.asOf})`,
  )
  if (t.heldByGrace) {
    lines.push(
      `  held in ${t.name} by the grace period (qualifies for ${t.qualifiedTier}; ` +
        `${formatNumber(t.graceLeft, 0)} ${t.graceLeft === 1 ? t.graceUnit.replace(/s$/, '') : t.graceUnit} left)`,
    )
  }
  lines.push('')
  lines.push('Why:')
  for (const r of p.reasons) lines.push(`  - ${r.text}`)
  lines.push('')
  const v = p.value
  const c = v.costs
  lines.push(
    `Total value ${money(v.totalValue)}: value percentile ${percentile(v.valuePercentile)} ` +
      // percentileRank gives every value <= 0 a 0: "as much or less" would be untrue there
      (v.totalValue > 0
        ? '(the share of customers worth as much or less)'
        : '(0 for every customer worth nothing or less)'),
  )
  lines.push(
    table(
      ['Part', 'Amount'],
      [
        ['Revenue', money(v.revenue)],
        ['Gross margin', money(v.grossMargin)],
        ['- support tickets', money(c.tickets)],
        ['- returns', money(c.returns)],
        ['- shipping', money(c.shipping)],
        ['- payment fees', money(c.fees)],
        ['- discounts', money(c.discounts)],
        ['= Past profit', money(v.pastProfit)],
        ['+ Predicted profit', money(v.predictedProfit)],
        ['+ Referral value', money(v.referralValue)],
        ['= Total value', money(v.totalValue)],
      ],
    ),
  )
  lines.push('')
  lines.push(purchasesLine(p, money))
  const pr = predictionsLine(p, money, pAliveBelow)
  if (pr) lines.push(pr)
  const sv = p.service
  const parts = [
    `${plural(sv.tickets, 'support ticket')} (${minutes(sv.ticketMinutes)})`,
    plural(sv.returns, 'return'),
  ]
  if (sv.ticketSatisfaction !== null) {
    parts.push(
      `ticket satisfaction ${score(sv.ticketSatisfaction)} of 5 (${plural(sv.ticketsRated, 'rated ticket')})`,
    )
  }
  if (sv.nps !== null) parts.push(`latest NPS answer ${sv.nps}`)
  if (sv.ces !== null) parts.push(`latest CES ${score(sv.ces)} of 7`)
  if (sv.csat !== null) parts.push(`latest CSAT ${score(sv.csat)} of 5`)
  if (sv.engagementPercentile !== null) {
    parts.push(`engagement percentile ${percentile(sv.engagementPercentile)}`)
  }
  lines.push(`Service: ${parts.join(', ')}.`)
  if (sv.comment) lines.push(`Latest comment (${sv.comment.date}): "${oneLine(sv.comment.text)}"`)
  lines.push(serviceLine({ ...sl, tierName: t.name, outreach: t.outreach, perks: t.perks }))
  if (p.referrals?.referredBy) lines.push(`Referred by ${shown(p.referrals.referredBy)}.`)
  if (p.recentOrders.length > 0) {
    lines.push('')
    lines.push('Recent orders:')
    lines.push(
      table(
        ['Date', 'Order', 'Amount', 'Discount', 'Channel'],
        p.recentOrders.map((o) => [
          o.date,
          shown(o.orderId ?? ''),
          o.cancelled ? `${money(o.amount)} (cancelled)` : money(o.amount),
          o.discount ? money(o.discount) : '',
          shown(o.channel ?? ''),
        ]),
      ),
    )
  }
  const tree = p.referrals?.tree
  if (tree) {
    lines.push('')
    lines.push(
      // people, not customers: a referred person who never bought is in the tree too (as the
      // reasons say "referred 11 people, 10 of them customers")
      `Referred ${formatCount(tree.direct, 'person', 'people')} directly, ${formatInt(tree.descendants)} in all, ` +
        `worth ${money(tree.referralValue)}:`,
    )
    lines.push(...treeLines(tree.children, money))
    if (tree.omitted > 0) lines.push(`  ... and ${formatInt(tree.omitted)} more`)
  }
  return lines.join('\n')
}

/** The live profile of `GET /v1/customers/{id}`, as `loyals serve` answers it. */
export interface LiveProfile {
  customerId: string
  name: string | null
  orders: number
  revenue: number
  firstOrderAt: string | null
  lastOrderAt: string | null
  /** The local days of the first and last orders (older servers do not send them). */
  firstOrderDay?: string | null
  lastOrderDay?: string | null
  /** The currency of revenue and value (older servers do not send it). */
  currency?: string | null
  value: { total: number | null; history: number; predicted: number | null }
  prediction: {
    pAlive: number | null
    /** The server's lapsed line (older servers do not send it). */
    lapsedBelow?: number
    expectedPurchases: number | null
    horizonWeeks: number
  }
  tier: { index: number; name: string } | null
  segment: string | null
  loyaltyType: string | null
  reasons: { text: string }[]
  scoredAt: string | null
}

/** `GET /v1/service/level/{id}`: the tier's service level as the server applies it. */
interface LiveServiceLevel {
  tierName: string
  priority: number
  responseTargetMinutes: number
  dedicatedOwner: boolean
  outreach: string
  perks: readonly string[]
}

/** A tier's service level in one line, as the offline and the live profile print it. */
function serviceLine(sl: LiveServiceLevel): string {
  return (
    `${sl.tierName} service: priority ${sl.priority}, response within ${minutes(sl.responseTargetMinutes)}` +
    `${sl.dedicatedOwner ? ', a dedicated owner' : ''}; outreach ${sl.outreach}` +
    `${sl.perks.length > 0 ? `; perks: ${sl.perks.join(', ')}` : ''}.`
  )
}

/** A live profile from the server as plain text, with the service level of its tier. */
export function formatLiveProfile(
  p: LiveProfile,
  server: string,
  sl: LiveServiceLevel | null = null,
): string {
  const name = p.name ? ` (${shown(p.name)})` : ''
  const kind = p.loyaltyType ? (TYPE_NAMES[p.loyaltyType] ?? p.loyaltyType) : 'not scored'
  const lines = [
    `Customer ${shown(p.customerId)}${name}: ${p.tier?.name ?? 'no tier yet'}, ${kind}, ${p.segment ?? 'no segment yet'} (live profile from ${server})`,
  ]
  if (p.reasons.length > 0) {
    lines.push('', 'Why:')
    for (const r of p.reasons) lines.push(`  - ${r.text}`)
  }
  lines.push('')
  // in the server's currency, as its reasons are (the money here once printed as plain numbers)
  const cur = p.currency ?? null
  // without a model (no refit yet) nothing is predicted: "+ – predicted" read as a figure lost
  const history = formatMoney(p.value.history ?? 0, cur)
  lines.push(
    p.value.predicted === null || p.value.predicted === undefined
      ? `Value ${history} so far; nothing predicted (${p.prediction.expectedPurchases === null ? 'no purchase model fitted' : 'no amounts to value purchases by'}).`
      : `Value ${formatMoney(p.value.total, cur)}: ${history} so far + ` +
          `${formatMoney(p.value.predicted, cur)} predicted over ${p.prediction.horizonWeeks} weeks.`,
  )
  lines.push(
    `Purchases: ${plural(p.orders, 'order')}, ${formatMoney(p.revenue, cur)} revenue; ` +
      // the days the orders were placed, as `summary` has them (not the instants' UTC days)
      `first ${p.firstOrderDay ?? p.firstOrderAt?.slice(0, 10) ?? '-'}, last ${p.lastOrderDay ?? p.lastOrderAt?.slice(0, 10) ?? '-'}.`,
  )
  if (p.prediction.pAlive !== null) {
    lines.push(
      `P(alive) ${pAlivePct(p.prediction.pAlive, p.prediction.lapsedBelow)}, ${formatExpected(p.prediction.expectedPurchases ?? 0)} expected purchases.`,
    )
  }
  if (sl) lines.push(serviceLine(sl))
  return lines.join('\n')
}

export function registerCustomer(program: Command): void {
  withServer(
    withDb(
      predictFlags(
        program
          .command('customer')
          .description(
            "One customer's profile: value breakdown, tier, loyalty type, reasons, referrals",
          )
          .argument('<id>', 'customer id', (v: string) => nonEmptyArg(v, 'customer id'))
          .option('--config <file>', 'value configuration: cost rates, tiers ... (docs/value.md)')
          .option(
            '--as-of <date>',
            'analysis date YYYY-MM-DD (default: the last day in the data, refunds included)',
            asOfArg,
          )
          .option('--unit <unit>', 'time unit of the model: day, week or month', 'week'),
      )
        .option('--no-predictions', 'skip the purchase predictions')
        .option('--json', 'print the profile as JSON'),
    ),
  ).action(async (id: string, opts: CustomerCliOptions) => {
    choiceFlag('--unit', opts.unit, UNITS)
    const remote = await remoteFor(opts)
    if (remote) {
      const local =
        opts.config ||
        opts.asOf ||
        opts.unit !== 'week' ||
        opts.predictions === false ||
        opts.horizon !== undefined ||
        opts.margin !== undefined ||
        opts.discountRate !== '0.10'
      if (local) {
        throw new UsageError(
          '--config, --as-of, --unit, --horizon, --discount-rate, --margin and --no-predictions need the workspace itself; the server shows its live profile',
        )
      }
      const path = encodeURIComponent(id)
      const live = await remote.request<LiveProfile>('GET', `/v1/customers/${path}`)
      const level = await remote.request<LiveServiceLevel>('GET', `/v1/service/level/${path}`)
      if (opts.json) printJson({ ...live, serviceLevel: level })
      else println(formatLiveProfile(live, remote.url, level))
      return
    }
    const predictions = predictionsOrOff(opts)
    const db = existingWorkspace(await requireDuckDbOrServer(resolveDb(opts), 'customer'), false)
    const cfg = opts.config ? await loadValueConfig(opts.config) : undefined
    const engine = await openWorkspace(db)
    try {
      const profile = await customerProfile(engine, id, {
        ...(opts.asOf ? { asOf: opts.asOf } : {}),
        unit: opts.unit as TimeUnit,
        ...(cfg ? { config: cfg.config, currencyExplicit: cfg.currencyExplicit } : {}),
        ...(cfg?.configSource ? { configSource: cfg.configSource } : {}),
        predictions,
      })
      for (const w of profile.warnings) eprintln(`warning: ${w}`)
      if (opts.json) printJson(profile)
      else
        println(
          formatProfile(profile, (cfg?.config ?? DEFAULT_VALUE_CONFIG).loyalty.lapsed.pAliveBelow),
        )
    } finally {
      await engine.close()
    }
  })
}
