// The hand-rolled charts' axis text measured in Chromium, which has the fonts: the estimates of
// label widths in src/report must leave the labels clear of each other.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { barChart, lineChart } from '../../src/report/prediction-charts.ts'
import { REPORT_CSS } from '../../src/report/style.ts'
import { heatmap } from '../../src/report/svg.ts'
import { launchChromium } from '../helpers/chromium.ts'

interface Box {
  readonly text: string
  readonly left: number
  readonly right: number
}

describe('chart axes in Chromium', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  /** The y-axis title's box and the y-tick labels' boxes, in CSS px, of `svg` drawn at its size. */
  const measure = async (svg: string) => {
    const page = await browser.newPage()
    await page.setContent(`<style>${REPORT_CSS}</style><div class="chart">${svg}</div>`)
    const boxes = (await page.evaluate(`[...document.querySelectorAll('svg text')].map((t) => {
      const r = t.getBoundingClientRect()
      return { text: t.textContent, cls: t.getAttribute('class'), anchor: t.getAttribute('text-anchor'),
        rotated: !!t.getAttribute('transform'), left: r.left, right: r.right }
    })`)) as (Box & { cls: string; anchor: string; rotated: boolean })[]
    await page.close()
    const title = boxes.find((b) => b.rotated) as Box
    return { title, ticks: boxes.filter((b) => b.cls === 'tick' && b.anchor === 'end') }
  }

  it("keeps the grouped bars' customer counts clear of each other and of the axis title", async () => {
    // QA: the demo's holdout chart read "n = 1,411n = 439", and on a phone none could be read
    const counts = [1411, 439, 214, 100, 62, 38, 29, 64]
    const groups = counts.map((n, i) => ({
      label: i === 7 ? '7+' : String(i),
      values: [n / 1000, n / 900],
      note: `n = ${n.toLocaleString('en-US')}`,
    }))
    const series = [
      { label: 'Actual', color: '#000' },
      { label: 'Predicted', color: '#555' },
    ]
    const opts = { title: 't', xLabel: 'Repeat purchases before the as-of date', yLabel: 'y' }
    for (const size of [{}, { width: 360, height: 300 }]) {
      const page = await browser.newPage()
      await page.setContent(
        `<style>${REPORT_CSS}</style><div class="chart">${barChart(groups, series, { ...opts, ...size })}</div>`,
      )
      const boxes = (await page.evaluate(`[...document.querySelectorAll('svg text')]
        .filter((t) => !t.getAttribute('transform')).map((t) => {
          const r = t.getBoundingClientRect()
          return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom }
        })`)) as (Box & { top: number; bottom: number })[]
      await page.close()
      // every count is shown, whole or split at ' = '
      const shown = boxes.map((b) => b.text).join(' ')
      for (const n of counts) expect(shown).toContain(n.toLocaleString('en-US'))
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const apart =
            a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top
          expect(apart, `"${a.text}" and "${b.text}" overlap at ${JSON.stringify(size)}`).toBe(true)
        }
      }
    }
  })

  it("keeps a compact grid cell's money inside its cell, three-letter currency codes too", async () => {
    // QA: on a phone "CHF 1.53K" and "CHF 334K" ran into the next cells of the RFM grid
    const cells = [1, 2, 3, 4, 5].map((col, i) => ({
      row: 1,
      col,
      value: 10 + i,
      label: String(10 + i),
      sublabel: ['CHF 1.53K', 'CHF 334K', '-CHF 19.5K', 'CHF 12', 'KWD 1.234M'][i]!,
    }))
    const svg = heatmap(cells, {
      rows: [1],
      cols: [1, 2, 3, 4, 5],
      rowLabel: 'R',
      colLabel: 'FM',
      title: 'grid',
      compact: true,
    })
    const page = await browser.newPage()
    await page.setContent(`<style>${REPORT_CSS}</style><div class="chart heatmap">${svg}</div>`)
    const boxes = (await page.evaluate(`[...document.querySelectorAll('svg g')].map((g) => {
      const cell = g.querySelector('rect.cell')?.getBoundingClientRect()
      const sub = g.querySelector('.cell-sub')?.getBoundingClientRect()
      return cell && sub ? { cl: cell.left, cr: cell.right, sl: sub.left, sr: sub.right } : null
    }).filter(Boolean)`)) as { cl: number; cr: number; sl: number; sr: number }[]
    await page.close()
    expect(boxes).toHaveLength(5)
    for (const b of boxes) {
      expect(b.sl).toBeGreaterThanOrEqual(b.cl)
      expect(b.sr).toBeLessThanOrEqual(b.cr)
    }
  })

  it('keeps the rotated y-axis title clear of five-digit tick labels', async () => {
    // QA: in the company demo "Cumulative repeat purchases" overlapped "10,000" by 3 px
    const points = [0, 4000, 10_000].map((y, x) => ({ x, y }))
    const opts = { title: 't', xLabel: 'Weeks', yLabel: 'Cumulative repeat purchases' }
    const line = await measure(
      lineChart([{ label: 'Actual', color: '#000', points }], { ...opts, width: 1000 }),
    )
    const series = [{ label: 'Customers', color: '#000' }]
    const bars = await measure(barChart([{ label: 'a', values: [123_456] }], series, opts))
    expect(line.ticks.at(-1)?.text).toBe('10,000')
    expect(bars.ticks.at(-1)?.text).toBe('125,000')
    for (const { title, ticks } of [line, bars]) {
      const leftmost = Math.min(...ticks.map((t) => t.left))
      expect(leftmost - title.right).toBeGreaterThanOrEqual(2)
    }
  })
})
