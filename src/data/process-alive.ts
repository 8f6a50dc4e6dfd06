// Whether a process named in a lock or marker file still runs: the owner of a workspace's serve
// lock, of a workspace copy being written, of a transaction committing.
import { readFileSync } from 'node:fs'

/** A process with this id runs (signal 0 tests without sending; EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The process `pid` that started at `procStart` ({@link processStart}; unknown: any start) runs:
 * alive, not a zombie, and not another process given the same pid since (this one restarted as
 * pid 1 in a container, or any process started after the one named died).
 */
export function processRuns(pid: number, procStart?: string | null): boolean {
  if (procStart !== undefined && procStart !== null) {
    const start = processStart(pid)
    if (start !== null && start !== procStart) return false
  }
  return !exited(pid) && processAlive(pid)
}

/**
 * When process `pid` started, in clock ticks since boot (Linux /proc/PID/stat), or null where
 * unknown. With the pid it names one process: a pid is reused once its process is gone.
 */
export function processStart(pid: number): string | null {
  return procStatFields(pid)?.[19] ?? null
}

/** Fields 3 on of /proc/PID/stat (state first), or null where unknown. */
function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces and parentheses: count from after its last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/**
 * Whether process `pid` has exited but not been reaped yet (a zombie, state Z or X): it holds no
 * file and serves nothing, though signal 0 still finds it until its parent waits for it.
 */
function exited(pid: number): boolean {
  const state = procStatFields(pid)?.[0]
  return state === 'Z' || state === 'X'
}
