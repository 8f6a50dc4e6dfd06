// The as-of date of the analysis table an engine holds, as the last computeAnalysis made it: a
// later customerProfile (an analysis as of another date) replaces that table, and insights asked
// for one date must not read a table of another. Beside it, the last order days and whether the
// date was given, so that insights say what an as-of past the last order does, as analyze does.
import type { Engine } from '../data/engine.ts'
import type { OrderFacts } from './summary.ts'

export interface AnalysisState {
  /** The table it made (computeAnalysis's customer_analysis). */
  readonly table: string
  readonly asOf: string
  /** Days per unit of the table's t_x and T (1, 7 or 30.4375). */
  readonly unitDays: number
  /** The as-of date was the caller's (not the default, the data's last day). */
  readonly given: boolean
  readonly orders: Pick<OrderFacts, 'lastOrder' | 'lastDay'>
}

const byEngine = new WeakMap<Engine, AnalysisState>()

/** Record that `engine`'s analysis table is now as of `state.asOf` (YYYY-MM-DD). */
export function recordAnalysis(engine: Engine, state: AnalysisState): void {
  byEngine.set(engine, state)
}

/** The state of `engine`'s analysis table, if this process made it. */
export function analysisState(engine: Engine): AnalysisState | undefined {
  return byEngine.get(engine)
}
