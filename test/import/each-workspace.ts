// A fresh workspace for each test of a file, closed after it: the setup every import test repeats.
import { afterEach, beforeEach } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { freshWorkspace } from './helpers.ts'

/** The current test's workspace: its engine and temp dir, replaced before each test. */
export interface Workspace {
  engine: Engine
  dir: string
}

/** Register the hooks; read `engine` and `dir` from the returned object inside tests. */
export function eachWorkspace(): Workspace {
  const ws = {} as Workspace
  beforeEach(async () => {
    const { engine, dir } = await freshWorkspace()
    ws.engine = engine
    ws.dir = dir
  })
  afterEach(async () => {
    await ws.engine.close()
  })
  return ws
}
