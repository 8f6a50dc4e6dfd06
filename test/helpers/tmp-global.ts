// Vitest globalSetup: one temporary directory for the whole run, removed when it ends. The test
// processes and the CLI and browser processes they start take it as TMPDIR, so every scratch file
// of the run (a test's directory, an in-memory workspace's spill directory, a browser profile) is
// under it: one run left ~400 directories, ~0.8 GB, in the system's temporary directory, and the
// runs of a few days (26,690 directories) filled the disk. Listed after the PostgreSQL setup, whose
// initdb template is kept between runs in the system's temporary directory. The directory gets the
// mode of /tmp (everyone may enter and write, only owners delete): a test that runs the CLI as
// another user (`nobody`) must reach its directory and that process's own scratch files in it.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const before = process.env.TMPDIR
  const dir = mkdtempSync(join(tmpdir(), 'loyals-test-run-'))
  chmodSync(dir, 0o1777)
  process.env.TMPDIR = dir
  return () => {
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
    rmSync(dir, { recursive: true, force: true })
  }
}
