// Load test of `loyals serve` on loopback (bounded in count and time). Starts the built server as a
// child process on a fresh DuckDB workspace, then measures:
//   1. ingestion: batches of 100, then single events from C concurrent clients (events/s, latency)
//   2. lookups: open-loop GET /v1/customers/:id and /v1/service/level/:id at a fixed rate
//      (default 1,000 req/s for 10 s, after 1 s of warm-up) after a refit, latency percentiles.
// The generator shares the machine with the server, so it is kept cheap (keep-alive sockets, a
// 1 ms timer instead of a busy loop) and each phase reports the CPU seconds of both processes
// and the load average.
// Usage: npm run build && node bench/api-load.js [--customers 5000] [--events 20000]
//        [--rate 1000] [--seconds 10] [--concurrency 32[,128...]] [--db PATH|postgres://...]
//        [--nice N] [--profile DIR]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'dist/cli/main.js')
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]])
    return acc
  }, []),
)
const CUSTOMERS = Number(args.customers ?? 5000)
const EVENTS = Math.min(Number(args.events ?? 20000), 200_000)
const RATE = Math.min(Number(args.rate ?? 1000), 5000)
const SECONDS = Math.min(Number(args.seconds ?? 10), 60)
const CONCS = String(args.concurrency ?? 32)
  .split(',')
  .map((c) => Math.min(Number(c), 256))
const DEADLINE = Date.now() + 10 * 60_000 // hard cap: ten minutes in all

const dir = mkdtempSync(join(tmpdir(), 'loyals-bench-'))
const db = args.db ?? join(dir, 'bench.duckdb')
const agent = new Agent({ keepAlive: true, maxSockets: 256 })

function run(cmd) {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, [CLI, ...cmd], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    c.stdout.on('data', (d) => (out += d))
    c.on('exit', (code) =>
      code === 0 ? res(out) : rej(new Error(`${cmd.join(' ')}: exit ${code}`)),
    )
  })
}

function startServer() {
  // --profile DIR: a V8 CPU profile of the server; --nice N: run it at that niceness (say -5 to
  // stand for a machine of its own when other jobs share this one; needs the privilege)
  const node = [
    process.execPath,
    ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []),
    CLI,
    'serve',
    '--db',
    db,
    '--port',
    '0',
  ]
  const cmd = args.nice !== undefined ? ['nice', '-n', String(args.nice), ...node] : node
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((res, rej) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) res({ child, url: new URL(m[1]) })
    })
    child.on('exit', (c) => rej(new Error(`serve exited ${c}`)))
  })
}

let base
let auth
let serverPid = 0

// CPU seconds (user + sys, all threads) of the server from /proc, and of this generator.
function serverCpu() {
  try {
    const f = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(f[11]) + Number(f[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN
  }
}
const ownCpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
/** Start measuring a phase; the returned function gives its wall time, CPU and load. */
function phase() {
  const t0 = performance.now()
  const s0 = serverCpu()
  const g0 = ownCpu()
  return () => {
    const seconds = (performance.now() - t0) / 1000
    const server = serverCpu() - s0
    const gen = ownCpu() - g0
    return {
      seconds: round(seconds, 2),
      cpu: {
        serverSeconds: round(server, 2),
        serverCores: round(server / seconds, 2),
        generatorSeconds: round(gen, 2),
        generatorCores: round(gen / seconds, 2),
      },
      loadAverage: loadavg().map((l) => round(l, 2)),
    }
  }
}
const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d
// An idle keep-alive socket the server closed meanwhile fails with ECONNRESET: retry once.
async function call(method, path, body) {
  try {
    return await call1(method, path, body)
  } catch (e) {
    if (e.code !== 'ECONNRESET') throw e
    return call1(method, path, body)
  }
}

function call1(method, path, body) {
  const data = body === undefined ? undefined : JSON.stringify(body)
  const t0 = process.hrtime.bigint()
  return new Promise((res, rej) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: {
          authorization: auth,
          ...(data
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
            : {}),
        },
      },
      (r) => {
        let text = ''
        r.setEncoding('utf8')
        r.on('data', (c) => (text += c))
        r.on('end', () =>
          res({ status: r.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, text }),
        )
      },
    )
    req.on('error', rej)
    if (data) req.write(data)
    req.end()
  })
}

function pct(xs) {
  const s = Float64Array.from(xs).sort()
  const q = (p) =>
    round(s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN, 2)
  return {
    n: s.length,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: round(s[s.length - 1] ?? Number.NaN, 2),
  }
}

