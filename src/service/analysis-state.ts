// The as-of date of the analysis table an engine holds, as the last computeAnalysis made it: a
// later customerProfile (an analysis as of another date) replaces that table, and insights asked
// for one date must not read a table of another.
import type { Engine } from '../data/engine.ts'

const asOfByEngine = new WeakMap<Engine, string>()

/** Record that `engine`'s analysis table is now as of `asOf` (YYYY-MM-DD). */
export function recordAnalysisAsOf(engine: Engine, asOf: string): void {
  asOfByEngine.set(engine, asOf)
}

/** The as-of date of `engine`'s analysis table, if this process made it. */
export function analysisAsOf(engine: Engine): string | undefined {
  return asOfByEngine.get(engine)
}
