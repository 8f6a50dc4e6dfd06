// Whether two paths name one file: the same resolved path, or one file under two names (a hard or
// symbolic link). Output options check it against the files a command reads, which the output
// would overwrite.
import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UsageError } from '../errors.ts'
import { isWorkspaceSource } from './source.ts'

/** True when `a` and `b` are one file (false when either does not exist under another name). */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true
  try {
    const [x, y] = [statSync(a), statSync(b)]
    return x.dev === y.dev && x.ino === y.ino
  } catch {
    return false
  }
}

/** A file a command reads, and how to name it in an error. */
export interface ReadFile {
  readonly path: string
  readonly what: string
}

/**
 * None of `names` in directory `dir` is a file the command reads (its orders file, a workspace or
 * its log, a configuration): writing the outputs would replace it with them, and the input would
 * be lost with no message (`analyze customers.csv --out .`).
 * @throws UsageError naming the output and the input, before anything is written.
 */
export function checkOutputsApart(
  dir: string,
  names: readonly string[],
  reads: readonly ReadFile[],
): void {
  for (const name of names) {
    const out = join(dir, name)
    for (const r of reads) {
      if (!sameFile(out, r.path)) continue
      throw new UsageError(
        `--out ${dir}: its ${name} would overwrite ${r.path}, ${r.what}; name another directory or move the file. Nothing was written`,
        { path: out },
      )
    }
  }
}

/**
 * The files a command reading `source` (a workspace or an orders file) reads: the source, a
 * workspace's log, and the configuration files given to it.
 */
export function sourceFiles(
  source: string,
  configs: { readonly config?: string | undefined; readonly rfmRules?: string | undefined } = {},
): ReadFile[] {
  const what = isWorkspaceSource(source) ? 'the workspace it reads' : 'the orders file it reads'
  return [
    { path: source, what },
    { path: `${source}.wal`, what: `the log of ${source}` },
    ...(configs.config ? [{ path: configs.config, what: 'the value configuration it reads' }] : []),
    ...(configs.rfmRules ? [{ path: configs.rfmRules, what: 'the RFM rules it reads' }] : []),
  ]
}
