import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.ts'

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let buf = ''
  const w = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk)
      cb()
    },
  }) as unknown as NodeJS.WriteStream & Record<string, unknown>
  w.isTTY = tty
  w.columns = 80
  w.cursorTo = () => true
  w.clearLine = () => true
  w.moveCursor = () => true
  return { stream: w, text: () => buf }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('createProgress', () => {
  it('draws nothing when the stream is not a terminal, even for slow steps', async () => {
    const s = fakeStream(false)
    const p = createProgress({ total: 2, stream: s.stream, delayMs: 5 })
    const slow = async () => {
      await sleep(40)
      return 7
    }
    expect(await p.step('slow', slow)).toBe(7)
    p.stop()
    expect(s.text()).toBe('')
  })

  it('draws nothing on a terminal when every step is fast', async () => {
    const s = fakeStream(true)
    const p = createProgress({ total: 2, stream: s.stream, delayMs: 200 })
    await p.step('a', async () => 1)
    await p.step('b', async () => 2)
    p.stop()
    expect(s.text()).toBe('')
  })

  it('shows the bar with the step name once a step is slow, on a terminal', async () => {
    const s = fakeStream(true)
    const p = createProgress({ total: 3, stream: s.stream, delayMs: 10 })
    await p.step('fast', async () => 1)
    await p.step('ranking customers', () => sleep(80))
    p.stop()
    expect(s.text()).toContain('ranking customers')
    expect(s.text()).toContain('1/3')
  })

  it('passes errors through and still stops cleanly', async () => {
    const s = fakeStream(true)
    const p = createProgress({ total: 1, stream: s.stream, delayMs: 5 })
    await expect(
      p.step('boom', async () => {
        await sleep(20)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(() => p.stop()).not.toThrow()
  })

  it('writes each step and its milliseconds when tracing, even off a terminal', async () => {
    const s = fakeStream(false)
    const p = createProgress({ total: 2, stream: s.stream, trace: true })
    expect(await p.step('reading', async () => 3)).toBe(3)
    await expect(
      p.step('writing', async () => {
        throw new Error('disk full')
      }),
    ).rejects.toThrow('disk full')
    p.stop()
    expect(s.text()).toMatch(/^step +\d+ ms {2}reading\nstep +\d+ ms {2}writing\n$/)
  })
})
