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

test('the examples type-check under strict settings against the built declarations', () => {
  // a user's project: `loyals` is the package's declarations (dist/index.d.ts)
  const dir = tempDir('loyals-readme-tsc-')
  // an ES module project (top-level await)
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n')
  const files = libraryExamples().map((code, i) => {
    const file = join(dir, `example${i}.ts`)
    writeFileSync(file, `${code}\nexport {}\n`)
    return file
  })
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
  const program = ts.createProgram(files, options, host)
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.includes(d.file.fileName))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  expect(problems).toEqual([])
}, 120_000)

test('the sBG expected lifetime is reachable from the package entry, as its siblings are', async () => {
  const lib = await import('../../src/index.ts')
  // (α + β − 1) / (α − 1): 5 periods at α 3, β 8
  expect(lib.sbgExpectedLifetime({ alpha: 3, beta: 8 })).toBe(5)
  expect(lib.sbgExpectedLifetime({ alpha: 0.704, beta: 1.182 })).toBe(Number.POSITIVE_INFINITY)
})
