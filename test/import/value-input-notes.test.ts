// The notes of a returns import say what the value step does with each return: a return dated
// before its order is named; one naming a customer the workspace does not know counts toward that
// customer, not toward "no customer until its order is imported"; and an order returned past what
// was paid is named by the return that crossed it, not by its first return. Referrals naming a
// customer with no order or customer record are named, as tickets of such customers are.
import { expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { write } from './helpers.ts'

const ws = eachWorkspace()

/** Orders O1 of A (200) and O2 of B (100), then `csv` imported as `kind`. */
async function after(csv: string, kind = 'returns') {
  await importFile(
    ws.engine,
    write(
      ws.dir,
      'o.csv',
      'order_id,customer_id,ordered_at,amount\nO1,A,2024-03-01,200\nO2,B,2024-03-01,100\n',
    ),
    { kind: 'orders' },
  )
  const r = await importFile(ws.engine, write(ws.dir, `${kind}.csv`, csv), { kind })
  return { r, text: describeImport(r) }
}

test('a return dated before its order is named with its line', async () => {
  const { r, text } = await after(
    'return_id,order_id,returned_at,amount\nR1,O1,2024-03-05,10\nR2,O2,2024-02-15,10\n',
  )
  expect(r.returnedEarly).toEqual({
    returns: 1,
    examples: 'O2 (line 3): 15 days before it was placed',
  })
  expect(text).toContain(
    'note: 1 return is dated before its order (O2 (line 3): 15 days before it was placed); stored as given: check the dates or the order ids',
  )
})

test('a return naming an unknown customer on an unknown order counts toward that customer', async () => {
  const { text } = await after(
    'return_id,order_id,customer_id,returned_at,amount\nR5,#3,bob@x.com,2024-03-07,5\nR6,#4,,2024-03-07,5\nR7,#5,A,2024-03-07,5\n',
  )
  expect(text).toContain(
    'note: 3 returns are of orders not in the workspace (#3 (line 2), #4 (line 3), #5 (line 4)); stored, 1 counts toward the customer it names, 1 toward the customer it names, who has no order or customer record yet, 1 toward no customer until its order is imported',
  )
  const one = await importFile(
    ws.engine,
    write(
      ws.dir,
      'r2.csv',
      'return_id,order_id,customer_id,returned_at,amount\nR8,#9,carl@x.com,2024-03-07,5\n',
    ),
    { kind: 'returns' },
  )
  expect(describeImport(one)).toContain(
    '(#9 (line 2)); stored, but it counts toward the customer it names, who has no order or customer record yet',
  )
})

test('an order returned past what was paid is named by the return that crossed it', async () => {
  const { r } = await after(
    'return_id,order_id,returned_at,amount\nR2,O2,2024-03-05,30\nR1,O1,2024-03-05,10\nR3,O2,2024-03-06,30\nR4,O2,2024-03-07,50\nR9,O2,2024-03-08,1\n',
  )
  expect(r.overReturned).toEqual({
    orders: 1,
    examples: 'O2 (line 5): 111.00 returned of 100.00 paid',
  })
})

test('a referral whose referrer or referred customer is unknown is named', async () => {
  const { r, text } = await after(
    'referrer,referred,date\nA,B,2024-01-04\nA,Z,2024-01-05\nY,B,2024-01-06\n',
    'referrals',
  )
  expect(r.unmatched).toEqual({
    rows: 2,
    ownerless: 2,
    examples: 'Z (line 3), Y (line 4)',
  })
  expect(text).toContain(
    'note: 2 referrals name customers with no order or customer record (Z (line 3), Y (line 4)); stored; those customers are worth nothing of their own until imported, and a chain through them still credits the referrers above',
  )
})
