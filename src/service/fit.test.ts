import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ImportError } from '../errors.ts'
import { type NumericTable, parseNumericCsv, streamNumericCsv } from './fit.ts'

const dir = mkdtempSync(join(tmpdir(), 'loyals-parse-'))
let seq = 0
function csv(content: string | Buffer): string {
  const path = join(dir, `t${seq++}.csv`)
  writeFileSync(path, content)
  return path
}
const all = (h: readonly string[]) => h
const errorOf = (f: () => unknown): ImportError => {
  try {
    f()
  } catch (e) {
    if (e instanceof ImportError) return e
    throw e
  }
  throw new Error('expected an ImportError')
}

describe('parseNumericCsv', () => {
  it('reads a multi-megabyte file across buffer boundaries like Number() on each field', () => {
    // ~3 MB: the parser streams 1 MB chunks, so rows straddle chunk ends
    let state = 12345
    const rnd = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0
      return state / 2 ** 32
    }
    const rows: string[][] = []
    for (let i = 0; i < 60_000; i++) {
      rows.push([
        `c${i}`,
        String(Math.floor(rnd() * 300)),
        String(rnd() * 500),
        (rnd() * 1e4).toFixed(2),
        i % 97 === 0 ? '' : i % 89 === 0 ? `${(rnd() * 9).toFixed(3)}e2` : String(-rnd()),
      ])
    }
    const text = `id,x,t_x,T,m\r\n${rows.map((r) => r.join(',')).join('\r\n')}`
    const t = parseNumericCsv(csv(text), (h) => h.filter((n) => n !== 'id'))
    expect(t.rows).toBe(rows.length)
    expect(Object.keys(t.columns)).toEqual(['x', 't_x', 'T', 'm'])
    const names = ['x', 't_x', 'T', 'm']
    let worst = 0
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j < 4; j++) {
        const want = rows[i]![j + 1] === '' ? Number.NaN : Number(rows[i]![j + 1])
        const got = t.columns[names[j]!]![i]!
        if (Number.isNaN(want)) expect(got).toBeNaN()
        else worst = Math.max(worst, Math.abs(got - want) / Math.max(Math.abs(want), 1e-300))
      }
    }
    expect(worst).toBeLessThan(1e-15)
    expect(t.line[0]).toBe(2)
    expect(t.line[rows.length - 1]).toBe(rows.length + 1)
  })

  it('grows its columns when later lines are much shorter than the first ones', () => {
    const long = 'n'.repeat(300)
    const lines = ['note,x']
    for (let i = 0; i < 4000; i++) lines.push(`${long},${i}`)
    for (let i = 4000; i < 150_000; i++) lines.push(`,${i}`)
    const t = parseNumericCsv(csv(lines.join('\n')), () => ['x'])
    expect(t.rows).toBe(150_000)
    const x = t.columns.x!
    let ok = true
    for (let i = 0; i < x.length; i++) if (x[i] !== i) ok = false
    expect(ok).toBe(true)
    expect(t.line[149_999]).toBe(150_001)
  })

  it('skips blank lines and quoted fields with commas and newlines, and counts file lines', () => {
    const p = csv('\uFEFFname,x,T\n"a, ""b""\nc",1,2.5\n\n"d",3,4\nplain,5,6')
    const t = parseNumericCsv(p, (h) => h.filter((n) => n !== 'name'))
    expect(t.rows).toBe(3)
    expect(Array.from(t.columns.x!)).toEqual([1, 3, 5])
    expect(Array.from(t.columns.T!)).toEqual([2.5, 4, 6])
    // the quoted field spans lines 2-3; the blank line is 4
    expect(Array.from(t.line)).toEqual([3, 5, 6])
  })

  it('reads signs, blanks, spaces and exponents', () => {
    const t = parseNumericCsv(csv('a,b\n-1.5,+2\n,1e3\n 7 ,0.\n4,5\n'), all)
    expect(Array.from(t.columns.a!)).toEqual([-1.5, Number.NaN, 7, 4])
    expect(Array.from(t.columns.b!)).toEqual([2, 1000, 0, 5])
  })

  it('names file, line and column of a value that is not a number', () => {
    const e = errorOf(() => parseNumericCsv(csv('x,T\n1,2\n\n3,abc\n'), all))
    expect(e.problems[0]).toMatchObject({ line: 4, column: 'T' })
    expect(e.problems[0]!.reason).toContain('"abc" is not a number')
    // a number in quotes is that number; quoted text is still not one
    expect(Array.from(parseNumericCsv(csv('x,T\n"1",2\n'), all).columns.x!)).toEqual([1])
    const q = errorOf(() => parseNumericCsv(csv('x,T\n"one",2\n'), all))
    expect(q.problems[0]).toMatchObject({ line: 2, column: 'x' })
    expect(q.problems[0]!.reason).toContain('"one" is not a number')
    const dot = errorOf(() => parseNumericCsv(csv('x,T\n1,2\n-,.\n'), all))
    expect(dot.problems[0]).toMatchObject({ line: 3, column: 'x' })
    // a quoted decimal comma, and a quote never closed: said so, not "a quoted value"
    for (const [body, column, field] of [
      ['x,t_x,T\n1,2,5\n"2","10,5","30"\n', 't_x', '"10'],
      ['x,t_x,T\n1,2,5\n"2,10,30\n', 'x', '"2'],
    ] as const) {
      const e = errorOf(() => parseNumericCsv(csv(body), all))
      expect(e.problems[0], body).toMatchObject({ line: 3, column })
      expect(e.problems[0]!.reason).toBe(
        `a quoted value is not closed before the next comma (${field}): a decimal comma ("10,5")? fit reads numbers written with a decimal point; or a quote left open`,
      )
    }
  })

  it('reports a row with too few fields', () => {
    const e = errorOf(() => parseNumericCsv(csv('x,t_x,T\n1,2,3\n4,5\n'), all))
    expect(e.problems[0]).toMatchObject({ line: 3, column: null })
    expect(e.problems[0]!.reason).toBe('expected 3 fields, found 2')
    const blank = errorOf(() => parseNumericCsv(csv('x,t_x,T\n1,2,\n4,,\n7\n'), all))
    expect(blank.problems[0]).toMatchObject({ line: 4 })
  })

  it('reports a row with too many fields (a decimal comma) instead of reading it shifted', () => {
    const wanted = (h: readonly string[]) => h.filter((n) => n !== 'note')
    for (const [body, line] of [
      ['x,t_x,T\n1,2,3\n2,30,42857143,38.8\n', 3],
      ['x,t_x,T\n2,30.4,38.8,EXTRA\n', 2],
      ['x,t_x,T\n2,1e1,38.8,9\n', 2],
      ['x,t_x,note\n2,30,"a,b",5\n', 2],
    ] as const) {
      const e = errorOf(() => parseNumericCsv(csv(body), body.includes('note') ? wanted : all))
      expect(e.problems[0], body).toMatchObject({ line, column: null })
      expect(e.problems[0]!.reason).toMatch(/^expected 3 fields, found more/)
    }
  })

  it('reads a header-only file as zero rows', () => {
    const t = parseNumericCsv(csv('x,t_x,T'), all)
    expect(t.rows).toBe(0)
    expect(t.columns.x!.length).toBe(0)
  })

  it('refuses an empty file as the import does: it has not even a header', () => {
    const p = csv('')
    const e = errorOf(() => parseNumericCsv(p, all))
    expect(e.message).toBe(`${basename(p)}: the file is empty (0 bytes)`)
  })
})

