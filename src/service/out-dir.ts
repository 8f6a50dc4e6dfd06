// Creating an output directory and its missing parents. Node 20's `mkdir(p, { recursive: true })`
// never returns for a path where mkdir fails with ENOENT although the parent exists (under /proc,
// for one): it retries the parent and the child forever at full CPU. Each level is created here
// once, and a second failure is the answer.
import { mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'

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
