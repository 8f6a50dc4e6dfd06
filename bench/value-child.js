// Child of bench/value-analyze.js: one `analyze` of a workspace, with or without the value step,
// printing each step's wall seconds (steps) and CPU seconds of the process, DuckDB's threads
// included (stepsCpu), as JSON on stdout. Runs the built package (dist/).
import { readFileSync } from 'node:fs'
import { parseValueConfig } from '../dist/core/value/config.js'
import { openWorkspace } from '../dist/data/workspace.js'
import { analyze } from '../dist/service/analyze.js'
import { valueConfigFromCosts } from '../dist/service/value-config.js'

const [db, out, mode, costs, predictions] = process.argv.slice(2)
const steps = {}
const stepsCpu = {}
const progress = {
  async step(label, fn) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const r = await fn()
    steps[label] = (performance.now() - t0) / 1000
    const c = process.cpuUsage(c0)
    stepsCpu[label] = (c.user + c.system) / 1e6
    return r
  },
}
const config = parseValueConfig(valueConfigFromCosts(JSON.parse(readFileSync(costs, 'utf8'))))
const engine = await openWorkspace(db)
const t0 = performance.now()
const c0 = process.cpuUsage()
await analyze(engine, out, {
  source: db,
  progress,
  predictions: predictions === 'predictions' ? {} : false,
  // insights are their own step and suite (bench/insights-1m.mjs): left out of both modes here
  insights: false,
  value: mode === 'value' ? { config, currencyExplicit: true } : false,
})
await engine.close()
// user + system CPU of the whole process, DuckDB's threads included
const c = process.cpuUsage(c0)
console.log(
  JSON.stringify({
    seconds: (performance.now() - t0) / 1000,
    cpu: (c.user + c.system) / 1e6,
    steps,
    stepsCpu,
  }),
)
