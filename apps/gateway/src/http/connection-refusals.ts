/**
 * What Node's HTTP server refuses before a request reaches Express: a request
 * or its headers past the deadline (408, GATEWAY_REQUEST_TIMEOUT_MS), headers
 * too large (431), a request the parser cannot read (400). Node answers these
 * on the raw socket and tells no one; the gateway answers them itself, in its
 * `{ error }` form, and tells the refusal observer, so they leave a trace in
 * the law-enforcement log like every other refusal. A client that went away
 * (reset, closed) refused nothing: its socket is only closed.
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClientErrorAnswer } from '@liaison/runtime';

export interface ConnectionRefusal extends ClientErrorAnswer {
  readonly message: string;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** The refusal a parser or timeout error stands for; undefined for a client that went away. */
export function connectionRefusalOf(error: {
  readonly code?: unknown;
}): ConnectionRefusal | undefined {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_DESTROYED':
    case 'HPE_CLOSED_CONNECTION':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request.timeout',
        message: 'the request (headers and body) did not arrive within the request timeout',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'request.headers-too-large',
        message: 'the headers are too large',
      };
    default:
      return {
        status: 400,
        code: 'request.malformed',
        message: 'the request is not valid HTTP/1.1',
      };
  }
}

/** The whole answer, written straight to the socket (no request or response object exists). */
export function rawAnswer(refusal: ConnectionRefusal): string {
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  return (
    `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? 'Error'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * Answers the server's client errors and tells `observe` of each refusal
 * (it must not throw). Nothing is written once a response has begun.
 */
export function answerConnectionRefusals(
  server: http.Server,
  observe: (refusal: ConnectionRefusal) => void,
): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const refusal = connectionRefusalOf(error);
    const untouched = (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0;
    if (refusal === undefined || !socket.writable || !untouched) {
      if (refusal !== undefined) observe(refusal);
      socket.destroy();
      return;
    }
    observe(refusal);
    // Closed once the answer is flushed, or after a second for a client that does not read.
    setTimeout(() => socket.destroy(), 1000).unref();
    socket.end(rawAnswer(refusal), () => socket.destroy());
  });
}
