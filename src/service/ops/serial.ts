// One store connection serves the whole server (DuckDB allows one process per file, and both
// adapters run one session), so every use of it is queued here: a transaction never interleaves
// with another request's statements.

/** A FIFO of async tasks run one at a time. */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve()
  #pending = 0

  /** Run `fn` after every task queued before it; its result or error is passed through. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.#pending++
    const next = this.#tail.then(fn, fn)
    this.#tail = next.then(
      () => this.#pending--,
      () => this.#pending--,
    )
    return next
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending
  }
}
