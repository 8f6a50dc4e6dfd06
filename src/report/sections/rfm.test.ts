import { describe, expect, it } from 'vitest'
import { gridCells } from './rfm.ts'

describe('gridCells', () => {
  it('titles a cell with its customers in the right number', () => {
    const cells = gridCells(
      [
        { r: 5, fm: 5, segment: 'Champions', customers: 1, revenue: 60 },
        { r: 1, fm: 1, segment: 'Lost', customers: 1200, revenue: 900 },
      ],
      null,
    )
    expect(cells.map((c) => c.title)).toEqual([
      'R 5, FM 5 (Champions): 1 customer, 60.00',
      'R 1, FM 1 (Lost): 1,200 customers, 900.00',
    ])
  })
})
