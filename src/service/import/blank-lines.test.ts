import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { blankHint, blankLines, lfCopy, lineScan, mixedLineEndings } from './blank-lines.ts'

const dir = mkdtempSync(join(tmpdir(), 'loyals-lines-'))

describe('line scans', () => {
  it('lfCopy turns every CR LF into LF, also across read chunks, and keeps lone CRs', async () => {
    // the read stream hands over 64 KiB chunks: put a CR LF across the first boundary
    const pad = 'a'.repeat(65535 - 'x,y\r\n'.length)
    const text = `x,y\r\n${pad}\r\nb,c\nd\re\r\n`
    expect(text.indexOf('\r\n', 10)).toBe(65535)
    for (const gz of [false, true]) {
      const f = join(dir, gz ? 'm.csv.gz' : 'm.csv')
      writeFileSync(f, gz ? gzipSync(text) : text)
      const copy = await lfCopy(f, gz)
      expect(readFileSync(copy.path, 'utf8')).toBe(text.replaceAll('\r\n', '\n'))
      await copy.remove()
    }
  })

  it('mixedLineEndings names the first line of each kind, outside quotes', async () => {
    const f = join(dir, 'q.csv')
    writeFileSync(f, 'a,b\r\n1,"x\ny"\r\n2,z\n')
    expect(await mixedLineEndings(f, false)).toEqual({ crlf: 1, lf: 4 })
    writeFileSync(f, 'a,b\r\n1,"x\ny"\r\n')
    expect(await mixedLineEndings(f, false)).toBeNull()
  })

  it('blankLines: runs with the records before them; trailing blanks left out', async () => {
    const f = join(dir, 'b.csv')
    writeFileSync(f, '\na,b\n1,2\n\n\n3,"4\n\n5"\n\r\n6,7\n\n')
    expect(await blankLines(f, { format: 'csv', gzip: false })).toEqual([
      { line: 1, count: 1, recordsBefore: -1 },
      { line: 4, count: 2, recordsBefore: 1 },
      { line: 9, count: 1, recordsBefore: 2 },
    ])
  })

  it('blankHint: a blank line before content, also across chunks; not trailing ones', () => {
    const fed = (...chunks: string[]) => {
      const h = blankHint()
      for (const c of chunks) h.push(Buffer.from(c))
      return h.found
    }
    expect(fed('a,b\n1,2\n')).toBe(false)
    expect(fed('a,b\n1,2\n\n\n')).toBe(false)
    expect(fed('a,b\n1,2\n\n', '\n3,4\n')).toBe(true)
    expect(fed('a,b\n1,2\n', '\n3,4\n')).toBe(true)
    expect(fed('a,b\r\n1,2\r\n', '\r\n3,4\r\n')).toBe(true)
    expect(fed('\na,b\n')).toBe(true)
    expect(fed('a,b\r\n1,2\r\n')).toBe(false)
  })

  it('lineScan: content lines once a quote appears, counted from the file start', async () => {
    const scanned = async (chunks: string[], gzip = false) => {
      const text = chunks.join('')
      const f = join(dir, `scan-${Math.random().toString(36).slice(2)}.csv${gzip ? '.gz' : ''}`)
      writeFileSync(f, gzip ? gzipSync(text) : text)
      const s = lineScan()
      for (const c of chunks) s.push(Buffer.from(c))
      return (await s.finish(f, gzip)).contentLines
    }
    // no quote character: no value can span lines, nothing is counted
    expect(await scanned(['a,b\n1,2\n3,4\n'])).toBeNull()
    // a quote in a later chunk: the chunks before it are counted by a second read
    expect(await scanned(['a,b\n1,2\n', '"x\ny",2\n'])).toBe(4)
    expect(await scanned(['a,b\n1,2\n', '"x\ny",2\n'], true)).toBe(4)
    expect(await scanned(["a,b\nO'Brien,2\n3,4"])).toBe(3)
    // trailing line breaks end no content line, also in a chunk of their own
    expect(await scanned(['a,"b"\r\n1,2\r\n', '\r\n\n'])).toBe(2)
    expect(await scanned(['"a",b\n1,2\n\n3,4\n\n'])).toBe(4)
  })
})
