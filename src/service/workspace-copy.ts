// Writing a DuckDB workspace through a copy that replaces it whole. DuckDB 1.5's commit writes
// the transaction to its WAL in several writes, and a process killed between them left a WAL that
// the next open replays in part (duckdb/duckdb PR #25931): an import cut off in its commit kept
// the new orders beside the old ones it was replacing, and no record of the import. A rename is
// atomic: the workspace is the old file or the new one, never a mix.
import {
  constants,
  copyFileSync,
  existsSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { COMMIT_MARKER_SUFFIX, commitMarker } from '../data/duckdb.ts'
import type { Engine } from '../data/engine.ts'
import { processAlive } from '../data/process-alive.ts'
import { openWorkspace } from '../data/workspace.ts'
import { onInterrupt } from './interrupt.ts'

/** The suffix of a workspace's copy being written: `<db>.writing-<pid>`. */
const COPY = '.writing-'

/**
 * Run `work` on a copy of the DuckDB workspace at `location` (a file, created when missing) and,
 * when it returns, make the copy the workspace by a rename; when it throws (or the process dies)
 * the workspace is as it was, and the copy is removed (a dead process's, by the next call).
 * `work` gets the copy opened as a workspace; it must not close it. The workspace itself is held
 * open meanwhile, so another process cannot write it and have its writes replaced.
 */
export async function withWorkspaceCopy<T>(
  location: string,
  work: (engine: Engine) => Promise<T>,
): Promise<T> {
  // a workspace that cannot be made (its directory missing) is refused by its own name
  if (!statSync(dirname(resolve(location)), { throwIfNoEntry: false })?.isDirectory()) {
    // (a file where its directory should be too: afile/w.duckdb)
    await (await openWorkspace(location)).close()
  }
  const target = existsSync(location) ? realpathSync(location) : resolve(location)
  removeDeadCopies(target)
  const copy = `${target}${COPY}${process.pid}`
  // holding the workspace: its lock keeps other processes out; opened and closed once first, a
  // WAL left by a crash is replayed into the file, so that the file alone is the workspace
  const existed = existsSync(target)
  if (existed && existsSync(`${target}.wal`)) await (await openWorkspace(target)).close()
  const held = existed ? await openWorkspace(target) : null
  let ok = false
  // Ctrl-C or a kill by TERM removes the copy (a whole workspace) as any failure does
  const stopListening = onInterrupt(() => removeCopy(copy))
  try {
    if (existed) {
      copyFileSync(target, copy, constants.COPYFILE_FICLONE)
    }
    const engine = await openWorkspace(copy).catch((e: unknown) => {
      // said of the workspace, not of its copy
      if (e instanceof Error) e.message = e.message.replaceAll(copy, location)
      throw e
    })
    let result: T
    try {
      result = await work(engine)
    } finally {
      // closing checkpoints the WAL into the file: the copy alone holds everything
      await engine.close()
    }
    if (existsSync(`${copy}.wal`)) throw new Error(`${copy}.wal was left after closing the copy`)
    await held?.close()
    renameSync(copy, target)
    ok = true
    return result
  } finally {
    stopListening()
    await held?.close()
    if (!ok) removeCopy(copy)
  }
}

function removeCopy(copy: string): void {
  // with the marker of a large transaction that was committing into it (data/duckdb.ts)
  for (const f of [copy, `${copy}.wal`, commitMarker(copy)]) rmSync(f, { force: true })
}

/** Copies `<db>.writing-<pid>` whose process is gone (killed mid-write): nothing reads them. */
function removeDeadCopies(target: string): void {
  const dir = dirname(target)
  const prefix = `${basename(target)}${COPY}`
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const rest = name.slice(prefix.length)
    const pid = Number(rest.replace(/\.wal$/, '').replace(COMMIT_MARKER_SUFFIX, ''))
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue
    const f = join(dir, name)
    if (statSync(f, { throwIfNoEntry: false })?.isFile()) rmSync(f, { force: true })
  }
}
