// `analyze FILE` and `summary FILE` read the file in a scratch workspace and print what `import`
// says of it: the columns not read, and which of several columns naming the customer was read
// (WooCommerce: Billing Email read, Customer User ID beside it). Before, only the date and decimal
// comma notes reached them, and import named no other customer column either.
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const WOO = [
  'Order Number,Order Date,Customer User ID,Billing Email,Order Total Amount,Order Subtotal Amount,Order Currency,Payment Method',
  '1,2024-01-02 10:00,5,a@x.com,10.00,9.00,EUR,card',
  '2,2024-01-05 10:00,6,b@x.com,20.00,18.00,EUR,card',
  '3,2024-02-05 10:00,5,a@x.com,30.00,27.00,EUR,card',
].join('\n')

describe('the notes of reading a file in place of a workspace', () => {
  it('name the columns not read and the customer column chosen, on stderr', () => {
    const dir = tempDir('loyals-analyze-notes-')
    const file = write(dir, 'woo.csv', WOO)
    const customer = `woo.csv: the customer id was read from Billing Email; Customer User ID names the customer too and was not read (--map "customer_id=Customer User ID" reads it instead)`
    const unused =
      'woo.csv: 2 columns not read: Order Subtotal Amount, Payment Method (no field of --kind orders reads them'
    const a = runCli(['analyze', file, '--out', `${dir}/out`])
    expect(a.code, a.stderr).toBe(0)
    expect(a.stderr).toContain(`note: ${dir}/${customer}`)
    expect(a.stderr).toContain(`note: ${dir}/${unused}`)
    expect(a.stdout).not.toContain('not read')
    const s = runCli(['summary', file])
    expect(s.stderr).toContain(`note: ${dir}/${unused}`)
    // import says the same, under its summary
    const i = runCli(['import', file, '--db', `${dir}/w.duckdb`])
    expect(i.stdout).toContain(`  ${dir}/${customer}`)
    expect(i.stdout).toContain('  2 columns not read: Order Subtotal Amount, Payment Method (')
  })

  it('a column named like the amount is said once, beside the amount read', () => {
    const dir = tempDir('loyals-analyze-amounts-')
    const file = write(
      dir,
      'rev.csv',
      'customer_id,date,Revenue gross,Revenue net\nA,2024-01-02,10,8\nB,2024-01-03,20,16\n',
    )
    const s = runCli(['summary', file])
    expect(s.stderr).toContain('the amount was read from Revenue gross; Revenue net is named')
    expect(s.stderr).not.toContain('not read: Revenue net')
  })
})
