// The synthetic-company generator: seeded, streamed to files, with documented planted effects.

export type { Category, Product, Region } from './catalog.ts'
export { buildCatalog, CATEGORIES, REGIONS } from './catalog.ts'
export type {
  CompanySink,
  GeneratedCompany,
  GenerateOptions,
  GenerationTruth,
  TableName,
  Value,
} from './company.ts'
export { DEFAULT_OPTIONS, generateCompany, generateInto, TABLES } from './company.ts'
export type { Plant } from './params.ts'
export {
  COST_RATES,
  LAPSED_BEST,
  PATH_TO_BEST,
  PLANTS,
  PROCESS,
  REGION_PLANT,
  SERVICE,
} from './params.ts'
export type { GenerateFormat, WriteResult, WrittenFile } from './write.ts'
export { csvField, writeCompany } from './write.ts'