const T0 = Date.UTC(2023, 0, 1)
let seq = 0
function orderEvent(i) {
  const c = i % CUSTOMERS
  return {
    type: 'track',
    messageId: `b-${seq++}`,
    userId: `c${c}`,
    event: 'Order Completed',
    timestamp: new Date(T0 + ((i * 7919) % (700 * 86400)) * 1000).toISOString(),
    properties: { order_id: `o${i}`, total: 5 + ((i * 31) % 200) },
  }
}

async function pool(n, conc, fn) {
  let next = 0
  const lat = []
  let failed = 0
  const end = phase()
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n && Date.now() < DEADLINE) {
        const i = next++
        const r = await fn(i)
        if (r.status >= 300) failed++
        lat.push(r.ms)
      }
    }),
  )
  return { ...end(), lat, failed }
}

async function main() {
  const key = (await run(['keys', 'create', '--role', 'admin', '--db', db])).split('\n')[0].trim()
  auth = `Bearer ${key}`
  const { child, url } = await startServer()
  base = url
  serverPid = child.pid
  const out = {
    store: db.startsWith('postgres') ? 'postgres' : 'duckdb',
    customers: CUSTOMERS,
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
  }
  try {
    // 1a. batches of 100: the bulk of the data
    const batches = Math.ceil(EVENTS / 100)
    let k = 0
    const b = await pool(batches, 8, () =>
      call('POST', '/v1/events/batch', {
        batch: Array.from({ length: 100 }, () => orderEvent(k++)),
      }),
    )
    console.error(`batches: ${k} events in ${b.seconds} s`)
    out.ingestBatch = {
      events: k,
      eventsPerSecond: Math.round(k / b.seconds),
      failed: b.failed,
      latencyMs: pct(b.lat),
      seconds: b.seconds,
      cpu: b.cpu,
      loadAverage: b.loadAverage,
    }
    // 1b. single events from concurrent clients (group commit at work)
    out.ingestSingle = []
    for (const conc of CONCS) {
      const singles = Math.min(10_000, EVENTS)
      const s = await pool(singles, conc, () => call('POST', '/v1/events', orderEvent(k++)))
      console.error(`singles (${conc} clients): ${singles} events in ${s.seconds} s`)
      out.ingestSingle.push({
        events: singles,
        concurrency: conc,
        eventsPerSecond: Math.round(singles / s.seconds),
        failed: s.failed,
        latencyMs: pct(s.lat),
        seconds: s.seconds,
        cpu: s.cpu,
        loadAverage: s.loadAverage,
      })
    }
    // 2. refit, then open-loop lookups at RATE req/s
    const job = JSON.parse((await call('POST', '/v1/jobs/refit')).text)
    const tRefit = performance.now()
    for (;;) {
      const st = JSON.parse((await call('GET', `/v1/jobs/${job.jobId}`)).text)
      if (st.status === 'succeeded' || st.status === 'failed' || Date.now() > DEADLINE) {
        out.refit = {
          status: st.status,
          seconds: (performance.now() - tRefit) / 1000,
          message: st.message,
        }
        break
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    console.error(`refit ${out.refit.status} in ${out.refit.seconds.toFixed(1)} s`)
    // Open loop: every millisecond, send what the schedule says is due (a 1 ms timer, not a busy
    // loop: the generator must leave the CPU to the server). One warm-up second is not measured.
    const lookups = async (seconds, record) => {
      const total = RATE * seconds
      const lat = { profile: [], level: [] }
      let failed = 0
      let sent = 0
      const inflight = new Set()
      const end = phase()
      const t0 = performance.now()
      while (sent < total && Date.now() < DEADLINE) {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE))
        while (sent < due) {
          const c = (sent * 7907) % CUSTOMERS
          const kind = sent % 2 === 0 ? 'profile' : 'level'
          const p = call(
            'GET',
            kind === 'profile' ? `/v1/customers/c${c}` : `/v1/service/level/c${c}`,
          ).then((r) => {
            if (r.status !== 200) failed++
            lat[kind].push(r.ms)
            inflight.delete(p)
          })
          inflight.add(p)
          sent++
        }
        await new Promise((r) => setTimeout(r, 1))
      }
      await Promise.all(inflight)
      const m = end()
      if (!record) return
      out.lookups = {
        targetRate: RATE,
        achievedRate: Math.round(sent / m.seconds),
        requests: sent,
        failed,
        profileMs: pct(lat.profile),
        serviceLevelMs: pct(lat.level),
        ...m,
      }
    }
    await lookups(1, false)
    await lookups(SECONDS, true)
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    agent.destroy()
    if (!args.db) rmSync(dir, { recursive: true, force: true })
  }
  console.log(JSON.stringify(out, null, 2))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
