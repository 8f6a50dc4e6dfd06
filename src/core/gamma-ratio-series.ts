// Series of gamma-function ratios. The sBG's DEL and DERL (models/sbg.ts) and the BG/BB residual
// transactions and next-transaction distribution (models/bgbb.ts, whose dropout process is an sBG)
// are all sums Σ_{j>=j0} f(j) with f(x) ∝ exp(κ log x - δ x) Π_i Γ(x+u_i)/Γ(x+u_i+v_i).
// Their terms fall like x^-(Σv - κ) e^-(δ x), so plain summation needs ~1/δ terms, or, at δ = 0,
// can need 1e10 or more. The sum is taken directly while the terms are rough, then by Euler-
// Maclaurin from J on: Σ_{j>=J} f(j) = ∫_J^∞ f + f(J)/2 - f'(J)/12 + f'''(J)/720 - ..., where J is
// far enough out (x + u_i >= 20, κ/x + Σ log(1 + v_i/(x + u_i)) <= 1/50, δ <= 0.01) that the
// omitted terms stay near 1e-12 of the sum, and the integral is taken in y = log(x/J) with the
// power law split off exactly. Below J the terms fall by at least e^-1/50 a step, so the direct sum
// stops, long before J when J is large, once a bound on what is left of it is below 1e-17.
// Ratios of terms are taken as one log-gamma second difference (logGammaRatioStep), never as the
// difference of two log-ratios: those are ~v log x each, and lost 2e-7 of a term at v = 1e8.
import { stirlingTail } from './gamma-fns.ts'
import { digamma } from './special.ts'

/**
 * The series Σ_{j>=start} f(j) described above (v_i > 0, start + u_i > 0), with the products taken
 * relative to the first term: f(j) = exp(logC + κ log j - δ j) Π_i [Γ(j+u_i)/Γ(j+u_i+v_i)] /
 * [Γ(start+u_i)/Γ(start+u_i+v_i)], so that logC = 0 makes the first term 1 (times start^κ e^-δ·start)
 * exactly, whatever the size of u and v.
 */
export interface GammaRatioSeries {
  readonly logC: number
  readonly u: readonly number[]
  readonly v: readonly number[]
  readonly kappa: number
  readonly delta: number
  readonly start: number
}

/**
 * log[Γ(x+u)/Γ(x+u+v)] + v log x, which tends to 0 as x grows, without the cancellation of two
 * log-gammas of large arguments (needs x + u >= 20).
 */
function powerDefect(x: number, u: number, v: number): number {
  const X = x + u
  const L = Math.log1p(v / X)
  return -v * Math.log1p(u / x) - ((X + v - 0.5) * L - v) + stirlingTail(X) - stirlingTail(X + v)
}

/**
 * log Γ(X)/Γ(X+v) for X > 0, v > 0; Stirling-based (no cancellation) once X >= 20, and below by
 * Γ(X)/Γ(X+v) = Γ(X+1)/Γ(X+1+v) · (1 + v/X): lgamma(X) - lgamma(X+v) lost 1e-16 of lgamma(X+v)'s
 * size (1e-10 of the answer at X = 1e-9, v = 1e5) and of a tiny v's ratio.
 */
export function logGammaRatio(X: number, v: number): number {
  if (X < 20) {
    let s = 0
    let z = X
    for (; z < 20; z++) s += Math.log1p(v / z)
    return s + logGammaRatio(z, v)
  }
  const L = Math.log1p(v / X)
  return -v * Math.log(X) - ((X + v - 0.5) * L - v) + stirlingTail(X) - stirlingTail(X + v)
}

