// A --value expression is read token by token, as the engine reads it: comments, calls after a
// dot and keywords glued to numbers can no longer smuggle a function past the check (an
// expression used them to read /etc/passwd through read_text). docs/insights.md: column names,
// numbers, + - * / ( ) , and the listed functions only.
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { checkValueExpression } from '../../src/service/insights/context.ts'

const COLUMNS = new Set(['revenue', 'orders', 'predicted_value', 'total_value'])

describe('value expressions', () => {
  it.each([
    'revenue * 2',
    'revenue - 10 * orders',
    'ln(1 + revenue)',
    'coalesce(predicted_value, 0) + revenue',
    '1e6 * revenue / 2.5E-3',
    '.5 * revenue',
    'power(revenue, 0.5) + sqrt(abs(total_value))',
    'revenue - -1',
    '  ( revenue )  ',
  ])('takes %s', (sql) => {
    expect(checkValueExpression(sql, COLUMNS)).toBe(sql)
  })

  it.each([
    ['random/**/()', /no comments/],
    ['revenue -- a comment', /no comments \(for a minus before a minus write "- -"\)/],
    // a block comment is told apart: the "- -" advice is no help there
    ['revenue /* a */ + 1', /no comments \(\/\* \.\.\. \*\/\)$/],
    [
      "content.replace((10).chr(),(124).chr()))AS DOUBLE),1from read_text/**/('x')--",
      /no comments/,
    ],
    ['revenue.round()', /"\." is not allowed/],
    ['(10).chr()', /"\." is not allowed/],
    ['1from customers', /"1f" is not a number/],
    ['10.x', /"10\.x" is not a number/],
    ['1.2.3', /"1\.2\." is not a number/],
    ['read_text(1)', /read_text\(\) is not one of the functions allowed/],
    ['random ()', /random\(\) is not one of the functions allowed/],
    ['current_date', /current_date is not a column of the customers/],
    ['revenu * 2', /revenu is not a column/],
    ['revenue; SELECT 1', /";" is not allowed/],
    ["'a'", /"'" is not allowed/],
    ['revenue = 1', /"=" is not allowed/],
    ['(SELECT 1)', /SELECT is not a column .*would make a query of it/],
    ['order', /order is not a column of the customers \(did you mean orders\?\)/],
    ['revenue)', /a \) closes no \(/],
    ['(revenue', /a \( is not closed/],
    ['', /use column names/],
  ])('refuses %s', (sql, why) => {
    expect(() => checkValueExpression(sql, COLUMNS)).toThrow(UsageError)
    expect(() => checkValueExpression(sql, COLUMNS)).toThrow(why)
  })

  it('leaves the columns to the probe when it does not know them (the command line)', () => {
    expect(checkValueExpression('anything * 2')).toBe('anything * 2')
    expect(() => checkValueExpression('read_text(1)')).toThrow(UsageError)
  })
})
