/**
 * download.ts hands a request to @actions/http-client exactly when a proxy is
 * configured (it applies HTTPS_PROXY, HTTP_PROXY and NO_PROXY as the runner's
 * tooling does), and otherwise never loads it. The client is a stand-in here:
 * what is tested is the choice, not the proxying.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';

const gets: string[] = [];
/** What the stand-in client answers with; by default a whole checksum line. */
let respond: () => Readable = () => Readable.from([Buffer.from('abc  runsc\n')]);
/** The idle timeouts set on responses: [ms, what to call when it fires]. */
const idle: Array<[number, () => void]> = [];
vi.mock('@actions/http-client', () => ({
  HttpClient: class {
    async get(url: string) {
      gets.push(url);
      const message = Object.assign(respond(), {
        statusCode: 200,
        headers: {},
        setTimeout: (ms: number, fire: () => void) => idle.push([ms, fire]),
      });
      return { message };
    }
  },
}));

const { fetchText } = await import('../../src/install/download.js');

afterEach(() => {
  vi.unstubAllEnvs();
  gets.length = 0;
  idle.length = 0;
  respond = () => Readable.from([Buffer.from('abc  runsc\n')]);
});

describe('the transport', () => {
  test.each(['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'])('with %s set, through @actions/http-client', async (name) => {
    for (const other of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) vi.stubEnv(other, '');
    vi.stubEnv(name, 'http://proxy.invalid:3128');
    expect(await fetchText('https://bucket.invalid/runsc.sha512', { attempts: 1, baseDelayMs: 1 })).toBe('abc  runsc\n');
    expect(gets).toEqual(['https://bucket.invalid/runsc.sha512']);
  });

  test('with none set, not through it: node:http meets the closed port itself', async () => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) vi.stubEnv(name, '');
    await expect(fetchText('http://127.0.0.1:1/runsc.sha512', { attempts: 1, baseDelayMs: 1 })).rejects.toThrow(
      /^GET http:\/\/127\.0\.0\.1:1\/runsc\.sha512 failed: connect ECONNREFUSED/,
    );
    expect(gets).toEqual([]);
  });
});

describe('through the proxy client', () => {
  test('a body that stalls after its headers is cut after 60 s without data, and said so', async () => {
    vi.stubEnv('HTTPS_PROXY', 'http://proxy.invalid:3128');
    // Headers, then nothing: the client's own timeout would only half-close the socket.
    respond = () => new Readable({ read() {} });
    const pending = fetchText('https://bucket.invalid/runsc.sha512', { attempts: 1, baseDelayMs: 1 });
    await vi.waitFor(() => expect(idle).toHaveLength(1));
    const [ms, fire] = idle[0] as [number, () => void];
    expect(ms).toBe(60_000);
    fire();
    await expect(pending).rejects.toThrow('GET https://bucket.invalid/runsc.sha512 failed: no data for 60 s');
  });
});