/**
 * log[Γ(X+d) Γ(X+v) / (Γ(X) Γ(X+d+v))] for X > 0, d, v >= 0: how much a ratio Γ(x)/Γ(x+v) changes
 * from x = X to X + d (symmetric in d and v, and <= 0). From Stirling it is -w log(1 + W/X) plus
 * small corrections, w = min(d, v), W = max(d, v): its rounding is ~1e-16 of the answer, where
 * logGammaRatio(X+d, v) - logGammaRatio(X, v) loses ~1e-16 · v log X (2e-7 at v = 1e8). Below
 * X = 20 by D(X) = D(X+1) + log(1 - dv/((X+d)(X+v))). When d + v is small against X the answer is
 * only ~ -dv/X, and Stirling's terms, each ~w, left ~1e-16 · X/W of it (7e-5 at X = 1e12, d = 3,
 * v = 2): there it is Taylor's series in d and v about X instead.
 */
export function logGammaRatioStep(X: number, d: number, v: number): number {
  if (d === 0 || v === 0) return 0
  // a step of a few whole numbers (the BG/BB's counts x, n, t_x at ordinary sizes) is a short
  // sum, Σ_{i<d} log((X+i)/(X+v+i)): shifting X up to 20 below made the BG/BB likelihood of the
  // donations rows 74 us, against 19 us with log-betas and 5 us so
  if (d <= SHORT_STEP && Number.isInteger(d)) return shortStep(X, d, v)
  if (v <= SHORT_STEP && Number.isInteger(v)) return shortStep(X, v, d)
  let s = 0
  let z = X
  for (; z < 20; z++) {
    const q = (d * v) / ((z + d) * (z + v))
    // near q = 1 (z small against d and v) 1 - q is formed exactly as z (z+d+v) / ((z+d)(z+v))
    s += q < 0.5 ? Math.log1p(-q) : Math.log((z * (z + d + v)) / ((z + d) * (z + v)))
  }
  if (d + v <= z / 8) return s + stepTaylor(z, d, v)
  const w = Math.min(d, v)
  const W = Math.max(d, v)
  // h(Z) = (Z + w - 1/2) log(1 + w/Z) - w, the non-power part of -log Γ(Z+w)/Γ(Z)
  const h = (Z: number): number => (Z + w - 0.5) * Math.log1p(w / Z) - w
  return s - w * Math.log1p(W / z) - (h(z + W) - h(z)) + tailDrop(z + W, w) - tailDrop(z, w)
}

const SHORT_STEP = 16

/**
 * Σ_{i<k} log((X+i)/(X+v+i)) for a whole k: log1p(-v/(X+v+i)) while that fraction is below 1/2
 * (so that the terms keep their precision when v is small against X), else the log of the ratio
 * itself (1 - v/(X+v) lost the digits of a tiny X). Each term is exact to an ulp or two, and all
 * have one sign.
 */
function shortStep(X: number, k: number, v: number): number {
  let s = 0
  for (let i = 0; i < k; i++) {
    const q = v / (X + v + i)
    s += q < 0.5 ? Math.log1p(-q) : Math.log((X + i) / (X + v + i))
  }
  return s
}

/**
 * stirlingTail(Z) - stirlingTail(Z + w), with each power difference Z^-k - (Z+w)^-k taken as
 * (1/Z - 1/(Z+w)) times a positive sum: as a plain difference it kept ~1e-19 absolute, all of the
 * answer's w/Z² at w = 1e-12 (which the gamma ratios near 1 of the sBG's sums need).
 */
function tailDrop(Z: number, w: number): number {
  const a = 1 / Z
  const b = 1 / (Z + w)
  // p_k = Σ_{i<k} a^i b^(k-1-i), so that a^k - b^k = (a - b) p_k, a - b = w a b;
  // p_(k+2) = b² p_k + a^k (a + b)
  const a2 = a * a
  const b2 = b * b
  const p3 = a2 + a * b + b2
  const p5 = b2 * p3 + a2 * a * (a + b)
  const p7 = b2 * p5 + a2 * a2 * a * (a + b)
  const p9 = b2 * p7 + a2 * a2 * a2 * a * (a + b)
  return w * a * b * (1 / 12 - p3 / 360 + p5 / 1260 - p7 / 1680 + p9 / 1188)
}

