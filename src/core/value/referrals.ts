// Referral value: each referred customer's own value flows up the referral tree, in full to the
// direct referrer and times decay^(L-1) to the ancestor L levels up. Everything works on an
// effective parent array (one referrer per customer, cycles broken) so it is O(edges + n * maxDepth)
// with no recursion, for millions of customers.
import { DataError } from '../../errors.ts'

/** Referral edges as parallel columns: `referrer[e]` referred `referred[e]` (customer indices). */
export interface ReferralEdges {
  readonly referrer: Int32Array
  readonly referred: Int32Array
  /** Day number of each referral (any epoch). Earlier wins; without it, earlier in the input wins. */
  readonly day?: Float64Array
}

export interface ReferralOptions {
  /** Weight of a level-L descendant is decay^(L-1). */
  readonly decay: number
  /** Levels counted below a referrer (1 = direct referrals only). */
  readonly maxDepth: number
}

export interface ReferralResult {
  readonly decay: number
  readonly maxDepth: number
  /** Referral value per customer: sum over descendants d at level L <= maxDepth of v_d * decay^(L-1). */
  readonly value: Float64Array
  /** Customers referred directly (after de-duplication and cycle breaking). */
  readonly directCount: Int32Array
  /** Sum of the direct referrals' own values. */
  readonly directValue: Float64Array
  /** Descendant counts per level, row-major: `countsByLevel[i * maxDepth + (L - 1)]`. */
  readonly countsByLevel: Int32Array
  /** The effective referrer of each customer, -1 for none. */
  readonly parent: Int32Array
  /** The edge index that made `parent[i]`, -1 for none. */
  readonly parentEdge: Int32Array
  /** Edges ignored because the customer had already been referred earlier ("first referral wins"). */
  readonly duplicates: number
  /** Edges where a customer referred themselves (ignored). */
  readonly selfReferrals: number
  /** Cycles found in the referral graph; each was broken by dropping its latest edge. */
  readonly cyclesBroken: number
  /** Indices of the edges dropped to break cycles. */
  readonly brokenEdges: Int32Array
}

function edgeDay(day: Float64Array | undefined, e: number): number {
  const d = day === undefined ? Number.NaN : (day[e] as number)
  // An undated referral sorts after every dated one, then by input order.
  return Number.isNaN(d) ? Number.POSITIVE_INFINITY : d
}

/** True when edge a was made after edge b (later day, or same day and later in the input). */
function laterEdge(day: Float64Array | undefined, a: number, b: number): boolean {
  const da = edgeDay(day, a)
  const db = edgeDay(day, b)
  return da > db || (da === db && a > b)
}

/**
 * Referral value of every customer.
 *
 * value[a] = sum over customers d referred, directly or through others, by a within `maxDepth`
 * levels of ownValue[d] * decay^(L-1), L being d's level below a (1 = referred directly by a).
 * Each customer has at most one referrer: when a customer was referred more than once, the earliest
 * referral wins (ties: the first in the input), so nobody's value is counted twice. A cycle
 * (A referred B, B referred A) is impossible in time; it is broken by dropping its latest edge (ties:
 * the later in the input) and counted in `cyclesBroken`.
 *
 * @param n number of customers; indices are 0..n-1
 * @param ownValue each customer's own value (realized profit since referral + predicted value);
 *   negative values count (a referred customer served at a loss lowers the referrer's value)
 * @example
 * // A(0) -> B(1) -> C(2) -> D(3), own values 100, 40, 20: A gets 100 + 0.5*40 + 0.25*20 = 125
 * computeReferralValue(4, { referrer: Int32Array.of(0, 1, 2), referred: Int32Array.of(1, 2, 3) },
 *   Float64Array.of(0, 100, 40, 20), { decay: 0.5, maxDepth: 5 }).value[0] // 125
 * @throws DataError when columns differ in length, an index is outside 0..n-1 or a value is not finite
 */
