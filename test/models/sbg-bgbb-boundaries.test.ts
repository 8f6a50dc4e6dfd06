// Degenerate data drive the sBG and BG/BB fits to a boundary of the model; the ConvergenceError
// must say what that means about the data (as BG/NBD's does), keeping where the fit stopped.
import { describe, expect, it } from 'vitest'
import { fitBgbb, simulateBgbb } from '../../src/core/models/bgbb.ts'
import { fitSbg, survivalToCounts } from '../../src/core/models/sbg.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { ConvergenceError } from '../../src/errors.ts'

/** The ConvergenceError `run` throws (failing the test if it returns or throws anything else). */
function convergenceError(run: () => unknown): ConvergenceError {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(ConvergenceError)
    return e as ConvergenceError
  }
  throw new Error('the fit did not throw')
}

const details = (e: ConvergenceError) =>
  e.details as { diverged?: string; direction?: string; lastParams: readonly number[] }

/** Histories from rows [x, t_x, n, weight]. */
function rows(r: readonly (readonly [number, number, number, number])[]): Histories {
  const col = (i: number) => Float64Array.from(r, (v) => v[i]!)
  return {
    x: col(0),
    tx: col(1),
    T: col(2),
    weight: col(3),
    customers: r.reduce((s, v) => s + v[3], 0),
  }
}

/** The ConvergenceError of a BG/BB fit of rows [x, t_x, n, weight]. */
const bgbbError = (r: readonly (readonly [number, number, number, number])[]) =>
  convergenceError(() => fitBgbb(rows(r)))

/** A simulated BG/BB cohort compressed to (x, t_x, n) rows. */
function simulated(
  p: Parameters<typeof simulateBgbb>[0],
  n: number,
  customers: number,
  seed: number,
) {
  const s = simulateBgbb(p, customers, n, seed)
  const m = new Map<string, number>()
  for (let i = 0; i < customers; i++) {
    const k = `${s.x[i]},${s.tx[i]},${s.n[i]}`
    m.set(k, (m.get(k) ?? 0) + 1)
  }
  return rows(
    [...m].map(([k, w]) => [...(k.split(',').map(Number) as [number, number, number]), w]),
  )
}

describe('sBG at a boundary says what the survival curve shows', () => {
  it('everyone gone by period 2: retention fell to 0, one churn probability for all', () => {
    const e = convergenceError(() => fitSbg(survivalToCounts([100, 50, 0])))
    expect(e.message).toContain('everyone had churned by period 2')
    expect(e.message).toContain('retention fell from 50.0 % in period 1 to 0 %')
    // the geometric MLE: 1,000 churned over 500 + 2·500 periods at risk
    expect(e.message).toContain('one churn probability shared by all, 0.667 per period')
    expect(e.message).toContain('cannot fit a cohort that is all gone')
    expect(details(e)).toMatchObject({ diverged: 'alpha', direction: 'high' })
    expect(details(e).lastParams).toHaveLength(2)
  })

  it('falling retention: customers do not differ, the geometric churn probability', () => {
    const e = convergenceError(() => fitSbg(survivalToCounts([100, 90, 50])))
    expect(e.message).toContain(
      'retention does not rise (90.0 % renewed in period 1, 55.6 % in period 2)',
    )
    // 500 churned over 100 + 2·400 + 2·500 periods at risk
    expect(e.message).toContain('one churn probability shared by all, 0.263 per period')
    expect(details(e).direction).toBe('high')
  })

  it('level retention is never returned as a fit, wherever on the ridge the fit stops', () => {
    // some of these stopped with a Hessian that was not positive definite, others at alpha = beta
    // = 2e4 with intervals of 6e-37 to 7e44, returned as an estimate
    const curves = [
      [100, 50, 25],
      [100, 50, 25, 12.5],
      [100, 40, 16],
      [100, 90, 81, 72.9],
      [100, 60, 36, 21.6],
      [100, 80, 64],
      [100, 70, 49],
    ]
    for (const curve of curves) {
      const e = convergenceError(() => fitSbg(survivalToCounts(curve)))
      expect(e.message).toContain('the likelihood is flat')
      expect(e.message).toContain('customers do not differ in churn probability')
      const churn = (1 - curve[1]! / 100).toFixed(3)
      expect(e.message).toContain(`one churn probability shared by all, ${churn} per period`)
    }
  })

  it('churn in period 1 only: every churn probability 0 or 1', () => {
    const e = convergenceError(() => fitSbg(survivalToCounts([100, 60, 60, 60])))
    expect(e.message).toContain(
      'everyone who churned did so in period 1 (40.0 % of the cohort) and nobody in periods 2 to 3',
    )
    expect(e.message).toContain('alpha and beta go to 0 together')
    expect(details(e)).toMatchObject({ direction: 'low' })
  })

  it('a flat optimum far out: churn too rare to tell how customers differ', () => {
    const e = convergenceError(() => fitSbg(survivalToCounts([100, 99, 98.01])))
    expect(e.message).toContain('the likelihood is flat')
    expect(e.message).toContain('churn is too rare to tell how customers differ in it')
    expect(e.message).toContain('1.99 % of the cohort churned in 2 periods')
    expect(details(e).lastParams).toHaveLength(2)
  })
})

