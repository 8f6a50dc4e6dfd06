// `loyals fit` on histories with no sign of dropout (everyone bought lately, at steady rates):
// every BG-family and Pareto/NBD fit fails saying so, and --json carries the error's details
// (its limit, 'no-dropout', where a script can read it; the JSON had only the message, and one
// message blamed too few customers).
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

describe('fit without dropout', () => {
  it('names the no-dropout limit in the message and in the JSON details', () => {
    const dir = tempDir('loyals-fit-nodrop-')
    const rows = ['x,t_x,T']
    for (let i = 0; i < 400; i++) {
      const T = 30 + (i % 23)
      const x = Math.round((0.1 + (i % 17) * 0.05) * T)
      rows.push(`${x},${x > 0 ? T - (i % 3) * 0.5 : 0},${T}`)
    }
    const file = write(dir, 's.csv', `${rows.join('\n')}\n`)
    for (const model of ['bgnbd', 'mbgnbd', 'pareto']) {
      const r = runCli(['fit', file, '--model', model, '--json'], { cwd: join(dir) })
      expect(r.code, `${model}: ${r.stderr}`).toBe(1)
      const e = JSON.parse(r.stdout).error
      expect(e.code).toBe('convergence_error')
      expect(e.message, model).toContain('no sign of customers dropping out')
      expect(e.details.limit, model).toBe('no-dropout')
      expect(e.details.lastParams).toHaveLength(4)
      expect(e.details.iterations).toBeGreaterThan(0)
    }
  })
})
