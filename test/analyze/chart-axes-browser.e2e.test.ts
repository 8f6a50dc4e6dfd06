// The hand-rolled charts' axis text measured in Chromium, which has the fonts: the estimates of
// label widths in src/report must leave the labels clear of each other.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { barChart, lineChart } from '../../src/report/prediction-charts.ts'
import { REPORT_CSS } from '../../src/report/style.ts'
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
