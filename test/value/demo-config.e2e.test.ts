// The generated company carries its cost rates as a value configuration (loyals.value.json), and
// `loyals customer --config` with it shows the figures `analyze --config` wrote: the demo's hint
// used to leave the file out, and the profile was valued with the default rates instead.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import { buildDemoCompany } from '../../src/service/demo-company.ts'
import { COST_RATES } from '../../src/service/generate/params.ts'
import { loadValueConfig, valueConfigFromCosts } from '../../src/service/value-config.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { parseCsv } from '../summary/load-orders.ts'

describe('the generated company value configuration', () => {
  it('loyals.value.json holds the rates of costs.json, and customer --config agrees with analyze', async () => {
    const co = await buildDemoCompany({ customers: 800, seed: 2 })
    const loaded = await loadValueConfig(co.valueConfig)
    expect(loaded.config).toEqual(parseValueConfig(valueConfigFromCosts(COST_RATES)))
    expect(loaded.config.costs.shippingPerOrder).toBe(COST_RATES.shipping_per_order)
    expect(loaded.currencyExplicit).toBe(true)

    const out = join(tempDir(), 'out')
    const a = runCli(['analyze', co.db, '--out', out, '--config', co.valueConfig, '--no-insights'])
    expect(a.code, a.stderr).toBe(0)
    // the leading columns read here hold no commas (the quoted reasons come last)
    const rows = parseCsv(readFileSync(join(out, 'customers.csv'), 'utf8'))
    // a customer whose shipping and tickets cost something: the rates decide the figures
    const c = rows.find((r) => Number(r.tickets) > 0 && Number(r.orders) > 1) as Record<
      string,
      string
    >
    expect(c).toBeDefined()
    const profile = (config: string[]) => {
      const r = runCli(['customer', c.customer_id as string, '--db', co.db, ...config, '--json'])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout).value as { totalValue: number; shippingCost?: number }
    }
    const withConfig = profile(['--config', co.valueConfig])
    expect(withConfig.totalValue).toBeCloseTo(Number(c.total_value), 2)
    // without it the default rates (no shipping charge) give another figure
    expect(profile([]).totalValue).not.toBeCloseTo(Number(c.total_value), 2)
  })
})
