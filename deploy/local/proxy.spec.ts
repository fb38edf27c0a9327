/**
 * The reverse proxy of `npm run cluster` (deploy/local/proxy.js) in front of
 * two real backend processes: an event stream whose gateway is killed
 * mid-stream is cut for the client too (so it reconnects with Last-Event-ID),
 * and the reconnection lands on the live one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';

const PROXY = path.join(__dirname, 'proxy.js');
/** Three processes start on a machine that may be loaded. */
jest.setTimeout(60_000);
/** A cut stream closes at once; this only bounds a stream that never closes. */
const CUT_WITHIN_MS = 15_000;

/** A stand-in gateway: every request gets an open event stream naming the backend. */
const BACKEND = `
const name = process.argv[1];
require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('id: 1\\ndata: ' + name + '\\n\\n');
  })
  .listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('up\\n'));
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts a child and resolves once it wrote `ready` to the stream given. */
function started(child: ChildProcess, stream: 'stdout' | 'stderr'): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    child[stream]?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was up`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Opens a stream through the proxy; resolves with the answer and its first chunk. */
function openStream(port: number): Promise<{ res: IncomingMessage; first: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/feed/stream' }, (res) => {
      res.once('data', (chunk: Buffer) => resolve({ res, first: chunk.toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the cluster reverse proxy', () => {
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('cuts a stream whose gateway is killed, and the reconnection lands on the live one', async () => {
    const [a, b, proxyPort] = [await freePort(), await freePort(), await freePort()];
    const backends = await Promise.all(
      [
        ['first', a],
        ['second', b],
      ].map(([name, port]) => {
        const child = spawn(process.execPath, ['-e', BACKEND, String(name), String(port)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        children.push(child);
        return started(child, 'stdout');
      }),
    );
    const proxy = spawn(process.execPath, [PROXY, String(proxyPort), String(a), String(b)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(proxy);
    await started(proxy, 'stderr');

    // Round robin: the first request goes to the second backend, the next to the first.
    await openStream(proxyPort).then(({ res }) => res.destroy());
    const { res, first } = await openStream(proxyPort);
    expect(first).toBe('id: 1\ndata: first\n\n');
    const cut = new Promise<'cut'>((resolve) => res.once('close', () => resolve('cut')));
    const killedAt = Date.now();
    backends[0]?.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      cut,
      new Promise<'still open'>(
        (resolve) => (timer = setTimeout(() => resolve('still open'), CUT_WITHIN_MS)),
      ),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('cut');
    expect(Date.now() - killedAt).toBeLessThan(CUT_WITHIN_MS);

    // Either turn of the round robin ends on the live backend.
    for (let i = 0; i < 2; i++) {
      const again = await openStream(proxyPort);
      expect(again.first).toBe('id: 1\ndata: second\n\n');
      again.res.destroy();
    }
  });
});
