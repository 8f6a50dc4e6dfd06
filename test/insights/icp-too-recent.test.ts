// The profile's "Who" sentence, when an attribute was imported but only customers too new to be
// ranked have it: it says so, as the note does, rather than asking for an import.
import { describe, expect, it } from 'vitest'
import { icpText } from '../../src/service/insights/icp.ts'
import { sampleInsights } from '../analyze/sample-summary.ts'

describe('ideal customer profile, attributes of recent customers only', () => {
  const ctx = { topShare: 0.1, stickyDays: 90, currency: null, topCustomers: 5, eligible: 50 }
  const none = { significant: [], levels: [], attributesCompared: [] }

  it('says they are not compared yet, naming the history they need', () => {
    const s = sampleInsights('x')
    const over = { ...s.overIndex, ...none, attributesTooRecent: ['country'], minHistoryDays: 600 }
    expect(icpText(over, null, null, [], ctx)[0]).toBe(
      'Who: not compared yet: only customers with less than 600 days of history have a value for country.',
    )
  })

  it('asks for an import only when nothing was imported', () => {
    const s = sampleInsights('x')
    const over = { ...s.overIndex, ...none, attributesTooRecent: [] }
    expect(icpText(over, null, null, [], ctx)[0]).toMatch(
      /^Who: no customer attribute could be compared \(import customers/,
    )
  })
})
