/**
 * The egress figure's upstream (measure/upstream.ts starts it inside the
 * bench's own network namespace): HTTP on 80 and HTTPS on 443, where
 * GET /bytes/<n> answers n bytes. Plain JavaScript, so that any node runs it
 * without a loader. The body is 1 MiB of random bytes sent again and again
 * (nothing on the way compresses it); "ready" on stdout once both listen.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const { cert, key } = JSON.parse(process.argv[2]);
const CHUNK = randomBytes(1 << 20);

function handle(req, res) {
  const m = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !m) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('GET /bytes/<n>\n');
    return;
  }
  let left = Number(m[1]);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) });
  const pump = () => {
    while (left > 0) {
      const part = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

const listen = (server, port) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });

await listen(http.createServer(handle), 80);
await listen(https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, handle), 443);
process.stdout.write('ready\n');
