/**
 * The HTTP server's own refusals (a request past its deadline, a request that
 * is not HTTP) are answered in the hub's error form and told to the observer;
 * a real server on a loopback port, raw sockets as clients.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import {
  answerConnectionRefusals,
  connectionRefusalOf,
  rawAnswer,
  type ConnectionRefusal,
} from './connection-refusals';

describe('connectionRefusalOf', () => {
  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request.timeout'],
    ['HPE_HEADER_OVERFLOW', 431, 'request.headers-too-large'],
    ['HPE_INVALID_METHOD', 400, 'request.malformed'],
    [undefined, 400, 'request.malformed'],
  ])('%s → %d %s', (code, status, reason) => {
    expect(connectionRefusalOf({ code })).toMatchObject({ status, code: reason });
  });

  it.each(['ECONNRESET', 'EPIPE', 'HPE_CLOSED_CONNECTION'])(
    'a client that went away (%s) refused nothing',
    (code) => {
      expect(connectionRefusalOf({ code })).toBeUndefined();
    },
  );

  it('answers with a complete HTTP response whose body is the error', () => {
    const answer = rawAnswer({ status: 408, code: 'request.timeout', message: 'late ✓' });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head?.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body ?? '')}`);
    expect(head).toContain('Connection: close');
    expect(JSON.parse(body ?? '')).toEqual({
      error: { code: 'request.timeout', message: 'late ✓' },
    });
  });
});

describe('answerConnectionRefusals on a real server', () => {
  let server: http.Server;
  let port = 0;
  const observed: ConnectionRefusal[] = [];

  beforeAll(async () => {
    server = http.createServer(
      { requestTimeout: 300, headersTimeout: 300, connectionsCheckingInterval: 50 },
      (_req, res) => res.end('ok'),
    );
    answerConnectionRefusals(server, (r) => observed.push(r));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    observed.length = 0;
  });

  /** Sends `first`, then nothing more; the whole answer once the server closes. */
  function rawExchange(first: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(first));
      let response = '';
      socket.on('data', (c: Buffer) => (response += c.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(response));
    });
  }

  it('answers headers that never finish 408 request.timeout, and tells the observer', async () => {
    const response = await rawExchange('GET / HTTP/1.1\r\nHost: x\r\n');
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(response).toContain('"code":"request.timeout"');
    expect(observed).toEqual([expect.objectContaining({ status: 408, code: 'request.timeout' })]);
  });

  it('answers what is not HTTP 400 request.malformed, and tells the observer', async () => {
    const response = await rawExchange('HELLO THERE\r\n\r\n');
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(observed).toEqual([expect.objectContaining({ status: 400, code: 'request.malformed' })]);
  });

  it('serves an ordinary request as before, refusing nothing', async () => {
    const response = await rawExchange('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(observed).toEqual([]);
  });
});
