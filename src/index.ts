// Public library surface: explicit named exports only.
export { VERSION } from './version.ts'
export { importFile } from './service/import/import-file.ts'
export type { ImportOptions, ImportResult } from './service/import/import-file.ts'
export {
  lgamma,
  digamma,
  trigamma,
  lbeta,
  logSumExp,
  logDiffExp,
  log1pExp,
  hyp2f1,
  logHyp2f1,
  SpecialFunctionError,
} from './core/special.ts'
export {
  bfgs,
  nelderMead,
  minimize,
  numericGradient,
  numericHessian,
  invertSymmetric,
  standardErrorsFromLogHessian,
} from './core/optimize.ts'
export type { OptimResult } from './core/optimize.ts'
export { compressHistories } from './core/compress.ts'
export { createRng } from './core/random.ts'
export type { Rng } from './core/random.ts'
export type { Histories, FitResult } from './core/models/types.ts'
export type { NextPurchase } from './core/models/common.ts'
export { bgnbd } from './core/models/bgnbd.ts'
export type { BgParams } from './core/models/bgnbd.ts'
export { mbgnbd } from './core/models/mbgnbd.ts'
export { paretoNbd } from './core/models/pareto-nbd.ts'
export * as nbd from './core/models/nbd.ts'
export type { NbdParams } from './core/models/nbd.ts'
export type { ParetoParams } from './core/models/pareto-nbd.ts'
export {
  fitGammaGamma,
  gammaGammaLogLikelihood,
  expectedSpend,
  expectedSpendAll,
  spendFrequencyCorrelation,
  simulateGammaGamma,
} from './core/models/gamma-gamma.ts'
export type { GammaGammaParams, GammaGammaFit, SpendData } from './core/models/gamma-gamma.ts'
export {
  fitBgbb,
  bgbbLogLikelihood,
  bgbbProbabilityAlive,
  bgbbExpectedPurchases,
  bgbbExpectedPurchasesNew,
  bgbbProbabilityPurchases,
  bgbbProbabilityAnyPurchase,
  bgbbExpectedNextPurchase,
  bgbbDiscountedResidualTransactions,
  simulateBgbb,
} from './core/models/bgbb.ts'
export type { BgbbParams, BgbbSimulation } from './core/models/bgbb.ts'
export {
  fitSbg,
  survivalToCounts,
  sbgLogLikelihood,
  sbgChurnProbability,
  sbgSurvival,
  sbgRetentionRate,
  sbgDiscountedExpectedLifetime,
  sbgDiscountedResidualLifetime,
  simulateSbg,
} from './core/models/sbg.ts'
export type { SbgParams, SbgCounts } from './core/models/sbg.ts'
export {
  scoreClv,
  discountRatePerUnit,
  unitsPerYear,
  expIntegralScaled,
  discountedSteps,
  discountedContinuous,
} from './core/clv.ts'
export type { ClvModel, ClvOptions, ClvResult } from './core/clv.ts'
export {
  holdoutMetrics,
  trackingCurve,
  informationCriteria,
  chooseModel,
  assessHistories,
  baselinePredictions,
} from './core/validation.ts'
export type {
  HoldoutMetrics,
  FrequencyBucket,
  TrackingPoint,
  Candidate,
  ModelChoice,
  DataAdequacy,
} from './core/validation.ts'
export {
  ENGAGEMENT_EVENT_TYPES,
  ValueConfigSchema,
  parseValueConfig,
  DEFAULT_VALUE_CONFIG,
} from './core/value/config.ts'
export type {
  EngagementEventType,
  ValueConfig,
  ValueConfigInput,
  CurrencyConfig,
  CostRates,
  ReferralConfig,
  EngagementConfig,
  LoyaltyRules,
  TiersConfig,
  TierLevel,
} from './core/value/config.ts'
export { computeReferralValue, referralTrees } from './core/value/referrals.ts'
export type {
  ReferralEdges,
  ReferralOptions,
  ReferralResult,
  ReferralTree,
  ReferralTreeNode,
} from './core/value/referrals.ts'
export { engagementScores, percentileRank } from './core/value/engagement.ts'
export type { EngagementEvents, EngagementResult } from './core/value/engagement.ts'
export {
  computeProfit,
  totalValue,
  lossCustomers,
  profitConcentration,
} from './core/value/profit.ts'
export type {
  ProfitInputs,
  ProfitPrediction,
  ProfitResult,
  ValueBreakdown,
  ProfitConcentration,
} from './core/value/profit.ts'
export {
  LOYALTY_TYPES,
  LOYALTY_RULES,
  classifyLoyalty,
  classifyLoyaltyBatch,
  connectionSignals,
} from './core/value/loyalty-type.ts'
export type {
  LoyaltyType,
  LoyaltyRule,
  LoyaltyFeatures,
  LoyaltyFeatureColumns,
  LoyaltyResult,
} from './core/value/loyalty-type.ts'
export { tierBoundaries, qualifyingTier, assignTiers } from './core/value/tiers.ts'
export type { TierState, TierAssignment, AssignTiersOptions } from './core/value/tiers.ts'
export {
  REASON_CODES,
  buildReasons,
  moneyFormatter,
  formatDuration,
  durationUnit,
} from './core/value/reasons.ts'
export type { Reason, ReasonCode, ReasonFacts, ReasonOptions } from './core/value/reasons.ts'
// whole-customer value on a workspace: open it, value every customer, read one customer's profile
export { openWorkspace } from './data/workspace.ts'
export type { Engine } from './data/engine.ts'
export { buildValue } from './service/value.ts'
export type { ValueOptions, ValueRun } from './service/value.ts'
export type {
  ValueSummary,
  MoneyBreakdown,
  LossCustomer,
  TopReferrer,
  ReferralTreeNodeSummary,
  TierSummary,
} from './service/value-summary.ts'
export { loadValueConfig, valueConfigFromCosts } from './service/value-config.ts'
export type { LoadedValueConfig, GeneratorCosts } from './service/value-config.ts'
export { customerProfile } from './service/customer-profile.ts'
export type { CustomerProfile, CustomerProfileOptions } from './service/customer-profile.ts'
export { gammaincLower, gammaincUpper, chiSquareSf } from './core/stats/incomplete-gamma.ts'
export { normalCdf, normalSf, normalQuantile } from './core/stats/normal.ts'
export {
  wilsonInterval,
  twoProportionZTest,
  fisherExact,
  chiSquareIndependence,
} from './core/stats/proportion.ts'
export type {
  Alternative,
  ProportionInterval,
  TwoProportionResult,
  FisherResult,
  ChiSquareResult,
} from './core/stats/proportion.ts'
export { holm, benjaminiHochberg } from './core/stats/multiple-testing.ts'
export {
  fitLogistic,
  predictLogistic,
  logisticContributions,
  logLoss,
  crossValidateLambda,
  DEFAULT_LAMBDAS,
} from './core/stats/logistic.ts'
export type { LogisticModel, LogisticOptions, LambdaCvResult } from './core/stats/logistic.ts'
export {
  auc,
  topK,
  precisionAtK,
  recallAtK,
  liftAtK,
  calibrationTable,
} from './core/stats/ranking.ts'
export type { TopKMetrics, CalibrationBin } from './core/stats/ranking.ts'
export { findItemsets, basketsFromArrays } from './core/stats/itemsets.ts'
export type {
  Baskets,
  ItemsetOptions,
  ItemsetResult,
  ItemsetAnalysis,
} from './core/stats/itemsets.ts'
export { overIndex } from './core/stats/overindex.ts'
export type {
  CategoricalAttribute,
  OverIndexRow,
  OverIndexOptions,
} from './core/stats/overindex.ts'
export {
  nps,
  meanInterval,
  ces,
  customerRetentionRate,
  repeatPurchaseRate,
  retentionMatrix,
  kaplanMeier,
  survivalAt,
  survivalQuantile,
  timeToEventSummary,
} from './core/stats/kpis.ts'
export type {
  NpsResult,
  MeanInterval,
  RepeatRate,
  RetentionMatrix,
  KaplanMeier,
  TimeToEventSummary,
} from './core/stats/kpis.ts'
export {
  DEPARTMENTS,
  CHANNELS,
  OpsConfigSchema,
  parseOpsConfig,
  checkOpsTierNames,
  DEFAULT_OPS_CONFIG,
} from './core/ops/config.ts'
export type {
  Department,
  Channel,
  OpsConfig,
  OpsConfigInput,
  ServiceRankConfig,
  Playbook,
  PlaybookTrigger,
  TriggerType,
  PlaybookAction,
  WebhookAction,
  TaskAction,
  ContactBudgetConfig,
  HoldoutConfig,
  TeamGoal,
} from './core/ops/config.ts'
export {
  resolveServicePolicy,
  serviceLevel,
  rankQueue,
  formatMinutes,
} from './core/ops/service-rank.ts'
export type {
  ServiceLevel,
  ServicePolicy,
  QueueEntry,
  RankedEntry,
} from './core/ops/service-rank.ts'
export { evaluateTriggers, lastAnniversary } from './core/ops/playbooks.ts'
export type {
  OpsProfile,
  OpsEvent,
  PlannedAction,
  TriggerContext,
} from './core/ops/playbooks.ts'
export {
  applyContactBudget,
  localMinuteOfDay,
  quietHoursEnd,
} from './core/ops/contact-budget.ts'
export type {
  ContactLogEntry,
  BudgetCandidate,
  BudgetDecision,
  SuppressReason,
} from './core/ops/contact-budget.ts'
export { holdoutDraw, holdoutShare, isHoldout, measureEffect } from './core/ops/holdout.ts'
export type { GroupOutcome, GroupRate, EffectEstimate } from './core/ops/holdout.ts'
export {
  TASK_STATUSES,
  TaskStateError,
  createTask,
  claimTask,
  releaseTask,
  completeTask,
  cancelTask,
  isTaskOverdue,
  goalProgress,
} from './core/ops/tasks.ts'
export type { TaskStatus, StaffTask, NewTask, GoalProgress } from './core/ops/tasks.ts'
export { normalizeEmail, hashEmail } from './core/ops/audiences.ts'
export type { EmailNormalization } from './core/ops/audiences.ts'
export { sha256, sha256Hex, utf8Bytes } from './core/ops/sha256.ts'
