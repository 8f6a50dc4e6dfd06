// Suite `value-analyze` (issue 4): `analyze` of a workspace holding orders AND the value inputs
// (referrals, engagement, tickets, returns, surveys), with the value step against without it
// (the plain analysis), each a fresh child process, alternating to spread machine load evenly.
// Target: with value <= 1.5x plain. Usage:
//   node bench/value-analyze.js WORKSPACE COSTS_JSON [--runs 2] [--predictions] [--no-write]
// e.g. after `loyals generate --customers 1000000 --out co` and `loyals import co/<kind>.csv ...`.
import { appendFileSync, mkdtempSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { measureNode } from './measure.js'

const CHILD = join(import.meta.dirname, 'value-child.js')
const RESULTS = join(import.meta.dirname, 'RESULTS.md')
const args = process.argv.slice(2)
const [db, costs] = args
if (!db || !costs) {
  console.error(
    'usage: node bench/value-analyze.js WORKSPACE COSTS_JSON [--runs 2] [--predictions] [--no-write]',
  )
  process.exit(2)
}
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 2
const predictions = args.includes('--predictions') ? 'predictions' : 'none'
const write = !args.includes('--no-write')

const loadStart = loadavg()
const results = { plain: [], value: [] }
for (let i = 0; i < runs; i++) {
  for (const mode of ['plain', 'value']) {
    const out = mkdtempSync(join(tmpdir(), 'loyals-bench-value-'))
    const r = measureNode(CHILD, [db, out, mode, costs, predictions])
    if (r.code !== 0) {
      console.error(r.stderr)
      process.exit(1)
    }
    const line = r.stdout.trim().split('\n').pop() ?? '{}'
    const got = { ...JSON.parse(line), wall: r.ms / 1000, rssMb: r.rssMb }
    results[mode].push(got)
    console.log(mode, JSON.stringify(got))
  }
}
const best = (xs) => Math.min(...xs.map((x) => x.wall))
const plain = best(results.plain)
const value = best(results.value)
const ratio = value / plain
// CPU time (user + sys) is less sensitive to other processes on the machine than wall time
const bestCpu = (xs) => Math.min(...xs.map((x) => x.cpu ?? Number.NaN))
const cpuPlain = bestCpu(results.plain)
const cpuValue = bestCpu(results.value)
const load = (l) => l.map((x) => x.toFixed(1)).join(' ')
const bestValue = results.value.reduce((a, b) => (a.wall <= b.wall ? a : b))
const steps = bestValue.steps
const stepsCpu = bestValue.stepsCpu ?? {}
const md = [
  '',
  `## value-analyze, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Command: \`node bench/value-analyze.js ${args.join(' ')}\`  `,
  `Machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}, load average at the start ${load(loadStart)}, at the end ${load(loadavg())}  `,
  `Predictions: ${predictions === 'predictions' ? 'on' : 'off (--no-predictions) in both'}; best of ${runs} fresh processes each.`,
  '',
  '| analyze | wall s (best) | wall s of runs | CPU s (best) | CPU s of runs | peak RSS MB |',
  '|---|---:|---|---:|---|---:|',
  ...['plain', 'value'].map((mode) => {
    const rs = results[mode]
    const label =
      mode === 'plain' ? 'plain (no value step)' : 'with value inputs and the value step'
    return `| ${label} | ${best(rs).toFixed(2)} | ${rs.map((x) => x.wall.toFixed(1)).join(', ')} | ${bestCpu(rs).toFixed(2)} | ${rs.map((x) => (x.cpu ?? Number.NaN).toFixed(1)).join(', ')} | ${Math.round(Math.max(...rs.map((x) => x.rssMb ?? 0)))} |`
  }),
  '',
  `- wall ratio ${ratio.toFixed(2)}x (target <= 1.5x: ${ratio <= 1.5 ? 'MET' : 'MISSED'}); CPU ratio ${(cpuValue / cpuPlain).toFixed(2)}x`,
  `- steps of the best value run (wall / CPU s): ${Object.entries(steps)
    .map(([k, v]) => `${k} ${v.toFixed(2)} / ${(stepsCpu[k] ?? Number.NaN).toFixed(2)}`)
    .join('; ')}`,
  '',
].join('\n')
console.log(md)
if (write) appendFileSync(RESULTS, md)
