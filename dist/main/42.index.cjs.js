"use strict";
exports.id = 42;
exports.ids = [42];
exports.modules = {

/***/ 4042:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  installRunsc: () => (/* binding */ installRunsc)
});

// UNUSED EXPORTS: layoutOrder, placeEntry

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/run/run-dir.ts
var run_dir = __webpack_require__(1970);
// EXTERNAL MODULE: ./src/install/cache.ts
var cache = __webpack_require__(7673);
;// CONCATENATED MODULE: ./src/install/checksum.ts
/**
 * The `.sha512` files of the release bucket, as `sha512sum` writes them:
 * `<128 hex><two spaces or space-star><basename>`.
 */
/** The digest for `basename` in a sha512sum listing; throws naming `url` when absent or malformed. */
function parseSha512File(text, basename, url) {
    const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
    const entries = lines.map((line) => /^([0-9a-fA-F]{128})(?:\s+\*?(.+))?$/.exec(line));
    if (lines.length === 0 || entries.some((e) => e === null)) {
        throw new Error(`${url} is not a sha512 checksum file (expected "<128 hex digits>  ${basename}")`);
    }
    const parsed = entries;
    // A file of one bare digest, or one naming this artifact (any directory prefix).
    const match = parsed.length === 1 && parsed[0]?.[2] === undefined
        ? parsed[0]
        : parsed.find((e) => e[2] !== undefined && (e[2] === basename || e[2].endsWith(`/${basename}`)));
    if (!match)
        throw new Error(`${url} has no checksum for ${basename}`);
    return match[1].toLowerCase();
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/log.ts
var src_log = __webpack_require__(5625);
;// CONCATENATED MODULE: ./src/install/download.ts
/**
 * HTTP for the installer: small text files, and artifacts streamed to disk
 * while they are hashed (one pass over the bytes, no second read).
 *
 * Transient failures (network errors, 5xx, 429, a body cut short) are retried
 * with backoff; anything else, a 404 above all, fails at once naming the URL.
 *
 * Requests go out over node:http/https, unless a proxy is configured: then
 * through @actions/http-client, which applies HTTPS_PROXY, HTTP_PROXY and
 * NO_PROXY as the runner's own tooling does. It is loaded only then, because
 * it loads undici (docs/performance.md, cold install).
 */




class HttpError extends Error {
    url;
    status;
    constructor(url, status, statusText) {
        super(`GET ${url} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
        this.url = url;
        this.status = status;
        this.name = 'HttpError';
    }
    get transient() {
        return this.status >= 500 || this.status === 429 || this.status === 408;
    }
}
const DEFAULT_RETRY = { attempts: 4, baseDelayMs: 1000 };
const MAX_REDIRECTS = 5;
/** A connection that carries nothing for this long is given up (and retried). */
const SOCKET_TIMEOUT_MS = 60_000;
/** A checksum file is a line; anything much longer is not one. */
const MAX_TEXT = 1 << 20;
/** The variables @actions/http-client reads a proxy from. */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];
/** Whether requests go through @actions/http-client, for a proxy (which `signal` cannot stop before the headers). */
function viaProxy() {
    return PROXY_VARIABLES.some((name) => process.env[name]);
}
/**
 * One GET that must answer 200; anything else becomes an HttpError naming the
 * URL and status. `signal` stops a direct request at once; through the proxy
 * client, the response is cut as soon as it arrives.
 */
async function get(url, signal) {
    const message = viaProxy() ? await viaHttpClient(url) : await direct(url, signal);
    if (signal?.aborted) {
        message.destroy();
        throw signal.reason;
    }
    const status = message.statusCode ?? 0;
    if (status !== 200) {
        message.resume();
        throw new HttpError(url, status, message.statusMessage ?? '');
    }
    return message;
}
async function viaHttpClient(url) {
    const { HttpClient } = await __webpack_require__.e(/* import() */ 942).then(__webpack_require__.bind(__webpack_require__, 4942));
    // allowRetries stays off: retries are ours, so that every attempt is hashed afresh.
    const client = new HttpClient('gvisor-cell', [], {
        allowRetries: false,
        allowRedirects: true,
        maxRedirects: MAX_REDIRECTS,
        socketTimeout: SOCKET_TIMEOUT_MS,
    });
    const { message } = await client.get(url);
    // The client's own socket timeout only half-closes the socket once the response has begun: a body
    // that stalls after its headers would then hang for good. The same idle limit as the direct path.
    message.setTimeout(SOCKET_TIMEOUT_MS, () => {
        stalled.add(message);
        message.destroy(stallError());
    });
    return message;
}
/** The statuses @actions/http-client follows. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Follows redirects as @actions/http-client does: at most five, never from HTTPS down to HTTP. */
async function direct(url, signal) {
    let at = new URL(url);
    for (let hop = 0;; hop++) {
        const message = await request(at, signal);
        const location = message.headers.location;
        if (!REDIRECTS.has(message.statusCode ?? 0) || !location)
            return message;
        message.resume();
        if (hop >= MAX_REDIRECTS)
            throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, at);
        if (at.protocol === 'https:' && next.protocol !== 'https:')
            throw new Error(`a redirect from HTTPS to ${next.origin} was refused`);
        at = next;
    }
}
function request(url, signal) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return Promise.reject(new Error(`${url.protocol} is not HTTP(S)`));
    const mod = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
    return new Promise((resolve, reject) => {
        let response;
        const req = mod.get(url, { headers: { 'user-agent': 'gvisor-cell' }, signal }, (res) => {
            response = res;
            resolve(res);
        });
        // Also while the body streams: node then fails the response with its own `aborted`, so the
        // response is marked, and the error is said as what it was (and retried: ETIMEDOUT).
        req.setTimeout(SOCKET_TIMEOUT_MS, () => {
            if (response)
                stalled.add(response);
            req.destroy(stallError());
        });
        req.on('error', reject);
    });
}
/** Responses whose connection went quiet for SOCKET_TIMEOUT_MS (and was cut). */
const stalled = new WeakSet();
function stallError() {
    return Object.assign(new Error(`no data for ${SOCKET_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' });
}
/** Reading `message`'s body failed: the stall, if that is what cut it. */
function bodyError(message, error) {
    return stalled.has(message) ? stallError() : error;
}
/** GETs a small text resource (a checksum file); retries are said to `log`. */
async function fetchText(url, retry = DEFAULT_RETRY, log = src_log/* silent */.K) {
    return withRetries(url, retry, log, undefined, async () => {
        const message = await get(url, undefined);
        let text = '';
        try {
            for await (const chunk of message) {
                text += chunk;
                if (text.length > MAX_TEXT) {
                    message.destroy();
                    throw new Error(`the body is over ${MAX_TEXT} bytes, far more than a checksum file`);
                }
            }
        }
        catch (error) {
            throw bodyError(message, error);
        }
        return text;
    });
}
/**
 * Streams `url` into `dest`, returning the sha512 of exactly the bytes written.
 * Each chunk is written synchronously as it arrives, then hashed: a stream
 * pipeline to a WriteStream waited on the thread pool for every 64 KiB chunk
 * (about a third of the download on loopback, docs/performance.md).
 */
async function downloadHashed(url, dest, { retry = DEFAULT_RETRY, log = src_log/* silent */.K, onProgress, signal } = {}) {
    return withRetries(url, retry, log, signal, async () => {
        const message = await get(url, signal);
        const hash = (0,external_node_crypto_.createHash)('sha512');
        const expected = Number(message.headers['content-length'] ?? Number.NaN);
        let received = 0;
        let fd;
        try {
            fd = (0,external_node_fs_.openSync)(dest, 'w');
        }
        catch (error) {
            message.destroy();
            throw error;
        }
        const onData = (chunk) => {
            // Written, then hashed: the digest is of the bytes on disk.
            for (let at = 0; at < chunk.length;)
                at += (0,external_node_fs_.writeSync)(fd, chunk, at);
            hash.update(chunk);
            received += chunk.length;
            onProgress?.(received, expected);
        };
        const onAbort = () => message.destroy(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
            await new Promise((resolve, reject) => {
                message.on('data', (chunk) => {
                    try {
                        onData(chunk);
                    }
                    catch (error) {
                        // A full disk, say: not retried (isTransient).
                        message.destroy();
                        reject(error);
                    }
                });
                message.once('error', (error) => reject(bodyError(message, error)));
                // After 'end', or alone when the body was cut (then `complete` is false: below).
                message.once('close', resolve);
            });
        }
        finally {
            signal?.removeEventListener('abort', onAbort);
            // Nothing may write to the descriptor once it is closed (and perhaps reused).
            message.removeAllListeners('data');
            (0,external_node_fs_.closeSync)(fd);
        }
        // Cut by the signal, the body can also end as 'close' without an error.
        signal?.throwIfAborted();
        if (!message.complete || (Number.isFinite(expected) && received !== expected)) {
            throw new TruncatedError(url, received, expected);
        }
        return hash.digest('hex');
    });
}
class TruncatedError extends Error {
    transient = true;
    constructor(url, received, expected) {
        super(`GET ${url}: the body ended after ${received} of ${Number.isFinite(expected) ? expected : 'an unknown number of'} bytes`);
        this.name = 'TruncatedError';
    }
}
/** Network failures worth another try; a full disk, a bad certificate or a refused permission are not. */
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'ECONNABORTED',
    'UND_ERR_SOCKET',
]);
function isTransient(error) {
    if (error instanceof HttpError || error instanceof TruncatedError)
        return error.transient;
    if (!(error instanceof Error))
        return false;
    const code = error.code;
    // @actions/http-client reports its socket timeout (a stalled server) without a code.
    return (code !== undefined && TRANSIENT_CODES.has(code)) || /^Request timeout/.test(error.message);
}
async function withRetries(url, retry, log, signal, attempt) {
    for (let n = 1;; n++) {
        signal?.throwIfAborted();
        try {
            return await attempt();
        }
        catch (error) {
            // Stopped on purpose: whatever the cut looked like, it is not a failure to retry or to name.
            if (signal?.aborted)
                throw signal.reason;
            if (n >= retry.attempts || !isTransient(error)) {
                if (error instanceof HttpError || error instanceof TruncatedError)
                    throw error;
                throw new Error(`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
            }
            const delay = retry.baseDelayMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5);
            log.info(`GET ${url}: ${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delay)} ms`);
            // timers/promises rejects with an AbortError of its own: the caller is promised the signal's reason.
            await (0,promises_.setTimeout)(delay, undefined, { signal }).catch((error) => {
                signal?.throwIfAborted();
                throw error;
            });
        }
    }
}

// EXTERNAL MODULE: ./src/install/lock.ts
var lock = __webpack_require__(5500);
// EXTERNAL MODULE: ./src/install/unpack.ts
var unpack = __webpack_require__(5589);
// EXTERNAL MODULE: ./src/install/version.ts
var install_version = __webpack_require__(2415);
;// CONCATENATED MODULE: ./src/install/installer.ts
/**
 * runsc from the release bucket into the tool cache, verified.
 *
 * Order of work, and why:
 *  1. a pinned version already cached is used without touching the network
 *     (obtain.ts looks, before this module is even loaded);
 *  2. otherwise the artifact's `.sha512` is fetched (small), which picks the
 *     layout (zstd tarball, bz2 tarball, loose binary) and, for `latest`,
 *     finds a cached copy of the very same artifact; for a pinned release
 *     without `runsc-sha512`, not through a proxy, the artifact of the layout
 *     expected first is requested at the same time (and dropped if its
 *     `.sha512` is missing);
 *  3. the artifact is hashed while it streams to disk, compared, and only then
 *     extracted and cached, itself kept in the entry (a pinned hit hashes it
 *     again: pinned.ts): a mismatch leaves nothing behind;
 *  4. the binary is proved to run here (`runsc --version`) before its entry is
 *     marked complete. For a pinned release without `runsc-sha512` the proof
 *     runs while the caller starts the sandbox (its version is known from the
 *     release, and the bytes are the bucket's, verified): the entry is placed,
 *     the lock held, and the marker written only once the binary has answered.
 *     `latest` needs the answer for its cache key, and with `runsc-sha512`
 *     nothing runs before it is proved, so those wait for it.
 *
 * The entry is laid out as @actions/tool-cache lays out its own
 * (`<tool>/<key>/<arch>` and `<arch>.complete`; cache.ts reads it, and a unit
 * test holds both to `tc.find`), but the unpacked tree is renamed into place
 * rather than copied (tool-cache has no move: its copy was about 20 ms of a
 * cold install). tool-cache itself is loaded only to list the entries, for
 * `latest`.
 */










/** The last release known to ship only the loose binary; tarballs came with the next one. */
const LAST_LOOSE_RELEASE = 20260817;
/**
 * The layouts to try, in order: tarballs first (zstd only where the machine
 * can unpack it), except for a pinned release old enough to have only the
 * loose binary, where asking for tarballs first would cost two round trips.
 * Every layout stays in the list: the order is a guess, not a rule.
 */
function layoutOrder(version, zstd) {
    const tarballs = [
        ...(zstd ? [{ artifact: 'gvisor.tar.zstd', tarFlag: '--zstd' }] : []),
        { artifact: 'gvisor.tar.bz2', tarFlag: '--bzip2' },
    ];
    const loose = { artifact: 'runsc', tarFlag: undefined };
    const date = version.cacheKey ? Number(version.cacheKey.split('.')[0]) : Number.POSITIVE_INFINITY;
    return date <= LAST_LOOSE_RELEASE ? [loose, ...tarballs] : [...tarballs, loose];
}
/**
 * Downloads, verifies and caches the release asked for (obtain.ts has already
 * looked for a pinned version in the cache). What it returns may still be
 * proving itself: see ObtainedRunsc.
 */
async function installRunsc(req, ctx) {
    const { shelf } = ctx;
    const retry = ctx.retry ?? DEFAULT_RETRY;
    const base = `${req.downloadUrl}/${req.version.bucket}/${shelf.arch}`;
    const tried = [];
    let work;
    // Where the download is staged, made on first need (a `latest` found in the cache needs none).
    const staged = async (name) => {
        work ??= await external_node_fs_.promises.mkdtemp(external_node_path_default().join(ctx.tempDir, `${run_dir/* RUN_DIR_PREFIX */.jk}install-`));
        return external_node_path_default().join(work, name);
    };
    try {
        for (const [index, layout] of layoutOrder(req.version, await onPath('zstd')).entries()) {
            const url = `${base}/${layout.artifact}`;
            // A pinned release in the layout expected first is downloaded beside its checksum: one round
            // trip to the bucket fewer. Not `latest` (its checksum may name an artifact already cached),
            // nor with runsc-sha512 (nothing is downloaded before the published digest matches the pin),
            // nor through a proxy (the proxy client's request cannot be stopped before its headers come:
            // dropping it could hold the install, and the process, for its 60 s timeout).
            const early = index === 0 && req.version.cacheKey && !req.sha512 && !viaProxy()
                ? startDownload(url, await staged(layout.artifact), ctx)
                : undefined;
            let published;
            try {
                published = parseSha512File(await fetchText(`${url}.sha512`, retry, ctx.log), layout.artifact, `${url}.sha512`);
            }
            catch (error) {
                const missing = error instanceof HttpError && error.status === 404;
                await early?.stop(missing ? 'its .sha512 is not published' : 'its .sha512 could not be read');
                if (missing) {
                    tried.push(`${url}.sha512 (404)`);
                    continue;
                }
                throw error;
            }
            if (req.sha512 && req.sha512 !== published) {
                await early?.stop('its published sha512 is not runsc-sha512');
                // The pin may name another layout's artifact (the bz2 tarball on a runner with zstd, say).
                tried.push(`${url} (published sha512 ${published.slice(0, 16)}… is not runsc-sha512)`);
                continue;
            }
            if (!req.version.cacheKey) {
                const hit = await cachedArtifact(shelf, published, req.sha512 !== undefined, ctx.log);
                if (hit)
                    return (0,cache/* proved */.tT)(hit);
            }
            const file = await staged(layout.artifact);
            const digest = await (early ?? startDownload(url, file, ctx)).digest;
            if (digest !== published) {
                throw new Error(`checksum mismatch for ${url}: expected ${published} (from ${url}.sha512), got ${digest}; nothing was cached`);
            }
            return await unpackAndCache(req, ctx, layout, url, file, digest);
        }
    }
    finally {
        if (work)
            await external_node_fs_.promises.rm(work, { recursive: true, force: true });
    }
    if (req.sha512 && tried.some((t) => t.includes('is not runsc-sha512'))) {
        throw new Error(`runsc-sha512 matches no artifact of release ${req.version.bucket} for ${shelf.arch} at ${req.downloadUrl}: tried ${tried.join(', ')}; nothing was downloaded`);
    }
    throw new Error(`no runsc release ${req.version.bucket} for ${shelf.arch} at ${req.downloadUrl}: tried ${tried.join(', ')}. ` +
        'Check runsc-version (the bucket sometimes lags behind GitHub releases) and download-url.');
}
function startDownload(url, file, ctx) {
    const abort = new AbortController();
    ctx.log.info(`Downloading ${url}`);
    const digest = downloadHashed(url, file, {
        retry: ctx.retry ?? DEFAULT_RETRY,
        log: ctx.log,
        onProgress: ctx.onProgress,
        signal: abort.signal,
    });
    // Its failure is reported where the digest is awaited; until then (the checksum file still on
    // its way) it must not count as unhandled.
    digest.catch(() => { });
    return {
        digest,
        stop: async (why) => {
            abort.abort();
            await digest.catch(() => { });
            await external_node_fs_.promises.rm(file, { force: true });
            ctx.log.info(`Dropped the download of ${url}: ${why}`);
        },
    };
}
/**
 * For `latest`: a cached entry recorded as made from the artifact with this
 * digest. With a pin it must also keep the artifact, which obtain.ts then
 * hashes (the record itself proves nothing).
 */
async function cachedArtifact(shelf, sha512, pinned, log) {
    const { cachedVersions } = await Promise.all(/* import() */[__webpack_require__.e(942), __webpack_require__.e(58), __webpack_require__.e(805), __webpack_require__.e(814)]).then(__webpack_require__.bind(__webpack_require__, 3814));
    for (const key of await cachedVersions(shelf)) {
        const dir = (0,cache/* findEntry */.w4)(shelf, key);
        const meta = dir ? (0,cache/* readMetadata */._6)(dir) : undefined;
        if (dir && meta?.sha512 === sha512 && (!pinned || meta.kept)) {
            log.info(`Using cached ${meta.version} from ${dir} (same artifact as latest)`);
            return (0,cache/* cachedRunsc */.a5)(dir, meta);
        }
    }
    return undefined;
}
/**
 * The verified artifact, unpacked beside it, moved into the tool cache, and
 * proved to run before its entry is marked complete (for a pinned release
 * without a pin of its bytes, while the caller goes on: see the top of this file).
 */
async function unpackAndCache(req, ctx, layout, url, file, digest) {
    const { shelf, log } = ctx;
    const stage = external_node_path_default().join(external_node_path_default().dirname(file), 'stage');
    await external_node_fs_.promises.mkdir(stage);
    const runsc = await installer_unpack(layout, file, stage);
    await external_node_fs_.promises.chmod(runsc, 0o755);
    const root = external_node_path_default().dirname(runsc);
    const record = (dir, version) => {
        const meta = { artifact: url, sha512: digest, version, kept: layout.artifact };
        return external_node_fs_.promises.writeFile(external_node_path_default().join(dir, cache/* METADATA_FILE */.VR), `${JSON.stringify(meta, null, 2)}\n`);
    };
    const cached = (dir, version) => {
        log.info(`Cached ${version} (sha512 ${digest.slice(0, 16)}…) in ${dir}`);
        return { path: external_node_path_default().join(dir, 'runsc'), version, entry: { dir, kept: layout.artifact } };
    };
    // An entry another job cached while this one downloaded, found once the lock is held; what is not
    // taken is replaced by this download.
    // - A pinned release: any complete entry of ours, as obtain.ts takes it for the next step, even one
    //   made from another layout of the release: replacing it could pull the binary from under that
    //   job's sandbox.
    // - `latest`: only one made from this very artifact. The next `latest` step looks its entry up by
    //   the artifact's digest (cachedArtifact): one of another layout would never be found, and every
    //   step would download the release again.
    // - With `runsc-sha512`: only one recorded as made from the pinned bytes (obtain.ts hashes what it keeps).
    const cachedMeanwhile = (key) => {
        if (req.sha512 || req.version.cacheKey)
            return (0,cache/* findCached */.aY)(shelf, key, req.sha512, log.info, 'replacing it with the one downloaded');
        const dir = (0,cache/* findEntry */.w4)(shelf, key);
        const meta = dir ? (0,cache/* readMetadata */._6)(dir) : undefined;
        if (!dir || !meta)
            return undefined;
        if (meta.sha512 === digest) {
            log.info(`Using cached ${meta.version} from ${dir} (same artifact as latest)`);
            return (0,cache/* cachedRunsc */.a5)(dir, meta);
        }
        log.info(`Cached runsc ${key} in ${dir} came from another artifact than ${url}; replacing it with the one downloaded`);
        return undefined;
    };
    const toolDir = external_node_path_default().join(shelf.root, shelf.tool);
    const lockFile = (key) => external_node_path_default().join(toolDir, `${key}-${shelf.arch}.lock`);
    const key = req.version.cacheKey;
    if (!key || req.sha512) {
        // Proved before it is placed: `latest` is cached under the version it names.
        const probing = prove(runsc, url, key);
        // The verified artifact stays in the entry (for the loose layout it is runsc itself): a pinned
        // cache hit hashes it again rather than trusting anything else in the cache (pinned.ts).
        if (layout.tarFlag)
            await external_node_fs_.promises.rename(file, external_node_path_default().join(root, layout.artifact));
        const proof = await probing;
        await record(root, proof.version);
        await external_node_fs_.promises.mkdir(toolDir, { recursive: true });
        return (0,cache/* proved */.tT)(await (0,lock/* withLock */.k)(lockFile(proof.key), async () => {
            // Another job may have cached this release while we downloaded it (see cachedMeanwhile).
            const done = cachedMeanwhile(proof.key);
            if (done)
                return done;
            const dir = await placeEntry(root, external_node_path_default().join(toolDir, proof.key), shelf.arch);
            return cached(dir, proof.version);
        }));
    }
    // Placed now and proved where it is (the very file the sandbox starts from), marked complete once
    // it has answered. The lock is held until then, so no other job uses the entry unproved or
    // replaces it; and, when the proof fails, until the caller's sandbox is gone (release()), since
    // stopping that sandbox runs this binary: only then is the entry removed.
    if (layout.tarFlag)
        await external_node_fs_.promises.rename(file, external_node_path_default().join(root, layout.artifact));
    await external_node_fs_.promises.mkdir(toolDir, { recursive: true });
    let callerDone = () => { };
    const released = new Promise((resolve) => {
        callerDone = resolve;
    });
    return await new Promise((hand, fail) => {
        const held = (0,lock/* withLock */.k)(lockFile(key), async () => {
            const done = cachedMeanwhile(key);
            if (done) {
                hand((0,cache/* proved */.tT)(done));
                return;
            }
            const dir = await placeEntry(root, external_node_path_default().join(toolDir, key), shelf.arch, { complete: false });
            const proven = (async () => {
                const { version } = await prove(external_node_path_default().join(dir, 'runsc'), url, key);
                await record(dir, version);
                await external_node_fs_.promises.writeFile(`${dir}.complete`, '', { flag: 'wx' });
                return cached(dir, version);
            })();
            // Its failure is the caller's to report, where it waits for the proof.
            proven.catch(() => { });
            const release = async () => {
                callerDone();
                await held.catch(() => { });
            };
            hand({ path: external_node_path_default().join(dir, 'runsc'), proven, release });
            const ok = await proven.then(() => true, () => false);
            if (ok)
                return;
            await released;
            // Nothing half-done stays: the entry, and its version's directory when it held nothing else.
            try {
                await external_node_fs_.promises.rm(dir, { recursive: true, force: true });
            }
            catch (error) {
                // Harmless (no marker: nothing uses it, and the next install replaces it), but said.
                log.info(`Could not remove ${dir}, whose runsc did not prove itself: ${error.message}`);
            }
            await external_node_fs_.promises.rmdir(external_node_path_default().dirname(dir)).catch(() => { });
        });
        held.catch(fail);
    });
}
/**
 * `runsc --version` of a binary just unpacked, started at once (the process
 * is spawned before this returns): its first line, and the cache key (the
 * release's, or for `latest` the one the binary names). Rejects when it does
 * not run here, naming where it came from.
 */
async function prove(runsc, url, cacheKey) {
    const probe = await run(runsc, ['--version']);
    const version = (0,install_version/* versionLine */.b1)(probe.stdout);
    const key = cacheKey ?? (0,install_version/* cacheKeyFromVersionOutput */.$x)(probe.stdout);
    if (probe.exitCode !== 0 || !key) {
        throw new Error(`the runsc downloaded from ${url} does not run on this machine: ${(probe.stderr || version).trim()}`);
    }
    return { version, key };
}
/**
 * Moves the unpacked tree in as `<keyDir>/<arch>` and marks it complete
 * (unless told not to: the caller marks it once proved), as tool-cache's
 * cacheDir would, but by rename: the run's temp directory and the tool cache
 * are one filesystem on hosted runners. Where they are not, the tree is
 * copied beside the entry first. Whatever was there (an entry without its
 * marker, left by a crash; one of another artifact, being replaced) is
 * renamed aside, not removed, until the new tree is in: another job's
 * sandbox started from it finds a runsc at this path (to stop it) for all but
 * the instant between two renames. The caller holds the entry's lock.
 *
 * The tool cache is writable by the runner's user while this may run as
 * root. What this can do about it: every name used is directly in `keyDir`
 * (not in a directory made there, which could be swapped for a link) and
 * random; `keyDir` and the tool's directory above it are refused when they
 * are links planted in advance (not when swapped for one while this runs:
 * Node has no directory-relative calls); and the marker is made with O_EXCL
 * (a link planted at its name fails the install rather than being followed).
 * A failure leaves what was there as it was (but for the marker of an entry
 * being replaced, and a restore that itself fails), and no entry the new
 * tree half-made.
 */
async function placeEntry(tree, keyDir, arch, { complete = true } = {}) {
    const dir = external_node_path_default().join(keyDir, arch);
    const marker = `${dir}.complete`;
    await external_node_fs_.promises.mkdir(keyDir, { recursive: true });
    for (const d of [external_node_path_default().dirname(keyDir), keyDir]) {
        if (!(await external_node_fs_.promises.lstat(d)).isDirectory())
            throw new Error(`the tool cache's ${d} is not a directory (a link?): refusing to place runsc through it`);
    }
    // What a crash between the renames below left (nothing else uses these names: see tool-cache's layout).
    for (const name of await external_node_fs_.promises.readdir(keyDir)) {
        if (name.startsWith(`${arch}${ASIDE}`))
            await external_node_fs_.promises.rm(external_node_path_default().join(keyDir, name), { recursive: true, force: true }).catch(() => { });
    }
    const { randomBytes } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 7598, 23));
    const unique = randomBytes(8).toString('hex');
    const incoming = `${dir}${ASIDE}${unique}-new`;
    const old = `${dir}${ASIDE}${unique}-old`;
    try {
        await external_node_fs_.promises.rename(tree, incoming);
    }
    catch (error) {
        if (error.code !== 'EXDEV')
            throw error;
        try {
            await external_node_fs_.promises.cp(tree, incoming, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
        }
        catch (copyError) {
            await external_node_fs_.promises.rm(incoming, { recursive: true, force: true }).catch(() => { });
            throw copyError;
        }
    }
    let movedOld = false;
    let placed = false;
    try {
        try {
            await external_node_fs_.promises.rename(dir, old);
            movedOld = true;
        }
        catch (error) {
            if (error.code !== 'ENOENT')
                throw error;
        }
        // After the old tree is out (until then, it stays complete), before the new one is in.
        await external_node_fs_.promises.rm(marker, { force: true });
        await external_node_fs_.promises.rename(incoming, dir);
        placed = true;
        if (complete)
            await external_node_fs_.promises.writeFile(marker, '', { flag: 'wx' });
    }
    catch (error) {
        // The new tree goes; the old one, if it was moved, comes back (without its marker: the next
        // install replaces it).
        await external_node_fs_.promises.rm(placed ? dir : incoming, { recursive: true, force: true }).catch(() => { });
        if (movedOld)
            await external_node_fs_.promises.rename(old, dir).catch(() => { });
        throw error;
    }
    // Best effort: what stays is removed by the next placement of this entry.
    if (movedOld)
        await external_node_fs_.promises.rm(old, { recursive: true, force: true }).catch(() => { });
    return dir;
}
/** Beside `<arch>` while an entry is replaced: `<arch>.replaced-<random>-new` and `-old`. */
const ASIDE = '.replaced-';
/** Whether `name` is an executable file in one of PATH's directories. */
async function onPath(name) {
    for (const dir of (process.env.PATH ?? '').split((external_node_path_default()).delimiter)) {
        if (!dir)
            continue;
        try {
            await external_node_fs_.promises.access(external_node_path_default().join(dir, name), external_node_fs_.constants.X_OK);
            return true;
        }
        catch {
            // not here
        }
    }
    return false;
}
/** Extracts only what runs (runsc and its gvisor-bin/ sidecars) and returns the path of runsc. */
async function installer_unpack(layout, file, stage) {
    if (!layout.tarFlag) {
        const dest = external_node_path_default().join(stage, 'runsc');
        await external_node_fs_.promises.rename(file, dest);
        return dest;
    }
    // As root, tar would keep the archive's owners and modes: the entry is renamed into the cache as
    // extracted, so it must belong to whoever installs it, with modes under their umask.
    const tar = await run('tar', [
        '-x',
        layout.tarFlag,
        '--no-same-owner',
        '--no-same-permissions',
        '-f',
        file,
        '-C',
        stage,
        '--no-anchored',
        'runsc',
        'gvisor-bin',
    ]);
    if (tar.exitCode !== 0)
        throw new Error(`could not extract ${external_node_path_default().basename(file)}: ${tar.stderr.trim()}`);
    const found = (0,unpack/* findFile */.q)(stage, 'runsc', 3);
    if (!found)
        throw new Error(`${external_node_path_default().basename(file)} holds no runsc binary`);
    return found;
}
/** How long tar or the `runsc --version` probe may take: neither should take a second. */
const RUN_TIMEOUT_MS = 120_000;
/**
 * A command run to completion with its output read: quiet, its status
 * returned rather than thrown (-1 when it could not be started or timed out).
 */
function run(command, args) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = (0,external_node_child_process_.spawn)(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
        const out = [];
        const err = [];
        child.stdout.on('data', (c) => out.push(c));
        child.stderr.on('data', (c) => err.push(c));
        child.once('error', (error) => resolve({ exitCode: -1, stdout: '', stderr: error.message }));
        child.once('close', (code, signal) => {
            const stderr = Buffer.concat(err).toString();
            resolve({
                exitCode: code ?? -1,
                stdout: Buffer.concat(out).toString(),
                stderr: !signal
                    ? stderr
                    : Date.now() - started >= RUN_TIMEOUT_MS
                        ? `${stderr}killed after ${RUN_TIMEOUT_MS / 1000} s`
                        : `${stderr}killed by ${signal}`,
            });
        });
    });
}


/***/ }),

