// A value input (returns, referrals, engagement, surveys, tickets) imported as orders is refused
// with the --kind to use: the --map of the missing order date suggested before stored each return
// as an order, over the order it returned.
import { expect, test } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { importError, write } from './helpers.ts'

const ws = eachWorkspace()

test.each([
  [
    'returns',
    'return_id,order_id,customer_id,returned_at,amount,reason\nR2,O2,A,2024-03-15,50,x\n',
  ],
  ['referrals', 'referrer,referred,date,code\nA,B,2024-01-05,REF-A\n'],
  ['engagement', 'customer_id,occurred_at,event\nA,2024-01-05,email_open\n'],
  ['surveys', 'customer_id,responded_at,nps\nA,2024-01-05,9\n'],
  [
    'tickets',
    'ticket_id,customer_id,opened_at,resolved_at,channel,handling_minutes,satisfaction\nX1,A,2024-05-01,,email,10,3\n',
  ],
])('a %s file imported as orders names its --kind, not a --map', async (kind, csv) => {
  const f = write(ws.dir, `${kind}.csv`, csv)
  const e = await importError(() => importFile(ws.engine, f, { kind: 'orders' }))
  expect(e.message).toContain(`not orders: import it with --kind ${kind}.`)
  expect(e.message).not.toContain('--map')
})

test('an orders file missing its date still gets the --map', async () => {
  const f = write(ws.dir, 'o.csv', 'order_id,customer_id,when,amount\nO1,A,2024-01-05,9\n')
  const e = await importError(() => importFile(ws.engine, f, { kind: 'orders' }))
  expect(e.message).toContain('--map ordered_at=when')
})