/** B_2j / (2j)!, j = 1..6. */
const B = [1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000]

/**
 * log[Γ(z+d) Γ(z+v) / (Γ(z) Γ(z+d+v))] = Σ_{k>=2} ψ^(k-1)(z)/k! · (d^k + v^k - (d+v)^k) for
 * d + v <= z/8 and z >= 20; d^k + v^k - (d+v)^k = -dv Σ_{j=1}^{k-1} C(k,j) d^(j-1) v^(k-1-j), a sum
 * of positive terms. ψ^(k-1)(z)/k! by its asymptotic series; the terms fall by (d+v)/z or faster.
 */
function stepTaylor(z: number, d: number, v: number): number {
  const r = 1 / z
  // in units of z: z^-(k-1) d^j v^(k-j) under- and overflowed at z = 1e150 (the tails' far ends)
  const p = d / z
  const q = v / z
  let sum = 0
  let e = 2 // e_2
  let pk = p // p^(k-2) for the step to k + 1, from k = 3 on
  let qk = q
  for (let k = 2; k <= 40; k++) {
    if (k > 2) {
      // e_k = Σ_{j=1}^{k-1} C(k,j) p^(j-1) q^(k-1-j) = ((p+q)^k - p^k - q^k)/(pq), by
      // e_(k+1) = (p+q) e_k + p^(k-1) + q^(k-1): positive terms only
      e = (p + q) * e + pk + qk
      pk *= p
      qk *= q
    }
    // ψ^(k-1)(z)/k! · (-1)^k z^(k-1) = 1/(k(k-1)) + 1/(2kz) + Σ_j B_2j (2j+k-2)!/k! z^-2j
    let poly = 1 / (k * (k - 1)) + r / (2 * k)
    let f = 1 // (2j+k-2)!/k!
    let r2j = 1
    for (let j = 0; j < B.length; j++) {
      if (j > 0) f *= (2 * j + k - 1) * (2 * j + k)
      r2j *= r * r
      const b = B[j]! * f * r2j
      poly += b
      // z >= 20: the series falls fast, and often its first term is all that shows
      if (Math.abs(b) < 1e-17 * poly) break
    }
    // ψ^(k-1)(z)/k! · (d^k + v^k - (d+v)^k) = (-1)^(k+1) poly · p v e
    const term = (k % 2 === 0 ? -1 : 1) * poly * p * v * e
    sum += term
    if (Math.abs(term) <= 1e-18 * Math.abs(sum)) break
  }
  return sum
}

/** log f(x) (see {@link GammaRatioSeries}). */
function logTerm(s: GammaRatioSeries, x: number): number {
  let l = s.logC
  if (x !== 0 && s.delta !== 0) l -= s.delta * x
  if (s.kappa !== 0) l += s.kappa * Math.log(x)
  for (let i = 0; i < s.u.length; i++)
    l += logGammaRatioStep(s.start + s.u[i]!, x - s.start, s.v[i]!)
  return l
}

/**
 * log f(J e^y) - log f(J), as second differences of log-gammas: as defect(J e^y) - defect(J) it
 * lost ~1e-16 · v log(u/J) (4e-9 at u = 1e8, v = 2e6, where the head is all of the sum).
 */
function logTermRatio(s: GammaRatioSeries, J: number, y: number): number {
  const d = J * Math.expm1(y)
  let l = s.kappa * y - s.delta * d
  for (let i = 0; i < s.u.length; i++) l += logGammaRatioStep(J + s.u[i]!, d, s.v[i]!)
  return l
}

/** ψ'(X) and ψ''(X) by their asymptotic series (X >= 20: absolute error < 1e-14). */
function trigammaAsym(X: number): number {
  const r = 1 / X
  const r2 = r * r
  return r + r2 / 2 + r * r2 * (1 / 6 - r2 * (1 / 30 - r2 / 42))
}
function tetragammaAsym(X: number): number {
  const r = 1 / X
  const r2 = r * r
  return -r2 - r * r2 - r2 * r2 * (0.5 - r2 * (1 / 6 - r2 / 6))
}