/***/ 5500:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ withLock),
/* harmony export */   y: () => (/* binding */ alive)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * A lock file for writers of one tool-cache entry. Parallel jobs on one runner
 * (a matrix on a large runner, backgrounded steps) may install the same runsc
 * at once; placing an entry renames what is there aside and the new tree in
 * (installer.ts), so two writers at a time would undo each other's work. A holder that died is detected by its pid.
 */

/** Whether process `pid` exists (EPERM: it does, as another user's). */
function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
async function withLock(file, fn, timeoutMs = 600_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            const handle = await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.open(file, 'wx');
            await handle.writeFile(String(process.pid));
            await handle.close();
            break;
        }
        catch (error) {
            if (error.code !== 'EEXIST')
                throw error;
            const holder = Number(await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readFile(file, 'utf8').catch(() => ''));
            if (holder > 0 && !alive(holder)) {
                // Break it by renaming: of several waiters only one can move the very file, and a
                // waiter that read the dead pid late cannot remove a lock somebody else just took.
                const moved = `${file}.stale-${process.pid}-${Date.now()}`;
                if (await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rename(file, moved).then(() => true, () => false)) {
                    const still = Number(await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readFile(moved, 'utf8').catch(() => ''));
                    await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(moved, { force: true });
                    if (still !== holder) {
                        // We moved a live holder's fresh lock: put it back and wait our turn.
                        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.writeFile(file, String(still), { flag: 'wx' }).catch(() => { });
                    }
                }
                continue;
            }
            if (Date.now() > deadline)
                throw new Error(`timed out waiting for ${file} (held by pid ${holder || 'unknown'})`);
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }
    try {
        return await fn();
    }
    finally {
        // Only our own lock: never one another process took after ours was (wrongly) broken.
        if ((await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readFile(file, 'utf8').catch(() => '')) === String(process.pid))
            await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(file, { force: true });
    }
}


