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
      // every parameter on its natural scale, a run-off's too (a, the dropout one, near 0)
      for (const v of e.details.lastParams) expect(v, model).toBeGreaterThan(0)
      expect(e.details.iterations).toBeGreaterThan(0)
    }
    // BG/BB over 6 opportunities, as many active at the end as the transactions suggest
    const table = [
      'x,t_x,n,weight',
      ...'0,0,206 1,1,56 1,2,56 1,3,49 1,4,50 1,5,44 1,6,51 2,2,19 2,3,40 2,4,66 2,5,99 2,6,119 3,3,12 3,4,32 3,5,104 3,6,165 4,4,23 4,5,85 4,6,225 5,5,45 5,6,249 6,6,205'
        .split(' ')
        .map((r) => {
          const [x, tx, w] = r.split(',')
          return `${x},${tx},6,${w}`
        }),
    ]
    const bgbb = runCli([
      'fit',
      write(dir, 'b.csv', `${table.join('\n')}\n`),
      '--model',
      'bgbb',
      '--json',
    ])
    expect(bgbb.code, bgbb.stderr).toBe(1)
    const be = JSON.parse(bgbb.stdout).error
    expect(be.message).toContain('no sign of customers dropping out')
    expect(be.details.limit).toBe('no-dropout')
  })
})

describe('fit on few repeat buyers', () => {
  it('fits, and says that analyze would trust no model on so few', () => {
    const dir = tempDir('loyals-fit-few-')
    // 200 customers, 5 of whom bought again
    const rows = ['x,t_x,T']
    for (let i = 0; i < 200; i++) rows.push(i < 5 ? `${1 + (i % 3)},${10 + i},40` : '0,0,40')
    const file = write(dir, 'few.csv', `${rows.join('\n')}\n`)
    const r = runCli(['fit', file, '--model', 'pareto'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(
      'note: only 5 of 200 customers bought on more than one day: these estimates rest on few repeat buyers (analyze needs at least 20 to trust a model',
    )
    // 20 repeat buyers are enough: no such note
    const enough = ['x,t_x,T']
    for (let i = 0; i < 200; i++)
      enough.push(i < 20 ? `${1 + (i % 3)},${10 + (i % 25)},40` : '0,0,40')
    const ok = runCli(
      ['fit', write(dir, 'enough.csv', `${enough.join('\n')}\n`), '--model', 'pareto'],
      {
        cwd: dir,
      },
    )
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stderr).not.toContain('few repeat buyers')
  })
})
