// Handling minutes beyond a week on one ticket are a bad row that asks whether the column is in
// seconds: 1e9 minutes imported silently and priced the customer's cost to serve from them.
import { expect, test } from 'vitest'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { importError, write } from './helpers.ts'

const ws = eachWorkspace()
const HEAD = 'ticket_id,customer_id,opened_at,resolved_at,channel,handling_minutes,satisfaction\n'

test('more than 10,080 handling minutes on a ticket is a bad row; 10,080 is not', async () => {
  const f = write(
    ws.dir,
    't.csv',
    `${HEAD}X1,A,2024-05-01,,email,10080,3\nX10,A,2024-05-01,,email,1e9,3\n`,
  )
  const e = await importError(() => importFile(ws.engine, f, { kind: 'tickets' }))
  expect(e.problems.map(formatProblem)).toEqual([
    `${f}:3 handling_minutes: handling minutes 1e9 are more than a week of work (10,080 minutes) on one ticket: is the column in seconds? Convert it to minutes`,
  ])
})