/**
 * Where Euler-Maclaurin may start (see above); summing directly below it. The log-slope of f is
 * about κ/x - Σ log(1 + v_i/(x+u_i)) and the higher log-derivatives are smaller again by 1/(x+u_i),
 * so EM's omitted terms go like that slope to the 5th power. The slope falls as x grows: the first
 * x where it is 1/50 or less is found by doubling and bisection (~60 evaluations).
 */
function eulerMaclaurinStart(s: GammaRatioSeries): number {
  let umin = Number.POSITIVE_INFINITY
  for (const u of s.u) umin = Math.min(umin, u)
  const lo0 = Math.max(s.start, 1, Math.ceil(20 - umin))
  const steep = (x: number): boolean => {
    let l = s.kappa / x
    for (let i = 0; i < s.u.length; i++) l += Math.log1p(s.v[i]! / (x + s.u[i]!))
    return l > 1 / 50
  }
  if (!steep(lo0)) return lo0
  let lo = lo0
  let hi = 2 * lo0
  while (steep(hi)) {
    lo = hi
    hi *= 2
  }
  while (hi - lo > 1) {
    const mid = Math.floor(lo + (hi - lo) / 2)
    if (steep(mid)) lo = mid
    else hi = mid
  }
  return hi
}

// 16-point Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on P_16 at load time.
const GL_N = 16
const GL_X = new Float64Array(GL_N)
const GL_W = new Float64Array(GL_N)
for (let i = 0; i < GL_N; i++) {
  let x = Math.cos((Math.PI * (i + 0.75)) / (GL_N + 0.5))
  let dp = 1
  for (let it = 0; it < 100; it++) {
    let p0 = 1
    let p1 = x
    for (let k = 2; k <= GL_N; k++) {
      const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
      p0 = p1
      p1 = p2
    }
    dp = (GL_N * (x * p1 - p0)) / (x * x - 1)
    const dx = p1 / dp
    x -= dx
    if (Math.abs(dx) < 1e-16) break
  }
  GL_X[i] = x
  GL_W[i] = 2 / ((1 - x * x) * dp * dp)
}

/**
 * ∫_a^b g by 16-point Gauss-Legendre on panels at most 1 long. The integrands here are analytic
 * within π of the real axis (their singularities come from Γ's poles at x = -u - k, i.e. at
 * Im y = π), so each panel is exact to ~1e-30 and no adaptivity is needed.
 */
function integratePanels(g: (y: number) => number, a: number, b: number): number {
  if (!(b > a)) return 0
  const panels = Math.ceil(b - a)
  const h = (b - a) / panels
  let s = 0
  for (let k = 0; k < panels; k++) {
    const c = a + (k + 0.5) * h
    let p = 0
    for (let i = 0; i < GL_N; i++) p += GL_W[i]! * g(c + 0.5 * h * GL_X[i]!)
    s += p
  }
  return 0.5 * h * s
}

/**
 * log Σ_{j>=J} f(j) by Euler-Maclaurin; J >= eulerMaclaurinStart(s) and s.delta <= 0.01, and at
 * δ = 0 the terms must fall faster than 1/x (Σv - κ > 1).
 */
