// One store connection serves a whole process (DuckDB allows one process per file, and both
// adapters run one session), so its uses are queued: the server's requests (ops/store.ts), and
// each DuckDB engine's statements and transactions (duckdb.ts), so that a transaction never
// takes in another caller's statements.

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
