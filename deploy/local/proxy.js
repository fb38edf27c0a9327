// A small reverse proxy for `npm run cluster`: spreads requests over the
// gateways round-robin, and sends a request to the next gateway when one does
// not answer (a killed gateway). Streams (SSE) are piped as they come; when a
// gateway dies mid-stream the client's stream is cut too, and the client
// reconnects with Last-Event-ID and lands on a live gateway.
// Usage: node deploy/local/proxy.js <port> <backend port>...
'use strict';
const http = require('node:http');

const [port, ...backends] = process.argv.slice(2).map(Number);
if (!port || backends.length === 0) {
  process.stderr.write('usage: proxy.js <port> <backend port>...\n');
  process.exit(2);
}
let next = 0;

function forward(req, res, body, tried) {
  const backend = backends[(next + tried) % backends.length];
  const upstream = http.request(
    { host: '127.0.0.1', port: backend, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      res.on('close', () => answer.destroy());
      // A gateway that dies mid-answer (killed under an SSE stream) ends the
      // client's answer too: piping alone would leave it open with nothing ever
      // written to it, and the client would never reconnect with Last-Event-ID.
      answer.on('close', () => {
        if (!answer.complete) res.destroy();
      });
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    if (tried + 1 < backends.length) return forward(req, res, body, tried + 1);
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"code":"gateway.unavailable","message":"no gateway answered"}');
  });
  upstream.end(body);
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      next = (next + 1) % backends.length;
      forward(req, res, Buffer.concat(chunks), 0);
    });
  })
  .listen(port, '127.0.0.1', () => {
    process.stderr.write(`[proxy] 127.0.0.1:${port} -> ${backends.join(', ')}\n`);
  });
