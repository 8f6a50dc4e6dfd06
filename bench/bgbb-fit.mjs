// BG/BB fit over daily opportunities: 100,000 simulated customers, 365 opportunities (seed 14).
// Usage: node bench/bgbb-fit.mjs (after npm run build) -> rows, wall and CPU seconds, estimates.
import { compressHistories } from '../dist/core/compress.js'
import { fitBgbb, simulateBgbb } from '../dist/core/models/bgbb.js'

const sim = simulateBgbb({ alpha: 0.6, beta: 8, gamma: 0.5, delta: 60 }, 100000, 365, 14)
const h = compressHistories(sim.x, sim.tx, sim.n)
const c = process.cpuUsage()
const t0 = performance.now()
const f = fitBgbb(h)
console.log(
  h.x.length,
  'rows',
  ((performance.now() - t0) / 1000).toFixed(2),
  's wall',
  (process.cpuUsage(c).user / 1e6).toFixed(2),
  's CPU',
  JSON.stringify(f.params),
  f.logLikelihood,
)