function logTailSum(s: GammaRatioSeries, J: number): number {
  const n = s.u.length
  let decay = -s.kappa
  let umax = 0
  for (let i = 0; i < n; i++) {
    decay += s.v[i]!
    umax = Math.max(umax, s.u[i]!)
  }
  const rel = (y: number): number => {
    // past 1e300 the defect is 0 to double precision (and Γ of ∞ would make it NaN)
    if (!(J * Math.expm1(y) < 1e300)) return -decay * y - s.delta * J * Math.expm1(y) - defectJ
    return logTermRatio(s, J, y)
  }
  // defect(x) is all of log f(x) but the power law and the discount; it serves the far tail only
  let defectJ = 0
  for (let i = 0; i < n; i++) defectJ += powerDefect(J, s.u[i]!, s.v[i]!)
  const defectAt = (y: number): number => {
    const x = J * Math.exp(y)
    // past 1e300 the defect is 0 to double precision (and ∞ - ∞ would make it NaN)
    if (x > 1e300) return 0
    let h = 0
    for (let i = 0; i < n; i++) h += powerDefect(x, s.u[i]!, s.v[i]!)
    return h
  }
  // the defect is flat until x passes the largest shift u, then falls like u/x
  const settle = Math.log1p(umax / J)
  const lf = logTerm(s, J)
  const em = emCorrection(s, J)
  // ∫_J^∞ f(x) dx / f(J) = J ∫_0^∞ exp((1 - decay) y - δ J (e^y - 1) + H(y)) dy
  if (s.delta === 0) {
    // Up to y0 the integrand is taken as it is. Beyond, the pure power law integrates to
    // e^((1-decay) y0)/(decay - 1) exactly and the rest falls like e^(-decay y); y0 is past the
    // shifts u, so the two parts do not cancel much.
    const y0 = settle + 4
    const head = integratePanels((y) => Math.exp(y + rel(y)), 0, y0)
    const g = (y: number): number => Math.exp((1 - decay) * y) * Math.expm1(defectAt(y))
    const rest = integratePanels(g, y0, y0 + 40 / decay + 1)
    const power = Math.exp((1 - decay) * y0) / (decay - 1)
    // e^-defectJ overflows when Σv is large (defectJ ~ -Σv (u + Σv/2)/J: -2000 at v = 1e5) while
    // power + rest underflows: ∞ · 0 made the sum NaN. In logs it is e^-(4 Σv) or less there.
    const far = power + rest > 0 ? Math.exp(Math.log(power + rest) - defectJ) : 0
    return lf + Math.log(J * (head + far) + em)
  }
  const dJ = s.delta * J
  const logg = (y: number): number => y + rel(y)
  // integrate up to where the discount has cut the integrand by e^-50 from its largest value
  let top = logg(0)
  let hi = 1
  for (let y = 1; ; y = Math.max(y + 1, 1.25 * y)) {
    const l = logg(y)
    top = Math.max(top, l)
    hi = y
    if ((y > settle && dJ * Math.exp(y) > 1 && l < top - 50) || !(l > Number.NEGATIVE_INFINITY)) {
      break
    }
  }
  // the rising part (decay < 1) below the peak adds nothing once e^((1-decay)(y-peak)) < e^-50
  let lo = 0
  if (decay < 1 && 1 - decay > dJ) {
    lo = Math.max(0, Math.log((1 - decay) / dJ) - 50 / (1 - decay) - 1)
  }
  const area = integratePanels((y) => Math.exp(logg(y) - top), lo, hi)
  // top >= logg(0) = 0, and e^top alone can overflow when δ is tiny
  return lf + top + Math.log(J * area + em * Math.exp(-top))
}

/** f(J)/2 - f'(J)/12 + f'''(J)/720, divided by f(J). */
function emCorrection(s: GammaRatioSeries, J: number): number {
  let l1 = s.kappa / J - s.delta
  let l2 = -s.kappa / (J * J)
  let l3 = (2 * s.kappa) / (J * J * J)
  for (let i = 0; i < s.u.length; i++) {
    const X = J + s.u[i]!
    const Y = X + s.v[i]!
    l1 += digamma(X) - digamma(Y)
    l2 += trigammaAsym(X) - trigammaAsym(Y)
    l3 += tetragammaAsym(X) - tetragammaAsym(Y)
  }
  return 0.5 - l1 / 12 + (l3 + 3 * l1 * l2 + l1 * l1 * l1) / 720
}

