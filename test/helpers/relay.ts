// A TCP relay to a test server that a test can cut (every connection through it closed, new ones
// refused) and open again on the same port: a real outage of PostgreSQL as its client sees it.
import { connect, createServer, type Server, type Socket } from 'node:net'

/** A relay from a local port to `target` that can be closed (refusing connections) and opened. */
export function relay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0
  const open = () =>
    new Promise<void>((resolve) => {
      if (server) return resolve()
      server = createServer((client) => {
        const up = connect(target)
        for (const s of [client, up]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(up).pipe(client)
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server ? server.close(() => resolve()) : resolve()
      server = null
    })
  return { open, close, port: () => port }
}

/**
 * A relay to the server of a postgres:// `location`, opened, and the same URL through it.
 * @example const { link, url } = await relayTo(store.location); await link.close() // an outage
 */
export async function relayTo(
  location: string,
): Promise<{ link: ReturnType<typeof relay>; url: string }> {
  const url = new URL(location)
  const link = relay({ host: url.hostname, port: Number(url.port || 5432) })
  await link.open()
  url.hostname = '127.0.0.1'
  url.port = String(link.port())
  return { link, url: url.toString() }
}
