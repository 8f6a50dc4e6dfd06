// Requests that Node's HTTP parser refuses before the app runs (an unknown method, a request line
// and headers over Node's header limit, a request that times out) get the API's JSON error body,
// where Node writes an empty one. There is no response object then: the answer goes to the socket.
import { maxHeaderSize, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { type ErrorBody, errorBody } from './errors.ts'

/** A parser error as Node raises it: `code` HPE_* (llhttp's name), `reason` llhttp's text. */
interface ClientError extends Error {
  readonly code?: string
  readonly reason?: string
}

/** How long a refused connection may stay open for its client to read the answer and close. */
const LINGER_MS = 2_000

/** The status and body for a parser error: Node's own status for it, 400 for any other. */
export function clientErrorAnswer(e: ClientError): { status: number; body: ErrorBody } {
  switch (e.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        body: errorBody(
          'headers_too_large',
          `the request line and headers are over ${maxHeaderSize} bytes`,
          { limit: maxHeaderSize },
        ),
      }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        body: errorBody('payload_too_large', 'the chunk extensions are too large', {}),
      }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        body: errorBody('request_timeout', 'the request did not arrive in time', {}),
      }
    default: {
      const reason = e.reason ?? 'malformed request'
      return {
        status: 400,
        body: errorBody('invalid_request', `the request is not valid HTTP: ${reason}`, [
          { path: '', reason },
        ]),
      }
    }
  }
}

/**
 * The server's 'clientError' listener: writes the JSON answer and closes the connection.
 * Like Node's default listener, it writes nothing when a response on this connection has begun
 * (a pipelined request after it): an answer then would land inside that response.
 */
export function answerClientError(e: ClientError, socket: Duplex): void {
  // internal to node:http, and what its default listener checks: the response being written
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage
  if (e.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  // a request before the bad bytes is still being answered (pipelined, its handler waiting on the
  // store): its answer goes first, then this one; ended at once, the request was stored but its
  // client got only the 400
  if (inFlight && !inFlight.writableFinished) {
    inFlight.once('finish', () => answerClientError(e, socket))
    inFlight.once('close', () => {
      if (!inFlight.writableFinished) socket.destroy()
    })
    return
  }
  const { status, body } = clientErrorAnswer(e)
  const json = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'connection: close\r\n' +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  )
  // end() rather than destroy(): unread request bytes would turn the close into a reset that can
  // discard the answer before the client reads it. The timer bounds a client that never closes
  // (server.close() waits for every connection).
  setTimeout(() => socket.destroy(), LINGER_MS).unref()
}