describe('streamNumericCsv', () => {
  /** Every batch's rows appended, as parseNumericCsv would return them whole. */
  const gathered = (path: string, rows: number) => {
    const cols: Record<string, number[]> = {}
    const lines: number[] = []
    const sizes: number[] = []
    const r = streamNumericCsv(path, all, {
      rows,
      onBatch(t: NumericTable) {
        sizes.push(t.rows)
        for (const [k, v] of Object.entries(t.columns)) {
          cols[k] = [...(cols[k] ?? []), ...Array.from(v)]
          expect(v.length).toBe(t.rows)
        }
        lines.push(...Array.from(t.line))
      },
    })
    return { r, cols, lines, sizes }
  }

  it('hands over the same rows and lines as parseNumericCsv, batch by batch', () => {
    const text = 'x,t_x,T\r\n1,2,3\r\n\r\n4, 5 ,6\r\n7,8,9\r\n'.concat(
      Array.from({ length: 20 }, (_, i) => `${i},${i / 7},1e1`).join('\n'),
    )
    const path = csv(text)
    const whole = parseNumericCsv(path, all)
    for (const rows of [1, 3, 7, 1000]) {
      const { r, cols, lines, sizes } = gathered(path, rows)
      expect(r.rows).toBe(whole.rows)
      expect(r.header).toEqual(['x', 't_x', 'T'])
      for (const k of ['x', 't_x', 'T']) expect(cols[k]).toEqual(Array.from(whole.columns[k]!))
      expect(lines).toEqual(Array.from(whole.line))
      // full batches, then the rest
      expect(sizes.slice(0, -1).every((n) => n === rows)).toBe(true)
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(whole.rows)
    }
  })

  it('names the file line of a bad value in a later batch, and calls nothing for a header only', () => {
    const e = errorOf(() => gathered(csv('x,T\n1,2\n3,4\n5,6\n7,oops\n'), 2))
    expect(e.problems[0]).toMatchObject({ line: 5, column: 'T' })
    const empty = gathered(csv('x,T\n'), 4)
    expect(empty.r.rows).toBe(0)
    expect(empty.sizes).toEqual([])
  })
})