/**
 * Σ_{start<=j<=end} f(j) (see {@link GammaRatioSeries}; end = ∞ by default): directly while the
 * terms are rough, by Euler-Maclaurin after (a finite end past that point as the difference of
 * two tails); a discounted series (κ = 0) with δ > 0.01 is summed directly until the geometric
 * bound on what is left, term · e^-δ/(1 - e^-δ), is below 1e-17 of the sum. The direct part also
 * stops early once what is left of it before the Euler-Maclaurin start is below 1e-17 of the sum
 * (see {@link directRemainder}): with Σv = 1e5 that start is ~1e7 terms out, where the terms have
 * fallen by e^-200000, and summing up to it took 0.3 s.
 * `visit(j, term, partialSum)` sees each directly summed term.
 */
export function sumGammaRatioSeries(
  s: GammaRatioSeries,
  visit?: (j: number, term: number, partial: number) => void,
  end = Number.POSITIVE_INFINITY,
): number {
  const geometric = s.delta > 0.01 && s.kappa === 0
  const J = geometric ? Number.POSITIVE_INFINITY : eulerMaclaurinStart(s)
  const logFJ = geometric ? 0 : logTerm(s, J) - (s.kappa === 0 ? 0 : s.kappa * Math.log(J))
  const q = Math.exp(-s.delta)
  let sum = 0
  let t = 0
  for (let j = s.start; j < J; j++) {
    if (j > end) return sum
    // the ratio recurrence drifts by ~1 ulp a step: restart it from the exact term now and then
    if ((j - s.start) % 512 === 0) t = Math.exp(logTerm(s, j))
    sum += t
    if (visit) visit(j, t, sum)
    if (geometric && (t === 0 || t * q < 1e-17 * (1 - q) * sum)) return sum
    // a cheap test first (every 64th term), the bound only once the term is negligible itself
    if (
      !geometric &&
      (j - s.start) % 64 === 63 &&
      t <= 1e-17 * sum &&
      directRemainder(s, j, J, logFJ) <= 1e-17 * sum
    ) {
      break
    }
    let r = s.kappa === 0 ? q : q * ((j + 1) / j) ** s.kappa
    for (let i = 0; i < s.u.length; i++) r *= (j + s.u[i]!) / (j + s.u[i]! + s.v[i]!)
    t *= r
  }
  if (end < J) return sum
  if (end === Number.POSITIVE_INFINITY) return sum + Math.exp(logTailSum(s, J))
  return sum + finiteTail(s, J, end)
}

/**
 * Σ_{J<=j<=E} f(j), J at or past the Euler-Maclaurin start. As tail(J) - tail(E+1) it lost the
 * digits the two tails share (all of them when E is just past J, or when the terms fall like
 * x^-1.002 and the tails are nearly equal however far apart J and E are), and the tails do not
 * exist when the series diverges (δ = 0, Σv - κ <= 1). So that difference is used only when the
 * far tail is at most half the near one (one bit lost at worst); otherwise Euler-Maclaurin on
 * [J, E] itself: ∫_J^E f + f(J) c(J) + f(E) (1 - c(E)), c the correction of {@link emCorrection},
 * every part positive. The integral is in y = log(x/J), on ceil(log(E/J)) panels.
 */
function finiteTail(s: GammaRatioSeries, J: number, E: number): number {
  let decay = -s.kappa
  for (const v of s.v) decay += v
  if (s.delta > 0 || decay > 1) {
    const near = logTailSum(s, J)
    const far = logTailSum(s, E + 1)
    if (far <= near - Math.LN2) return Math.exp(near) * -Math.expm1(far - near)
  }
  const lf = logTerm(s, J)
  const Y = Math.log(E / J)
  const area = integratePanels((y) => Math.exp(y + logTermRatio(s, J, y)), 0, Y)
  const fE = Math.exp(logTerm(s, E) - lf)
  return Math.exp(lf) * (J * area + emCorrection(s, J) + fE * (1 - emCorrection(s, E)))
}

