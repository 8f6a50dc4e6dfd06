// Public library surface: explicit named exports only.
export const VERSION = '0.1.0'
export { importFile } from './service/import/import-file.ts'
export type { ImportOptions, ImportResult } from './service/import/import-file.ts'
