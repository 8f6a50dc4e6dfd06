// A file `loyals import` forwards to the server is one transaction, as a direct import is: its
// batches are staged under the import's id (import_staging), and the commit applies them all in
// ONE store transaction that also drops them, storing the file as a direct import would (a stored
// order the file gives another amount is replaced: a corrected export). A failed commit drops them too; batches a client
// left unfinished (killed, connection lost) expire after a day. The store is untouched till then.
import type { Engine } from '../../data/engine.ts'
import { dropStaged } from '../../data/queries/api-drop-staged.ts'
import type { Mention } from '../../data/queries/api-erase-mentions.ts'
import { stagedBatch } from '../../data/queries/api-staged-batch.ts'
import { stagedBatches } from '../../data/queries/api-staged-batches.ts'
import { stagedNaming } from '../../data/queries/api-staged-naming.ts'
import { takeStaged } from '../../data/queries/api-take-staged.ts'
import { metaValue } from '../../data/queries/meta-value.ts'
import { LoyalsError } from '../../errors.ts'
import { EventSchema, normalizeEvent, type SegmentEvent } from './events.ts'
import { type Ingestor, insertAll } from './ingest.ts'
import type { OpsStore } from './store.ts'
import { sqlTs } from './time.ts'

/** The meta key that says an import was voided by an erasure, and when. */
const voidedKey = (importId: string): string => `import_voided:${importId}`

/**
 * A held import named a customer who was erased before its commit: its batches were dropped with
 * the erasure, and nothing of it can be stored (HTTP 409 `import_voided`). Sent again, the file
 * is a new import, as any file sent after an erasure.
 */
export class ImportVoidedError extends LoyalsError {
  constructor(importId: string, erasedAt: string) {
    super(
      'import_voided',
      `import "${importId}" held calls naming a customer who was erased at ${erasedAt}, before its commit: its batches were dropped with the erasure and nothing of it was stored; send the file again to store it (its rows of the erased customer then bring them back, as any file sent after an erasure)`,
      { importId, erasedAt },
    )
  }
}

/**
 * Drop the held imports that name a customer being erased (`mentions`, as the erasure replaces
 * them), in the erasure's transaction, and mark each voided at `erasedAt`.
 */
export async function voidStagedImports(
  tx: Engine,
  mentions: readonly Mention[],
  erasedAt: string,
): Promise<void> {
  if (mentions.length === 0) return
  for (const r of await tx.query(stagedNaming(tx.dialect, mentions))) {
    const importId = String(r.import_id)
    await tx.exec(dropStaged(tx.dialect, { importId, before: null }))
    await insertAll(tx, {
      table: 'meta',
      columns: ['key', 'value'],
      rows: [[voidedKey(importId), erasedAt]],
      conflict: 'nothing',
    })
  }
}

/** @throws ImportVoidedError when an erasure voided the import. */
async function refuseVoided(tx: Engine, importId: string): Promise<void> {
  const [m] = await tx.query(metaValue(tx.dialect, voidedKey(importId)))
  if (m) throw new ImportVoidedError(importId, String(m.value))
}

/** How long staged batches wait for their commit. */
export const STAGED_TTL_MS = 24 * 3_600_000

/** Another batch under a seq already staged: HTTP 409 `batch_conflict`. */
export class BatchConflictError extends LoyalsError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('batch_conflict', message, details)
  }
}

/** The meta key that says an import was committed, and when: kept across restarts. */
const committedKey = (importId: string): string => `import_committed:${importId}`

/**
 * The imports each store committed since the server started (the latest 10,000): a batch sent
 * under one of those ids after its commit would be held alone, answered "staged", and never
 * stored (the next commit finds seq 0 missing); it is refused instead. The store's meta row
 * ({@link committedKey}, written in the commit's transaction) says the same after a restart, when
 * clients retry; this set also covers a batch queued behind a commit still running.
 */
const committedIds = new WeakMap<OpsStore, Set<string>>()
const COMMITTED_KEPT = 10_000

