import { describe, expect, test } from 'vitest'
import { flattenObjects, structFields } from './import-stage.ts'

describe('structFields', () => {
  test('reads the fields of a struct type as DESCRIBE writes it', () => {
    expect(structFields('STRUCT(id BIGINT, email VARCHAR, "first name" VARCHAR)')).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'email', type: 'VARCHAR' },
      { name: 'first name', type: 'VARCHAR' },
    ])
    // nested types keep their commas; quoted names their quotes and commas
    expect(
      structFields('STRUCT(a DECIMAL(10,2), "x, ""y""" STRUCT(b INTEGER, c VARCHAR[]))'),
    ).toEqual([
      { name: 'a', type: 'DECIMAL(10,2)' },
      { name: 'x, "y"', type: 'STRUCT(b INTEGER, c VARCHAR[])' },
    ])
  })

  test('any other type is not a struct: lists of structs, plain types, maps', () => {
    expect(structFields('STRUCT(sku VARCHAR, qty BIGINT)[]')).toBeNull()
    expect(structFields('VARCHAR')).toBeNull()
    expect(structFields('MAP(VARCHAR, INTEGER)')).toBeNull()
  })
})

describe('flattenObjects', () => {
  test('spreads struct columns one level and reads JSON values as text', () => {
    const r = flattenObjects('src', [
      { column_name: 'id', column_type: 'BIGINT' },
      { column_name: 'customer', column_type: 'STRUCT(id JSON, "e mail" VARCHAR)' },
      { column_name: 'total', column_type: 'JSON' },
    ])
    expect(r.columns).toEqual(['id', 'customer.id', 'customer.e mail', 'total'])
    // a JSON value's text, NULL for null and NaN (Python's json writes NaN for a missing float)
    const text = (v: string) =>
      `CASE WHEN json_type(${v}) = 'DOUBLE' AND isnan(TRY_CAST(${v} AS DOUBLE)) THEN NULL ELSE json_extract_string(${v}, '$') END`
    expect(r.source).toBe(
      `(SELECT "id", ${text('"customer"."id"')} AS "customer.id", "customer"."e mail" AS "customer.e mail", ${text('"total"')} AS "total" FROM src)`,
    )
  })

  test('leaves a source without objects or JSON as it is', () => {
    const r = flattenObjects('src', [{ column_name: 'a', column_type: 'VARCHAR' }])
    expect(r).toEqual({ source: 'src', columns: ['a'] })
  })
})
