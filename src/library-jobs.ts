// The library's jobs on an engine, each run with the engine to itself: two analyses (or an
// analysis and an import) started at once on one engine interleaved their statements on its one
// connection and its shared temp tables, and answered each other's figures or lost rows. Called
// one after the other, they behave as before. The CLI and the server call the jobs directly:
// the server keeps reading profiles between a background refit's statements.
import { type Engine, held } from './data/engine.ts'
import { analyze as analyzeJob, computeAnalysis as computeAnalysisJob } from './service/analyze.ts'
import { customerProfile as customerProfileJob } from './service/customer-profile.ts'
import { importFile as importFileJob } from './service/import/import-file.ts'
import { computeInsights as computeInsightsJob } from './service/insights/index.ts'
import { buildRfm as buildRfmJob } from './service/rfm.ts'
import { buildCustomerSummary as buildCustomerSummaryJob } from './service/summary.ts'
import { buildValue as buildValueJob } from './service/value.ts'

/** `job` with its engine held for the whole call (data/engine.ts held). */
function heldJob<A extends unknown[], R>(
  job: (engine: Engine, ...rest: A) => Promise<R>,
): (engine: Engine, ...rest: A) => Promise<R> {
  return (engine, ...rest) => held(engine, () => job(engine, ...rest))
}

export const analyze = heldJob(analyzeJob)
export const computeAnalysis = heldJob(computeAnalysisJob)
export const importFile = heldJob(importFileJob)
export const buildValue = heldJob(buildValueJob)
export const customerProfile = heldJob(customerProfileJob)
export const buildCustomerSummary = heldJob(buildCustomerSummaryJob)
export const computeInsights = heldJob(computeInsightsJob)
export const buildRfm = heldJob(buildRfmJob)
