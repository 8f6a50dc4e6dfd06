// The library's jobs on an engine, each run with the engine to itself: two analyses (or an
// analysis and an import) started at once on one engine interleaved their statements on its one
// connection and its shared temp tables, and answered each other's figures or lost rows. Called
// one after the other, they behave as before. The CLI and the server call the jobs directly:
// the server keeps reading profiles between a background refit's statements.
import { held } from './data/engine.ts'
import { analyze as analyzeJob, computeAnalysis as computeAnalysisJob } from './service/analyze.ts'
import { customerProfile as customerProfileJob } from './service/customer-profile.ts'
import { importFile as importFileJob } from './service/import/import-file.ts'
import { computeInsights as computeInsightsJob } from './service/insights/index.ts'
import { buildCustomerSummary as buildCustomerSummaryJob } from './service/summary.ts'
import { buildValue as buildValueJob } from './service/value.ts'

/** See service/analyze.ts analyze; runs with the engine to itself. */
export const analyze: typeof analyzeJob = (engine, ...rest) =>
  held(engine, () => analyzeJob(engine, ...rest))

/** See service/analyze.ts computeAnalysis; runs with the engine to itself. */
export const computeAnalysis: typeof computeAnalysisJob = (engine, ...rest) =>
  held(engine, () => computeAnalysisJob(engine, ...rest))

/** See service/import/import-file.ts importFile; runs with the engine to itself. */
export const importFile: typeof importFileJob = (engine, ...rest) =>
  held(engine, () => importFileJob(engine, ...rest))

/** See service/value.ts buildValue; runs with the engine to itself. */
export const buildValue: typeof buildValueJob = (engine, ...rest) =>
  held(engine, () => buildValueJob(engine, ...rest))

/** See service/customer-profile.ts customerProfile; runs with the engine to itself. */
export const customerProfile: typeof customerProfileJob = (engine, ...rest) =>
  held(engine, () => customerProfileJob(engine, ...rest))

/** See service/summary.ts buildCustomerSummary; runs with the engine to itself. */
export const buildCustomerSummary: typeof buildCustomerSummaryJob = (engine, ...rest) =>
  held(engine, () => buildCustomerSummaryJob(engine, ...rest))

/** See service/insights/index.ts computeInsights; runs with the engine to itself. */
export const computeInsights: typeof computeInsightsJob = (engine, ...rest) =>
  held(engine, () => computeInsightsJob(engine, ...rest))