describe('BG/BB at a boundary says what the histories show', () => {
  it('every customer transacts at every opportunity', () => {
    const e = bgbbError([
      [6, 6, 6, 100],
      [5, 5, 5, 50],
      [3, 3, 3, 20],
    ])
    expect(e.message).toContain(
      'every customer transacted at every opportunity (frequency = opportunities for all 170)',
    )
    expect(e.message).toContain(
      'the transaction probability goes to 1 and the dropout probability to 0',
    )
    expect(details(e).lastParams).toHaveLength(4)
  })

  it('every opportunity or never: transaction probability 1, dropout at once or never', () => {
    const e = bgbbError([
      [6, 6, 6, 100],
      [0, 0, 6, 100],
    ])
    expect(e.message).toContain('the transaction probability goes to 1 for everyone')
    expect(e.message).toContain(
      'customers either drop out at once or never (50.0 % never transacted',
    )
    expect(details(e)).toMatchObject({ diverged: 'beta', direction: 'low' })
  })

  it('binomial counts without dropout: nobody drops out, one transaction probability', () => {
    // Binomial(6, 1/2) counts with the last transaction where it falls: no sign of dropout
    const e = bgbbError([
      [6, 6, 6, 16],
      [5, 6, 6, 78],
      [5, 5, 6, 16],
      [4, 6, 6, 156],
      [4, 5, 6, 62],
      [4, 4, 6, 16],
      [3, 6, 6, 100],
      [3, 5, 6, 62],
      [3, 4, 6, 31],
      [2, 6, 6, 31],
      [2, 5, 6, 31],
      [1, 6, 6, 6],
      [1, 5, 6, 6],
      [0, 0, 6, 16],
    ])
    expect(e.message).toMatch(
      /^parameter gamma ran off to zero .*: no sign of customers dropping out/,
    )
    expect(e.message).toContain('the dropout probability goes to 0')
    expect(e.message).toContain('customers do not differ in transaction probability')
    expect(details(e)).toMatchObject({ diverged: 'gamma', direction: 'low' })
  })

  it.each([
    {
      what: 'dropout',
      p: { alpha: 1, beta: 1, gamma: 2e6, delta: 8e6 },
      said: 'customers do not differ in dropout probability: one probability shared by all, 0.200 per opportunity (gamma and delta grow together)',
    },
    {
      what: 'transaction',
      p: { alpha: 3e6, beta: 3e6, gamma: 1, delta: 3 },
      said: 'customers do not differ in transaction probability: one probability shared by all, 0.498 per opportunity (alpha and beta grow together)',
    },
  ])(
    'one $what probability shared by all (a simulated cohort without that spread)',
    ({ p, said }) => {
      const e = convergenceError(() => fitBgbb(simulated(p, 8, 5000, 2)))
      expect(e.message).toContain(said)
      expect(details(e).lastParams).toHaveLength(4)
    },
  )
})
