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

  it('keeps an edge figure on the canvas on a phone: aligned to the edge, not centred past it', () => {
    const svg = waterfallSvg(
      [
        { label: 'Gross margin', value: 12.5, total: true },
        { label: 'Total', value: 12.5, total: true },
      ],
      { title: 'Value breakdown', format: (v) => `KWD ${v}` },
      'narrow',
    )
    const texts = [
      ...svg.matchAll(
        /<text class="tick" x="([\d.]+)" text-anchor="(\w+)"[^>]*>(KWD [^<]*)<\/text>/g,
      ),
    ]
    expect(texts.length).toBeGreaterThan(2)
    for (const [, x, anchor, label] of texts) {
      const w = (label as string).length * 6.6
      const left =
        anchor === 'start' ? Number(x) : anchor === 'end' ? Number(x) - w : Number(x) - w / 2
      expect(left, label).toBeGreaterThanOrEqual(0)
      expect(left + w, label).toBeLessThanOrEqual(360)
    }
    expect(texts[0]?.[3]).toBe('KWD 0')
    expect(texts[0]?.[2]).toBe('start')
  })
})