function committedOf(store: OpsStore): Set<string> {
  let ids = committedIds.get(store)
  if (!ids) {
    ids = new Set()
    committedIds.set(store, ids)
  }
  return ids
}

/** A batch of an import committed already: HTTP 409 `import_committed`. */
export class ImportCommittedError extends LoyalsError {
  constructor(importId: string, seq: number) {
    super(
      'import_committed',
      `import "${importId}" was committed (its file is stored): a batch sent after the commit (seq ${seq}) is not part of it; send the rest of a file under a new import id`,
      { importId, seq },
    )
  }
}

/**
 * Stage one batch (`seq`: its place in the file) of import `importId`, validated by the caller. A
 * batch sent again under the same seq (a retried request) is kept once.
 * @throws BatchConflictError when the seq holds another batch: answered "staged", it would have
 *   been dropped at the commit
 */
export async function stageBatch(
  store: OpsStore,
  importId: string,
  seq: number,
  batch: readonly SegmentEvent[],
): Promise<void> {
  const now = store.now()
  const payload = JSON.stringify(batch)
  await store.use((engine) =>
    engine.transaction(async (tx) => {
      await tx.exec(dropStaged(tx.dialect, { importId: null, before: sqlTs(now - STAGED_TTL_MS) }))
      // a batch sent after an erasure voided its import: the file cannot be stored any more
      await refuseVoided(tx, importId)
      if (committedOf(store).has(importId)) throw new ImportCommittedError(importId, seq)
      const [done] = await tx.query(metaValue(tx.dialect, committedKey(importId)))
      if (done) throw new ImportCommittedError(importId, seq)
      await insertAll(tx, {
        table: 'import_staging',
        columns: ['import_id', 'seq', 'payload', 'staged_at'],
        rows: [[importId, seq, payload, sqlTs(now)]],
        conflict: 'nothing',
      })
      const [kept] = await tx.query(stagedBatch(tx.dialect, importId, seq))
      if (kept && String(kept.payload) !== payload) {
        throw new BatchConflictError(
          `import ${importId} already holds another batch at seq ${seq}: each batch of a file needs its own seq (a retried batch must be the same)`,
          { importId, seq },
        )
      }
    }),
  )
}

/**
 * No import is held under the id: never started, or committed or expired (a staged batch holds
 * at least one call, so a held import is never empty): HTTP 404 `not_found`.
 */
export class UnknownImportError extends LoyalsError {
  constructor(importId: string) {
    super(
      'not_found',
      `no import "${importId}" is held: no batch was sent under that id, or it was committed, or its batches expired a day after they were sent (send them again)`,
      { importId },
    )
  }
}

/**
 * The batches held under an import do not run 0, 1, 2 ... without a gap: one was never held (lost
 * on the way, or refused), and a commit would store the file without it. HTTP 409; the held
 * batches stay, so the missing one can be sent and the commit asked again.
 */
export class MissingBatchesError extends LoyalsError {
  constructor(importId: string, missing: readonly number[], held: number) {
    const shown = missing.slice(0, 10).join(', ')
    const more = missing.length > 10 ? ` and ${missing.length - 10} more` : ''
    super(
      'batches_missing',
      `import "${importId}" holds ${held} batch${held === 1 ? '' : 'es'} but not seq ${shown}${more}: a commit stores a whole file, so send ${missing.length === 1 ? 'that batch' : 'those batches'} and commit again (nothing was stored)`,
      // the first 100: a lone batch at seq 1,000,000 made a 7 MB answer of the million others
      { importId, missing: missing.slice(0, 100), missingCount: missing.length, held },
    )
  }
}

/**
 * Batches of the import arrived while it was committed (after the commit read the held ones): the
 * commit stored nothing and keeps them all, to be asked again. HTTP 409.
 */
