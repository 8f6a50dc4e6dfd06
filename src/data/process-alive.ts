// Whether a process named in a lock or marker file still runs: the owner of a workspace's serve
// lock, of a workspace copy being written, of a transaction committing.

/** A process with this id runs (signal 0 tests without sending; EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
