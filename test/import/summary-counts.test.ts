// The import's summary line counts as analyze does: with thousands separators ('128185 rows
// read', '2357 customers' before), and refund rows said apart from the orders ('257 rows read,
// 306 orders (... 49 of them refunds)' counted the refunds as orders; the numbers did not add up).
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

describe('the import summary', () => {
  it('counts with thousands separators and says orders and refunds apart', () => {
    const dir = tempDir('loyals-import-counts-')
    const rows = ['order_id,customer_id,ordered_at,amount']
    for (let i = 0; i < 1200; i++) rows.push(`O${i},C${i},2024-01-02,10`)
    // two orders refunded in part on rows of their own
    rows.push('O1,C1,2024-01-03,-4', 'O2,C2,2024-01-03,-5')
    const file = write(dir, 'orders.csv', rows.join('\n'))
    const r = runCli(['import', file, '--db', `${dir}/w.duckdb`])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(
      ': 1,202 rows read, 1,200 orders and 2 refunds (1,202 new, 0 updated, 0 unchanged)',
    )
    // the range is the orders': the refunds of 2024-01-03 are no order of that day
    expect(r.stdout).toContain('  1,200 customers, orders from 2024-01-02 to 2024-01-02\n')
  })

  it('gives no order range for a file of refunds only', () => {
    const dir = tempDir('loyals-import-counts-')
    const file = write(
      dir,
      'refunds.csv',
      'order_id,customer_id,ordered_at,amount\nR1,A,2024-01-05,-10\n',
    )
    const r = runCli(['import', file, '--db', `${dir}/w.duckdb`])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('1 row read, 0 orders and 1 refund')
    expect(r.stdout).toContain('  1 customer\n')
    expect(r.stdout).not.toContain('orders from')
  })
})