export class BatchesChangedError extends LoyalsError {
  constructor(importId: string, late: readonly number[]) {
    super(
      'batches_changed',
      `import "${importId}" received ${late.length === 1 ? `batch seq ${late[0]}` : late.length > 1 ? `batches seq ${late.slice(0, 10).join(', ')}${late.length > 10 ? ' ...' : ''}` : 'batches'} while it was committed: nothing was stored and every batch is kept; commit again once all are sent`,
      { importId, late: late.slice(0, 100) },
    )
  }
}

/**
 * Apply the staged batches of `importId` in one transaction, which drops them as it commits.
 * @throws UnknownImportError when nothing is staged under the id (never staged, expired, or
 *   committed); DataError / QueryError from the ingest, when the staged batches are dropped and
 *   nothing stored.
 */
export async function commitStaged(
  store: OpsStore,
  ingestor: Ingestor,
  importId: string,
  /** Checks of the whole file that no one batch could make (one currency), before it is stored. */
  check?: (events: readonly SegmentEvent[]) => void,
): Promise<{ stored: number; replaced: number; duplicates: number }> {
  const rows = await store.use((e) => e.query(stagedBatches(e.dialect, importId)))
  if (rows.length === 0) {
    await store.use((e) => refuseVoided(e, importId))
    throw new UnknownImportError(importId)
  }
  // seqs run from 0 (forward-import.ts): the greatest held says how many there should be
  const held = new Set(rows.map((r) => Number(r.seq)))
  const last = Math.max(...held)
  if (held.size !== last + 1) {
    const missing: number[] = []
    for (let q = 0; q <= last; q++) if (!held.has(q)) missing.push(q)
    throw new MissingBatchesError(importId, missing, held.size)
  }
  const now = store.now()
  // validated when staged: parsed again for the types (the schemas' output parses as itself)
  const calls = rows.flatMap((r) =>
    (JSON.parse(String(r.payload)) as unknown[]).map((x) => EventSchema.parse(x)),
  )
  const events = calls.map((e) => normalizeEvent(e, now))
  const drop = dropStaged(store.engine.dialect, { importId, before: null })
  let added = false
  try {
    check?.(calls)
    const results = await ingestor.submitWhole(events, async (tx) => {
      // an erasure voided it since the batches were read
      await refuseVoided(tx, importId)
      // the batches are taken as the transaction's last step: a commit of the same id that ran
      // first took them (this one is an import no longer held: 404, as a commit after it, not a
      // file of duplicates; PostgreSQL answered both 200), and a batch that arrived since they
      // were read would be dropped unstored though its sender was answered 200
      const taken = new Set(
        (await tx.query<{ seq: number }>(takeStaged(tx.dialect, importId))).map((r) =>
          Number(r.seq),
        ),
      )
      if (taken.size === 0) throw new UnknownImportError(importId)
      const late = [...taken].filter((q) => !held.has(q)).sort((a, b) => a - b)
      if (late.length > 0 || taken.size !== held.size) throw new BatchesChangedError(importId, late)
      await insertAll(tx, {
        table: 'meta',
        columns: ['key', 'value'],
        rows: [[committedKey(importId), new Date(now).toISOString()]],
        conflict: 'nothing',
      })
      // said inside the transaction: a batch queued behind the commit is refused once it runs
      const done = committedOf(store)
      done.add(importId)
      added = true
      if (done.size > COMMITTED_KEPT) done.delete(done.values().next().value as string)
    })
    const stored = results.filter((r) => r.status === 'stored').length
    const replaced = results.filter((r) => r.status === 'replaced').length
    return { stored, replaced, duplicates: results.length - stored - replaced }
  } catch (e) {
    // rolled back: not committed after all (a commit of the same id that ran first keeps its own)
    if (added) committedOf(store).delete(importId)
    // the import failed whole: what it staged goes too, so a re-run starts afresh (unless batches
    // came meanwhile: they are all kept for the commit asked again)
    if (!(e instanceof BatchesChangedError)) {
      await store.use((engine) => engine.exec(drop)).catch(() => {})
    }
    throw e
  }
}
