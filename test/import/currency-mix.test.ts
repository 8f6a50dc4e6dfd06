// An orders file whose currency column names several currencies, or is empty on some rows among
// one currency's, imports with a note naming the first line of each: it imported in silence, and
// summary and analyze then refused without a file or a line.
import { expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { write } from './helpers.ts'

const ws = eachWorkspace()
const HEAD = 'order_id,customer_id,ordered_at,amount,currency\n'

test('several currencies are named with the first line of each', async () => {
  const f = write(
    ws.dir,
    'h2.csv',
    `${HEAD}O1,A,2024-01-01,10,EUR\nO2,B,2024-01-02,20,EUR\nO3,C,2024-01-03,30,USD\n`,
  )
  const r = await importFile(ws.engine, f, { kind: 'orders' })
  expect(r.currencies).toEqual([
    { currency: 'EUR', rows: 2, line: 2 },
    { currency: 'USD', rows: 1, line: 4 },
  ])
  expect(describeImport(r)).toContain(
    `note: the orders are in 2 currencies (EUR on 2 rows, first ${f}:2; USD on 1 row, first ${f}:4): summary and analyze refuse`,
  )
})

test('a row without a currency among EUR rows is said to count as EUR', async () => {
  const f = write(
    ws.dir,
    'h4.csv',
    `${HEAD}O1,A,2024-01-01,10,EUR\nO2,B,2024-01-02,20,\nO3,C,2024-01-03,30,EUR\n`,
  )
  const r = await importFile(ws.engine, f, { kind: 'orders' })
  expect(describeImport(r)).toContain(
    `note: 1 row has no currency (first ${f}:3) among rows in EUR: it counts as EUR; fill the currency in if it is not`,
  )
})

test('one currency on every row, or none on any, says nothing', async () => {
  const one = await importFile(
    ws.engine,
    write(ws.dir, 'e.csv', `${HEAD}O1,A,2024-01-01,10,EUR\nO2,B,2024-01-02,20,eur\n`),
    { kind: 'orders' },
  )
  const none = await importFile(
    ws.engine,
    write(ws.dir, 'n.csv', `${HEAD}P1,A,2024-01-01,10,\nP2,B,2024-01-02,20,\n`),
    { kind: 'orders' },
  )
  expect(one.currencies).toBeUndefined()
  expect(none.currencies).toBeUndefined()
})
