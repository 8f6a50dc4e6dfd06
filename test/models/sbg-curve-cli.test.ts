// `loyals fit --model sbg` reports the fitted curve (observed and fitted S(t) and r(t), 5 periods
// projected) and the expected lifetime, against mpmath at its own MLE
// (scripts/fixtures/sbg_curve.py): the fit printed only the parameters.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { fixtureJson } from './fixtures.ts'

interface Table {
  shares: number[]
  survival: number[]
  retention: (number | null)[]
  meanLifetime: number | null
  del10: number
}
interface Point {
  period: number
  observedSurvival: number | null
  fittedSurvival: number
  observedRetention: number | null
  fittedRetention: number | null
}
const F = fixtureJson<Record<'regular' | 'long', Table>>('sbg_curve.json')
const dir = tempDir('loyals-sbg-curve-')
// the MLE agrees with mpmath's to ~1e-7, so values at it do too
const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6 * Math.max(1, b))

describe('loyals fit --model sbg: the retention curve and the expected lifetime', () => {
  for (const name of ['regular', 'long'] as const) {
    it(`${name}: --json curve, lifetime and DEL, and the text table`, () => {
      const t = F[name]
      const file = join(dir, `${name}.csv`)
      writeFileSync(file, `year,pct\n${t.shares.map((s, i) => `${i},${s}`).join('\n')}\n`)
      const r = runCli(['fit', file, '--model', 'sbg', '--json'])
      expect(r.code).toBe(0)
      const j = JSON.parse(r.stdout) as {
        curve: Point[]
        lifetime: { meanPeriods: number | null; discountRate: number; discountedPeriods: number }
      }
      expect(j.curve.map((c) => c.period)).toEqual(t.survival.map((_, i) => i))
      j.curve.forEach((c, i) => {
        near(c.fittedSurvival, t.survival[i]!)
        if (i === 0) expect(c.fittedRetention).toBeNull()
        else near(c.fittedRetention!, t.retention[i]!)
        const obs = t.shares[i]
        // the share as written, read as a decimal (86.9 % is 0.869, not 86.9 / 100 in doubles)
        expect(c.observedSurvival).toBe(obs === undefined ? null : Number(`${obs}e-2`))
        const prev = t.shares[i - 1]
        if (obs === undefined || prev === undefined) expect(c.observedRetention).toBeNull()
        else near(c.observedRetention!, obs / prev)
      })
      if (t.meanLifetime === null) expect(j.lifetime.meanPeriods).toBeNull()
      else near(j.lifetime.meanPeriods!, t.meanLifetime)
      expect(j.lifetime.discountRate).toBe(0.1)
      near(j.lifetime.discountedPeriods, t.del10)

      const text = runCli(['fit', file, '--model', 'sbg']).stdout
      const last = t.shares.length - 1
      expect(text).toMatch(/period\s+observed S\s+fitted S\s+observed r\s+fitted r/)
      expect(text).toMatch(
        new RegExp(`\\n${last + 1}\\*\\s+–\\s+${(t.survival[last + 1]! * 100).toFixed(1)}%`),
      )
      expect(text).toContain(
        `discounted at 10 % per period (DEL, first period undiscounted) ${t.del10.toFixed(3)} periods`,
      )
      expect(text).toContain(
        t.meanLifetime === null ? 'mean infinite' : `mean ${t.meanLifetime.toFixed(2)} periods`,
      )
    })
  }
})
