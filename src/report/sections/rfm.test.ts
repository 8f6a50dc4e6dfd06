import { describe, expect, it } from 'vitest'
import { sampleSummary } from '../../../test/analyze/sample-summary.ts'
import { heatmap } from '../svg.ts'
import { gridCells, rfmSection, segmentKey } from './rfm.ts'

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

describe('the phone grid', () => {
  it('keys each recency row to its segments, as its narrow cells leave the names out', () => {
    // the wide grid names the segment in each cell; the phone's 56-unit cells hold no name
    const cells = gridCells(
      [
        { r: 5, fm: 5, segment: 'Champions', customers: 1, revenue: 60 },
        { r: 5, fm: 1, segment: 'New', customers: 2, revenue: 10 },
        { r: 1, fm: 1, segment: 'Lost', customers: 1200, revenue: 900 },
      ],
      null,
    )
    expect(segmentKey(cells)).toEqual([
      'R 5: New, –, –, –, Champions',
      'R 4: –, –, –, –, –',
      'R 3: –, –, –, –, –',
      'R 2: –, –, –, –, –',
      'R 1: Lost, –, –, –, –',
    ])
    const html = rfmSection.render(sampleSummary())
    const narrow = html.slice(html.indexOf('chart-narrow'))
    expect(narrow).not.toContain('cell-caption')
    expect(narrow).toContain('FM 1 to 5:</p><ul class="notes meta"><li>R 5: ')
  })
})

describe('the wide grid', () => {
  it("fits a long segment name into its cell, the whole name in the cell's tooltip", () => {
    // a custom rule's name ran over the next cells and off the grid
    const long = 'Whales with extraordinarily high spending'
    const cells = gridCells(
      [
        { r: 5, fm: 5, segment: long, customers: 3, revenue: 600 },
        { r: 4, fm: 4, segment: 'Potential loyalist', customers: 2, revenue: 90 },
      ],
      null,
    )
    const svg = heatmap(cells, {
      rows: [5, 4, 3, 2, 1],
      cols: [1, 2, 3, 4, 5],
      rowLabel: 'R',
      colLabel: 'FM',
      title: 'grid',
    })
    const captions = [...svg.matchAll(/class="cell-text cell-caption"[^>]*>([^<]*)</g)].map(
      (m) => m[1],
    )
    expect(captions).toEqual(['Whales with extra…', 'Potential loyalist'])
    expect(svg).toContain(`(${long})`)
  })
})

describe('the grid on ties and few customers', () => {
  const base = sampleSummary()
  const grid = (cells: { r: number; fm: number; customers: number }[]) =>
    cells.map((c) => ({ ...c, segment: c.r === 1 ? 'Lost' : 'Loyal', revenue: 10 }))
  it('warns beside the grid when every customer shares one R score, or there are under five', () => {
    // QA: everyone bought on the as-of day and the grid called them Lost, its warning pages below
    const tied = rfmSection.render({
      ...base,
      counts: { ...base.counts, customers: 200 },
      rfm: {
        ...base.rfm,
        grid: grid([
          { r: 1, fm: 3, customers: 120 },
          { r: 1, fm: 1, customers: 80 },
        ]),
      },
    })
    expect(tied.indexOf('Every customer has the same recency')).toBeGreaterThan(-1)
    expect(tied.indexOf('Every customer has the same recency')).toBeLessThan(tied.indexOf('<svg'))
    const one = rfmSection.render({
      ...base,
      counts: { ...base.counts, customers: 1 },
      rfm: { ...base.rfm, grid: grid([{ r: 1, fm: 1, customers: 1 }]) },
    })
    expect(one).toContain('With 1 customer, there are fewer than the five quintiles')
    expect(one).not.toContain('same recency')
    const spread = rfmSection.render({
      ...base,
      counts: { ...base.counts, customers: 200 },
      rfm: {
        ...base.rfm,
        grid: grid([
          { r: 5, fm: 3, customers: 120 },
          { r: 1, fm: 1, customers: 80 },
        ]),
      },
    })
    expect(spread).not.toContain('class="warning"')
  })

  it("gives the grid's cells as a table, best first (the grid is one image to a screen reader)", () => {
    const html = rfmSection.render({
      ...base,
      counts: { ...base.counts, customers: 200 },
      rfm: {
        ...base.rfm,
        grid: grid([
          { r: 1, fm: 1, customers: 80 },
          { r: 5, fm: 3, customers: 120 },
          { r: 3, fm: 3, customers: 0 },
        ]),
      },
    })
    const data = html.slice(html.indexOf('<details class="chart-data">'))
    expect(data).toContain('<summary>The grid as a table</summary>')
    const rows = [
      ...data.matchAll(
        /<tr><td class="num">(\d)<\/td><td class="num">(\d)<\/td><td>(\w+)<\/td><td class="num">([\d,]+)</g,
      ),
    ].map((m) => m.slice(1).join(' '))
    expect(rows).toEqual(['5 3 Loyal 120', '1 1 Lost 80'])
  })

  it('says beside the grid that every customer has one F or one M score (the notes analyze wrote)', () => {
    // QA: 30 customers who each spent 100, some named "have not spent much yet" with no word by
    // the grid; the notes were only under "About the data"
    const message =
      'Every customer has the same revenue (100.00), so every M score is 1 by the tie rule (tied customers share the lowest score; docs/rfm.md): the segments do not tell customers apart by spend.'
    const html = rfmSection.render({
      ...base,
      counts: { ...base.counts, customers: 30 },
      rfm: {
        ...base.rfm,
        grid: grid([
          { r: 5, fm: 1, customers: 10 },
          { r: 1, fm: 1, customers: 20 },
        ]),
      },
      quality: [...base.quality, { level: 'warning', message }],
    })
    expect(html.indexOf('every M score is 1')).toBeGreaterThan(-1)
    expect(html.indexOf('every M score is 1')).toBeLessThan(html.indexOf('<svg'))
  })
})
