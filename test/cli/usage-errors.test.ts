// Mistyped command lines are usage errors (exit 2, as docs/insights.md and the README say) on
// every command, not only on the ones that check their own options.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { CLI, ROOT, runCli, tempDir } from '../helpers/cli.ts'

describe('command-line usage errors', () => {
  it('an unknown option, an extra argument or an unknown command exits 2 with the usage', () => {
    for (const args of [
      ['insights', '--bogus'],
      ['summary', 'a.csv', 'b.csv'],
      ['analyze', '--no-such-flag'],
      ['keys', 'bogus'],
      ['no-such-command'],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(/^error: /)
      // the error and where the options are, not the whole usage after it
      expect(r.stderr, args.join(' ')).toMatch(/\n\(add --help to see the options\)\n$/)
      expect(r.stderr.trim().split('\n').length, args.join(' ')).toBeLessThanOrEqual(3)
    }
    expect(runCli(['summary', '--help']).code).toBe(0)
  })

  it('a bad server URL is named as it was given (flag or variable); --tick-every says off too', () => {
    const flag = runCli(['keys', 'list', '--server', 'bogus'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--server must be an http(s) URL, got "bogus"')
    const variable = runCli(['keys', 'list'], { env: { LOYALS_SERVER: 'bogus' } })
    expect(variable.code).toBe(2)
    expect(variable.stderr).toContain('LOYALS_SERVER must be an http(s) URL, got "bogus"')
    const tick = runCli(['serve', '--db', join(tempDir(), 'w.duckdb'), '--tick-every', 'never'])
    expect(tick.code).toBe(2)
    expect(tick.stderr).toContain('invalid --tick-every "never": use e.g. 30m, 1h, 1d, or off')
  })

  it('--version prints the package version and exits 0; the help still lists every command', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag])
      expect(r.code, flag).toBe(0)
      expect(r.stdout.trim(), flag).toBe(pkg.version)
    }
    const help = runCli(['--help'])
    expect(help.code).toBe(0)
    for (const name of ['analyze', 'customer', 'fit', 'import', 'serve', 'summary', 'tick']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'))
    }
  })

  it('an empty --as-of is refused on every command that takes one, not read as no date', () => {
    const csv = join(tempDir('loyals-asof-'), 'orders.csv')
    writeFileSync(csv, 'customer_id,ordered_at,amount\nc1,2024-01-02,10\nc1,2024-02-02,20\n')
    for (const command of ['analyze', 'summary', 'fit', 'insights', 'customer', 'import', 'demo']) {
      const target =
        command === 'customer' ? ['c1', '--orders', csv] : command === 'demo' ? [] : [csv]
      const r = runCli([command, ...target, '--as-of', ''])
      expect(r.code, command).toBe(2)
      expect(r.stderr, command).toContain(
        '--as-of is empty: give a date YYYY-MM-DD, or leave the option out for the last day in the data',
      )
    }
    // the date left out: the file named after the option is taken as its value
    const r = runCli(['analyze', '--as-of', csv])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `--as-of takes a date YYYY-MM-DD, and got ${JSON.stringify(csv)}, a file: was the date left out?`,
    )
  })

  it('an option whose value was left out, the next option taken for it, is a usage error', () => {
    // QA: `analyze FILE --out --json` wrote a directory named --json
    const dir = tempDir('loyals-left-out-')
    const csv = join(dir, 'orders.csv')
    writeFileSync(csv, 'customer_id,ordered_at,amount\nc1,2024-01-02,10\nc1,2024-02-02,20\n')
    for (const [args, flag, value] of [
      [['analyze', csv, '--out', '--json'], '--out', '--json'],
      [['summary', csv, '--out', '--format'], '--out', '--format'],
      [['import', csv, '--db', '--json'], '--db', '--json'],
      [['fit', csv, '--model', '--json'], '--model', '--json'],
    ] as const) {
      const r = runCli([...args], { cwd: dir })
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain(
        `${flag} takes a value, and got "${value}", another of its options: was the value left out?`,
      )
      expect(existsSync(join(dir, value))).toBe(false)
    }
  })

  it('serve refuses an empty --host (every interface to Node) and a --port that is no number', () => {
    const db = join(tempDir('loyals-serve-flags-'), 'w.duckdb')
    const host = runCli(['serve', '--db', db, '--host', '', '--port', '0'])
    expect(host.code).toBe(2)
    expect(host.stderr).toContain('--host is empty: give an interface address')
    for (const port of ['', '0x50', '-1', '65536', '8.5']) {
      const r = runCli(['serve', '--db', db, '--port', port])
      expect(r.code, port).toBe(2)
      expect(r.stderr, port).toContain(`invalid --port ${JSON.stringify(port)}: give a number`)
    }
    expect(existsSync(db)).toBe(false)
  })

  it('--reset-tiers needs a workspace and the value step', () => {
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    const out = join(tempDir(), 'out')
    const file = runCli(['analyze', cdnow, '--reset-tiers', '--out', out])
    expect(file.code).toBe(2)
    expect(file.stderr).toContain('is an orders file, which keeps none')
    const db = join(tempDir(), 'w.duckdb')
    expect(runCli(['import', cdnow, '--db', db]).code).toBe(0)
    const off = runCli(['analyze', db, '--reset-tiers', '--no-value', '--out', out])
    expect(off.code).toBe(2)
    expect(off.stderr).toContain('which --no-value turns off')
  })

  it('summary --out refuses the file it reads or the workspace, which it would overwrite; --db beside a file is said to be unread', () => {
    const dir = tempDir('loyals-out-')
    const csv = join(dir, 'orders.csv')
    const orders = 'customer_id,ordered_at,amount\nc1,2024-01-02,10\nc1,2024-02-02,20\n'
    writeFileSync(csv, orders)
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', csv, '--db', db]).code).toBe(0)
    const before = readFileSync(db)
    for (const [args, target] of [
      [['summary', '--db', db, '--out', db], db],
      [['summary', db, '--out', db], db],
      [['summary', csv, '--out', csv], csv],
    ] as const) {
      const r = runCli([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(/the summary would overwrite it; name another file/)
      expect(existsSync(target)).toBe(true)
    }
    expect(readFileSync(csv, 'utf8')).toBe(orders)
    expect(readFileSync(db).equals(before)).toBe(true)
    // the workspace still answers, and another file is written
    const out = join(dir, 'summary.csv')
    expect(runCli(['summary', '--db', db, '--out', out]).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^customer_id,x,t_x,T,monetary/)
    // a file to read and --db: the file is read, and the user hears that --db was not
    const both = runCli(['summary', csv, '--db', db])
    expect(both.code).toBe(0)
    expect(both.stderr).toContain(`note: --db ${db} is not read: summary reads ${csv}`)
    const analyzed = runCli([
      'analyze',
      csv,
      '--db',
      db,
      '--out',
      join(dir, 'a'),
      '--no-predictions',
    ])
    expect(analyzed.code).toBe(0)
    expect(analyzed.stderr).toContain(`note: --db ${db} is not read: analyze reads ${csv}`)
  })

  it('a PostgreSQL URL given to a command is never printed with its password', () => {
    const dir = tempDir('loyals-pw-')
    const csv = join(dir, 'one.csv')
    writeFileSync(csv, 'customer_id,ordered_at,amount\nc1,2024-01-02,10\n')
    const url = 'postgres://pwuser:s3cret-pw@127.0.0.1:1/loyals'
    for (const args of [
      ['import', csv, '--db', url],
      ['customer', 'c1', '--db', url],
      ['fit', '--model', 'bgnbd', '--db', url],
      ['analyze', url],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).not.toBe(0)
      expect(r.stderr, args.join(' ')).toMatch(/^error: /)
      expect(r.stderr, args.join(' ')).not.toContain('s3cret-pw')
    }
  })

  /** A workspace holding one order, in a new temp dir. */
  const oneOrderWorkspace = (prefix: string): { dir: string; db: string } => {
    const dir = tempDir(prefix)
    const csv = join(dir, 'one.csv')
    writeFileSync(csv, 'customer_id,ordered_at,amount\nc1,2024-01-02,10\n')
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', csv, '--db', db]).code).toBe(0)
    return { dir, db }
  }

  it('a value configuration with a problem is named, whichever command reads it', () => {
    // refit, tick and serve said "invalid value configuration" without the file, as analyze names it
    const { dir, db } = oneOrderWorkspace('loyals-typo-')
    const typo = join(dir, 'typo.json')
    writeFileSync(typo, '{"costs":{"defaultMarginRat":0.3}}')
    for (const args of [
      ['refit', '--value-config', typo],
      ['tick', '--value-config', typo],
      ['serve', '--value-config', typo, '--port', '0'],
      ['analyze', '--config', typo, '--out', join(dir, 'out')],
    ]) {
      const r = runCli([...args, '--db', db])
      expect(r.code, args[0]).toBe(2)
      expect(r.stderr, args[0]).toBe(
        `error: ${typo}: invalid value configuration:\n  ${typo}:1 costs: Unrecognized key: "defaultMarginRat"\n`,
      )
    }
  })

  it('an operations file naming an unknown tier is told with its file and line, whichever command reads it', () => {
    // every other problem of the file had its file:line; an unknown tier had neither, nor the list
    const { dir, db } = oneOrderWorkspace('loyals-ops-tier-')
    const ops = join(dir, 'ops.json')
    writeFileSync(
      ops,
      `{
  "playbooks": [
    {
      "id": "vip",
      "department": "recognition",
      "trigger": { "type": "tier_up", "to": ["Gold", "Platnum"] },
      "actions": [{ "type": "task", "role": "am", "title": "Call" }]
    }
  ]
}
`,
    )
    for (const args of [
      ['tick', '--config', ops],
      ['refit', '--config', ops],
      ['serve', '--config', ops, '--port', '0'],
    ]) {
      const r = runCli([...args, '--db', db])
      expect(r.code, args[0]).toBe(2)
      expect(r.stderr, args[0]).toBe(
        `error: ${ops}: invalid operations configuration:\n  ${ops}:6 playbooks[0].trigger.to: unknown tier "Platnum" (the value configuration's tiers: Platinum, Gold, Silver, Bronze)\n`,
      )
    }
  })

  it('an operations file with problems of every kind names them all in one run', () => {
    // the duplicates were told only once the shape was right, and unknown tiers only after that:
    // three rounds of edit and run for one file
    const { dir, db } = oneOrderWorkspace('loyals-ops-all-')
    const ops = join(dir, 'ops.json')
    writeFileSync(
      ops,
      `{
  "playbooks": [
    { "id": "a", "department": "service", "trigger": { "type": "first_order" },
      "actions": [{ "type": "webhook", "url": "https://h.example.com/m", "channel": "fax" }] },
    { "id": "a", "department": "service", "trigger": { "type": "first_order" },
      "actions": [{ "type": "task", "title": "Call", "goal": "nope", "role": "am" }] },
    { "id": "b", "department": "service", "trigger": { "type": "best_at_risk", "tiers": ["Silvr"] },
      "actions": [{ "type": "task", "title": "Call" }] }
  ],
  "goals": [{ "id": "g", "title": "G", "withinDays": 0 }, { "id": "g", "title": "G2", "withinDays": 2 }]
}
`,
    )
    const r = runCli(['tick', '--config', ops, '--db', db])
    expect(r.code).toBe(2)
    for (const problem of [
      `${ops}:4 playbooks[0].actions[0].channel`, // the shape
      `${ops}:8 playbooks[2].actions[0]`, // a task without role or assignee
      `${ops}:10 goals[0].withinDays`,
      `${ops}:5 playbooks[1].id: duplicate "a"`, // between the parts
      `${ops}:10 goals[1].id: duplicate "g"`,
      `${ops}:6 playbooks[1].actions[0].goal: no goal "nope" in goals`,
      `${ops}:7 playbooks[2].trigger.tiers: unknown tier "Silvr"`, // against the value tiers
    ]) {
      expect(r.stderr).toContain(problem)
    }
  })

  it('a --db on the command line wins over $LOYALS_SERVER: the rows go to the file named', () => {
    const dir = tempDir('loyals-db-flag-')
    const csv = join(dir, 'one.csv')
    writeFileSync(csv, 'customer_id,ordered_at,amount\nc1,2024-01-02,10\n')
    const db = join(dir, 'flag.duckdb')
    const env = { LOYALS_SERVER: 'http://127.0.0.1:9', LOYALS_API_KEY: 'lk_unused' }
    const r = runCli(['import', csv, '--db', db], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const s = runCli(['summary', db], { env })
    expect(s.code).toBe(0)
    expect(s.stdout.split('\n')[1]).toMatch(/^c1,0,/)
  })

  it('an empty LOYALS_* variable counts as unset; an invalid one is a one-line usage error', () => {
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    const empty = runCli(['summary', cdnow], {
      env: { LOYALS_API_KEY: '', LOYALS_DB: '', LOYALS_TRACE: '', LOYALS_SERVER: '' },
    })
    expect(empty.stderr).toBe('')
    expect(empty.code).toBe(0)
    expect(empty.stdout.split('\n')[0]).toMatch(/^customer_id,x,t_x,T,monetary/)
    const bad = runCli(['summary', cdnow], { env: { LOYALS_TRACE: 'abc' } })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe(
      'error: environment variable LOYALS_TRACE="abc" is not valid: expected a number of milliseconds >= 0 (unset it or give it a valid value)\n',
    )
    // a zone the user never passed as --tz is named as the variable it came from
    for (const tz of ['BST', 'Mars/Base']) {
      const zone = runCli(['summary', cdnow], { env: { LOYALS_TZ: tz } })
      expect(zone.code).toBe(2)
      expect(zone.stderr).toBe(
        `error: environment variable LOYALS_TZ="${tz}" is not valid: expected an IANA time zone such as UTC, Europe/Paris or America/New_York (not an abbreviation such as BST) (unset it or give it a valid value)\n`,
      )
    }
    expect(runCli(['summary', cdnow], { env: { LOYALS_TZ: 'Europe/Paris' } }).code).toBe(0)
  })

  it('fit reads an orders file in LOYALS_TZ, as summary and analyze do', () => {
    // orders at 02:00 and 20:00 UTC on one day: one purchase day in UTC, two in Tokyo (UTC+9)
    const rows = ['customer_id,ordered_at,amount']
    for (let c = 0; c < 300; c++) {
      for (let k = 0; k <= (c * 7) % 5; k++) {
        const day = new Date(Date.UTC(2024, 0, 1 + ((c * 13 + k * 29) % 300)))
        const d = day.toISOString().slice(0, 10)
        rows.push(`c${c},${d}T02:00:00Z,10`)
        if ((c + k) % 2 === 0) rows.push(`c${c},${d}T20:00:00Z,10`)
      }
    }
    const f = join(tempDir(), 'tz-orders.csv')
    writeFileSync(f, `${rows.join('\n')}\n`)
    const ll = (env: Record<string, string>) => {
      const r = runCli(['fit', f, '--model', 'bgnbd', '--as-of', '2024-12-31', '--json'], { env })
      expect(r.code, r.stderr).toBe(0)
      return (JSON.parse(r.stdout) as { logLikelihood: number }).logLikelihood
    }
    const utc = ll({})
    expect(ll({ LOYALS_TZ: 'Asia/Tokyo' })).not.toBe(utc)
    expect(ll({ LOYALS_TZ: 'UTC' })).toBe(utc)
  })

  it('a missing input file exits 1 on every command that reads one, a missing workspace 2', () => {
    const dir = tempDir()
    const nope = join(dir, 'nope.csv')
    for (const args of [
      ['fit', nope, '--model', 'bgnbd'],
      ['summary', nope],
      ['analyze', nope, '--out', join(dir, 'out')],
      ['import', nope, '--db', join(dir, 'w.duckdb')],
    ]) {
      const r = runCli(args)
      expect(r.code, args[0]).toBe(1)
      expect(r.stderr, args[0]).toBe(`error: ${nope}: file not found\n`)
    }
    const ws = runCli(['fit', join(dir, 'nope.duckdb'), '--model', 'bgnbd'])
    expect(ws.code).toBe(2)
    expect(ws.stderr).toMatch(/^error: no workspace at /)
  })

  it('fit refuses a pipe and a directory as summary does (exit 1), a redirected file it reads', () => {
    const dir = tempDir()
    const csv = readFileSync(
      join(ROOT, 'test/fixtures/cdnow/cdnow_calibration_summary.csv'),
      'utf8',
    )
    for (const model of ['bgnbd', 'gg', 'bgbb', 'sbg']) {
      const r = runCli(['fit', '/dev/stdin', '--model', model], { input: csv })
      expect(r.code, model).toBe(1)
      expect(r.stderr, model).toBe(
        'error: /dev/stdin: is a pipe or device, not a file: standard input and pipes are not read; save the data to a file and fit that\n',
      )
    }
    const piped = runCli(['summary', '/dev/stdin'], { input: csv })
    expect(piped.code).toBe(1)
    expect(piped.stderr).toContain('/dev/stdin: is a pipe or device, not a file')
    const folder = runCli(['fit', dir, '--model', 'bgnbd'])
    expect(folder.code).toBe(1)
    expect(folder.stderr).toBe(`error: ${dir}: is a directory, not a file\n`)
    const file = join(dir, 'summary.csv')
    writeFileSync(file, csv)
    const redirected = spawnSync(process.execPath, [CLI, 'fit', '/dev/stdin', '--model', 'bgnbd'], {
      stdio: [openSync(file, 'r'), 'pipe', 'pipe'],
      encoding: 'utf8',
    })
    expect(redirected.stderr).toBe('')
    expect(redirected.stdout).toMatch(/^BG\/NBD: /)
  })

  it('fit on the JSON summary writes says to write the summary as CSV, not to run fit again', () => {
    const dir = tempDir()
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    const json = join(dir, 'sum.json')
    expect(runCli(['summary', cdnow, '--format', 'json', '--out', json]).code).toBe(0)
    const r = runCli(['fit', json, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'This is a per-customer summary (x, t_x, T), not orders: `loyals fit` reads it as an uncompressed CSV file: write it with `loyals summary ORDERS --format csv --out FILE`',
    )
    const csv = join(dir, 'sum.csv')
    expect(runCli(['summary', cdnow, '--format', 'csv', '--out', csv]).code).toBe(0)
    const fitted = runCli(['fit', csv, '--model', 'bgnbd'])
    expect(fitted.stderr).toBe('')
    expect(fitted.stdout).toMatch(/^BG\/NBD: 2,357 customers/)
  })

  it('a --db where no workspace is stops every command that works on one, and none is made', () => {
    const dir = tempDir()
    const db = join(dir, 'typo.duckdb')
    for (const args of [
      ['keys', 'list'],
      ['keys', 'revoke', 'X'],
      ['refit'],
      ['tick'],
      ['summary'],
      ['customer', 'c1'],
    ]) {
      const r = runCli([...args, '--db', db])
      expect(r.code, args.join(' ')).toBe(2)
      // only summary takes an orders file instead of a workspace
      const orName =
        args[0] === 'summary' ? ', pass --db, or name an orders file' : ', or pass --db'
      expect(r.stderr, args.join(' ')).toBe(
        `error: no workspace at ${db}: import orders first (loyals import FILE)${orName}\n`,
      )
      expect(existsSync(db), args.join(' ')).toBe(false)
    }
    // an orders file given as --db: where it goes instead, for a command without a FILE too
    const orders = join(dir, 'orders.csv')
    writeFileSync(orders, 'customer_id,ordered_at,amount\nc1,2024-01-01,5\n')
    const asDb = runCli(['customer', 'c1', '--db', orders])
    expect(asDb.code).toBe(2)
    expect(asDb.stderr).toContain(
      'Give --db a new or existing .duckdb file; an orders file goes to loyals import, or is the FILE argument of analyze, summary, fit or insights',
    )
    // a key is made before the first `loyals serve` (the README's first step): that one creates
    const created = runCli(['keys', 'create', '--role', 'admin', '--db', db])
    expect(created.code, created.stderr).toBe(0)
    expect(runCli(['keys', 'list', '--db', db]).stdout).toContain('admin')
  })

  it('a missing configuration file exits 1 as a missing input file does, said in words', () => {
    const dir = tempDir()
    const nope = join(dir, 'nope.csv')
    mkdirSync(join(dir, 'conf'))
    for (const [flag, what] of [
      ['--config', 'value configuration'],
      ['--rfm-rules', 'RFM rules file'],
    ] as const) {
      const none = runCli(['analyze', nope, flag, join(dir, 'none.json')])
      expect(none.code, flag).toBe(1)
      expect(none.stderr, flag).toBe(
        `error: cannot read the ${what} ${join(dir, 'none.json')}: no such file\n`,
      )
      const folder = runCli(['analyze', nope, flag, join(dir, 'conf')])
      expect(folder.code, flag).toBe(1)
      expect(folder.stderr, flag).toBe(
        `error: cannot read the ${what} ${join(dir, 'conf')}: it is a directory, not a file\n`,
      )
    }
    // a byte-order mark (Notepad) is read past: the configuration is read, then the data file
    writeFileSync(join(dir, 'bom.json'), '\uFEFF{}')
    const bom = runCli(['analyze', nope, '--config', join(dir, 'bom.json')])
    expect(bom.stderr).toBe(`error: ${nope}: file not found\n`)
    // a file holding null is refused as [] is, not read as every default
    writeFileSync(join(dir, 'null.json'), 'null\n')
    const none = runCli(['analyze', nope, '--config', join(dir, 'null.json')])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/\(root\): Invalid input: expected object, received null\n$/)
  })

  it('an empty --out is refused rather than writing into the current directory', () => {
    for (const args of [
      ['insights', '--out', ''],
      ['analyze', '--out', ' '],
      ['demo', '--out', ''],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain('give a directory, not an empty name')
    }
  })

  it('an empty argument or --db is said in the terms of the command, not of a library function', () => {
    for (const [args, said] of [
      [['import', 'o.csv', '--db', ''], '--db is empty'],
      [['analyze', ''], 'the orders file or workspace is empty'],
      [['summary', ' '], 'the orders file or workspace is empty'],
      [['customer', '', '--db', 'w.duckdb'], 'the customer id is empty'],
      [['import', ''], 'the file to import is empty'],
    ] as const) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain(said)
      expect(r.stderr, args.join(' ')).not.toMatch(/openWorkspace|openSource|customerProfile/)
    }
  })

  it('a workspace another process holds is said to be in use, by a command or a server', async () => {
    const dir = tempDir()
    const db = join(dir, 'w.duckdb')
    const orders = join(dir, 'o.csv')
    writeFileSync(orders, 'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-02,5\n')
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    const held = await openWorkspace(db)
    try {
      const r = runCli(['import', orders, '--db', db])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(
        `the workspace ${db} is in use by another process: another loyals command still running`,
      )
    } finally {
      await held.close()
    }
  })

  it('analyze --horizon over ten years is a usage error naming the flag and its range', () => {
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    const out = join(tempDir(), 'out')
    for (const [unit, horizon, most] of [
      ['week', '1e9', '522 weeks'],
      ['week', '523', '522 weeks'],
      ['day', '3654', '3653 days'],
      ['month', '121', '120 months'],
    ] as const) {
      const r = runCli(['analyze', cdnow, '--unit', unit, '--horizon', horizon, '--out', out])
      expect(r.code, horizon).toBe(2)
      expect(r.stderr, horizon).toBe(
        `error: --horizon must be more than 0 and at most ${most} (10 years), got "${horizon}"\n`,
      )
    }
    expect(existsSync(out)).toBe(false)
    // the help wraps its lines: read as one
    const help = runCli(['analyze', '--help']).stdout.replace(/\s+/g, ' ')
    expect(help).toContain('at most 10 years: 3653 days, 522 weeks')
    expect(help).toContain('default one year: 365 days, 52 weeks or 12 months')
  })

  it('demo refuses an as-of date before its banner announces it, or a company is generated', () => {
    const dir = tempDir()
    for (const args of [
      ['demo', '--as-of', '2099-01-01'],
      ['demo', '--as-of', '1997-13-01'],
      ['demo', '--company', '--as-of', '2099-01-01'],
    ]) {
      const r = runCli([...args, '--out', join(dir, 'out')])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout, args.join(' ')).toBe('')
      expect(r.stderr, args.join(' ')).toMatch(
        /^error: (--as-of 2099-01-01 is in the future|--as-of 1997-13-01 is no date: there is no month 13)/,
      )
    }
  })

  it('demo --seed without --company is a usage error, not a seed silently ignored', () => {
    const dir = tempDir()
    const r = runCli(['demo', '--seed', '5', '--out', join(dir, 'out')])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: --seed applies to --company only (the seed of the generated company); the CDNOW sample has none: add --company or leave it out\n',
    )
    expect(r.stdout).toBe('')
    expect(existsSync(join(dir, 'out'))).toBe(false)
    const bad = runCli(['demo', '--company', '--seed', 'x', '--out', join(dir, 'out')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe("error: --seed must be an integer, got 'x'\n")
  })

  it('demo takes the --as-of its advice names; an --as-of before the first order is a usage error naming that day', () => {
    const dir = tempDir()
    // without a holdout the demo's reason says to re-run with an earlier --as-of: it works
    const plain = runCli(['demo', '--json', '--out', join(dir, 'plain')])
    expect(plain.code).toBe(0)
    expect(JSON.parse(plain.stdout).predictions.reason).toMatch(
      /earlier as-of date \(--as-of; asOf in the library\)/,
    )
    const held = runCli(['demo', '--json', '--as-of', '1997-09-30', '--out', join(dir, 'held')])
    expect(held.code).toBe(0)
    const s = JSON.parse(held.stdout)
    expect(s.asOf).toBe('1997-09-30')
    expect(s.predictions.reason).not.toMatch(/no holdout/)
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    for (const cmd of ['analyze', 'summary']) {
      const early = runCli([
        cmd,
        cdnow,
        '--as-of',
        '1996-12-31',
        '--out',
        join(dir, `early-${cmd}`),
      ])
      expect(early.code, cmd).toBe(2)
      expect(early.stderr, cmd).toMatch(
        /the as-of date 1996-12-31 is before the first order \(1997-01-01; the last is 1998-06-30\)/,
      )
    }
  })

  it('an --out naming a file is a usage error on every command that writes a directory', () => {
    const dir = tempDir()
    const file = join(dir, 'notadir')
    writeFileSync(file, 'x\n')
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    for (const args of [
      ['generate', '--out', file, '--customers', '10'],
      ['analyze', cdnow, '--out', file],
      ['demo', '--out', file],
      ['demo', '--company', '--out', file],
    ]) {
      const r = runCli(args)
      expect(r.code, args[0]).toBe(2)
      // nothing said of the work it will not do
      expect(r.stdout, args.join(' ')).toBe('')
      expect(r.stderr, args[0]).toBe(
        `error: cannot create the output directory ${file}: ${file} exists and is not a directory\n`,
      )
    }
  })
})

describe("Shopify's customers export", () => {
  const file = join(ROOT, 'test/fixtures/import/shopify_customers_export.csv')
  it('imported without --kind is imported as customers and said; with --kind orders it is refused', () => {
    const dir = tempDir()
    const r = runCli(['import', file, '--db', join(dir, 'w.duckdb'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'customers', rowsStored: 4 })
    const text = runCli(['import', file, '--db', join(dir, 'w.duckdb')])
    expect(text.stdout).toContain("is Shopify's customers export: imported as --kind customers")
    const refused = runCli(['import', file, '--db', join(dir, 'o.duckdb'), '--kind', 'orders'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('import it with --kind customers')
    // with --as-of (orders only) it is named for what it is, not refused for a --kind never typed
    const asOf = runCli(['import', file, '--db', join(dir, 'a.duckdb'), '--as-of', '2024-01-01'])
    expect(asOf.code).toBe(2)
    expect(asOf.stderr).toContain(
      "is Shopify's customers export, not orders: --as-of counts orders after a date and does not apply to it (import it without --as-of)",
    )
    expect(existsSync(join(dir, 'a.duckdb'))).toBe(false)
  })

  it('a kind no server takes says so, without sending a PostgreSQL user to a server and back', () => {
    const file = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    const pg = runCli(['import', file, '--kind', 'referrals', '--db', 'postgres://u@127.0.0.1:1/x'])
    expect(pg.code).toBe(2)
    expect(pg.stderr).toContain('a PostgreSQL store cannot take import --kind referrals yet')
    const served = runCli([
      'import',
      file,
      '--kind',
      'tickets',
      '--server',
      'http://127.0.0.1:18901',
      '--api-key',
      'k',
    ])
    expect(served.code).toBe(2)
    expect(served.stderr).toContain(
      'import --kind tickets cannot go through the server at http://127.0.0.1:18901: only orders and customers do',
    )
    expect(served.stderr).toContain('a PostgreSQL store cannot take tickets yet')
  })
})
