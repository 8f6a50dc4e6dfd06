// The value columns are money to the currency's minor unit, not always to the cent: a KWD
// customer's gross margin of 36.365 stayed 36.37 (a fils lost, and the breakdown's parts no
// longer matched the orders' own three decimals), and a yen breakdown was written in hundredths
// of a yen that the sentences round to whole yen.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyze, openSource } from '../../src/index.ts'
import { tempDir } from '../helpers/cli.ts'

interface Row {
  customer_id: string
  gross_margin: number
  cost_to_serve: number
  historical_profit: number
  predicted_profit: number
  referral_value: number
  total_value: number
}

/** Orders of 12 customers in `currency`, each with a cost, amounts to `digits` places. */
function ordersFile(
  dir: string,
  currency: string,
  digits: number,
): { file: string; margin: Map<string, number> } {
  const lines = ['customer_id,ordered_at,amount,currency,cost']
  const margin = new Map<string, number>()
  const scale = 10 ** digits
  for (let c = 0; c < 12; c++) {
    for (let k = 0; k <= c % 5; k++) {
      // integer minor units, so the expected margins are exact
      const amount = 1000 + 137 * c + 291 * k + 7
      const cost = Math.floor(amount * 0.55) + 3
      lines.push(
        `k${c},2025-0${1 + k}-${10 + c},${(amount / scale).toFixed(digits)},${currency},${(cost / scale).toFixed(digits)}`,
      )
      margin.set(`k${c}`, (margin.get(`k${c}`) ?? 0) + amount - cost)
    }
  }
  const file = join(dir, `orders-${currency}.csv`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return { file, margin }
}

async function valueRows(file: string, out: string): Promise<Row[]> {
  const { engine } = await openSource(file, {})
  try {
    await analyze(engine, out, { source: file, asOf: '2025-06-30', insights: false })
  } finally {
    await engine.close()
  }
  const [head, ...rows] = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n')
  const cols = (head as string).split(',')
  return rows.map((line) => {
    const cells = line.split(',')
    const get = (c: string) => cells[cols.indexOf(c)] as string
    return {
      customer_id: get('customer_id'),
      gross_margin: Number(get('gross_margin')),
      cost_to_serve: Number(get('cost_to_serve')),
      historical_profit: Number(get('historical_profit')),
      predicted_profit: Number(get('predicted_profit')),
      referral_value: Number(get('referral_value')),
      total_value: Number(get('total_value')),
    }
  })
}

describe("value money to the currency's minor unit", () => {
  for (const [currency, digits] of [
    ['KWD', 3],
    ['JPY', 0],
    ['EUR', 2],
  ] as const) {
    it(`${currency}: ${digits} decimals, each breakdown adding up in them`, async () => {
      const dir = tempDir('loyals-minor-')
      const { file, margin } = ordersFile(dir, currency, digits)
      const rows = await valueRows(file, join(dir, 'out'))
      expect(rows).toHaveLength(12)
      const scale = 10 ** digits
      const units = (x: number) => Math.round(x * scale)
      for (const r of rows) {
        // the gross margin is the orders' own, to the minor unit
        expect(units(r.gross_margin), r.customer_id).toBe(margin.get(r.customer_id))
        for (const x of [r.cost_to_serve, r.historical_profit, r.predicted_profit, r.total_value]) {
          expect(Math.abs(x * scale - units(x)), `${r.customer_id} ${x}`).toBeLessThan(1e-6)
        }
        expect(units(r.historical_profit)).toBe(units(r.gross_margin) - units(r.cost_to_serve))
        expect(units(r.total_value)).toBe(
          units(r.historical_profit) + units(r.predicted_profit) + units(r.referral_value),
        )
      }
      if (digits === 3) {
        // not all fils end in 0: the third decimal is kept, not rounded away
        expect(rows.some((r) => units(r.gross_margin) % 10 !== 0)).toBe(true)
      }
    }, 120_000)
  }
})
