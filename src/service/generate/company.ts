// The synthetic company, generated customer by customer into a sink so 100k+ customers stream to
// files without holding rows. Latent traits live in typed arrays (pass 1); events are drawn per
// customer in signup order (pass 2), which makes referrers always older than the referred.
import { isCalendarDay } from '../../core/calendar.ts'
import { createRng, type Rng } from '../../core/random.ts'
import { UsageError } from '../../errors.ts'
import {
  buildCatalog,
  CATEGORIES,
  CHANNELS,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  type Product,
  REGIONS,
} from './catalog.ts'
import {
  LAPSED_BEST,
  PATH_TO_BEST,
  PLANTS,
  type Plant,
  PROCESS,
  REGION_PLANT,
  SERVICE,
} from './params.ts'

export type Value = string | number | null

/** Share of customers on a subscription (the customers file's switching_cost). */
const SUBSCRIBER_SHARE = 0.08

/** The files of a generated company and their columns, in order. */
export const TABLES = {
  customers: [
    'customer_id',
    'email',
    'name',
    'signup_at',
    'country',
    'region',
    'city',
    'industry',
    'channel',
    'campaign',
    'switching_cost',
  ],
  orders: [
    'order_id',
    'customer_id',
    'ordered_at',
    'amount',
    'currency',
    'quantity',
    'cost',
    'discount',
    'channel',
    'campaign',
  ],
  order_lines: [
    'order_id',
    'line_no',
    'product_id',
    'product_name',
    'category',
    'quantity',
    'amount',
  ],
  referrals: ['referrer_id', 'referred_id', 'referred_at', 'code'],
  engagement: ['customer_id', 'occurred_at', 'event'],
  tickets: [
    'ticket_id',
    'customer_id',
    'opened_at',
    'resolved_at',
    'channel',
    'handling_minutes',
    'satisfaction',
  ],
  returns: ['return_id', 'order_id', 'customer_id', 'returned_at', 'amount', 'reason'],
  surveys: ['response_id', 'customer_id', 'responded_at', 'nps', 'ces', 'csat', 'comment'],
  products: ['product_id', 'product_name', 'brand', 'category', 'list_price'],
} as const

export type TableName = keyof typeof TABLES

export interface CompanySink {
  /** One row, values in the order of `TABLES[table]`; null = empty field. */
  row(table: TableName, values: readonly Value[]): void
  /** Called every few hundred customers so a file writer can wait for its streams to drain. */
  flush?(): Promise<void>
}

export interface GenerateOptions {
  /** Number of customers (signed up; a few never order). */
  readonly customers: number
  readonly seed: number
  /** First and last day of the company's history, YYYY-MM-DD (UTC, end inclusive). */
  readonly start: string
  readonly end: string
  /** Planted effects; [] for a company without effects. */
  readonly plants: readonly Plant[]
}

export const DEFAULT_OPTIONS: GenerateOptions = {
  customers: 10_000,
  seed: 1,
  start: '2023-01-01',
  end: '2025-12-31',
  plants: PLANTS,
}

/** What was generated and planted: row counts, the parameters, and the planted customers. */
export interface GenerationTruth {
  readonly options: GenerateOptions
  readonly rows: Record<TableName, number>
  /** Customers whose first order held both path categories (planted effect applied if on). */
  readonly pathPairCustomers: number
  /** Customers of the lapsed-best cohort (empty when that plant is off). */
  readonly lapsedBestIds: readonly string[]
  readonly plantParameters: {
    readonly pathToBest: typeof PATH_TO_BEST | null
    readonly region: typeof REGION_PLANT | null
    readonly lapsedBest: typeof LAPSED_BEST | null
  }
}

const DAY = 86_400_000
const YEAR = 365.25 * DAY

const iso = (ms: number): string =>
  `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`
const money = (cents: number): number => cents / 100

function swapAt(arr: number[], a: number, b: number): void {
  const t = arr[a]!
  arr[a] = arr[b]!
  arr[b] = t
}

