// Benchmark of the model library at 1M customers: `npm run bench -- models [--customers N] [--runs N]`.
// Data are simulated from the CDNOW estimates with daily resolution (times in weeks snapped to
// 1/7), the way real order data look; each step is timed separately, then `loyals fit` is timed
// as a whole process on a 1M-row summary file (reading included). Every step reports wall and CPU
// time (user + sys, all threads): on a shared machine wall time is inflated by load, CPU much less.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { scoreClv } from '../dist/core/clv.js'
import { compressHistories } from '../dist/core/compress.js'
import { fitBgbb, simulateBgbb } from '../dist/core/models/bgbb.js'
import { bgnbd } from '../dist/core/models/bgnbd.js'
import {
  expectedSpendAll,
  fitGammaGamma,
  simulateGammaGamma,
} from '../dist/core/models/gamma-gamma.js'
import { paretoNbd } from '../dist/core/models/pareto-nbd.js'
import { createRng } from '../dist/core/random.js'

const BG = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
const PARETO = { r: 0.5532, alpha: 10.576, s: 0.6062, beta: 11.67 }
const GG = { p: 6.2488, q: 3.7446, gamma: 15.4477 }
// BG/BB with daily opportunities over a year: rare transactions, slow dropout
const BGBB = { alpha: 0.6, beta: 8, gamma: 0.5, delta: 60 }
const BGBB_CUSTOMERS = 100_000
const BGBB_DAYS = 365

function timed(label, fn, rows) {
  const c = process.cpuUsage()
  const t = performance.now()
  const out = fn()
  const s = (performance.now() - t) / 1000
  const u = process.cpuUsage(c)
  const cpu = (u.user + u.system) / 1e6
  rows.push([label, s, cpu])
  console.log(`${label}: ${s.toFixed(3)} s wall, ${cpu.toFixed(3)} s CPU`)
  return out
}

const loadText = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')

/** One fresh process; wall and CPU (user + sys) from GNU time when present. */
function runProcess(args) {
  const gnuTime = existsSync('/usr/bin/time')
  const t = performance.now()
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...args], {
        encoding: 'utf8',
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8' })
  const wall = (performance.now() - t) / 1000
  if (r.status !== 0) throw new Error(`loyals fit failed: ${r.stderr}`)
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '')
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN }
}

function ages(n, seed) {
  // customers born uniformly over 12 weeks, observed to week 39 (the CDNOW design), in days
  const rng = createRng(seed)
  const T = new Float64Array(n)
  for (let i = 0; i < n; i++) T[i] = Math.floor((39 - 12 * rng.uniform()) * 7) / 7
  return T
}

const USAGE =
  'usage: npm run bench -- models [--customers N (default 1000000)] [--runs N (default 3)]'

/** --customers and --runs, whole numbers >= 1; anything else stops with the usage. */
function options(args) {
  const out = { customers: 1_000_000, runs: 3 }
  for (let k = 0; k < args.length; k += 2) {
    const flag = args[k]
    const value = args[k + 1]
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    }
    const key = flag === '--customers' ? 'customers' : flag === '--runs' ? 'runs' : null
    if (key === null) throw new Error(`unknown option ${JSON.stringify(flag)}\n${USAGE}`)
    const v = Number(value)
    if (!/^\d+$/.test(value ?? '') || !(v >= 1)) {
      throw new Error(`${flag} takes a whole number >= 1, got ${JSON.stringify(value)}\n${USAGE}`)
    }
    out[key] = v
  }
  return out
}

/** 1M, 250k, 3,000: the size in the step labels. */
const size = (n) =>
  n >= 1e6 && n % 1e6 === 0
    ? `${n / 1e6}M`
    : n >= 1e3 && n % 1e3 === 0
      ? `${n / 1e3}k`
      : n.toLocaleString('en-US')

export async function run(args) {
  const { customers: n, runs } = options(args)
  const N = size(n)
  const rows = []
  try {
    await steps(n, N, runs, rows)
  } finally {
    // what was measured is printed even when a later step fails
    console.log('\n| step | wall s | CPU s |\n| --- | ---: | ---: |')
    for (const [l, s, c] of rows) console.log(`| ${l} | ${s.toFixed(3)} | ${c.toFixed(3)} |`)
  }
}

