import { describe, expect, it } from 'vitest'
import { quoteRunsOn, splitCsvLine } from './csv-quotes.ts'

describe('quoteRunsOn', () => {
  it('finds a quote that takes the lines after it', () => {
    expect(quoteRunsOn('a,b\n1,"C1,x\n2,y\n3,z\n', ',')).toBe(true)
    expect(quoteRunsOn('a;b\r\n1;"C1;x\r\n2;y\r\n3;z\r\n', ';')).toBe(true)
  })
  it('passes closed values, multi-line ones, doubled quotes and junk after a closing quote', () => {
    expect(quoteRunsOn('a,b\n1,"x\ny"\n2,"12" pipe"\n3,"say ""hi"""\n', ',')).toBe(false)
    // an inch mark inside an unquoted value opens nothing
    expect(quoteRunsOn('a,b\n1,12" pipe\n2,y\n3,z\n', ',')).toBe(false)
  })
  it('a value left open on the last line runs over nothing', () => {
    expect(quoteRunsOn('a,b\n1,"x\ny"\n2,"open\n', ',')).toBe(false)
  })
})

describe('splitCsvLine', () => {
  it('keeps a quoted delimiter and a doubled quote inside their field', () => {
    expect(splitCsvLine('id,"Total, USD",x', ',')).toEqual(['id', 'Total, USD', 'x'])
    expect(splitCsvLine('a;"say ""hi""";', ';')).toEqual(['a', 'say "hi"', ''])
  })
  it('opens no quote inside a field, and keeps what follows a closing quote', () => {
    expect(splitCsvLine('12" pipe,b', ',')).toEqual(['12" pipe', 'b'])
    expect(splitCsvLine('"a"b,c', ',')).toEqual(['ab', 'c'])
  })
})
