// The waterfall's axis has one step on both sides of zero: a small loss beside large gains had
// its own fine step, six labels piled into the width of one step of the gains.
import { describe, expect, it } from 'vitest'
import { waterfallSvg } from './waterfall.ts'

/** The tick labels of an SVG with their x, in order. */
function ticks(svg: string): { x: number; label: string }[] {
  return [...svg.matchAll(/<text class="tick" x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    label: m[2] as string,
  }))
}

describe('waterfall axis', () => {
  it('uses the larger side step on both sides of zero', () => {
    const svg = waterfallSvg(
      [
        { label: 'Past profit', value: -1.2, total: true },
        { label: 'Predicted profit', value: 26.09 },
        { label: 'Total', value: 24.89, total: true },
      ],
      { title: 'Value breakdown', format: (v) => String(v) },
      'wide',
    )
    const t = ticks(svg).sort((a, b) => a.x - b.x)
    expect(t.map((x) => x.label)).toEqual(['-5', '0', '5', '10', '15', '20', '25'])
    // evenly spaced: every gap the same width
    const gaps = t.slice(1).map((x, i) => x.x - (t[i] as { x: number }).x)
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0] as number, 1)
  })

  it('keeps one tick at zero when nothing is negative', () => {
    const svg = waterfallSvg(
      [{ label: 'Margin', value: 90, total: true }],
      { title: 'M', format: String },
      'wide',
    )
    expect(ticks(svg).map((x) => x.label)).toEqual(['0', '20', '40', '60', '80', '100'])
  })
})