/***/ }),

/***/ 5589:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ tarFlagFor),
/* harmony export */   q: () => (/* binding */ findFile)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _cache_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7673);
/**
 * Facts about the release artifacts shared by the installer and the pinned
 * copy (pinned.ts): how each is unpacked, and where runsc lands in it.
 */



/** tar's decompression flag for a release artifact; undefined for the loose binary. Throws for any other name. */
function tarFlagFor(artifact) {
    switch (artifact) {
        case 'gvisor.tar.zstd':
            return '--zstd';
        case 'gvisor.tar.bz2':
            return '--bzip2';
        case 'runsc':
            return undefined;
        default:
            throw new Error(`${artifact} is not a runsc release artifact (expected one of ${_cache_js__WEBPACK_IMPORTED_MODULE_2__/* .KEPT_ARTIFACTS */ .BC.join(', ')})`);
    }
}
/**
 * The file `name` at most `depth` directories down (never inside gvisor-bin/):
 * tarballs may nest everything under a top directory, so runsc is looked for
 * rather than assumed.
 */
function findFile(dir, name, depth) {
    const entries = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(dir, { withFileTypes: true });
    const here = entries.find((e) => e.isFile() && e.name === name);
    if (here)
        return node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, here.name);
    if (depth === 0)
        return undefined;
    for (const e of entries) {
        if (e.isDirectory() && e.name !== 'gvisor-bin') {
            const found = findFile(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, e.name), name, depth - 1);
            if (found)
                return found;
        }
    }
    return undefined;
}


/***/ })

};
;