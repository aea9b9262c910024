/**
 * download.ts hands a request to @actions/http-client exactly when a proxy is
 * configured (it applies HTTPS_PROXY, HTTP_PROXY and NO_PROXY as the runner's
 * tooling does), and otherwise never loads it. The client is a stand-in here:
 * what is tested is the choice, not the proxying.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';

const gets: string[] = [];
vi.mock('@actions/http-client', () => ({
  HttpClient: class {
    async get(url: string) {
      gets.push(url);
      const message = Object.assign(Readable.from([Buffer.from('abc  runsc\n')]), { statusCode: 200, headers: {} });
      return { message };
    }
  },
}));

const { fetchText } = await import('../../src/install/download.js');

afterEach(() => {
  vi.unstubAllEnvs();
  gets.length = 0;
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
