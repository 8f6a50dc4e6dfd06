// Whether two paths name one file: the same resolved path, or one file under two names (a hard or
// symbolic link). Output options check it against the files a command reads, which the output
// would overwrite.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'

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