async function steps(n, N, runs, rows) {
  const loadStart = loadText()
  const T = ages(n, 7)
  const simBg = bgnbd.simulate(BG, n, T, 11, 1 / 7)
  const simPa = paretoNbd.simulate(PARETO, n, T, 12, 1 / 7)
  const spend = simulateGammaGamma(GG, simBg.x, 13)

  const hBg = timed(
    `compress ${N} histories (BG/NBD data)`,
    () => compressHistories(simBg.x, simBg.tx, simBg.T),
    rows,
  )
  console.log(`  distinct histories: ${hBg.x.length}`)
  const fitBg = timed('BG/NBD fit (compressed)', () => bgnbd.fit(hBg), rows)
  const hPa = compressHistories(simPa.x, simPa.tx, simPa.T)
  const fitPa = timed('Pareto/NBD fit (compressed)', () => paretoNbd.fit(hPa), rows)
  const rep = []
  for (let k = 0; k < n; k++) if (simBg.x[k] > 0) rep.push(k)
  const gx = Float64Array.from(rep, (k) => simBg.x[k])
  const gm = Float64Array.from(rep, (k) => spend[k])
  const fitGg = timed('Gamma-Gamma fit', () => fitGammaGamma({ x: gx, mx: gm }), rows)
  const simBb = simulateBgbb(BGBB, BGBB_CUSTOMERS, BGBB_DAYS, 14)
  const hBb = compressHistories(simBb.x, simBb.tx, simBb.n)
  const fitBb = timed(
    `BG/BB fit, ${BGBB_CUSTOMERS} customers over ${BGBB_DAYS} daily opportunities (${hBb.x.length} distinct histories)`,
    () => fitBgbb(hBb),
    rows,
  )
  const horizon = 52
  timed(
    `BG/NBD score ${N} (P(alive), expected purchases 52 wk)`,
    () => bgnbd.scoreAll(fitBg.params, simBg, horizon),
    rows,
  )
  timed(
    `Pareto/NBD score ${N} (P(alive), expected purchases 52 wk)`,
    () => paretoNbd.scoreAll(fitPa.params, simPa, horizon),
    rows,
  )
  timed(
    `Gamma-Gamma expected spend ${N}`,
    () => expectedSpendAll(fitGg.params, simBg.x, spend),
    rows,
  )
  timed(
    `CLV ${N}, BG/NBD, 52 weekly steps`,
    () => scoreClv({ model: 'bgnbd', params: fitBg.params }, simBg, 50, { horizon }),
    rows,
  )
  timed(
    `CLV ${N}, Pareto/NBD closed form, 52 weeks`,
    () => scoreClv({ model: 'pareto', params: fitPa.params }, simPa, 50, { horizon }),
    rows,
  )

  // `loyals fit` on a 1M-row summary file, reading included (a fresh process)
  const dir = join(import.meta.dirname, 'out')
  mkdirSync(dir, { recursive: true })
  // each model fits data simulated from it (Pareto/NBD's own histories, not BG/NBD's)
  const summaryFile = (name, sim) => {
    const file = join(dir, `summary-${name}-${n}.csv`)
    const lines = ['customer_id,x,t_x,T,monetary']
    for (let k = 0; k < n; k++)
      lines.push(`${k + 1},${sim.x[k]},${sim.tx[k]},${sim.T[k]},${spend[k]}`)
    writeFileSync(file, `${lines.join('\n')}\n`)
    return file
  }
  const bgFile = summaryFile('bgnbd', simBg)
  const files = { bgnbd: bgFile, gg: bgFile, pareto: summaryFile('pareto', simPa) }
  const cli = join(import.meta.dirname, '../dist/cli/main.js')
  for (const model of ['bgnbd', 'pareto', 'gg']) {
    const file = files[model]
    // best of `runs` fresh processes (wall and CPU minimised separately)
    let wall = Number.POSITIVE_INFINITY
    let cpu = Number.POSITIVE_INFINITY
    for (let k = 0; k < runs; k++) {
      const r = runProcess([cli, 'fit', file, '--model', model, '--json'])
      wall = Math.min(wall, r.wall)
      cpu = Math.min(cpu, r.cpu)
    }
    rows.push([
      `loyals fit ${model} on a ${n}-row summary file (whole process, best of ${runs})`,
      wall,
      cpu,
    ])
    console.log(`loyals fit ${model}: ${wall.toFixed(3)} s wall, ${cpu.toFixed(3)} s CPU`)
  }
  const startup = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY }
  for (let k = 0; k < runs; k++) {
    const r = runProcess([cli, 'fit', '--help'])
    startup.wall = Math.min(startup.wall, r.wall)
    startup.cpu = Math.min(startup.cpu, r.cpu)
  }
  rows.push([`loyals fit --help (start-up alone, best of ${runs})`, startup.wall, startup.cpu])
  console.log(
    '\nfitted:',
    JSON.stringify({
      bg: fitBg.params,
      pareto: fitPa.params,
      gg: fitGg.params,
      bgbb: fitBb.params,
    }),
  )
  console.log(
    `\nmachine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at the start ${loadStart}, at the end ${loadText()}`,
  )
}
