import { describe, expect, it } from 'vitest'
import { UsageError } from '../../errors.ts'
import { parseOpsConfig } from './config.ts'
import { holdoutDraw, holdoutShare, isHoldout, measureEffect } from './holdout.ts'
import { sha256 } from './sha256.ts'

describe('holdout assignment', () => {
  it('is the first 52 bits of SHA-256(salt:playbook:customer) over 2^52', () => {
    const h = sha256('loyals:welcome:c-1')
    let v = 0
    for (let i = 0; i < 6; i++) v = v * 256 + h[i]!
    v = v * 16 + (h[6]! >> 4)
    expect(holdoutDraw('c-1', 'welcome', 'loyals')).toBe(v / 2 ** 52)
  })

  it('is deterministic and changes with the playbook and the salt', () => {
    const a = holdoutDraw('c-1', 'welcome', 'loyals')
    expect(holdoutDraw('c-1', 'welcome', 'loyals')).toBe(a)
    expect(holdoutDraw('c-1', 'anniversary', 'loyals')).not.toBe(a)
    expect(holdoutDraw('c-1', 'welcome', 'pepper')).not.toBe(a)
  })

  it('puts about `share` of customers in control, uniformly (10,000 ids)', () => {
    const cfg = parseOpsConfig({ holdout: { defaultShare: 0.2 } }).holdout
    let control = 0
    const bins = new Array(10).fill(0)
    let lo = 1
    let hi = 0
    for (let i = 0; i < 10_000; i++) {
      const id = `cust-${i}`
      if (isHoldout(id, 'p', cfg)) control++
      const d = holdoutDraw(id, 'p', cfg.salt)
      lo = Math.min(lo, d)
      hi = Math.max(hi, d)
      bins[Math.floor(d * 10)]++
    }
    expect(lo).toBeGreaterThanOrEqual(0)
    expect(hi).toBeLessThan(1)
    // Binomial(10000, 0.2): sd = 40, so ±200 is 5 sd.
    expect(Math.abs(control - 2000)).toBeLessThan(200)
    // Chi-square with 9 df; 27.9 is the 0.999 quantile.
    const chi = bins.reduce((s, b) => s + (b - 1000) ** 2 / 1000, 0)
    expect(chi).toBeLessThan(27.9)
  })

  it('raising the share only adds customers to control', () => {
    const lo = parseOpsConfig({ holdout: { defaultShare: 0.1 } }).holdout
    const hi = parseOpsConfig({ holdout: { defaultShare: 0.3 } }).holdout
    let inLow = 0
    for (let i = 0; i < 2000; i++) {
      if (isHoldout(`c${i}`, 'p', lo)) inLow++
      if (isHoldout(`c${i}`, 'p', lo)) expect(isHoldout(`c${i}`, 'p', hi)).toBe(true)
    }
    expect(inLow).toBeGreaterThan(100)
  })

  it('uses the per-playbook share, and share 0 means nobody', () => {
    const cfg = parseOpsConfig({
      playbooks: [
        {
          id: 'vip-call',
          department: 'service',
          trigger: { type: 'first_order' },
          actions: [{ type: 'task', role: 'am', title: 'Call' }],
        },
      ],
      holdout: { defaultShare: 0.5, playbooks: { 'vip-call': 0 } },
    }).holdout
    expect(holdoutShare(cfg, 'vip-call')).toBe(0)
    expect(holdoutShare(cfg, 'other')).toBe(0.5)
    for (let i = 0; i < 500; i++) expect(isHoldout(`c${i}`, 'vip-call', cfg)).toBe(false)
  })
})

describe('measureEffect', () => {
  it("reproduces Newcombe's (1998) example 56/70 vs 48/80: difference 0.2, CI 0.0524 to 0.3339", () => {
    const e = measureEffect({ n: 70, converted: 56 }, { n: 80, converted: 48 })
    expect(e.absoluteLift).toBeCloseTo(0.2, 12)
    expect(e.relativeLift).toBeCloseTo(0.2 / 0.6, 12)
    expect(e.differenceInterval!.lower).toBeCloseTo(0.0524, 4)
    expect(e.differenceInterval!.upper).toBeCloseTo(0.3339, 4)
    // Pooled z: p = 104/150, se = sqrt(p(1-p)(1/70 + 1/80))
    const p = 104 / 150
    const z = 0.2 / Math.sqrt(p * (1 - p) * (1 / 70 + 1 / 80))
    expect(e.z).toBeCloseTo(z, 12)
    expect(e.pValue).toBeGreaterThan(0.005)
    expect(e.pValue).toBeLessThan(0.01)
    expect(e.note).toBeNull()
  })

  it('reports no effect for identical rates and a symmetric interval around 0', () => {
    const e = measureEffect({ n: 200, converted: 50 }, { n: 200, converted: 50 })
    expect(e.absoluteLift).toBe(0)
    expect(e.pValue).toBeCloseTo(1, 12)
    expect(e.differenceInterval!.lower).toBeCloseTo(-e.differenceInterval!.upper, 12)
  })

  it('returns nulls with a note when a group is empty or the control never converts', () => {
    const empty = measureEffect({ n: 100, converted: 10 }, { n: 0, converted: 0 })
    expect(empty.absoluteLift).toBeNull()
    expect(empty.pValue).toBeNull()
    expect(empty.treated.rate!.estimate).toBe(0.1)
    expect(empty.note).toMatch(/control group/)
    const zero = measureEffect({ n: 100, converted: 10 }, { n: 50, converted: 0 })
    expect(zero.absoluteLift).toBeCloseTo(0.1, 12)
    expect(zero.relativeLift).toBeNull()
    expect(zero.note).toMatch(/relative lift/)
  })

  it('rejects impossible counts', () => {
    expect(() => measureEffect({ n: 5, converted: 6 }, { n: 5, converted: 1 })).toThrow(UsageError)
    expect(() => measureEffect({ n: -1, converted: 0 }, { n: 5, converted: 1 })).toThrow(UsageError)
    expect(() =>
      measureEffect({ n: 5, converted: 1 }, { n: 5, converted: 1 }, { confidence: 1 }),
    ).toThrow(UsageError)
  })
})
