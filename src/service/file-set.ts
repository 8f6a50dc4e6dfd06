// The output files of one run (analyze's four, insights' eight) land together: each is written
// under a temporary name beside its place, and all are renamed into place only once every one is
// written. A run stopped midway (Ctrl-C, a failed write) leaves the previous run's set as it was,
// never customers.csv of one run beside summary.json of another; an interrupt (SIGINT, SIGTERM)
// removes the temporary files before the process ends as it would have.
import { rmSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { UsageError } from '../errors.ts'
import { onInterrupt } from './interrupt.ts'

export class FileSet {
  readonly #pending: { tmp: string; path: string }[] = []
  /** The file being written, not yet pending. */
  #writing: string | null = null
  /** Stops the interrupt listener; null when none listens. */
  #stopListening: (() => void) | null = null

  /** On an interrupt, the temporary files go before the process ends. */
  readonly #removeTemps = (): void => {
    this.#stopListening = null
    for (const tmp of [...this.#pending.map((p) => p.tmp), this.#writing]) {
      if (tmp !== null) rmSync(tmp, { force: true })
    }
  }

  /** The temporary name `path` is written under until `commit`. */
  tmpOf(path: string): string {
    return `${path}.${process.pid}.tmp`
  }

  /**
   * Write `path` under its temporary name (`write` gets it). A failed write removes what it
   * left and every file written before it.
   * @throws UsageError when the directory cannot take the file; the write's own error else.
   */
  async write(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = this.tmpOf(path)
    this.#listen()
    this.#writing = tmp
    try {
      await write(tmp)
      this.#pending.push({ tmp, path })
    } catch (e) {
      await rm(tmp, { force: true })
      await this.discard()
      throw cannotWrite(path, e)
    } finally {
      this.#writing = null
    }
  }

  /** Move every written file into place (the renames only: the writing is done). */
  async commit(): Promise<void> {
    try {
      for (const { tmp, path } of this.#pending) await rename(tmp, path)
    } catch (e) {
      await this.discard()
      throw cannotWrite(this.#pending[0]?.path ?? '', e)
    }
    this.#pending.length = 0
    this.#unlisten()
  }

  /** Remove the files written and not committed (a run that stops before its end). */
  async discard(): Promise<void> {
    for (const { tmp } of this.#pending.splice(0)) await rm(tmp, { force: true })
    this.#unlisten()
  }

  #listen(): void {
    this.#stopListening ??= onInterrupt(this.#removeTemps)
  }

  #unlisten(): void {
    this.#stopListening?.()
    this.#stopListening = null
  }
}

function cannotWrite(path: string, e: unknown): unknown {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'EACCES' || err.code === 'ENOENT' || err.code === 'EROFS') {
    return new UsageError(`cannot write ${path}: ${err.message}`, { path })
  }
  return e
}
