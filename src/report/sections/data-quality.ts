// Notes on the data that change how the figures should be read (holdout orders, refunds ...).
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import { withCode } from '../html.ts'
import type { ReportSection } from '../render.ts'

export const dataQualitySection: ReportSection = {
  id: 'data-quality',
  title: 'About the data',
  render(s: AnalysisSummary): string {
    if (s.quality.length === 0) return ''
    const items = s.quality
      .map((n) => `<li class="${n.level}">${withCode(n.message)}</li>`)
      .join('')
    return `<ul class="notes">${items}</ul>`
  },
}
