// A referral value on an exact half cent is rounded half up, as every other money figure is: A's
// chain B 109, C 86, D 26.30 at decay 0.5 is 109 + 43 + 6.575 = 158.575, which the sum in doubles
// held as 158.57499999999998 and wrote as 158.57 (D's share in the tree as 6.57 of 26.30).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

// every cost rate 0, so a customer's own value is amount - cost: A 50, B 109, C 86, D 26.30.
// C bought 50.10 before B referred them: that order's profit is taken off C's own value (the
// value since the referral), 136.10 - 50.10 in doubles 85.99999999999999.
const ORDERS = `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,50
2,B,2024-02-01,209,100
3,C,2024-01-05,50.10,0
4,C,2024-03-01,186,100
5,D,2024-04-01,126.30,100
`
const REFERRALS = 'referrer,referred,date\nA,B,2024-01-15\nB,C,2024-02-15\nC,D,2024-03-15\n'
const CONFIG = {
  currency: { code: 'USD' },
  costs: { perTicketMinute: 0, perReturn: 0, paymentFeeRate: 0, paymentFeeFixed: 0 },
  referrals: { decay: 0.5, maxDepth: 5 },
}

describe('referral value on a half cent', () => {
  let dir: string
  let db: string
  let config: string
  beforeAll(() => {
    dir = tempDir('loyals-half-cent-')
    db = join(dir, 'w.duckdb')
    config = write(dir, 'loyals.value.json', JSON.stringify(CONFIG))
    for (const [kind, name, content] of [
      ['orders', 'orders.csv', ORDERS],
      ['referrals', 'referrals.csv', REFERRALS],
    ] as const) {
      const r = runCli(['import', write(dir, name, content), '--kind', kind, '--db', db])
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    }
  })

  test('customers.csv, the profile and the tree round 158.575 up to 158.58', () => {
    const out = join(dir, 'out')
    const common = ['--db', db, '--config', config, '--no-predictions', '--as-of', '2024-06-30']
    const a = runCli(['analyze', db, ...common, '--out', out, '--no-insights'])
    expect(a.code, a.stderr).toBe(0)
    const [head, ...rows] = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n')
    const cols = (head as string).split(',')
    const cell = (id: string, c: string) =>
      rows.map((l) => l.split(',')).find((r) => r[0] === id)?.[cols.indexOf(c)]
    expect(cell('A', 'referral_value')).toBe('158.58')
    expect(cell('B', 'referral_value')).toBe('99.15') // 86 + 26.30 / 2
    expect(cell('A', 'total_value')).toBe('208.58')

    const p = runCli(['customer', 'A', ...common, '--json'])
    expect(p.code, p.stderr).toBe(0)
    const profile = JSON.parse(p.stdout)
    expect(profile.value.referralValue).toBe(158.58)
    const d = profile.referrals.tree.children[0].children[0].children[0]
    expect(d).toMatchObject({ customerId: 'D', level: 3, ownValue: 26.3, contribution: 6.58 })
  })
})
