import { describe, expect, it } from 'vitest'
import { barChart, lineChart, tickLabels } from './prediction-charts.ts'

/** The y-axis labels of a chart: the text of the ticks drawn right-aligned left of the plot. */
const yLabels = (svg: string) =>
  [...svg.matchAll(/<text class="tick" [^>]*text-anchor="end">([^<]*)</g)].map((m) => m[1])

const line = (ys: number[]) =>
  lineChart([{ label: 'Actual', color: '#000', points: ys.map((y, x) => ({ x, y })) }], {
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
  })

describe('chart tick labels', () => {
  it('label a fractional step with its decimals, not rounded to whole numbers', () => {
    // QA: a step of 0.2 read "0 0 1 1 1 1", and one of 2.5 "0 3 5 8 10 13"
    expect(yLabels(line([0, 0.5, 1]))).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'])
    expect(yLabels(line([0, 6, 12.5]))).toEqual(['0.0', '2.5', '5.0', '7.5', '10.0', '12.5'])
    expect(yLabels(line([0, 5000, 10000]))).toEqual([
      '0',
      '2,000',
      '4,000',
      '6,000',
      '8,000',
      '10,000',
    ])
  })

  it('label the x-axis and a bar chart the same way', () => {
    const svg = line([0, 1, 2, 3])
    const x = [...svg.matchAll(/text-anchor="middle">([^<]*)</g)].map((m) => m[1])
    expect(x.slice(0, 7)).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0', '2.5', '3.0'])
    const bars = barChart([{ label: 'a', values: [2] }], [{ label: 'Customers', color: '#000' }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      format: (v) => String(Math.round(v)),
    })
    expect(yLabels(bars)).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0'])
  })

  it('take the decimals from the step, whatever its magnitude', () => {
    expect(tickLabels([0, 0.025, 0.05])).toEqual(['0.000', '0.025', '0.050'])
    expect(tickLabels([0, 1])).toEqual(['0', '1'])
  })
})

describe('grouped bars', () => {
  it('draw no bar for an unknown value and show each group note under its label', () => {
    const series = [
      { label: 'Actual', color: '#111' },
      { label: 'Predicted', color: '#222' },
    ]
    const svg = barChart(
      [
        { label: '0', values: [0.2, 0.25], note: 'n = 707' },
        // a bucket without customers: null in summary.json, no bar of 0.00
        { label: '6', values: [Number.NaN, Number.NaN], note: 'n = 0' },
      ],
      series,
      { title: 't', xLabel: 'x', yLabel: 'y' },
    )
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1])
    expect(titles.filter((t) => t !== 't')).toEqual([
      '0 · Actual: 0.20 (n = 707)',
      '0 · Predicted: 0.25 (n = 707)',
    ])
    expect(svg.match(/<rect /g)).toHaveLength(2)
    expect(svg).toContain('>n = 0</text>')
    expect(svg).not.toContain('NaN')
  })
})

describe('the holdout divider', () => {
  const chart = (split: number) =>
    lineChart(
      [
        {
          label: 'Actual',
          color: '#000',
          points: Array.from({ length: 101 }, (_, x) => ({ x, y: x })),
        },
      ],
      {
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
        divider: { x: split, left: 'calibration', right: 'holdout' },
      },
    )
  const label = (svg: string) => {
    const m = svg.match(
      /<text class="tick" x="([\d.]+)" y="[\d.]+" text-anchor="(start|end)">holdout( →)?<\/text>/,
    )
    return m ? { x: Number(m[1]), anchor: m[2], arrow: m[3] !== undefined } : null
  }
  it('labels the holdout right of the line when it fits, left of it with an arrow when not', () => {
    const wide = label(chart(60))
    expect(wide).toMatchObject({ anchor: 'start', arrow: false })
    // QA: a 2.7-week holdout put "holdout" at x 975.59 of a 1000-wide chart, half of it cut off
    const narrow = label(chart(98))
    expect(narrow).toMatchObject({ anchor: 'end', arrow: true })
    const width = Number(chart(98).match(/viewBox="0 0 ([\d.]+)/)?.[1] ?? 1000)
    expect(narrow!.x).toBeLessThan(width)
  })
  it('labels the calibration right of the line, with an arrow, when an early split leaves no room left of it', () => {
    // QA: --as-of early in the data right-aligned "calibration" at x 59.7, left of the plot
    // (x 71), over the y-axis numbers; on a phone it was cut at the edge ("alibration")
    const svg = chart(3)
    const plotLeft = Number(svg.match(/<line class="grid" x1="([\d.]+)"/)?.[1])
    const cal = svg.match(
      /<text class="tick" x="([\d.]+)" y="[\d.]+" text-anchor="(start|end)">(← )?calibration<\/text>/,
    )
    expect(cal?.[2]).toBe('start')
    expect(cal?.[3]).toBe('← ')
    expect(Number(cal?.[1])).toBeGreaterThan(plotLeft)
    expect(label(svg)).toMatchObject({ anchor: 'start', arrow: false })
    // a split with room on both sides keeps each label on its own side
    expect(chart(50)).toMatch(/text-anchor="end">calibration<\/text>/)
    // the labels are drawn over the curves, not under them
    expect(svg.indexOf('>holdout</text>')).toBeGreaterThan(svg.indexOf('<path d='))
  })
})
