// Benchmark of the pure statistics core on synthetic data: itemsets over 1M baskets and logistic
// regression on 1M×10, both generated in-process from a seeded RNG. `npm run bench -- stats`.
import { createRng } from '../dist/core/random.js'
import { findItemsets } from '../dist/core/stats/itemsets.js'
import { crossValidateLambda, fitLogistic, predictLogistic } from '../dist/core/stats/logistic.js'
import { auc } from '../dist/core/stats/ranking.js'

function time(label, fn) {
  const t = performance.now()
  const out = fn()
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s`)
  return out
}

function baskets(n, items, seed) {
  const rng = createRng(seed)
  const offsets = new Int32Array(n + 1)
  const list = new Int32Array(n * 10)
  const outcome = new Uint8Array(n)
  let o = 0
  for (let b = 0; b < n; b++) {
    const size = 3 + Math.floor(rng.uniform() * 8)
    let has0 = false
    let has1 = false
    for (let k = 0; k < size; k++) {
      const it = Math.floor(items * rng.uniform() ** 2)
      list[o++] = it
      has0 ||= it === 0
      has1 ||= it === 1
    }
    offsets[b + 1] = o
    outcome[b] = rng.uniform() < (has0 && has1 ? 0.3 : 0.1) ? 1 : 0
  }
  return { baskets: { offsets, items: list.subarray(0, o) }, outcome }
}

function logisticData(n, p, seed) {
  const rng = createRng(seed)
  const X = new Float64Array(n * p)
  const y = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let e = -2
    for (let j = 0; j < p; j++) {
      const v = rng.normal()
      X[i * p + j] = v
      e += (j % 3 === 0 ? 0.5 : -0.2) * v
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-e)) ? 1 : 0
  }
  return { X, y }
}

export async function run(args) {
  const n = Number(args[0] ?? 1_000_000)
  const items = Number(args[1] ?? 200)
  const b = baskets(n, items, 1)
  for (const minSupport of [0.01, 0.002]) {
    const r = time(`itemsets ${n} baskets, ${items} items, minSupport ${minSupport}`, () =>
      findItemsets(b.baskets, b.outcome, { minSupport }),
    )
    const top = r.itemsets[0]
    console.log(
      `  ${r.itemsets.length} itemsets; top ${top.items} lift ${top.lift.toFixed(2)} q ${top.qValue.toExponential(1)}`,
    )
  }
  const d = logisticData(n, 10, 2)
  const m = time(`fitLogistic ${n}×10`, () => fitLogistic(d.X, d.y, { lambda: 1e-3 }))
  console.log(`  ${m.iterations} Newton iterations`)
  const pr = time(`predictLogistic ${n}×10`, () => predictLogistic(m, d.X))
  time(`auc ${n}`, () => auc(pr, d.y))
  time(`crossValidateLambda ${n}×10, 5 folds × 9 lambdas`, () => crossValidateLambda(d.X, d.y))
}
