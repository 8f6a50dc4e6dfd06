// Ranking quality of scores against 0/1 labels. Everything runs on native Float64Array sorts (no
// comparator callbacks), so 1M scores cost well under a second; ties are handled exactly.
import { DataError, UsageError } from '../../errors.ts'
import { wilsonInterval } from './proportion.ts'

function check(scores: Float64Array, labels: Uint8Array): void {
  if (scores.length !== labels.length) {
    throw new UsageError('scores and labels differ in length', {
      scores: scores.length,
      labels: labels.length,
    })
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i]!)) throw new UsageError('score is NaN', { index: i })
    if (labels[i]! > 1) throw new UsageError('labels must be 0 or 1', { index: i })
  }
}

/**
 * Area under the ROC curve = P(score of a random positive > score of a random negative) + ½P(tie),
 * the Mann-Whitney U statistic divided by n₊n₋ (Hanley & McNeil 1982, Radiology 143:29). Positives
 * and negatives are sorted separately and merged, O(n log n).
 * @example auc(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 0.75
 * @throws UsageError for mismatched lengths, NaN scores or labels other than 0/1; DataError when
 *   either class is empty.
 */
export function auc(scores: Float64Array, labels: Uint8Array): number {
  check(scores, labels)
  let nPos = 0
  for (let i = 0; i < labels.length; i++) nPos += labels[i]!
  const nNeg = labels.length - nPos
  if (nPos === 0 || nNeg === 0)
    throw new DataError('AUC needs both positives and negatives', { nPos, nNeg })
  const pos = new Float64Array(nPos)
  const neg = new Float64Array(nNeg)
  for (let i = 0, a = 0, b = 0; i < labels.length; i++) {
    if (labels[i]) pos[a++] = scores[i]!
    else neg[b++] = scores[i]!
  }
  pos.sort()
  neg.sort()
  // For each positive: negatives strictly below count 1, ties count ½.
  let u = 0
  let below = 0
  let upTo = 0
  for (let i = 0; i < nPos; i++) {
    const s = pos[i]!
    while (below < nNeg && neg[below]! < s) below++
    if (upTo < below) upTo = below
    while (upTo < nNeg && neg[upTo]! <= s) upTo++
    u += below + 0.5 * (upTo - below)
  }
  return u / (nPos * nNeg)
}

/** Quality of the k highest-scored rows. */
export interface TopKMetrics {
  readonly k: number
  /** Expected positives among the top k when ties at the cut are broken at random. */
  readonly positives: number
  readonly precision: number
  readonly recall: number
  /** precision / base rate. */
  readonly lift: number
  /** Score of the k-th row. */
  readonly threshold: number
}

/**
 * Precision, recall and lift of the top k by score (Manning, Raghavan & Schütze 2008, §8.4). Rows
 * tied with the k-th score share the remaining slots pro rata, so the result does not depend on
 * row order.
 * @example topK(Float64Array.of(0.9, 0.8, 0.1, 0.2), Uint8Array.of(1, 0, 1, 0), 2).precision // 0.5
 * @throws UsageError for k outside 1..n or bad inputs; DataError when there are no positives.
 */
export function topK(scores: Float64Array, labels: Uint8Array, k: number): TopKMetrics {
  check(scores, labels)
  const n = scores.length
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new UsageError('k must be an integer in 1..n', { k, n })
  const sorted = Float64Array.from(scores).sort()
  const threshold = sorted[n - k]!
  let posAbove = 0
  let above = 0
  let posTied = 0
  let tied = 0
  let totalPos = 0
  for (let i = 0; i < n; i++) {
    const s = scores[i]!
    const yi = labels[i]!
    totalPos += yi
    if (s > threshold) {
      above++
      posAbove += yi
    } else if (s === threshold) {
      tied++
      posTied += yi
    }
  }
  if (totalPos === 0) throw new DataError('top-k metrics need at least one positive')
  const positives = posAbove + ((k - above) * posTied) / tied
  const precision = positives / k
  return {
    k,
    positives,
    precision,
    recall: positives / totalPos,
    lift: precision / (totalPos / n),
    threshold,
  }
}

/** Share of the top k that are positive. See {@link topK}. */
export function precisionAtK(scores: Float64Array, labels: Uint8Array, k: number): number {
  return topK(scores, labels, k).precision
}

/** Share of all positives found in the top k. See {@link topK}. */
export function recallAtK(scores: Float64Array, labels: Uint8Array, k: number): number {
  return topK(scores, labels, k).recall
}

/** Precision at k over the base rate. See {@link topK}. */
export function liftAtK(scores: Float64Array, labels: Uint8Array, k: number): number {
  return topK(scores, labels, k).lift
}

/** One bin of {@link calibrationTable}. */
export interface CalibrationBin {
  readonly bin: number
  readonly n: number
  readonly minScore: number
  readonly maxScore: number
  readonly meanPredicted: number
  readonly observedRate: number
  /** Wilson 95 % interval of the observed rate. */
  readonly lower: number
  readonly upper: number
}

/**
 * Reliability table: rows cut into `bins` groups at the score quantiles (deciles by default), with
 * mean predicted probability against observed rate per group (the table behind a reliability
 * diagram, Niculescu-Mizil & Caruana 2005). Rows tied at a cut point go to the higher bin, so
 * heavily tied scores can leave bins empty; empty bins are omitted.
 * @throws UsageError for bad inputs or bins < 1; DataError for empty input.
 */
export function calibrationTable(
  scores: Float64Array,
  labels: Uint8Array,
  bins = 10,
): CalibrationBin[] {
  check(scores, labels)
  const n = scores.length
  if (n === 0) throw new DataError('calibration table of no rows')
  if (!Number.isInteger(bins) || bins < 1)
    throw new UsageError('bins must be a positive integer', { bins })
  const sorted = Float64Array.from(scores).sort()
  const edges = new Float64Array(bins)
  for (let b = 0; b < bins; b++) edges[b] = sorted[Math.floor((b * n) / bins)]!
  const count = new Float64Array(bins)
  const pos = new Float64Array(bins)
  const sum = new Float64Array(bins)
  const lo = new Float64Array(bins).fill(Number.POSITIVE_INFINITY)
  const hi = new Float64Array(bins).fill(Number.NEGATIVE_INFINITY)
  for (let i = 0; i < n; i++) {
    const s = scores[i]!
    // Largest b with edges[b] <= s (binary search; edges are non-decreasing).
    let l = 0
    let h = bins - 1
    while (l < h) {
      const mid = (l + h + 1) >> 1
      if (edges[mid]! <= s) l = mid
      else h = mid - 1
    }
    count[l]!++
    pos[l]! += labels[i]!
    sum[l]! += s
    if (s < lo[l]!) lo[l] = s
    if (s > hi[l]!) hi[l] = s
  }
  const out: CalibrationBin[] = []
  for (let b = 0; b < bins; b++) {
    const c = count[b]!
    if (c === 0) continue
    const ci = wilsonInterval(pos[b]!, c)
    out.push({
      bin: b,
      n: c,
      minScore: lo[b]!,
      maxScore: hi[b]!,
      meanPredicted: sum[b]! / c,
      observedRate: pos[b]! / c,
      lower: ci.lower,
      upper: ci.upper,
    })
  }
  return out
}