/** Buyers waiting to become referrers, smallest first-order time first (ties: lower index). */
class FirstOrderHeap {
  readonly #at: number[] = []
  readonly #id: number[] = []
  readonly #weight: number[] = []
  get size(): number {
    return this.#at.length
  }
  peekAt(): number {
    return this.#at[0] ?? Number.POSITIVE_INFINITY
  }
  #less(a: number, b: number): boolean {
    const x = this.#at[a]!
    const y = this.#at[b]!
    return x < y || (x === y && this.#id[a]! < this.#id[b]!)
  }
  #swap(a: number, b: number): void {
    swapAt(this.#at, a, b)
    swapAt(this.#id, a, b)
    swapAt(this.#weight, a, b)
  }
  push(at: number, id: number, weight: number): void {
    this.#at.push(at)
    this.#id.push(id)
    this.#weight.push(weight)
    let k = this.#at.length - 1
    while (k > 0) {
      const parent = (k - 1) >> 1
      if (!this.#less(k, parent)) break
      this.#swap(k, parent)
      k = parent
    }
  }
  pop(): { id: number; weight: number } {
    const top = { id: this.#id[0]!, weight: this.#weight[0]! }
    const last = this.#at.length - 1
    this.#swap(0, last)
    this.#at.pop()
    this.#id.pop()
    this.#weight.pop()
    let k = 0
    for (;;) {
      const l = 2 * k + 1
      const r = l + 1
      let m = k
      if (l < last && this.#less(l, m)) m = l
      if (r < last && this.#less(r, m)) m = r
      if (m === k) break
      this.#swap(k, m)
      k = m
    }
    return top
  }
}

/** Cumulative weights for `pick`. */
function cumulative(weights: readonly number[]): Float64Array {
  const c = new Float64Array(weights.length)
  let s = 0
  weights.forEach((w, i) => {
    s += w
    c[i] = s
  })
  return c
}

function pick(rng: Rng, cum: Float64Array): number {
  const u = rng.uniform() * (cum[cum.length - 1] ?? 0)
  let lo = 0
  let hi = cum.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((cum[mid] ?? 0) < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))

/**
 * The seed of a side stream: `seed + offset`, wrapped past 2^53 - 1 to the negative end (computed
 * in two exact steps) so that every accepted seed has its side streams; the largest seeds ran past
 * the safe integers and were refused by createRng.
 */
export function sideSeed(seed: number, offset: number): number {
  const max = Number.MAX_SAFE_INTEGER
  return seed > max - offset ? seed - max + (offset - max - 1) : seed + offset
}

/** The most customers a company may have: the generator holds per-customer arrays in memory. */
export const MAX_CUSTOMERS = 10_000_000

function parseDay(s: string, endOfDay: boolean, name: string): number {
  if (typeof s !== 'string' || !isCalendarDay(s)) {
    throw new UsageError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(s)}`)
  }
  return Date.parse(`${s}T${endOfDay ? '23:59:59' : '00:00:00'}Z`)
}

const RETURN_REASONS = [
  'wrong size',
  'damaged',
  'not as described',
  'changed mind',
  'late delivery',
]
const TICKET_CHANNELS = ['email', 'chat', 'phone']
const ORDER_CHANNELS = ['web', 'app', 'store']
const COMMENTS = {
  promoter: [
    'Love the quality, will buy again',
    'Fast delivery and great service',
    'Recommended you to my friends',
    'Best sunglasses I have owned',
  ],
  passive: ['Good, but a bit pricey', 'Fine overall', 'Delivery took a while, product is ok'],
  detractor: [
    'Returned twice, sizes are off',
    'Support was slow to answer',
    'Product arrived damaged, "replacement" took weeks',
    'Too expensive for what you get',
  ],
}

/**
 * Generate a company into `sink`, deterministically for `opts.seed`.
 *
 * The purchase process follows the Pareto/NBD story (Schmittlein, Morrison & Colombo 1987):
 * while alive a customer orders as a Poisson process with rate λ ~ Gamma(r, α), and dies after
 * an exponential lifetime with rate μ ~ Gamma(s, β). Spend per customer is lognormal. Planted
 * effects and all parameters are in params.ts and docs/generator.md.
 *
 * @example await generateInto({ customers: 1000 }, mySink) // the other options: DEFAULT_OPTIONS'
 * @throws UsageError on bad dates, a customer count that is not a positive integer, a seed that is
 *   no safe integer or an unknown plant.
 */
export async function generateInto(
  options: Partial<GenerateOptions>,
  sink: CompanySink,
): Promise<GenerationTruth> {
  // what is not given is DEFAULT_OPTIONS', as for generateCompany
  const opts: GenerateOptions = { ...DEFAULT_OPTIONS, ...options }
  // the library's checks are the CLI's flags' (generate.ts), as UsageErrors naming the option
  const n = opts.customers
  if (!Number.isInteger(n) || n < 1 || n > MAX_CUSTOMERS) {
    throw new UsageError(
      `customers must be a whole number from 1 to ${MAX_CUSTOMERS}, got ${JSON.stringify(n)}`,
    )
  }
  if (!Number.isSafeInteger(opts.seed)) {
    throw new UsageError(
      `seed must be a whole number from -(2^53 - 1) to 2^53 - 1, got ${JSON.stringify(opts.seed)}`,
    )
  }
  const startMs = parseDay(opts.start, false, 'start')
  const endMs = parseDay(opts.end, true, 'end')
  if (endMs - startMs < 30 * DAY) throw new UsageError('end must be at least 30 days after start')
  if (!Array.isArray(opts.plants)) {
    throw new UsageError(`plants must be a list of planted effects (${PLANTS.join(', ')})`)
  }
  for (const p of opts.plants) {
    if (!(PLANTS as readonly string[]).includes(p)) {
      throw new UsageError(`unknown plant ${JSON.stringify(p)} (choose from ${PLANTS.join(', ')})`)
    }
  }
  const plant = new Set(opts.plants)
  const rng = createRng(opts.seed)
  const catalog = buildCatalog(rng)

  // Catalog lookups: products per category with Zipf-like popularity inside the category.
  const byCategory: Product[][] = CATEGORIES.map(() => [])
  for (const p of catalog) byCategory[p.category]?.push(p)
  const productCum = byCategory.map((ps) => cumulative(ps.map((_, k) => 1 / (k + 1) ** 0.8)))
  const categoryCum = cumulative(CATEGORIES.map((c) => c.weight))
  const sunglasses = CATEGORIES.findIndex((c) => c.name === PATH_TO_BEST.categories[0])
  const lenses = CATEGORIES.findIndex((c) => c.name === PATH_TO_BEST.categories[1])
  const frames = CATEGORIES.findIndex((c) => c.name === 'Frames')
  const regionCum = cumulative(REGIONS.map((r) => r.weight))
  const plantRegion = REGIONS.findIndex(
    (r) => r.country === REGION_PLANT.country && r.region === REGION_PLANT.region,
  )
  const industryCum = cumulative(INDUSTRIES.map(([, w]) => w))
  const channelCum = cumulative(CHANNELS.map((c) => c.weight))
  const referralChannel = CHANNELS.findIndex((c) => c.name === 'referral')
  const organicChannel = CHANNELS.findIndex((c) => c.name === 'organic')

  // Pass 1: latent traits in typed arrays, customers sorted by signup time.
  const signup = new Float64Array(n)
  for (let i = 0; i < n; i++)
    signup[i] = startMs + (endMs - startMs) * rng.uniform() ** PROCESS.growth
  signup.sort()
  const region = new Uint8Array(n)
  const industry = new Uint8Array(n)
  const channel = new Uint8Array(n)
  const campaign = new Uint8Array(n)
  const rate = new Float64Array(n)
  const dropout = new Float64Array(n)
  const spend = new Float64Array(n)
  const costly = new Uint8Array(n)
  const buyer = new Uint8Array(n)
  const lapsed = new Uint8Array(n)
  const stopAt = new Float64Array(n)
  const logValue = new Float64Array(n)
  const lapsedStop = endMs - LAPSED_BEST.stopDaysBeforeEnd * DAY
  for (let i = 0; i < n; i++) {
    region[i] = pick(rng, regionCum)
    industry[i] = pick(rng, industryCum)
    const ch = pick(rng, channelCum)
    channel[i] = ch
    campaign[i] = Math.floor(rng.uniform() * (CHANNELS[ch]?.campaigns.length ?? 1))
    let lam = rng.gamma(PROCESS.rateShape, PROCESS.rateScale)
    const mu = rng.gamma(PROCESS.dropoutShape, PROCESS.dropoutScale)
    let sp = Math.exp(PROCESS.spendSigma * rng.normal())
    costly[i] = rng.uniform() < SERVICE.costlyShare ? 1 : 0
    buyer[i] = rng.uniform() < PROCESS.neverBuy ? 0 : 1
    if (plant.has('region') && region[i] === plantRegion) {
      lam *= REGION_PLANT.rate
      sp *= REGION_PLANT.spend
    }
    const joinLapsed = rng.uniform() < LAPSED_BEST.share
    const jitter = rng.normal() * LAPSED_BEST.stopJitterDays * DAY
    if (
      plant.has('lapsed-best') &&
      buyer[i] === 1 &&
      joinLapsed &&
      (signup[i] ?? 0) <= lapsedStop - LAPSED_BEST.minTenureDays * DAY
    ) {
      lapsed[i] = 1
      lam = Math.max(lam, LAPSED_BEST.minRate)
      sp *= LAPSED_BEST.spend
      stopAt[i] = lapsedStop + jitter
    }
    rate[i] = lam
    dropout[i] = mu
    spend[i] = sp
    logValue[i] = Math.log(lam + 0.3) + Math.log(sp) - Math.log(mu + 0.1) - costly[i]! * 0.7
  }
  let lvMean = 0
  for (let i = 0; i < n; i++) lvMean += logValue[i]! / n
  let lvVar = 0
  for (let i = 0; i < n; i++) lvVar += (logValue[i]! - lvMean) ** 2 / n
  const lvSd = Math.sqrt(lvVar) || 1

  // NPS follows value; promoters refer. Referrers are drawn from older buyers, weighted; first
  // order times are only drawn in pass 2, where a referrer who had not ordered by the referral
  // date is drawn again (see `referrerOf`).
  const nps = new Int8Array(n)
  const referrer = new Int32Array(n).fill(-1)
  const referWeight = new Uint8Array(n)
  const pool: number[] = []
  for (let i = 0; i < n; i++) {
    const z = (logValue[i]! - lvMean) / lvSd
    if (channel[i] === referralChannel) {
      if (pool.length > 0) referrer[i] = pool[Math.floor(rng.uniform() * pool.length)]!
      else channel[i] = organicChannel
    }
    const bonus = referrer[i]! >= 0 ? 0.8 : 0
    nps[i] = clamp(Math.round(6.6 + 1.6 * z + bonus + 1.5 * rng.normal()), 0, 10)
    if (buyer[i] === 1) {
      const w = nps[i]! >= 9 ? 1 + Math.floor(rng.gamma(0.6, 4)) : nps[i]! >= 7 ? 1 : 0
      referWeight[i] = Math.min(w, 40)
      for (let k = 0; k < referWeight[i]!; k++) pool.push(i)
    }
  }

  const rows: Record<TableName, number> = {
    customers: 0,
    orders: 0,
    order_lines: 0,
    referrals: 0,
    engagement: 0,
    tickets: 0,
    returns: 0,
    surveys: 0,
    products: 0,
  }
  const emit = (table: TableName, values: readonly Value[]): void => {
    rows[table]++
    sink.row(table, values)
  }
  const width = Math.max(6, String(n).length)
  const cid = (i: number): string => `C${String(i + 1).padStart(width, '0')}`
  const lapsedBestIds: string[] = []
  for (const p of catalog) {
    emit('products', [
      p.id,
      p.name,
      p.brand,
      CATEGORIES[p.category]?.name ?? '',
      p.priceCents / 100,
    ])
  }
  let pathPairCustomers = 0
  let orderSeq = 0
  let ticketSeq = 0
  let returnSeq = 0
  let responseSeq = 0

  const lineCat: number[] = []
  const lineProd: Product[] = []
  const drawBasket = (): void => basket(rng, lineCat, lineProd)

  // A basket: category indices and products, with affinities (sunglasses/frames -> lenses).
  function basket(r: Rng, cats: number[], prods: Product[]): void {
    cats.length = 0
    prods.length = 0
    const k = Math.min(PROCESS.maxLines, 1 + r.poisson(PROCESS.extraLines))
    for (let j = 0; j < k; j++) {
      let c = pick(r, categoryCum)
      const has = (x: number): boolean => cats.includes(x)
      if (j > 0 && (has(sunglasses) || has(frames)) && !has(lenses) && r.uniform() < 0.3) c = lenses
      const ps = byCategory[c] ?? []
      const p = ps[pick(r, productCum[c] ?? new Float64Array(1))] ?? catalog[0]!
      if (prods.includes(p)) continue
      cats.push(c)
      prods.push(p)
    }
  }
  const isPair = (cats: readonly number[]): boolean =>
    cats.includes(sunglasses) && cats.includes(lenses)

  // The sunglasses + lenses pair is sold as a bundle priced so that a basket holding it costs on
  // average what any basket costs: without the plant the pair then says nothing about value
  // (a bigger first order alone would make pair buyers look better).
  function bundleFactor(r: Rng): number {
    const cats: number[] = []
    const prods: Product[] = []
    let all = 0
    let allN = 0
    let pair = 0
    let pairN = 0
    for (let k = 0; k < 40_000; k++) {
      basket(r, cats, prods)
      let v = 0
      for (const p of prods) v += p.priceCents
      all += v
      allN++
      if (isPair(cats)) {
        pair += v
        pairN++
      }
    }
    return pairN > 0 ? all / allN / (pair / pairN) : 1
  }
  const bundle = bundleFactor(createRng(sideSeed(opts.seed, 7919)))
  // subscribers (a switching cost: the loyalty type "limited loyal, held by a contract") on a
  // stream of their own, so the rest of the company is the same as without them
  const subscription = createRng(sideSeed(opts.seed, 104_729))
  // A referrer drawn in pass 1 may not have ordered yet on the referral date (the referred
  // customer's signup): their first order comes days after their own signup. Such a referral is
  // drawn again, same weights, among the buyers who had ordered by then; buyers wait in `waiting`
  // (by first-order time) until they join `ready`. A stream of its own keeps the rest unchanged.
  const firstOrderAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  const waiting = new FirstOrderHeap()
  const ready: number[] = []
  const redraw = createRng(sideSeed(opts.seed, 15_485_863))

  for (let i = 0; i < n; i++) {
    const id = cid(i)
    const su = signup[i]!
    while (waiting.size > 0 && waiting.peekAt() <= su) {
      const { id: buyerIndex, weight } = waiting.pop()
      for (let k = 0; k < weight; k++) ready.push(buyerIndex)
    }
    let ref = referrer[i]!
    if (ref >= 0 && !(firstOrderAt[ref]! <= su)) {
      ref = ready.length > 0 ? ready[Math.floor(redraw.uniform() * ready.length)]! : -1
    }
    // nobody had ordered yet: the customer came on their own after all
    const ch = CHANNELS[ref < 0 && referrer[i]! >= 0 ? organicChannel : channel[i]!]!
    const camp = ch.campaigns[campaign[i]!] ?? ''
    const reg = REGIONS[region[i]!]!
    const first = FIRST_NAMES[Math.floor(rng.uniform() * FIRST_NAMES.length)]!
    const last = LAST_NAMES[Math.floor(rng.uniform() * LAST_NAMES.length)]!
    emit('customers', [
      id,
      `${first}.${last}.${i + 1}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      `${first} ${last}`,
      iso(su),
      reg.country,
      reg.region,
      reg.cities[Math.floor(rng.uniform() * reg.cities.length)] ?? '',
      INDUSTRIES[industry[i]!]![0],
      ch.name,
      camp || null,
      subscription.uniform() < SUBSCRIBER_SHARE ? 'yes' : 'no',
    ])
    if (ref >= 0) emit('referrals', [cid(ref), id, iso(su), `REF-${cid(ref)}`])
    if (lapsed[i] === 1) lapsedBestIds.push(id)

    const isCostly = costly[i] === 1
    const promoter = nps[i]! >= 9
    const detractor = nps[i]! <= 6
    const discountProne = isCostly || rng.uniform() < 0.15
    let lam = rate[i]!
    let mu = dropout[i]!
    let sp = spend[i]!
    let firstOrder = su + rng.exponential(1 / PROCESS.firstOrderDays) * DAY
    if (buyer[i] === 0) firstOrder = Number.POSITIVE_INFINITY
    firstOrderAt[i] = firstOrder
    if (referWeight[i]! > 0 && firstOrder <= endMs) waiting.push(firstOrder, i, referWeight[i]!)
    let lastActive = su + 60 * DAY
    let orders = 0
    if (firstOrder <= endMs) {
      drawBasket()
      if (isPair(lineCat)) {
        pathPairCustomers++
        if (plant.has('path-to-best')) {
          lam *= PATH_TO_BEST.rate
          mu *= PATH_TO_BEST.dropout
          sp *= PATH_TO_BEST.spend
        }
      }
      const death = lapsed[i] === 1 ? stopAt[i]! : firstOrder + rng.exponential(mu) * YEAR
      lastActive = Math.min(endMs, death)
      let t = firstOrder
      while (t <= endMs && t <= death && orders < PROCESS.maxOrders) {
        if (orders > 0) drawBasket()
        orders++
        const orderId = `O${String(++orderSeq).padStart(8, '0')}`
        const discounted =
          rng.uniform() <
          (isCostly
            ? SERVICE.discountProb.costly
            : discountProne
              ? 0.45
              : SERVICE.discountProb.normal)
        const rateOff = discounted ? 0.05 + 0.25 * rng.uniform() : 0
        let amount = 0
        let discount = 0
        let cost = 0
        let qtyTotal = 0
        const lineNet: number[] = []
        const priceFactor = sp * (isPair(lineCat) ? bundle : 1)
        for (let j = 0; j < lineProd.length; j++) {
          const p = lineProd[j]!
          const u = rng.uniform()
          const q = u < 0.85 ? 1 : u < 0.97 ? 2 : 3
          const gross = Math.max(100, Math.round(p.priceCents * q * priceFactor))
          const off = Math.round(gross * rateOff)
          const net = gross - off
          amount += net
          discount += off
          cost += Math.round(gross * (CATEGORIES[p.category]?.costRatio ?? 0.5))
          qtyTotal += q
          lineNet.push(net)
          emit('order_lines', [
            orderId,
            j + 1,
            p.id,
            p.name,
            CATEGORIES[p.category]?.name ?? '',
            q,
            money(net),
          ])
        }
        const month = new Date(t).getUTCMonth()
        const year = new Date(t).getUTCFullYear()
        const orderCampaign =
          orders === 1
            ? camp || null
            : discounted && rng.uniform() < 0.7
              ? month === 10
                ? `black_friday_${year}`
                : month === 5 || month === 6
                  ? `summer_sale_${year}`
                  : 'newsletter_promo'
              : null
        const orderChannel =
          ch.name === 'marketplace' && rng.uniform() < 0.7
            ? 'marketplace'
            : ORDER_CHANNELS[pick(rng, ORDER_CHANNEL_CUM)]!
        emit('orders', [
          orderId,
          id,
          iso(t),
          money(amount),
          'EUR',
          qtyTotal,
          money(cost),
          money(discount),
          orderChannel,
          orderCampaign,
        ])
        if (rng.uniform() < (isCostly ? SERVICE.returnProb.costly : SERVICE.returnProb.normal)) {
          const at = t + (3 + 27 * rng.uniform()) * DAY
          if (at <= endMs) {
            const whole = rng.uniform() < 0.5 || lineNet.length === 1
            const part = lineNet[Math.floor(rng.uniform() * lineNet.length)] ?? amount
            emit('returns', [
              `R${String(++returnSeq).padStart(7, '0')}`,
              orderId,
              id,
              iso(at),
              money(whole ? amount : part),
              RETURN_REASONS[pick(rng, RETURN_REASON_CUM)]!,
            ])
          }
        }
        const tickets = rng.poisson(
          isCostly ? SERVICE.ticketsPerOrder.costly : SERVICE.ticketsPerOrder.normal,
        )
        for (let k = 0; k < tickets; k++) {
          const opened = t + 20 * DAY * rng.uniform()
          if (opened > endMs) continue
          const hours = Math.exp(Math.log(8) + rng.normal())
          const resolved = opened + hours * 3_600_000
          const tch = TICKET_CHANNELS[pick(rng, TICKET_CHANNEL_CUM)]!
          const base = isCostly ? SERVICE.handlingMinutes.costly : SERVICE.handlingMinutes.normal
          const minutes = Math.max(
            1,
            Math.round(base * (tch === 'phone' ? 1.5 : 1) * Math.exp(0.6 * rng.normal())),
          )
          const sat = clamp(
            Math.round(3.2 + 0.35 * (nps[i]! - 6) + 0.8 * rng.normal() - (hours > 48 ? 1 : 0)),
            1,
            5,
          )
          emit('tickets', [
            `T${String(++ticketSeq).padStart(7, '0')}`,
            id,
            iso(opened),
            resolved <= endMs ? iso(resolved) : null,
            tch,
            minutes,
            resolved <= endMs ? sat : null,
          ])
        }
        t += rng.exponential(lam) * YEAR
      }
    }

    // Engagement: promoters engage more; reviews and shares come mostly from promoters.
    const from = su
    const to = Math.min(endMs, lastActive + 120 * DAY)
    if (to > from) {
      const perYear = 4 * Math.exp(0.3 * (nps[i]! - 6)) * (orders > 0 ? 1 : 0.4)
      const count = Math.min(500, rng.poisson((perYear * (to - from)) / YEAR))
      const times = new Float64Array(count)
      for (let k = 0; k < count; k++) times[k] = from + (to - from) * rng.uniform()
      times.sort()
      const cum = promoter
        ? ENGAGEMENT_CUM.promoter
        : detractor
          ? ENGAGEMENT_CUM.detractor
          : ENGAGEMENT_CUM.passive
      for (let k = 0; k < count; k++) {
        let ev = ENGAGEMENT_EVENTS[pick(rng, cum)]!
        if (ev === 'promo_redemption' && !discountProne && rng.uniform() < 0.5) ev = 'email_open'
        emit('engagement', [id, iso(times[k]!), ev])
      }
    }

    // Surveys: a third of buyers answer once, some twice; scores track the customer's NPS.
    if (orders > 0 && rng.uniform() < 0.33) {
      const answers = rng.uniform() < 0.25 ? 2 : 1
      // answered by a buyer: on or after their first order (from the signup, one in 80 answered
      // before buying), up to 60 days past their last active day
      const until = Math.max(firstOrder, Math.min(endMs, lastActive + 60 * DAY))
      for (let k = 0; k < answers; k++) {
        const at = firstOrder + (until - firstOrder) * rng.uniform()
        const score = clamp(nps[i]! + Math.round(0.8 * rng.normal()), 0, 10)
        const ces = clamp(
          Math.round(5 + 0.3 * (score - 6) - (isCostly ? 1.5 : 0) + rng.normal()),
          1,
          7,
        )
        const csat = clamp(Math.round(3.4 + 0.35 * (score - 6) + 0.7 * rng.normal()), 1, 5)
        const band =
          score >= 9 ? COMMENTS.promoter : score >= 7 ? COMMENTS.passive : COMMENTS.detractor
        const comment = rng.uniform() < 0.4 ? band[Math.floor(rng.uniform() * band.length)]! : null
        emit('surveys', [
          `S${String(++responseSeq).padStart(7, '0')}`,
          id,
          iso(Math.min(at, endMs)),
          score,
          ces,
          csat,
          comment,
        ])
      }
    }
    if (i % 500 === 499 && sink.flush) await sink.flush()
  }
  if (sink.flush) await sink.flush()

  return {
    options: { ...opts, plants: PLANTS.filter((p) => plant.has(p)) },
    rows,
    pathPairCustomers,
    lapsedBestIds,
    plantParameters: {
      pathToBest: plant.has('path-to-best') ? PATH_TO_BEST : null,
      region: plant.has('region') ? REGION_PLANT : null,
      lapsedBest: plant.has('lapsed-best') ? LAPSED_BEST : null,
    },
  }
}

const ORDER_CHANNEL_CUM = cumulative([65, 25, 10])
const RETURN_REASON_CUM = cumulative([30, 15, 20, 25, 10])
const TICKET_CHANNEL_CUM = cumulative([50, 30, 20])
const ENGAGEMENT_EVENTS = [
  'email_open',
  'email_click',
  'site_visit',
  'review',
  'social_share',
  'promo_redemption',
] as const
const ENGAGEMENT_CUM = {
  promoter: cumulative([40, 16, 26, 9, 6, 3]),
  passive: cumulative([45, 14, 30, 3, 1, 7]),
  detractor: cumulative([50, 10, 30, 2, 0.5, 7.5]),
}

/** A generated company held in memory (for tests and small demos). */
export type GeneratedCompany = {
  readonly [T in TableName]: Record<(typeof TABLES)[T][number], Value>[]
} & { readonly truth: GenerationTruth }

/**
 * Generate a small company into memory: one object per row, keyed by column name.
 * Use `writeCompany` (write.ts) for large N; this holds every row.
 * @example const c = await generateCompany({ customers: 2000, seed: 7 }); c.orders.length
 */
export async function generateCompany(
  opts: Partial<GenerateOptions> = {},
): Promise<GeneratedCompany> {
  const full = { ...DEFAULT_OPTIONS, ...opts }
  const out: Record<string, Record<string, Value>[]> = {}
  for (const t of Object.keys(TABLES)) out[t] = []
  const truth = await generateInto(full, {
    row(table, values) {
      const cols = TABLES[table]
      const o: Record<string, Value> = {}
      for (let k = 0; k < cols.length; k++) o[cols[k]!] = values[k] ?? null
      out[table]!.push(o)
    },
  })
  return { ...(out as unknown as Omit<GeneratedCompany, 'truth'>), truth }
}
