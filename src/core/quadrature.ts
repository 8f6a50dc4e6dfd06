// Adaptive Gauss-Kronrod (7-15) quadrature for the few model quantities without a closed form
// (BG/NBD expected purchases where the closed form cancels, Pareto/NBD P(X(t) = n)); not used in
// hot loops.

const XGK = [
  0.991455371120813, 0.949107912342759, 0.864864423359769, 0.741531185599394, 0.586087235467691,
  0.405845151377397, 0.207784955007898, 0,
]
const WGK = [
  0.02293532201052922, 0.06309209262997854, 0.1047900103222502, 0.1406532597155259,
  0.1690047266392679, 0.1903505780647854, 0.2044329400752989, 0.2094821410847278,
]
const WG = [0.1294849661688697, 0.2797053914892767, 0.3818300505051189, 0.4179591836734694]

function gk15(f: (x: number) => number, a: number, b: number): [number, number] {
  const c = (a + b) / 2
  const h = (b - a) / 2
  const fc = f(c)
  let k = fc * WGK[7]!
  let g = fc * WG[3]!
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!
    const s = f(c - dx) + f(c + dx)
    k += WGK[j]! * s
    if (j % 2 === 1) g += WG[(j - 1) / 2]! * s
  }
  return [k * h, Math.abs((k - g) * h)]
}

/**
 * ∫ f over each [edges[i], edges[i+1]] together, by globally adaptive Gauss-Kronrod: the interval
 * with the largest error estimate is halved until the summed estimate is below rel · |total| or
 * `maxIntervals` are in use: it cannot ask for more than rounding allows and then split without
 * bound (a bisection that halved its tolerance at each level did, and hung on BG/NBD at a tiny
 * dropout).
 */
export function integrateAround(
  f: (x: number) => number,
  edges: readonly number[],
  rel: number,
  maxIntervals = 400,
): number {
  const lo: number[] = []
  const hi: number[] = []
  const val: number[] = []
  const err: number[] = []
  const rule = (a: number, b: number): void => {
    const [v, e] = gk15(f, a, b)
    lo.push(a)
    hi.push(b)
    val.push(v)
    err.push(e)
  }
  for (let i = 0; i + 1 < edges.length; i++)
    if (edges[i + 1]! > edges[i]!) rule(edges[i]!, edges[i + 1]!)
  for (;;) {
    let total = 0
    let errSum = 0
    let worst = 0
    for (let i = 0; i < val.length; i++) {
      total += val[i]!
      errSum += err[i]!
      if (err[i]! > err[worst]!) worst = i
    }
    if (errSum <= rel * Math.abs(total) || val.length >= maxIntervals || val.length === 0) {
      return total
    }
    const a = lo[worst]!
    const b = hi[worst]!
    const m = (a + b) / 2
    if (!(m > a && m < b)) return total
    // the worst interval leaves the lists and its two halves join them
    lo.splice(worst, 1)
    hi.splice(worst, 1)
    val.splice(worst, 1)
    err.splice(worst, 1)
    rule(a, m)
    rule(m, b)
  }
}
