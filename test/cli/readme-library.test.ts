// The README's library examples run as written, against the built package (dist/index.js), with
// `loyals` and the bundled data path resolved to this checkout: a user copying them gets what the
// README says (an example once named arrays it never defined).
import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { expect, test } from 'vitest'
import { tempDir } from '../helpers/cli.ts'

const ROOT = resolve(import.meta.dirname, '../..')

/** The ```ts blocks of the README's "Library" section. */
function libraryExamples(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const from = readme.indexOf('## Library')
  const section = readme.slice(from, readme.indexOf('\n## ', from + 3))
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
}

/** Run one example as an ES module in `dir`, with `tail` appended; its stdout. */
function run(dir: string, code: string, tail: string): string {
  const entry = join(ROOT, 'dist/index.js')
  // the examples are TypeScript: their types taken out, as a user's build would
  const plain = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText
  const js = plain
    .replace(/from 'loyals'/g, `from ${JSON.stringify(entry)}`)
    .replace(/node_modules\/loyals\/data\//g, `${join(ROOT, 'data')}/`)
  const file = join(dir, `example-${Math.random().toString(36).slice(2)}.mjs`)
  writeFileSync(file, `${js}\n${tail}\n`)
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })
}

test('the README has the two library examples', () => {
  expect(libraryExamples()).toHaveLength(2)
})

test('the analyze example writes the files and the shares it prints', () => {
  const dir = tempDir('loyals-readme-')
  copyFileSync(join(ROOT, 'data/cdnow/cdnow_sample_orders.csv'), join(dir, 'orders.csv'))
  const out = run(dir, libraryExamples()[0]!, '')
  // topShares, the model and the CSV path, as console.log prints them
  expect(out).toContain('percent: 10')
  expect(out).toContain('loyals-out/customers.csv')
  expect(readFileSync(join(dir, 'loyals-out/summary.json'), 'utf8')).toContain('"topShares"')
}, 120_000)

test('the model example fits the published BG/NBD and gives the P(alive) its comment says', () => {
  const dir = tempDir('loyals-readme-')
  const out = run(
    dir,
    libraryExamples()[1]!,
    'console.log(JSON.stringify({ params: fit.params, ll: fit.logLikelihood, pAlive }))',
  )
  const r = JSON.parse(out.trim().split('\n').at(-1)!)
  // Fader, Hardie & Lee (2005): r 0.2426, alpha 4.4136, a 0.7929, b 2.4259, LL -9582.43
  expect(r.params.r).toBeCloseTo(0.2426, 4)
  expect(r.params.alpha).toBeCloseTo(4.4136, 3)
  expect(r.ll).toBeCloseTo(-9582.43, 2)
  expect(r.pAlive).toBeCloseTo(0.7266, 4)
}, 120_000)

test('the model example runs where DuckDB cannot load: the models do not need it', () => {
  // a platform without DuckDB's prebuilt native module: the engine's packages do not resolve
  const dir = tempDir('loyals-readme-noduck-')
  const hook = join(dir, 'no-duckdb.mjs')
  writeFileSync(
    hook,
    `export async function resolve(s, c, next) { if (s.startsWith('@duckdb/')) throw new Error('no DuckDB here: ' + s); return next(s, c) }\n`,
  )
  const register = join(dir, 'register.mjs')
  writeFileSync(
    register,
    `import { register } from 'node:module'\nregister(${JSON.stringify(`file://${hook}`)})\n`,
  )
  const entry = join(ROOT, 'dist/index.js')
  const code = `const { bgnbd, compressHistories } = await import(${JSON.stringify(entry)})
const h = compressHistories([2, 0, 5], [30, 0, 36], [38, 38, 38])
console.log(bgnbd.probabilityAlive({ r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, 2, 30.43, 38.86), h.customers)`
  const out = execFileSync(
    process.execPath,
    ['--import', register, '--input-type=module', '-e', code],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  )
  const [pAlive, customers] = out.trim().split(' ').map(Number)
  expect(pAlive).toBeCloseTo(0.7266, 4)
  expect(customers).toBe(3)
  // and the hook does refuse DuckDB: opening a workspace fails with its message
  const open = `const { openWorkspace } = await import(${JSON.stringify(entry)}); await openWorkspace(${JSON.stringify(join(dir, 'w.duckdb'))})`
  expect(() =>
    execFileSync(process.execPath, ['--import', register, '--input-type=module', '-e', open], {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
    }),
  ).toThrow(/no DuckDB here/)
}, 60_000)

/** Type errors of `files` (a user's strict ES module project importing `loyals`). */
function typeProblems(dir: string, files: string[]): string[] {
  const host = ts.createCompilerHost({})
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    paths: { loyals: [join(ROOT, 'dist/index.d.ts')] },
  }
  // an ES module project (top-level await)
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n')
  const program = ts.createProgram(files, options, host)
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.includes(d.file.fileName))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

test('the examples type-check under strict settings against the built declarations', () => {
  // a user's project: `loyals` is the package's declarations (dist/index.d.ts)
  const dir = tempDir('loyals-readme-tsc-')
  const files = libraryExamples().map((code, i) => {
    const file = join(dir, `example${i}.ts`)
    writeFileSync(file, `${code}\nexport {}\n`)
    return file
  })
  expect(typeProblems(dir, files)).toEqual([])
}, 120_000)

test("model parameters are exact types: a caller's interface is accepted, a misspelt field is not", () => {
  const dir = tempDir('loyals-params-tsc-')
  const file = join(dir, 'params.ts')
  writeFileSync(
    file,
    `import { bgnbd, expectedSpend, type BgParams } from 'loyals'
interface Stored { r: number; alpha: number; a: number; b: number }
const stored: Stored = { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }
bgnbd.probabilityAlive(stored, 2, 30, 38)
interface Spend { readonly p: number; readonly q: number; readonly gamma: number }
const g: Spend = { p: 6.25, q: 3.74, gamma: 15.44 }
expectedSpend(g, 2, 20)
const p: BgParams = stored
export const typo: number = p.rr
`,
  )
  // the one error: the misspelt field (it compiled as a number, undefined at run time)
  expect(typeProblems(dir, [file])).toEqual(["Property 'rr' does not exist on type 'BgParams'."])
}, 120_000)

test('the sBG expected lifetime is reachable from the package entry, as its siblings are', async () => {
  const lib = await import('../../src/index.ts')
  // (α + β − 1) / (α − 1): 5 periods at α 3, β 8
  expect(lib.sbgExpectedLifetime({ alpha: 3, beta: 8 })).toBe(5)
  expect(lib.sbgExpectedLifetime({ alpha: 0.704, beta: 1.182 })).toBe(Number.POSITIVE_INFINITY)
})
