// A customer whose orders were all refunded has no purchase day left and no row in the analysis
// (docs/summary.md), but the support tickets and returns they caused cost money: the value step
// prices them (value.unvalued) and analyze says so, rather than the cost vanishing.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { DataError } from '../../src/errors.ts'
import { computeAnalysis, renderAnalysisReport } from '../../src/service/analyze.ts'
import { customerProfile } from '../../src/service/customer-profile.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

const CONFIG = parseValueConfig({
  currency: { decimals: 2 },
  costs: { perTicketMinute: 1, perReturn: 10, returnWriteOffRate: 0.05 },
})

async function workspace(files: { orders: string; tickets?: string; returns?: string }) {
  const dir = tempDir('loyals-value-unvalued-')
  const engine = await openWorkspace(join(dir, 'w.duckdb'))
  open.push(engine)
  await importFile(engine, write(dir, 'orders.csv', files.orders), { kind: 'orders', now: NOW })
  for (const kind of ['tickets', 'returns'] as const) {
    const text = files[kind]
    if (text) await importFile(engine, write(dir, `${kind}.csv`, text), { kind, now: NOW })
  }
  return engine
}

async function analyzed(files: { orders: string; tickets?: string; returns?: string }) {
  return computeAnalysis(await workspace(files), {
    source: 'test',
    asOf: '2024-03-31',
    predictions: false,
    value: { config: CONFIG },
  })
}

const ORDERS = `order_id,customer_id,ordered_at,amount
1,A,2024-01-01,100
1,A,2024-01-05,-100
2,B,2024-02-01,100
3,C,2024-02-02,40
3,C,2024-02-03,-40
`

const FILES = {
  orders: ORDERS,
  // A: 180 minutes in two tickets; a ticket after the as-of date is not yet known
  tickets: `ticket_id,customer_id,opened_at,handling_minutes
T1,A,2024-01-03,120
T2,A,2024-01-06,60
T3,A,2024-05-01,500
T4,B,2024-02-02,15
`,
  // A returned order 1 (100): 10 + 5 % of 100 written off; C returned nothing, needed nothing
  returns: `return_id,order_id,returned_at,amount
R1,1,2024-01-05,100
`,
}

describe('customers with no purchase day left', () => {
  it('have their tickets and returns priced and said, outside the valued figures', async () => {
    const s = await analyzed(FILES)
    expect(s.value?.unvalued).toEqual({
      customers: 1,
      tickets: 2,
      ticketMinutes: 180,
      returns: 1,
      ticketCost: 180,
      returnCost: 15,
      costToServe: 195,
      worst: [{ customerId: 'A', tickets: 2, ticketMinutes: 180, returns: 1, costToServe: 195 }],
    })
    // the valued figures are B's alone: its ticket of 15 minutes, none of A's
    expect(s.value?.breakdown).toMatchObject({ customers: 1, costs: { tickets: 15, returns: 0 } })
    const warning = s.quality.find((q) => q.message.includes('no purchase day left'))
    expect(warning?.level).toBe('warning')
    expect(warning?.message).toContain('cost 195.00 to serve (2 support tickets and 1 return)')
    const html = renderAnalysisReport(s)
    expect(html).toContain('cost 195.00 to serve in support tickets and returns')
  })

  it('with only a refund row are listed and refused a profile with their cost said too', async () => {
    const engine = await workspace({
      orders: `${ORDERS}99,Q,2024-01-03,-20\n`,
      tickets: 'ticket_id,customer_id,opened_at,handling_minutes\nTQ,Q,2024-01-09,20\n',
    })
    const s = await computeAnalysis(engine, {
      source: 'test',
      asOf: '2024-03-31',
      predictions: false,
      value: { config: CONFIG },
    })
    expect(s.value?.unvalued?.worst).toEqual([
      { customerId: 'Q', tickets: 1, ticketMinutes: 20, returns: 0, costToServe: 20 },
    ])
    const q = customerProfile(engine, 'Q', {
      asOf: '2024-03-31',
      predictions: false,
      config: CONFIG,
    })
    await expect(q).rejects.toThrow(
      /nothing to value yet; their 1 support ticket cost 20\.00 to serve/,
    )
  })

  it('are refused a profile with what they cost said', async () => {
    const engine = await workspace(FILES)
    const a = customerProfile(engine, 'A', {
      asOf: '2024-03-31',
      predictions: false,
      config: CONFIG,
    })
    await expect(a).rejects.toThrow(DataError)
    await expect(a).rejects.toThrow(
      /no purchase day is left to value .*; their 2 support tickets and 1 return cost 195\.00 to serve/,
    )
  })

  it('are not listed when they cost nothing, nor when no order was refunded', async () => {
    // C's ticket has no minutes: it costs nothing (docs/value.md), so C is no loss to report
    const none = await analyzed({
      orders: ORDERS,
      tickets:
        'ticket_id,customer_id,opened_at,handling_minutes\nT4,B,2024-02-02,15\nT5,C,2024-02-04,\n',
    })
    expect(none.value?.unvalued).toBeUndefined()
    expect(none.quality.some((q) => q.message.includes('no purchase day left'))).toBe(false)
    const plain = await analyzed({
      orders: 'order_id,customer_id,ordered_at,amount\n2,B,2024-02-01,100\n',
      tickets: 'ticket_id,customer_id,opened_at,handling_minutes\nT4,B,2024-02-02,15\n',
    })
    expect(plain.value?.unvalued).toBeUndefined()
  })
})
