/**
 * A small client of the OCI distribution API: manifests and blobs, pulled
 * anonymously or with stored credentials (Bearer token or Basic, as the
 * registry's challenge asks). Every byte it returns is checked against the
 * digest it was asked for.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, createWriteStream, promises as fs, openSync } from 'node:fs';
import { authFiles, type Credentials, credentialsFor } from './credentials.js';
import { type Get, type HttpResponse, httpGet, readBody } from './http.js';
import { DIGEST, type ImageReference, isLoopbackRegistry, registryEndpoint } from './reference.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** Manifests are small; anything larger is refused before it is read. */
const MANIFEST_MAX = 4 * 2 ** 20;

export interface Fetched {
  /** The body's digest (sha256), checked against the one asked for, if any. */
  digest: string;
  mediaType: string;
  body: Buffer;
}

export class RegistryClient {
  private readonly endpoint: string;
  private authorization: string | undefined;
  private readonly credentials: Credentials | undefined;

  constructor(
    private readonly ref: ImageReference,
    env: NodeJS.ProcessEnv = process.env,
    private readonly get_: Get = httpGet,
  ) {
    this.endpoint = registryEndpoint(ref.registry);
    this.credentials = credentialsFor(ref.registry, env);
    this.files = authFiles(env);
  }

  private readonly files: string[];

  /** A manifest or index, by tag or digest; a digest is enforced. */
  async manifest(reference: string): Promise<Fetched> {
    const url = `${this.endpoint}/v2/${this.ref.repository}/manifests/${reference}`;
    const res = await this.get(url, { accept: MANIFEST_TYPES.join(', ') });
    let body: Buffer;
    try {
      body = await readBody(res, MANIFEST_MAX);
    } catch (error) {
      throw new Error(`GET ${url}: ${(error as Error).message}`);
    }
    const digest = sha256(body);
    if (DIGEST.test(reference) && digest !== reference) {
      throw new Error(`GET ${url}: digest mismatch: expected ${reference}, got ${digest}`);
    }
    const mediaType = (res.header('content-type') ?? '').split(';')[0]?.trim() || mediaTypeOf(body);
    return { digest, mediaType, body };
  }

  /**
   * A blob into `file` (written beside it, renamed once its digest is
   * checked); returns its size. More bytes than the manifest's `size` stop
   * the download.
   */
  async blob(digest: string, expectedSize: number, file: string, onBytes?: (n: number) => void): Promise<number> {
    if (!DIGEST.test(digest)) throw new Error(`a blob digest must be sha256:<64 hex>, got ${JSON.stringify(digest)}`);
    const url = `${this.endpoint}/v2/${this.ref.repository}/blobs/${digest}`;
    const res = await this.get(url, {});
    // A name of this download's own, made here (never through a link that was there).
    const partial = `${file}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    const hash = createHash('sha256');
    let size = 0;
    try {
      const fd = openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      const out = createWriteStream('', { fd });
      const body = res.body;
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        onBytes?.(chunk.length);
        if (size > expectedSize) body.destroy(new Error(`more than the ${expectedSize} bytes the manifest says`));
      });
      await new Promise<void>((resolve, reject) => {
        body.on('error', (e) => reject(new Error(`GET ${url}: ${e.message}`)));
        body.on('aborted', () => reject(new Error(`GET ${url}: the connection was cut`)));
        out.on('error', reject);
        out.on('finish', resolve);
        body.pipe(out);
      });
      if (size !== expectedSize) throw new Error(`GET ${url}: ${size} bytes, where the manifest says ${expectedSize}`);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw new Error(`GET ${url}: digest mismatch: expected ${digest}, got ${actual}`);
      await fs.rename(partial, file);
      return size;
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
  }

  /** GET, answering the registry's challenge once; any status but 200 is an error naming the URL. */
  private async get(url: string, headers: Record<string, string>): Promise<HttpResponse> {
    let res = await this.send(url, headers);
    if (res.status === 401) {
      res.discard();
      if (await this.answer(res.header('www-authenticate') ?? '', url)) res = await this.send(url, headers);
    }
    if (res.status === 200) return res;
    res.discard();
    const who = `${this.ref.registry}/${this.ref.repository}`;
    if (res.status === 401) {
      const had = this.credentials
        ? `the credentials from ${this.credentials.from} were refused`
        : `no credentials for ${this.ref.registry} in ${this.files.join(' or ')}`;
      throw new Error(`GET ${url}: 401 Unauthorized from ${who}: ${had}`);
    }
    throw new Error(`GET ${url}: ${res.status} ${res.statusText || 'error'} from ${who}`);
  }

  private async send(url: string, headers: Record<string, string>): Promise<HttpResponse> {
    const all: Record<string, string> = { 'user-agent': 'gvisor-cell', ...headers };
    if (this.authorization) all.authorization = this.authorization;
    try {
      return await this.get_(url, all);
    } catch (error) {
      throw new Error(`GET ${url}: ${(error as Error).message}`);
    }
  }

  /** Sets the authorization a 401's challenge asks for; false when there is nothing to answer with. */
  private async answer(challenge: string, url: string): Promise<boolean> {
    const scheme = (challenge.split(' ', 1)[0] ?? '').toLowerCase();
    const params = challengeParams(challenge);
    const basic = this.credentials
      ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
      : undefined;
    if (scheme === 'basic') {
      if (!basic || this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    if (scheme !== 'bearer' || !params.realm) return false;
    const realm = new URL(params.realm);
    // Tokens come from a token service over HTTPS only (or one on this machine, as the registry may be).
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackRegistry(realm.host))) {
      throw new Error(`${url}: the token service ${realm.origin} is not HTTPS: refused`);
    }
    const plain = realm.protocol === 'http:';
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = { 'user-agent': 'gvisor-cell' };
    if (basic && !plain) headers.authorization = basic;
    const where = `GET ${realm.origin}${realm.pathname} (token for ${this.ref.registry})`;
    let json: { token?: string; access_token?: string };
    try {
      const res = await this.get_(realm, headers);
      if (res.status !== 200) {
        res.discard();
        throw new Error(`${res.status} ${res.statusText || 'error'}`);
      }
      json = JSON.parse((await readBody(res, 1 << 20)).toString('utf8')) as typeof json;
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
    const token = json.token ?? json.access_token;
    if (!token) throw new Error(`${realm.origin}${realm.pathname}: the token service sent no token`);
    this.authorization = `Bearer ${token}`;
    return true;
  }
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function challengeParams(challenge: string): Record<string, string> {
  const out: Record<string, string> = {};
  const rest = challenge.slice(challenge.indexOf(' ') + 1);
  for (const m of rest.matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    out[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function mediaTypeOf(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType ?? '');
  } catch {
    return '';
  }
}
