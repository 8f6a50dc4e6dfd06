// Standard errors where two parameters are nearly collinear (a BG/NBD fit to customers who share
// one dropout probability: a and b large together): the central differences' O(h^2) error at the
// fit's step (1e-3 on the log scale) was magnified by the inverse to 6.7e-4 of a and b's standard
// errors (121.300 where a 40-digit Hessian gives 121.219). Checked against a Hessian at step 1e-5,
// whose truncation error is 1e-4 of that and whose rounding (the BG/NBD gradient's, ~1e-15) is
// negligible.
import { describe, expect, it } from 'vitest'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { hessianFromGradient, standardErrorsFromLogHessian } from '../../src/core/optimize.ts'

describe('standard errors of a weakly identified pair', () => {
  for (const [name, m] of [
    ['BG/NBD', bgnbd],
    ['MBG/NBD', mbgnbd],
  ] as const) {
    it(`${name}: a and b with a shared dropout probability agree with a fine Hessian to 1e-5`, () => {
      const sim = m.simulate({ r: 0.8, alpha: 5, a: 50, b: 190 }, 3000, 46, 7)
      const h = { ...sim, weight: new Float64Array(3000).fill(1), customers: 3000 }
      const fit = m.fit(h)
      const { r, alpha, a, b } = fit.params
      const th = [r, alpha, a, b].map(Math.log)
      const grad = (t: readonly number[]) =>
        m
          .gradient(
            { r: Math.exp(t[0]!), alpha: Math.exp(t[1]!), a: Math.exp(t[2]!), b: Math.exp(t[3]!) },
            h,
          )
          .map((v) => -v)
      const fine = standardErrorsFromLogHessian(th, hessianFromGradient(grad, th, 1e-5))
      const got = [r, alpha, a, b].map((_, i) => Object.values(fit.standardErrors)[i]!)
      // the pair is nearly collinear (what made the coarse step's error grow)
      const cov = fine.logCovariance
      expect(Math.abs(cov[2]![3]!) / Math.sqrt(cov[2]![2]! * cov[3]![3]!)).toBeGreaterThan(0.99)
      got.forEach((se, i) => {
        expect(Math.abs(se / fine.standardErrors[i]! - 1)).toBeLessThan(1e-5)
      })
    })
  }
})
