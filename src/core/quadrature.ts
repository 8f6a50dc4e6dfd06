// Adaptive Gauss-Kronrod (7-15) quadrature for the few model quantities without a closed form
// (e.g. Pareto/NBD P(X(t) = n)); not used in hot loops.

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

/** ∫_a^b f by adaptive bisection until the Kronrod-Gauss difference is below tol (abs + rel). */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  tol = 1e-11,
  depth = 30,
): number {
  const [v, e] = gk15(f, a, b)
  if (e <= tol * Math.max(1, Math.abs(v)) || depth === 0 || b - a < 1e-14 * Math.abs(a)) return v
  const m = (a + b) / 2
  return integrate(f, a, m, tol / 2, depth - 1) + integrate(f, m, b, tol / 2, depth - 1)
}
