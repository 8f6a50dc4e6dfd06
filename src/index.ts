// Public library surface: explicit named exports only.

export type { ClvModel, ClvOptions, ClvResult } from './core/clv.ts'
export {
  discountedContinuous,
  discountedSteps,
  discountRatePerUnit,
  expIntegralScaled,
  scoreClv,
  unitsPerYear,
} from './core/clv.ts'
export { compressHistories } from './core/compress.ts'
export type { BgFitOptions, SimulatedHistories } from './core/models/bg-family.ts'
export type { BgbbParams, BgbbSimulation } from './core/models/bgbb.ts'
export {
  bgbbConditionalProbabilityPurchases,
  bgbbDiscountedResidualTransactions,
  bgbbExpectedNextPurchase,
  bgbbExpectedPurchases,
  bgbbExpectedPurchasesNew,
  bgbbLogLikelihood,
  bgbbProbabilityAlive,
  bgbbProbabilityAnyPurchase,
  bgbbProbabilityPurchases,
  fitBgbb,
  simulateBgbb,
} from './core/models/bgbb.ts'
export type { BgParams } from './core/models/bgnbd.ts'
export { bgnbd } from './core/models/bgnbd.ts'
export type { HistoryColumns, NextPurchase } from './core/models/common.ts'
export type { GammaGammaFit, GammaGammaParams, SpendData } from './core/models/gamma-gamma.ts'
export {
  expectedSpend,
  expectedSpendAll,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  simulateGammaGamma,
  spendFrequencyCorrelation,
} from './core/models/gamma-gamma.ts'
export { mbgnbd } from './core/models/mbgnbd.ts'
export type { NbdParams, NoDropoutFit } from './core/models/nbd.ts'
export * as nbd from './core/models/nbd.ts'
export type { ParetoFitOptions, ParetoParams } from './core/models/pareto-nbd.ts'
export { paretoNbd } from './core/models/pareto-nbd.ts'
export type { SbgCounts, SbgParams } from './core/models/sbg.ts'
export {
  fitSbg,
  sbgChurnProbability,
  sbgDiscountedExpectedLifetime,
  sbgDiscountedResidualLifetime,
  sbgExpectedLifetime,
  sbgExpectedNextPurchase,
  sbgExpectedPurchases,
  sbgExpectedPurchasesNew,
  sbgLogLikelihood,
  sbgProbabilityAlive,
  sbgProbabilityAnyPurchase,
  sbgProbabilityPurchases,
  sbgRetentionRate,
  sbgSurvival,
  simulateSbg,
  survivalToCounts,
} from './core/models/sbg.ts'
export type { FitResult, Histories } from './core/models/types.ts'
export type { EmailNormalization } from './core/ops/audiences.ts'
export { hashEmail, normalizeEmail } from './core/ops/audiences.ts'
export type {
  Channel,
  ContactBudgetConfig,
  Department,
  HoldoutConfig,
  OpsConfig,
  OpsConfigInput,
  Playbook,
  PlaybookAction,
  PlaybookTrigger,
  ServiceRankConfig,
  TaskAction,
  TeamGoal,
  TriggerType,
  WebhookAction,
} from './core/ops/config.ts'
export {
  CHANNELS,
  checkOpsTierNames,
  DEFAULT_OPS_CONFIG,
  DEPARTMENTS,
  OpsConfigSchema,
  parseOpsConfig,
} from './core/ops/config.ts'
export type {
  BudgetCandidate,
  BudgetDecision,
  ContactLogEntry,
  SuppressReason,
} from './core/ops/contact-budget.ts'
export {
  applyContactBudget,
  localMinuteOfDay,
  quietHoursEnd,
} from './core/ops/contact-budget.ts'
export type { EffectEstimate, GroupOutcome, GroupRate } from './core/ops/holdout.ts'
export { holdoutDraw, holdoutShare, isHoldout, measureEffect } from './core/ops/holdout.ts'
export type {
  OpsEvent,
  OpsProfile,
  PlannedAction,
  TriggerContext,
} from './core/ops/playbooks.ts'
export { evaluateTriggers, lastAnniversary } from './core/ops/playbooks.ts'
export type {
  QueueEntry,
  RankedEntry,
  ServiceLevel,
  ServicePolicy,
} from './core/ops/service-rank.ts'
export {
  formatMinutes,
  rankQueue,
  resolveServicePolicy,
  serviceLevel,
} from './core/ops/service-rank.ts'
export { sha256, sha256Hex, utf8Bytes } from './core/ops/sha256.ts'
export type { GoalProgress, NewTask, StaffTask, TaskStatus } from './core/ops/tasks.ts'
export {
  cancelTask,
  claimTask,
  completeTask,
  createTask,
  goalProgress,
  isTaskOverdue,
  releaseTask,
  TASK_STATUSES,
  TaskStateError,
} from './core/ops/tasks.ts'
export type { Fn, Grad, MinimizeOptions, OptimResult } from './core/optimize.ts'
export {
  bfgs,
  invertSymmetric,
  minimize,
  nelderMead,
  numericGradient,
  numericHessian,
  standardErrorsFromLogHessian,
} from './core/optimize.ts'
export type { Rng } from './core/random.ts'
export { createRng } from './core/random.ts'
export type { RfmRule, RfmRules, ScoreColumns } from './core/rfm-segments.ts'
export { assignSegment, RfmRulesSchema, rfmSegmentCaseSql } from './core/rfm-segments.ts'
export {
  digamma,
  hyp2f1,
  lbeta,
  lgamma,
  log1pExp,
  logDiffExp,
  logHyp2f1,
  logSumExp,
  SpecialFunctionError,
  trigamma,
} from './core/special.ts'
export { chiSquareSf, gammaincLower, gammaincUpper } from './core/stats/incomplete-gamma.ts'
export type {
  Baskets,
  ItemsetAnalysis,
  ItemsetOptions,
  ItemsetResult,
} from './core/stats/itemsets.ts'
export { basketsFromArrays, findItemsets } from './core/stats/itemsets.ts'
export type {
  KaplanMeier,
  MeanInterval,
  NpsResult,
  RepeatRate,
  RetentionMatrix,
  TimeToEventSummary,
} from './core/stats/kpis.ts'
export {
  ces,
  customerRetentionRate,
  kaplanMeier,
  meanInterval,
  nps,
  repeatPurchaseRate,
  retentionMatrix,
  survivalAt,
  survivalQuantile,
  timeToEventSummary,
} from './core/stats/kpis.ts'
export type { LambdaCvResult, LogisticModel, LogisticOptions } from './core/stats/logistic.ts'
export {
  crossValidateLambda,
  DEFAULT_LAMBDAS,
  fitLogistic,
  logisticContributions,
  logLoss,
  predictLogistic,
} from './core/stats/logistic.ts'
export { benjaminiHochberg, holm } from './core/stats/multiple-testing.ts'
export { normalCdf, normalQuantile, normalSf } from './core/stats/normal.ts'
export type {
  CategoricalAttribute,
  OverIndexOptions,
  OverIndexRow,
} from './core/stats/overindex.ts'
export { overIndex } from './core/stats/overindex.ts'
export type {
  Alternative,
  ChiSquareResult,
  FisherResult,
  ProportionInterval,
  TwoProportionResult,
} from './core/stats/proportion.ts'
export {
  chiSquareIndependence,
  fisherExact,
  twoProportionZTest,
  wilsonInterval,
} from './core/stats/proportion.ts'
export type { CalibrationBin, TopKMetrics } from './core/stats/ranking.ts'
export {
  auc,
  calibrationTable,
  liftAtK,
  precisionAtK,
  recallAtK,
  topK,
} from './core/stats/ranking.ts'
export type {
  Candidate,
  DataAdequacy,
  FrequencyBucket,
  HoldoutMetrics,
  ModelChoice,
  TrackingPoint,
} from './core/validation.ts'
export {
  assessHistories,
  baselinePredictions,
  chooseModel,
  holdoutMetrics,
  informationCriteria,
  trackingCurve,
} from './core/validation.ts'
export type {
  CostRates,
  CurrencyConfig,
  EngagementConfig,
  EngagementEventType,
  LoyaltyRules,
  ReferralConfig,
  TierLevel,
  TiersConfig,
  ValueConfig,
  ValueConfigInput,
} from './core/value/config.ts'
export {
  DEFAULT_VALUE_CONFIG,
  ENGAGEMENT_EVENT_TYPES,
  parseValueConfig,
  ValueConfigSchema,
} from './core/value/config.ts'
export type { EngagementEvents, EngagementResult } from './core/value/engagement.ts'
export { engagementScores, percentileRank, rankShares } from './core/value/engagement.ts'
export type {
  LoyaltyFeatureColumns,
  LoyaltyFeatures,
  LoyaltyResult,
  LoyaltyRule,
  LoyaltyType,
} from './core/value/loyalty-type.ts'
export {
  classifyLoyalty,
  classifyLoyaltyBatch,
  connectionSignals,
  LOYALTY_RULES,
  LOYALTY_TYPES,
} from './core/value/loyalty-type.ts'
export type {
  ProfitConcentration,
  ProfitInputs,
  ProfitPrediction,
  ProfitResult,
  ValueBreakdown,
} from './core/value/profit.ts'
export {
  computeProfit,
  lossCustomers,
  profitConcentration,
  totalValue,
} from './core/value/profit.ts'
export type { Reason, ReasonCode, ReasonFacts, ReasonOptions } from './core/value/reasons.ts'
export {
  buildReasons,
  durationUnit,
  formatDuration,
  moneyFormatter,
  REASON_CODES,
} from './core/value/reasons.ts'
export type {
  ReferralEdges,
  ReferralOptions,
  ReferralResult,
  ReferralTree,
  ReferralTreeNode,
} from './core/value/referrals.ts'
export { computeReferralValue, referralTrees } from './core/value/referrals.ts'
export type { AssignTiersOptions, TierAssignment, TierState } from './core/value/tiers.ts'
export { assignTiers, qualifyingTier, tierBoundaries } from './core/value/tiers.ts'
export type { Dialect, Engine } from './data/engine.ts'
export type { ConcentrationValue } from './data/queries/concentration-source.ts'
export type { TimeUnit } from './data/queries/customer-summary.ts'
export type { RfmCuts } from './data/queries/rfm-scores.ts'
// whole-customer value on a workspace: open it, value every customer, read one customer's profile
export { openWorkspace } from './data/workspace.ts'
// typed errors: every failure the library reports is a LoyalsError of one of these kinds
export type { ConvergenceDetails, RowProblem } from './errors.ts'
export {
  ConvergenceError,
  DataError,
  formatProblem,
  ImportError,
  LoyalsError,
  QueryError,
  StoreUnreachableError,
  UsageError,
  WrongKindError,
} from './errors.ts'
// the main job from code: an orders file or a workspace in, the four output files out; the jobs
// on a DuckDB engine (analysis, import, value, profile, summary, RFM, insights) run one at a time
// per engine (a PostgreSQL engine takes only the summary, and its caller serializes it)
export {
  analyze,
  buildCustomerSummary,
  buildRfm,
  buildValue,
  computeAnalysis,
  computeInsights,
  customerProfile,
  importFile,
} from './library-jobs.ts'
// the pieces the docs name for use from code (docs/generator.md, insights.md, rfm.md, summary.md)
export type { RenderOptions, ReportSection } from './report/render.ts'
export { renderReport } from './report/render.ts'
export { defaultSections } from './report/sections/index.ts'
export { insightsSections } from './report/sections/insights.ts'
export type {
  AnalysisSummary,
  ConcentrationSummary,
  QualityNote,
  SegmentRow,
  TopCustomer,
  TopShare,
} from './service/analysis-summary.ts'
export type {
  AnalysisFiles,
  AnalyzeOptions,
  AnalyzeResult,
  AnalyzeValueOptions,
  StepRunner,
} from './service/analyze.ts'
export { renderAnalysisReport } from './service/analyze.ts'
// concentration()'s rows, named apart from summary.json's (TopShare above is the summary's
// { percent, ... }; concentration() gives { pct, ... } and snake_case deciles)
export type {
  Concentration,
  DecileRow as ConcentrationDecileRow,
  LorenzPoint as ConcentrationLorenzPoint,
  TopShare as ConcentrationTopShare,
} from './service/concentration.ts'
export { concentration, marginKnown } from './service/concentration.ts'
export type { CustomerProfile, CustomerProfileOptions } from './service/customer-profile.ts'
export type {
  CompanySink,
  GeneratedCompany,
  GenerateOptions,
  GenerationTruth,
} from './service/generate/company.ts'
export { generateCompany, generateInto } from './service/generate/company.ts'
export type { WriteResult } from './service/generate/write.ts'
export { writeCompany } from './service/generate/write.ts'
export type { ImportKind } from './service/import/columns.ts'
export type { ImportOptions, ImportResult, ImportStage } from './service/import/import-file.ts'
export type { InsightsContext, InsightsOptions } from './service/insights/context.ts'
export type { InsightsFiles, InsightsResult } from './service/insights/index.ts'
export { writeInsightsFiles } from './service/insights/index.ts'
export type { InsightsSummary } from './service/insights/types.ts'
export type { PredictOptions } from './service/predict.ts'
export type { PredictionSummary } from './service/prediction-summary.ts'
export type { RfmResult } from './service/rfm.ts'
export { loadRfmRules } from './service/rfm.ts'
export type { ReadOptions } from './service/source.ts'
export { importNotes, openSource } from './service/source.ts'
export type { CustomerSummaryInfo, OrderFacts } from './service/summary.ts'
export type { ValueOptions, ValueRun } from './service/value.ts'
export type { GeneratorCosts, LoadedValueConfig } from './service/value-config.ts'
export { loadValueConfig, valueConfigFromCosts } from './service/value-config.ts'
export type {
  LossCustomer,
  MoneyBreakdown,
  ReferralTreeNodeSummary,
  TierSummary,
  TopReferrer,
  ValueSummary,
} from './service/value-summary.ts'
export { VERSION } from './version.ts'
