// Creating an output directory and its missing parents. Node 20's `mkdir(p, { recursive: true })`
// never returns for a path where mkdir fails with ENOENT although the parent exists (under /proc,
// for one): it retries the parent and the child forever at full CPU. Each level is created here
// once, and a second failure is the answer.

import { existsSync, statSync } from 'node:fs'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { UsageError } from '../errors.ts'

/**
 * Create directory `path` and any missing parents; an existing directory is fine.
 * @throws the NodeJS.ErrnoException of the level that cannot be created (ENOTDIR when a file is in
 *   the way, ENOENT, EACCES, EROFS ...).
 */
export async function makeDirs(path: string): Promise<void> {
  try {
    await mkdir(path)
    return
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return
      throw Object.assign(new Error(`${path} exists and is not a directory`), { code: 'ENOTDIR' })
    }
    const parent = dirname(path)
    if (code !== 'ENOENT' || parent === path) throw e
    await makeDirs(parent)
  }
  // the parents exist now: a failure here is this level's own
  await mkdir(path)
}

/**
 * Refuse an output directory that is a file. readyOutDir starts with it; a command that prints
 * what it is about to do calls it before that, so that the refusal comes first.
 * @throws UsageError naming the directory.
 */
export function refuseFileAsOutDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(
      `cannot create the output directory ${dir}: ${dir} exists and is not a directory`,
    )
  }
}

/**
 * Make the output directory `dir` ready for `files` before any work is done, so that an
 * unwritable place is said in words at once rather than as an engine's I/O error after a long
 * analysis, with some of the files already written: the directory is created, none of the files
 * may be a directory, and a file can be created in it.
 * @returns the directory's absolute path.
 * @throws UsageError naming the directory or file and the reason.
 */
export async function readyOutDir(dir: string, files: readonly string[]): Promise<string> {
  refuseFileAsOutDir(dir)
  const out = resolve(dir)
  try {
    await makeDirs(out)
  } catch (e) {
    throw new UsageError(`cannot create the output directory ${dir}: ${(e as Error).message}`)
  }
  for (const f of files) {
    const st = await stat(join(out, f)).catch(() => null)
    if (st?.isDirectory()) {
      throw new UsageError(`cannot write ${join(dir, f)}: a directory of that name is in the way`)
    }
  }
  const probe = join(out, `.loyals-write-check-${process.pid}`)
  try {
    await writeFile(probe, '')
    await rm(probe, { force: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? ''
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : (e as Error).message
    throw new UsageError(`cannot write into the output directory ${dir}: ${why}`)
  }
  return out
}
