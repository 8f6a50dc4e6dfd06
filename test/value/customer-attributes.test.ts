// `loyals customer --json` attributes: the customers file's record as stored, its switching cost
// and consent included (they were left out), the signup time in ISO 8601 UTC as written.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { customerProfile } from '../../src/service/customer-profile.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

let engine: Engine
const now = new Date('2025-01-01')
beforeAll(async () => {
  engine = await openWorkspace(':memory:')
  const dir = tempDir('loyals-attributes-')
  const orders =
    'order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-05,40\nO2,C1,2024-03-05,60\n'
  await importFile(engine, write(dir, 'orders.csv', orders), { kind: 'orders', now })
  const customers =
    'customer_id,email,name,signup_at,country,switching_cost,accepts_marketing\n' +
    'C1,c1@example.com,Ann,2023-01-12T00:07:53Z,DE,yes,no\n'
  await importFile(engine, write(dir, 'customers.csv', customers), { kind: 'customers', now })
})
afterAll(() => engine.close())

test('attributes carry every stored field of the customers file', async () => {
  const p = await customerProfile(engine, 'C1', { asOf: '2024-06-30', predictions: false })
  expect(p.attributes).toMatchObject({
    name: 'Ann',
    email: 'c1@example.com',
    signup_at: '2023-01-12T00:07:53Z',
    country: 'DE',
    switching_cost: 'yes',
    marketing_consent: 'no',
  })
})
