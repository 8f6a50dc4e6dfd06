// The report's sections in reading order. Later features append theirs to this list.
import type { ReportSection } from '../render.ts'
import { concentrationSection } from './concentration.ts'
import { dataQualitySection } from './data-quality.ts'
import { decilesSection } from './deciles.ts'
import { headlineSection } from './headline.ts'
import { insightsSections } from './insights.ts'
import { predictionsSection } from './predictions.ts'
import { rfmSection } from './rfm.ts'
import { topCustomersSection } from './top-customers.ts'
import { valueSection } from './value.ts'

/** The sections of the `loyals analyze` report, in order. Returns a new array to extend freely. */
export function defaultSections(): ReportSection[] {
  return [
    headlineSection,
    concentrationSection,
    decilesSection,
    rfmSection,
    topCustomersSection,
    predictionsSection,
    valueSection,
    ...insightsSections(),
    dataQualitySection,
  ]
}

export {
  concentrationSection,
  dataQualitySection,
  decilesSection,
  headlineSection,
  predictionsSection,
  rfmSection,
  topCustomersSection,
  valueSection,
}
