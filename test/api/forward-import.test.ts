// `loyals import` through a server (cli/forward-import.ts) against the API in this process, on
// both stores: the file is staged in batches and stored by one commit, so it goes in whole or not
// at all, whatever fails or stops midway.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { forwardImport } from '../../src/cli/forward-import.ts'
import { RemoteServer } from '../../src/cli/remote.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { LoyalsError } from '../../src/errors.ts'
import { type ImportOptions, importFile } from '../../src/service/import/import-file.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

/** The harness's API as the CLI's RemoteServer; `stopAfter` requests, the client "is killed". */
class HarnessServer extends RemoteServer {
  requests = 0
  constructor(
    readonly h: Harness,
    readonly stopAfter = Number.POSITIVE_INFINITY,
  ) {
    super('http://harness', 'key')
  }
  override async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (this.requests++ >= this.stopAfter) throw new Error('killed')
    const r = await this.h.call(method, path, body === undefined ? {} : { body })
    if (r.status >= 400) {
      throw new LoyalsError(r.json.error.code, r.json.error.message, { status: r.status })
    }
    return r.json as T
  }
}

/** Import `file` as the CLI does with --server: into memory, then forwarded. */
async function forward(server: RemoteServer, file: string, opts: Partial<ImportOptions> = {}) {
  const mem = await openWorkspace(':memory:')
  try {
    await importFile(mem, file, { kind: 'orders', ...opts })
    return await forwardImport(mem, server)
  } finally {
    await mem.close()
  }
}

const dir = tempDir('loyals-forward-')
const orders = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `B${i},pc${i % 40},2024-04-${String((i % 28) + 1).padStart(2, '0')} 12:00:00,${10 + i}`,
  )

describe.each(STORES)('an import through the server ($name)', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => {
    await h.close()
  })

  it('is one transaction: a refused row stores none of the 2,500 sent before it', async () => {
    // an order id the server holds for another customer: refused at the commit
    const taken = await h.call('POST', '/v1/events', {
      body: orderEvent('other', 'X9', 5, '2024-03-01T12:00:00Z', 'app-1'),
    })
    expect(taken.status).toBe(200)
    const header = 'order_id,customer_id,ordered_at,amount'
    const file = write(
      dir,
      'partial.csv',
      [header, ...orders(2500), 'X9,late,2024-05-01 12:00:00,7'].join('\n'),
    )
    const e = await forward(new HarnessServer(h), file).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LoyalsError)
    expect((e as Error).message).toMatch(
      /order X9 belongs to customer other.*nothing of the file was stored/,
    )
    expect(await count(h, 'SELECT count(*) FROM orders')).toBe(1)
    expect(
      await count(h, "SELECT count(*) FROM customer_profile WHERE customer_id LIKE 'pc%'"),
    ).toBe(0)
    expect(await count(h, 'SELECT count(*) FROM import_staging')).toBe(0)

    // the client killed after two of its three batches: nothing stored, the batches wait
    const good = write(dir, 'good.csv', [header, ...orders(2500)].join('\n'))
    await expect(forward(new HarnessServer(h, 2), good)).rejects.toThrow('killed')
    expect(await count(h, 'SELECT count(*) FROM orders')).toBe(1)
    expect(await count(h, 'SELECT count(*) FROM import_staging')).toBe(2)

    // a re-run stores the file once; the abandoned batches expire a day later
    const sent = await forward(new HarnessServer(h), good)
    expect(sent).toMatchObject({ sent: 2500, stored: 2500, duplicates: 0 })
    expect(await count(h, 'SELECT count(*) FROM orders')).toBe(2501)
    const again = await forward(new HarnessServer(h), good)
    expect(again).toMatchObject({ stored: 0, duplicates: 2500 })
    expect(await count(h, 'SELECT count(*) FROM orders')).toBe(2501)
    h.clock.now += 25 * 3_600_000
    await forward(new HarnessServer(h, 1), good).catch(() => undefined)
    expect(await count(h, 'SELECT count(*) FROM import_staging')).toBe(1)
  })

  it('stores the local day --tz gives an order and a refund, as a direct import does', async () => {
    const file = write(
      dir,
      'tz.csv',
      'order_id,customer_id,ordered_at,amount\nA2,c1,2024-01-05 19:00:00,20\nA2,c1,2024-01-05 20:00:00,-5\n',
    )
    await forward(new HarnessServer(h), file, { tz: 'America/Los_Angeles' })
    const rows = await h.store.use((e) =>
      e.query({
        sql: 'SELECT amount, CAST(order_date AS VARCHAR) AS day FROM orders ORDER BY amount',
      }),
    )
    expect(rows.map((r) => [Number(r.amount), r.day])).toEqual([
      [-5, '2024-01-05'],
      [20, '2024-01-05'],
    ])
    // a day no time zone gives the timestamp is refused
    const far = orderEvent('c2', 'A3', 5, '2024-01-06T03:00:00Z', 'far')
    const r = await h.call('POST', '/v1/events', {
      body: { ...far, properties: { ...far.properties, order_date: '2024-01-08' } },
    })
    expect(r.status).toBe(400)
    expect(r.text).toContain('order_date')
  })
})
