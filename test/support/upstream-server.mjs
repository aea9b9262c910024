/**
 * The upstream servers of test/support/upstream.ts, run inside the test's own
 * network namespace (`ip netns exec <ns> node upstream-server.mjs <config>`):
 * HTTP on 80 and 8080, HTTPS on 443, every one on all of the namespace's
 * addresses. Plain JavaScript so that it runs on any node without a loader.
 *
 * Each connection and request is reported on stdout as one JSON line
 * ({"hit": …}), so that a test can tell whether anything at all reached a
 * server, and where: the local address, the port, the TLS server name, the
 * Host header. Each response says the same (a JSON body, or the
 * x-gvctest-reached header of /bytes/<n>). /files/<path> serves config.files. /barrier/<key>/<n> holds
 * requests until n have come. A line "sync <n>" on stdin is
 * answered {"synced": n} after every hit before it: the parent's way to know
 * it has read them all.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

const config = JSON.parse(process.argv[2]);

function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

/** A commit id for the dumb-HTTP git repository at /repo.git (git ls-remote reads info/refs). */
const GIT_SHA = '1234567890abcdef1234567890abcdef12345678';

/** 1 MiB of a repeating pattern, written again and again for /bytes/<n>. */
const CHUNK = Buffer.alloc(1 << 20, 'gvctest-');

function sendBytes(res, total, reached) {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(total),
    'x-gvctest-reached': JSON.stringify(reached),
  });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const part = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function handler(port, tls) {
  return (req, res) => {
    const reached = {
      server: 'upstream',
      port,
      local: req.socket.localAddress,
      tls,
      sni: tls ? req.socket.servername || null : null,
      host: req.headers.host ?? null,
      method: req.method,
      path: req.url,
    };
    emit({ hit: { kind: 'http', ...reached, remote: req.socket.remoteAddress } });
    const barrier = /^\/barrier\/([\w-]+)\/(\d+)$/.exec(req.url ?? '');
    if (barrier) {
      meet(barrier[1], Number(barrier[2]), () => send(res, 'application/json', `${JSON.stringify({ ...reached, barrier: barrier[1] })}\n`));
      return;
    }
    const bytes = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
    if (bytes) {
      sendBytes(res, Number(bytes[1]), reached);
      return;
    }
    if (req.url?.startsWith('/repo.git/info/refs')) {
      // The dumb protocol: git falls back to it when the answer is not an upload-pack advertisement.
      send(res, 'text/plain', `${GIT_SHA}\trefs/heads/main\n`);
      return;
    }
    if (req.url === '/repo.git/HEAD') {
      send(res, 'text/plain', 'ref: refs/heads/main\n');
      return;
    }
    const file = /^\/files\/([\w./+~-]+)$/.exec(req.url ?? '');
    if (file && config.files) {
      sendFile(res, file[1]);
      return;
    }
    send(res, 'application/json', `${JSON.stringify(reached)}\n`);
  };
}

/**
 * /files/<path>: a file of config.files (an apt archive the test laid out,
 * say), 404 when there is none; never a path that climbs out of it.
 */
function sendFile(res, relative) {
  const full = path.resolve(config.files, relative);
  let body;
  try {
    if (!full.startsWith(`${path.resolve(config.files)}/`)) throw new Error('outside');
    body = readFileSync(full);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
}

/**
 * /barrier/<key>/<n>: every request waits until n requests for the key have
 * come, then all are answered. Two cells that meet here were both running,
 * and both reached the upstream, at the same time; a test on the runner can
 * join in to tell a cell when to go on (a file in a shared mount may go
 * unseen: runsc caches the mounts' metadata).
 */
const barriers = new Map();
function meet(key, count, answer) {
  const waiting = barriers.get(key) ?? [];
  waiting.push(answer);
  barriers.set(key, waiting);
  if (waiting.length < count) return;
  barriers.delete(key);
  for (const go of waiting) go();
}

/** With a content-length (not chunked): a client that reads by hand knows where a response ends on a kept-alive connection. */
function send(res, type, body) {
  res.writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Reports a TCP connection before any byte is read: a connection that never sends a request still counts. */
function tcpHit(port) {
  return (socket) => {
    emit({ hit: { kind: 'tcp', server: 'upstream', port, local: socket.localAddress, remote: socket.remoteAddress } });
    socket.on('error', () => {});
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
}

const servers = [];
for (const port of config.http) {
  const server = http.createServer(handler(port, false));
  server.on('connection', tcpHit(port));
  servers.push(listen(server, port));
}
const tlsOptions = { key: readFileSync(config.key), cert: readFileSync(config.cert) };
for (const port of config.https) {
  const server = https.createServer(
    {
      ...tlsOptions,
      // Called with the ClientHello's server name, before the handshake can fail: a name is seen even if nothing follows.
      SNICallback: (servername, done) => {
        emit({ hit: { kind: 'tls', server: 'upstream', port, sni: servername } });
        done(null, undefined);
      },
    },
    handler(port, true),
  );
  server.on('tlsClientError', () => {});
  // The TCP level first (a raw listener), then the TLS server takes the socket.
  const raw = net.createServer((socket) => {
    tcpHit(port)(socket);
    server.emit('connection', socket);
  });
  servers.push(listen(raw, port));
}

await Promise.all(servers);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^sync (\d+)$/.exec(line);
  if (m) emit({ synced: Number(m[1]) });
});
process.stdin.on('end', () => process.exit(0));
emit({ ready: true });