export function computeReferralValue(
  n: number,
  edges: ReferralEdges,
  ownValue: Float64Array,
  opts: ReferralOptions,
): ReferralResult {
  const { referrer, referred, day } = edges
  const m = referrer.length
  if (referred.length !== m || (day !== undefined && day.length !== m)) {
    throw new DataError('referral columns differ in length', {
      referrer: m,
      referred: referred.length,
      day: day?.length ?? null,
    })
  }
  if (ownValue.length !== n) {
    throw new DataError('ownValue must have one value per customer', { n, values: ownValue.length })
  }
  const maxDepth = Math.floor(opts.maxDepth)
  if (!(maxDepth >= 1))
    throw new DataError('maxDepth must be at least 1', { maxDepth: opts.maxDepth })
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ownValue[i] as number)) {
      throw new DataError(`ownValue of customer ${i} is not a finite number`, { index: i })
    }
  }

  // 1. One referrer per customer: the earliest referral wins.
  const parent = new Int32Array(n).fill(-1)
  const parentEdge = new Int32Array(n).fill(-1)
  let duplicates = 0
  let selfReferrals = 0
  for (let e = 0; e < m; e++) {
    const a = referrer[e] as number
    const b = referred[e] as number
    if (a < 0 || a >= n || b < 0 || b >= n) {
      throw new DataError(`referral ${e} names a customer index outside 0..${n - 1}`, {
        edge: e,
        referrer: a,
        referred: b,
      })
    }
    if (a === b) {
      selfReferrals++
      continue
    }
    const cur = parentEdge[b] as number
    if (cur === -1) {
      parent[b] = a
      parentEdge[b] = e
      continue
    }
    duplicates++
    if (laterEdge(day, cur, e)) {
      parent[b] = a
      parentEdge[b] = e
    }
  }

  // 2. Break cycles. Each node has at most one parent, so each component holds at most one cycle.
  // state: 0 unvisited, else the id of the walk that first reached the node.
  const state = new Int32Array(n)
  const broken: number[] = []
  for (let u = 0; u < n; u++) {
    if (state[u] !== 0) continue
    const walk = u + 1
    let v = u
    while (v >= 0 && state[v] === 0) {
      state[v] = walk
      v = parent[v] as number
    }
    if (v < 0 || state[v] !== walk) continue
    // v lies on a cycle found by this walk: drop its latest edge.
    let worst = v
    let w = parent[v] as number
    while (w !== v) {
      if (laterEdge(day, parentEdge[w] as number, parentEdge[worst] as number)) worst = w
      w = parent[w] as number
    }
    broken.push(parentEdge[worst] as number)
    parent[worst] = -1
    parentEdge[worst] = -1
  }

  // 3. Push each customer's value up to maxDepth ancestors.
  const decay = opts.decay
  const value = new Float64Array(n)
  const directCount = new Int32Array(n)
  const directValue = new Float64Array(n)
  const countsByLevel = new Int32Array(n * maxDepth)
  for (let d = 0; d < n; d++) {
    let a = parent[d] as number
    if (a < 0) continue
    const v = ownValue[d] as number
    directCount[a] = (directCount[a] as number) + 1
    directValue[a] = (directValue[a] as number) + v
    let w = 1
    for (let level = 0; level < maxDepth && a >= 0; level++) {
      value[a] = (value[a] as number) + v * w
      const c = a * maxDepth + level
      countsByLevel[c] = (countsByLevel[c] as number) + 1
      w *= decay
      a = parent[a] as number
    }
  }

  broken.sort((x, y) => x - y)
  return {
    decay,
    maxDepth,
    value,
    directCount,
    directValue,
    countsByLevel,
    parent,
    parentEdge,
    duplicates,
    selfReferrals,
    cyclesBroken: broken.length,
    brokenEdges: Int32Array.from(broken),
  }
}

/** One referred customer in a referral tree. */
export interface ReferralTreeNode {
  readonly customer: number
  /** 1 = referred directly by the root. */
  readonly level: number
  readonly ownValue: number
  /** ownValue * decay^(level-1): what this customer adds to the root's referral value. */
  readonly contribution: number
  readonly children: ReferralTreeNode[]
}

/** A top referrer and the customers they brought, nested. */
export interface ReferralTree {
  readonly customer: number
  readonly referralValue: number
  readonly directCount: number
  /** Descendants within maxDepth levels. */
  readonly descendants: number
  readonly children: ReferralTreeNode[]
  /** Descendants left out of `children` because the tree reached `maxNodes`. */
  readonly omitted: number
}

/**
 * The referral trees of the top `k` referrers by referral value (ties: lower index first), each
 * cut at `maxNodes` nodes taken level by level, children ordered by contribution (largest first).
 * Only indices below `roots` (default all) can be a top referrer: the service numbers its buyers
 * first, and someone who never bought is a link inside others' trees, not a referrer to rank.
 * Built iteratively (no recursion), so a deep chain cannot overflow the stack.
 * @example referralTrees(result, ownValue, 10)[0].children[0].customer
 */
export function referralTrees(
  result: ReferralResult,
  ownValue: Float64Array,
  k: number,
  maxNodes = 500,
  roots = result.parent.length,
): ReferralTree[] {
  const { parent, value, directCount, countsByLevel, maxDepth, decay } = result
  const n = parent.length
  const referrers: number[] = []
  const last = Math.min(n, roots)
  for (let i = 0; i < last; i++) if ((directCount[i] as number) > 0) referrers.push(i)
  referrers.sort((a, b) => (value[b] as number) - (value[a] as number) || a - b)
  const top = referrers.slice(0, Math.max(0, k))
  if (top.length === 0) return []

  // Children lists in CSR form (counting sort by parent).
  const start = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) {
    const p = parent[i] as number
    if (p >= 0) start[p + 1] = (start[p + 1] as number) + 1
  }
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number)
  const fill = start.slice(0, n)
  const kids = new Int32Array(start[n] as number)
  for (let i = 0; i < n; i++) {
    const p = parent[i] as number
    if (p >= 0) {
      const at = fill[p] as number
      kids[at] = i
      fill[p] = at + 1
    }
  }

  return top.map((root) => {
    let descendants = 0
    for (let l = 0; l < maxDepth; l++) descendants += countsByLevel[root * maxDepth + l] as number
    const rootChildren: ReferralTreeNode[] = []
    let used = 0
    // Breadth-first: [node id, level, where to attach]
    let frontier: [number, number, ReferralTreeNode[]][] = [[root, 0, rootChildren]]
    while (frontier.length > 0 && used < maxNodes) {
      const next: [number, number, ReferralTreeNode[]][] = []
      for (const [id, level, into] of frontier) {
        if (level >= maxDepth) continue
        const ids = Array.from(kids.subarray(start[id] as number, start[id + 1] as number))
        ids.sort((a, b) => (ownValue[b] as number) - (ownValue[a] as number) || a - b)
        const w = decay ** level
        for (const c of ids) {
          if (used >= maxNodes) break
          const node: ReferralTreeNode = {
            customer: c,
            level: level + 1,
            ownValue: ownValue[c] as number,
            contribution: (ownValue[c] as number) * w,
            children: [],
          }
          into.push(node)
          used++
          next.push([c, level + 1, node.children])
        }
      }
      frontier = next
    }
    return {
      customer: root,
      referralValue: value[root] as number,
      directCount: directCount[root] as number,
      descendants,
      children: rootChildren,
      omitted: descendants - used,
    }
  })
}