/**
 * An upper bound on Σ_{j<i<J} f(i). Without x^κ, log f is convex (ψ' falls, so each
 * log Γ(x+u)/Γ(x+u+v) is convex, and -δx is linear): on [j, J] it lies below its chord, of slope
 * c = (log f(J) - log f(j))/(J - j) (logFJ is log f(J) without κ log J). And x^κ <= j^κ e^(κ(x-j)/j).
 * So f(i) <= f(j) ρ^(i-j) with ρ = e^(c + κ/j), and the sum is at most f(j) ρ/(1 - ρ).
 */
function directRemainder(s: GammaRatioSeries, j: number, J: number, logFJ: number): number {
  const lj = logTerm(s, j)
  const power = s.kappa === 0 ? 0 : s.kappa * Math.log(j)
  const logRho = (logFJ - (lj - power)) / (J - j) + (s.kappa === 0 ? 0 : s.kappa / j)
  if (!(logRho < 0)) return Number.POSITIVE_INFINITY
  return Math.exp(lj + logRho - Math.log(-Math.expm1(logRho)))
}

/** Σ_{j>=J} f(j) for J at or past the point where {@link sumGammaRatioSeries} stops summing directly. */
export function gammaRatioSeriesTail(s: GammaRatioSeries, J: number): number {
  return Math.exp(logTailSum(s, J))
}

/** First index that {@link sumGammaRatioSeries} does not sum directly (for δ <= 0.01). */
export function gammaRatioSeriesSplit(s: GammaRatioSeries): number {
  return eulerMaclaurinStart(s)
}

/**
 * Σ_{j>=0} B(a, b+j)/B(a, b) (1+d)^-j = 2F1(1, b; a+b; 1/(1+d)): the discounted expected number of
 * periods alive from now under an sBG(a, b) dropout process, the current one counted undiscounted.
 */
export function discountedSurvivalSum(a: number, b: number, d: number): number {
  return sumGammaRatioSeries({
    logC: 0,
    u: [b],
    v: [a],
    kappa: 0,
    delta: Math.log1p(d),
    start: 0,
  })
}

/**
 * Σ_{j=1}^{k} B(a, b+j)/B(a, b), the expected number of the next k periods survived under an
 * sBG(a, b) dropout process. Up to 64 terms as a running product of the ratios (b+j-1)/(a+b+j-1);
 * beyond, B(a, y) = B(a-1, y) - B(a-1, y+1) telescopes it to b/(a-1) · (1 - ρ) with
 * ρ = Γ(b+1+k)Γ(a+b) / (Γ(b+1)Γ(a+b+k)) (Fader, Hardie & Shang 2010, eq. 8), O(1) however large k
 * (the loop took 0.2 s at k = 1e7). log ρ is one log-gamma second difference
 * (logGammaRatioStep(b+1, k, a-1) for a > 1, minus that of (a+b, k, 1-a) for a < 1), exact to
 * ~1e-16 of itself even for |a-1| of 1e-12, so 1 - ρ = -expm1(log ρ) and its ratio to a - 1 keep
 * their precision right up to a = 1 and when ρ is next to 1. At a = 1 exactly the ratio is its
 * limit b (ψ(b+1+k) - ψ(b+1)), taken as the same expression at a - 1 = 2^-600, where it is linear
 * in a - 1 to double precision.
 */
export function survivalSumAhead(a: number, b: number, k: number): number {
  if (k <= 64) {
    let t = 1
    let sum = 0
    for (let j = 0; j < k; j++) {
      t *= (b + j) / (a + b + j)
      sum += t
    }
    return sum
  }
  const v = a === 1 ? 2 ** -600 : a - 1
  // a + b, not b + 1 + v: with b = 1e-9 the latter keeps only the sum's first digits of b
  const logRho = v > 0 ? logGammaRatioStep(b + 1, k, v) : -logGammaRatioStep(a + b, k, 1 - a)
  return (b / v) * -Math.expm1(logRho)
}
