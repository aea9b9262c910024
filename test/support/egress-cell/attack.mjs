/**
 * Runs inside a cell (on the host view's node): the requests curl cannot be
 * made to send. Prints one JSON line and exits 0 whatever happens; the test
 * judges the answer and, above all, what the upstream servers saw. TLS here
 * never checks the certificate: a filter that let the request through must
 * show as an answer, not as a certificate error.
 *
 *   connect <host:port> <sni|-|plain> <Host header> <path>
 *       CONNECT through $HTTPS_PROXY, then TLS with that server name (- for
 *       none; plain for no TLS at all), then GET <path>.
 *   tls <host> <port> <sni|-> <Host header> <path>
 *       TLS straight to the address <host> resolves to, with that server name.
 *   http <host> <port> <path> <Host header>...
 *       One connection, one GET per Host header, in turn (keep-alive).
 *   dnsq <labels as JSON>
 *       A raw DNS query (type A) to the cell's nameserver, any bytes in the labels.
 *   dns <name>...
 *       resolve4 and resolve6 of each name through the cell's resolver.
 *   udp <host> <port>
 *       One datagram.
 *
 * @nameserver in an argument stands for the cell's nameserver (the runner's end of
 * the cell's link), which the test cannot know before the cell starts.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [mode, ...given] = process.argv.slice(2);

function finish(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
setTimeout(() => finish({ error: 'TIMEOUT' }), 10_000);

/** Waits for the first of: the end of an HTTP head (and `length` bytes of body after it), the end, an error. */
function readResponse(socket, { headOnly = false } = {}) {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const done = (extra) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      const text = buffer.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: text.split('\r\n')[0],
        body: split >= 0 ? text.slice(split + 4) : '',
        ...extra,
      });
    };
    const onData = (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const text = buffer.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      if (headOnly) return done({});
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      if (length && buffer.length - Buffer.byteLength(text.slice(0, split + 4), 'latin1') >= Number(length[1])) done({});
    };
    const onEnd = () => done({ closed: true });
    const onError = (error) => done({ error: error.code ?? String(error) });
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
  });
}

function connected(socket, event = 'connect') {
  return new Promise((resolve) => {
    socket.once(event, () => resolve(null));
    socket.once('error', (error) => resolve(error.code ?? String(error)));
  });
}

function get(path, host) {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: gvctest-attack\r\nAccept: */*\r\n\r\n`;
}

function nameserver() {
  const m = /^nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'));
  if (!m) finish({ error: 'no nameserver in /etc/resolv.conf' });
  return m[1];
}

async function overTls(socket, sni, host, path, extra) {
  const secure = tls.connect({ socket, servername: sni === '-' ? '' : sni, rejectUnauthorized: false });
  const error = await connected(secure, 'secureConnect');
  if (error) finish({ ...extra, tls: error });
  secure.write(get(path, host));
  finish({ ...extra, tls: 'ok', response: await readResponse(secure) });
}

async function connectMode([target, sni, host, path]) {
  const proxy = new URL(process.env.HTTPS_PROXY);
  const socket = net.connect({ host: proxy.hostname, port: Number(proxy.port) });
  const error = await connected(socket);
  if (error) finish({ proxy: error });
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  const answer = await readResponse(socket, { headOnly: true });
  if (!/^HTTP\/1\.[01] 200/.test(answer.status)) finish({ connect: answer.status, closed: answer.closed, error: answer.error });
  if (sni === 'plain') {
    socket.write(get(path, host));
    finish({ connect: answer.status, response: await readResponse(socket) });
  }
  await overTls(socket, sni, host, path, { connect: answer.status });
}

async function tlsMode([name, port, sni, host, path]) {
  const { address } = await dns.promises.lookup(name, { family: 4 });
  // By address, so that node sends no server name of its own; `sni` is the only one.
  const socket = net.connect({ host: address, port: Number(port) });
  const error = await connected(socket);
  if (error) finish({ address, tcp: error });
  await overTls(socket, sni, host, path, { address });
}

async function httpMode([name, port, path, ...hosts]) {
  const socket = net.connect({ host: name, port: Number(port) });
  const error = await connected(socket);
  if (error) finish({ tcp: error });
  const responses = [];
  for (const host of hosts) {
    if (socket.destroyed) break;
    socket.write(get(path, host));
    const response = await readResponse(socket);
    responses.push(response);
    if (response.closed || response.error) break;
  }
  finish({ responses });
}

async function dnsqMode([labelsJson]) {
  const labels = JSON.parse(labelsJson);
  const parts = [Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message) => finish({ rcode: message[3] & 0x0f, answers: message.readUInt16BE(6) }));
  socket.on('error', (error) => finish({ error: error.code ?? String(error) }));
  socket.send(Buffer.concat(parts), 53, nameserver());
  setTimeout(() => finish({ error: 'no answer in 5 s' }), 5_000);
}

async function dnsMode(names) {
  const out = {};
  for (const name of names) {
    const settle = (p) =>
      p.then(
        (v) => v,
        (e) => `ERR:${e.code}`,
      );
    out[name] = { a: await settle(dns.promises.resolve4(name)), aaaa: await settle(dns.promises.resolve6(name)) };
  }
  finish(out);
}

async function udpMode([host, port]) {
  const socket = dgram.createSocket('udp4');
  socket.on('error', (error) => finish({ error: error.code ?? String(error) }));
  socket.send('gvctest', Number(port), host, (error) => {
    if (error) finish({ error: error.code ?? String(error) });
    setTimeout(() => finish({ sent: true }), 500);
  });
}

const args = given.map((a) => (a.includes('@nameserver') ? a.replaceAll('@nameserver', nameserver()) : a));
const modes = { connect: connectMode, tls: tlsMode, http: httpMode, dnsq: dnsqMode, dns: dnsMode, udp: udpMode };
if (!modes[mode]) finish({ error: `unknown mode ${mode}` });
await modes[mode](args);
