export const id = 473;
export const ids = [473];
export const modules = {

/***/ 1473:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  pullForCell: () => (/* binding */ pullForCell)
});

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: ./src/run/runsc.ts
var runsc = __webpack_require__(6566);
;// CONCATENATED MODULE: ./src/image/describe.ts
/**
 * How a pull is said, in the log and in the job summary: one wording for
 * both. Nothing here loads the image code (the summary is on every step's
 * path).
 */
function mib(bytes) {
    return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
function ms(n) {
    return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`;
}
function describePull(p) {
    if (p.cached)
        return `Image ${p.reference} (${p.digest}) from the cache, ${mib(p.unpackedBytes)} (${ms(p.pullMs)})`;
    return `Pulled ${p.reference} (${p.digest}): ${mib(p.fetchedBytes)} fetched in ${ms(p.pullMs)}, ${mib(p.unpackedBytes)} unpacked in ${ms(p.unpackMs)}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./src/install/lock.ts
var lock = __webpack_require__(5500);
;// CONCATENATED MODULE: ./src/image/tar.ts
/**
 * A streaming reader of tar archives (POSIX ustar, pax extended headers, GNU
 * long names), enough for image layers. It yields each entry's header and
 * hands its data to the caller as it arrives: layers are large, nothing is
 * held whole.
 */
const BLOCK = 512;
/** A pax or GNU long-name header is held whole: no real one comes near this. */
const META_MAX = 1 << 20;
/** Reads `input` (decompressed tar bytes) to its end, calling `sink` for each entry. */
async function readTar(input, sink) {
    let pending = Buffer.alloc(0);
    let state = 'header';
    let remaining = 0;
    let padding = 0;
    let current;
    let write;
    let meta = [];
    let metaKind = '';
    let pax = {};
    let longName;
    let longLink;
    let zeros = 0;
    const headerDone = (h) => {
        const raw = parseHeader(h);
        const size = raw.size;
        if (raw.typeflag === 'x' || raw.typeflag === 'g' || raw.typeflag === 'L' || raw.typeflag === 'K') {
            if (!Number.isSafeInteger(size) || size < 0 || size > META_MAX)
                throw new Error(`tar: a ${raw.typeflag} header of ${size} bytes`);
            metaKind = raw.typeflag;
            meta = [];
            remaining = size;
            padding = pad(size);
            state = remaining > 0 ? 'meta' : padding > 0 ? 'pad' : 'header';
            if (remaining === 0)
                finishMeta();
            return;
        }
        const e = {
            name: pax.path ?? longName ?? raw.name,
            type: typeOf(raw.typeflag),
            mode: raw.mode,
            uid: pax.uid !== undefined ? Number(pax.uid) : raw.uid,
            gid: pax.gid !== undefined ? Number(pax.gid) : raw.gid,
            size: pax.size !== undefined ? Number(pax.size) : size,
            mtime: pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : raw.mtime,
            linkname: pax.linkpath ?? longLink ?? raw.linkname,
        };
        pax = {};
        longName = undefined;
        longLink = undefined;
        if (!Number.isSafeInteger(e.size) || e.size < 0)
            throw new Error(`tar: ${e.name}: bad size`);
        // Only regular files carry data (a hard link's size, where set, is not followed by any).
        const dataSize = e.type === 'file' || e.type === 'other' ? e.size : 0;
        current = e;
        write = sink.entry(e);
        remaining = dataSize;
        padding = pad(dataSize);
        if (remaining === 0) {
            sink.end(e);
            current = undefined;
            state = padding > 0 ? 'pad' : 'header';
        }
        else
            state = 'data';
    };
    const finishMeta = () => {
        const text = Buffer.concat(meta);
        if (metaKind === 'x')
            pax = { ...pax, ...parsePax(text) };
        else if (metaKind === 'L')
            longName = cString(text);
        else if (metaKind === 'K')
            longLink = cString(text);
        // 'g' (global) headers set defaults no image tool relies on: ignored.
    };
    for await (const chunk of input) {
        // Past the end: the rest is read (the caller may be hashing it) but nothing of it is kept.
        if (state === 'done')
            continue;
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let at = 0;
        while (at < pending.length && state !== 'done') {
            const left = pending.length - at;
            if (state === 'header') {
                if (left < BLOCK)
                    break;
                const h = pending.subarray(at, at + BLOCK);
                at += BLOCK;
                if (h.every((b) => b === 0)) {
                    if (++zeros === 2)
                        state = 'done';
                    continue;
                }
                zeros = 0;
                headerDone(h);
            }
            else if (state === 'data' || state === 'meta') {
                const n = Math.min(left, remaining);
                const part = pending.subarray(at, at + n);
                at += n;
                remaining -= n;
                if (state === 'data')
                    write?.(part);
                else
                    meta.push(Buffer.from(part));
                if (remaining === 0) {
                    if (state === 'data' && current)
                        sink.end(current);
                    else
                        finishMeta();
                    current = undefined;
                    state = padding > 0 ? 'pad' : 'header';
                }
            }
            else if (state === 'pad') {
                const n = Math.min(left, padding);
                at += n;
                padding -= n;
                if (padding === 0)
                    state = 'header';
            }
        }
        pending = at >= pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(at));
    }
    if (state === 'data' || state === 'meta' || (state === 'header' && pending.length > 0)) {
        throw new Error('tar: the archive ends in the middle of an entry');
    }
}
function pad(n) {
    return (BLOCK - (n % BLOCK)) % BLOCK;
}
function parseHeader(h) {
    const stored = readNumber(h.subarray(148, 156));
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 32 : h[i];
    if (stored !== sum)
        throw new Error('tar: a header’s checksum does not match (not a tar archive, or a damaged one)');
    let name = cString(h.subarray(0, 100));
    const magic = h.subarray(257, 262).toString('latin1');
    if (magic === 'ustar') {
        const prefix = cString(h.subarray(345, 500));
        if (prefix)
            name = `${prefix}/${name}`;
    }
    return {
        name,
        mode: readNumber(h.subarray(100, 108)),
        uid: readNumber(h.subarray(108, 116)),
        gid: readNumber(h.subarray(116, 124)),
        size: readNumber(h.subarray(124, 136)),
        mtime: readNumber(h.subarray(136, 148)),
        typeflag: String.fromCharCode(h[156] || 48),
        linkname: cString(h.subarray(157, 257)),
    };
}
/** Octal, or base-256 (the high bit of the first byte set) for large values. */
function readNumber(field) {
    const first = field[0] ?? 0;
    // Base-256 with the sign bit set: a negative number, which no field may hold.
    if (first === 0xff)
        return -1;
    if (first & 0x80) {
        let n = first & 0x7f;
        for (let i = 1; i < field.length; i++)
            n = n * 256 + field[i];
        return n;
    }
    const text = cString(field).trim();
    return text === '' ? 0 : Number.parseInt(text, 8);
}
function cString(b) {
    const end = b.indexOf(0);
    return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}
/** `<length> <key>=<value>\n` records. */
function parsePax(text) {
    const out = {};
    let at = 0;
    while (at < text.length) {
        const space = text.indexOf(0x20, at);
        if (space < 0)
            break;
        const len = Number.parseInt(text.subarray(at, space).toString('latin1'), 10);
        if (!(len > 0) || at + len > text.length)
            throw new Error('tar: a malformed pax header');
        const record = text.subarray(space + 1, at + len - 1).toString('utf8');
        const eq = record.indexOf('=');
        if (eq > 0)
            out[record.slice(0, eq)] = record.slice(eq + 1);
        at += len;
    }
    return out;
}
function typeOf(flag) {
    switch (flag) {
        case '0':
        case '7':
            return 'file';
        case '1':
            return 'hardlink';
        case '2':
            return 'symlink';
        case '3':
        case '4':
            return 'device';
        case '5':
            return 'directory';
        case '6':
            return 'fifo';
        default:
            return 'other';
    }
}

;// CONCATENATED MODULE: ./src/image/layer.ts
/**
 * Applies image layers, in order, to a directory of the action's own (the
 * cache entry being made), as `docker pull` would: whiteouts delete what a
 * lower layer put there, an opaque directory hides all of it.
 *
 * Nothing is ever written outside `root`: a name with `..` fails the layer;
 * links are resolved inside `root` as if it were `/` (an absolute link, or
 * one that climbs, lands inside); an entry's own last component is replaced,
 * never followed; a hard link's target must already be in the tree. Device
 * nodes and FIFOs are skipped (a cell cannot use them: its /dev is gVisor's).
 */



const SKIPPED_NAMES = 20;
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_LINKS = 255;
/** A tree being built from layers; `finish` once the last is applied. */
class LayeredTree {
    root;
    stats = { entries: 0, bytes: 0, skippedCount: 0, skipped: [] };
    /** Directories' own metadata, applied last (their contents change under them until then). */
    dirs = new Map();
    asRoot;
    constructor(root, asRoot = process.getuid?.() === 0) {
        this.root = root;
        this.asRoot = asRoot;
        (0,external_node_fs_.mkdirSync)(root, { recursive: true, mode: 0o755 });
    }
    /** Applies one layer's (decompressed) tar stream. `label` names it in errors. */
    async apply(input, label) {
        const made = new Set();
        let fd;
        try {
            await readTar(input, {
                entry: (e) => {
                    this.stats.entries++;
                    const at = this.place(e, made, label);
                    if (at === undefined)
                        return undefined;
                    fd = (0,external_node_fs_.openSync)(at, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | external_node_fs_.constants.O_NOFOLLOW, 0o600);
                    const open = fd;
                    return (chunk) => {
                        let off = 0;
                        while (off < chunk.length)
                            off += (0,external_node_fs_.writeSync)(open, chunk, off);
                        this.stats.bytes += chunk.length;
                    };
                },
                end: (e) => {
                    if (fd === undefined)
                        return;
                    const open = fd;
                    fd = undefined;
                    try {
                        if (this.asRoot)
                            (0,external_node_fs_.fchownSync)(open, e.uid, e.gid);
                        (0,external_node_fs_.fchmodSync)(open, e.mode & 0o7777);
                        (0,external_node_fs_.futimesSync)(open, e.mtime, e.mtime);
                    }
                    finally {
                        (0,external_node_fs_.closeSync)(open);
                    }
                },
            });
        }
        catch (error) {
            // The error keeps its class (the pull tells a kept blob that fails its digest from the rest).
            if (!(error instanceof Error))
                throw new Error(`${label}: ${String(error)}`);
            if (!error.message.startsWith(`${label}: `))
                error.message = `${label}: ${error.message}`;
            throw error;
        }
        finally {
            if (fd !== undefined)
                (0,external_node_fs_.closeSync)(fd);
        }
    }
    /** Directories get their modes, owners and times, deepest first. */
    finish() {
        const dirs = [...this.dirs].sort(([a], [b]) => b.length - a.length);
        for (const [at, e] of dirs) {
            const st = (0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false });
            if (!st?.isDirectory())
                continue;
            if (this.asRoot)
                (0,external_node_fs_.chownSync)(at, e.uid, e.gid);
            (0,external_node_fs_.chmodSync)(at, e.mode & 0o7777);
            (0,external_node_fs_.utimesSync)(at, e.mtime, e.mtime);
        }
        this.dirs.clear();
    }
    /**
     * Makes the entry (all but a file's data); returns where a file's data goes.
     * Entries of this layer are recorded in `made`, which an opaque marker keeps.
     */
    place(e, made, label) {
        const parts = components(e.name, label);
        if (parts.length === 0) {
            if (e.type === 'directory')
                this.dirs.set(this.root, e);
            return undefined;
        }
        const base = parts[parts.length - 1];
        const dir = this.resolveDir(parts.slice(0, -1), label, e.name, true, made);
        if (base === OPAQUE) {
            this.hideLower(dir, made);
            return undefined;
        }
        if (base.startsWith(WHITEOUT)) {
            const hidden = base.slice(WHITEOUT.length);
            if (hidden === '' || hidden === '.' || hidden === '..')
                throw new Error(`${label}: ${e.name}: a whiteout of nothing`);
            // A whiteout hides what the layers below put there, never what its own layer did.
            const at = external_node_path_default().join(dir, hidden);
            if (!made.has(at))
                this.remove(at);
            return undefined;
        }
        const at = external_node_path_default().join(dir, base);
        made.add(at);
        const existing = (0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false });
        if (e.type === 'directory') {
            if (existing && !existing.isDirectory())
                this.remove(at);
            if (!existing?.isDirectory())
                (0,external_node_fs_.mkdirSync)(at, { mode: 0o755 });
            this.dirs.set(at, e);
            return undefined;
        }
        if (e.type === 'device' || e.type === 'fifo') {
            if (++this.stats.skippedCount <= SKIPPED_NAMES)
                this.stats.skipped.push(e.name.length > 256 ? `${e.name.slice(0, 253)}...` : e.name);
            return undefined;
        }
        if (e.type === 'other')
            return undefined;
        if (existing)
            this.remove(at);
        if (e.type === 'symlink') {
            (0,external_node_fs_.symlinkSync)(e.linkname, at);
            if (this.asRoot)
                (0,external_node_fs_.lchownSync)(at, e.uid, e.gid);
            (0,external_node_fs_.lutimesSync)(at, e.mtime, e.mtime);
            return undefined;
        }
        if (e.type === 'hardlink') {
            const targetParts = components(e.linkname, label);
            if (targetParts.length === 0)
                throw new Error(`${label}: ${e.name}: a hard link to the root`);
            const target = external_node_path_default().join(this.resolveDir(targetParts.slice(0, -1), label, e.linkname, false), targetParts[targetParts.length - 1]);
            const st = (0,external_node_fs_.lstatSync)(target, { throwIfNoEntry: false });
            if (!st || st.isDirectory()) {
                throw new Error(`${label}: ${e.name}: a hard link to ${e.linkname}, which is ${st ? 'a directory' : 'not in the image'}`);
            }
            (0,external_node_fs_.linkSync)(target, at);
            return undefined;
        }
        return at;
    }
    /** An opaque directory: everything below `dir` that this layer did not make goes, at any depth. */
    hideLower(dir, made) {
        for (const child of (0,external_node_fs_.readdirSync)(dir)) {
            const at = external_node_path_default().join(dir, child);
            if (!made.has(at))
                this.remove(at);
            else if ((0,external_node_fs_.lstatSync)(at).isDirectory())
                this.hideLower(at, made);
        }
    }
    /**
     * The real directory for `parts` below the root, links followed as if the
     * root were `/` (so never out of it), missing directories made (and, with
     * `made`, recorded as this layer's).
     */
    resolveDir(parts, label, name, create = true, made) {
        const queue = [...parts];
        const cur = [];
        let links = 0;
        while (queue.length > 0) {
            const p = queue.shift();
            if (p === '' || p === '.')
                continue;
            if (p === '..') {
                cur.pop();
                continue;
            }
            const at = external_node_path_default().join(this.root, ...cur, p);
            const st = (0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false });
            if (!st) {
                if (!create)
                    throw new Error(`${label}: ${name}: ${external_node_path_default().join(...cur, p)} is not in the image`);
                (0,external_node_fs_.mkdirSync)(at, { mode: 0o755 });
                made?.add(at);
                cur.push(p);
                continue;
            }
            if (st.isSymbolicLink()) {
                if (++links > MAX_LINKS)
                    throw new Error(`${label}: ${name}: too many levels of symbolic links`);
                const target = (0,external_node_fs_.readlinkSync)(at);
                if (target.startsWith('/'))
                    cur.length = 0;
                queue.unshift(...target.split('/'));
                continue;
            }
            if (!st.isDirectory())
                throw new Error(`${label}: ${name}: ${external_node_path_default().join(...cur, p)} is not a directory`);
            cur.push(p);
        }
        return external_node_path_default().join(this.root, ...cur);
    }
    remove(at) {
        const st = (0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false });
        if (!st)
            return;
        if (st.isDirectory()) {
            // A directory of the image may be unwritable (0555) to a non-root unpacker.
            if (!this.asRoot)
                (0,external_node_fs_.chmodSync)(at, 0o755);
            (0,external_node_fs_.rmSync)(at, { recursive: true, force: true });
            for (const d of this.dirs.keys())
                if (d === at || d.startsWith(`${at}/`))
                    this.dirs.delete(d);
        }
        else
            (0,external_node_fs_.unlinkSync)(at);
    }
}
/** A layer entry's name as path components; `..` anywhere fails the layer. */
function components(name, label) {
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..'))
        throw new Error(`${label}: the entry ${JSON.stringify(name)} climbs out of the image (..): refused`);
    if (name.includes('\0'))
        throw new Error(`${label}: an entry name holds a NUL byte`);
    return parts;
}

// EXTERNAL MODULE: ./src/image/reference.ts
var image_reference = __webpack_require__(3564);
;// CONCATENATED MODULE: ./src/image/credentials.ts
/**
 * Registry credentials from the files logins leave behind: `REGISTRY_AUTH_FILE`
 * (podman, skopeo) first, then `$DOCKER_CONFIG/config.json` or
 * `~/.docker/config.json` (what docker/login-action writes). Only stored
 * `auth` entries are read; credential helpers are not run (a program of the
 * runner's, chosen by a file: out of scope, and said so in the error).
 */



/** The files looked in, in order. */
function authFiles(env = process.env) {
    const files = [];
    if (env.REGISTRY_AUTH_FILE)
        files.push(env.REGISTRY_AUTH_FILE);
    files.push(external_node_path_default().join(env.DOCKER_CONFIG || external_node_path_default().join(env.HOME || (0,external_node_os_.homedir)(), '.docker'), 'config.json'));
    return files;
}
/** The keys a registry may be stored under (Docker Hub's legacy URL; with or without a scheme). */
function keysFor(registry) {
    if (registry === 'docker.io')
        return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
    return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}
function credentialsFor(registry, env = process.env) {
    for (const file of authFiles(env)) {
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)(file, 'utf8');
        }
        catch {
            continue;
        }
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            throw new Error(`${file} is not JSON: cannot read registry credentials from it`);
        }
        for (const key of keysFor(registry)) {
            const entry = parsed.auths?.[key];
            if (!entry)
                continue;
            if (entry.username && entry.password)
                return { username: entry.username, password: entry.password, from: file };
            if (!entry.auth)
                continue;
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon <= 0)
                throw new Error(`${file}: the auth entry for ${key} is not base64 of user:password`);
            return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), from: file };
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/image/http.ts

const MAX_REDIRECTS = 5;
const IDLE_MS = 60_000;
const httpGet = async (url, headers) => {
    let at = new URL(String(url));
    let sent = { ...headers };
    for (let hop = 0;; hop++) {
        const res = await once(at, sent);
        const location = res.headers.location;
        if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
            res.resume();
            if (hop >= MAX_REDIRECTS)
                throw new Error(`more than ${MAX_REDIRECTS} redirects`);
            const next = new URL(location, at);
            // Plain HTTP only to this machine (a registry on loopback), whatever the redirect came from.
            if (next.protocol !== 'https:' && !(next.protocol === 'http:' && (0,image_reference/* isLoopbackRegistry */.jW)(next.host))) {
                throw new Error(`a redirect to ${next.origin} (not HTTPS) refused`);
            }
            if (next.origin !== at.origin) {
                const { authorization: _dropped, ...rest } = sent;
                sent = rest;
            }
            at = next;
            continue;
        }
        const final = at;
        return {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            url: final.href,
            header: (name) => {
                const v = res.headers[name.toLowerCase()];
                return Array.isArray(v) ? v.join(', ') : v;
            },
            body: res,
            discard: () => {
                res.resume();
            },
        };
    }
};
async function once(url, headers) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`${url.protocol} is not HTTP(S)`);
    const mod = url.protocol === 'https:' ? await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 4708, 23)) : await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 7067, 23));
    return new Promise((resolve, reject) => {
        const req = mod.get(url, { headers }, resolve);
        req.setTimeout(IDLE_MS, () => req.destroy(new Error(`no answer for ${IDLE_MS / 1000} s`)));
        req.on('error', reject);
    });
}
/** The whole body, up to `max` bytes (more is an error). */
async function readBody(res, max) {
    const chunks = [];
    let size = 0;
    for await (const chunk of res.body) {
        size += chunk.length;
        if (size > max) {
            res.body.destroy();
            throw new Error(`a body of more than ${max} bytes`);
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}

;// CONCATENATED MODULE: ./src/image/registry.ts
/**
 * A small client of the OCI distribution API: manifests and blobs, pulled
 * anonymously or with stored credentials (Bearer token or Basic, as the
 * registry's challenge asks). Every byte it returns is checked against the
 * digest it was asked for.
 */





const MANIFEST_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
];
/** Manifests are small; anything larger is refused before it is read. */
const MANIFEST_MAX = 4 * 2 ** 20;
class RegistryClient {
    ref;
    get_;
    endpoint;
    authorization;
    credentials;
    constructor(ref, env = process.env, get_ = httpGet) {
        this.ref = ref;
        this.get_ = get_;
        this.endpoint = (0,image_reference/* registryEndpoint */.Fh)(ref.registry);
        this.credentials = credentialsFor(ref.registry, env);
        this.files = authFiles(env);
    }
    files;
    /** A manifest or index, by tag or digest; a digest is enforced. */
    async manifest(reference) {
        const url = `${this.endpoint}/v2/${this.ref.repository}/manifests/${reference}`;
        const res = await this.get(url, { accept: MANIFEST_TYPES.join(', ') });
        let body;
        try {
            body = await readBody(res, MANIFEST_MAX);
        }
        catch (error) {
            throw new Error(`GET ${url}: ${error.message}`);
        }
        const digest = sha256(body);
        if (image_reference/* DIGEST */.Dh.test(reference) && digest !== reference) {
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
    async blob(digest, expectedSize, file, onBytes) {
        if (!image_reference/* DIGEST */.Dh.test(digest))
            throw new Error(`a blob digest must be sha256:<64 hex>, got ${JSON.stringify(digest)}`);
        const url = `${this.endpoint}/v2/${this.ref.repository}/blobs/${digest}`;
        const res = await this.get(url, {});
        // A name of this download's own, made here (never through a link that was there).
        const partial = `${file}.partial-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        const hash = (0,external_node_crypto_.createHash)('sha256');
        let size = 0;
        try {
            const fd = (0,external_node_fs_.openSync)(partial, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | external_node_fs_.constants.O_NOFOLLOW, 0o644);
            const out = (0,external_node_fs_.createWriteStream)('', { fd });
            const body = res.body;
            body.on('data', (chunk) => {
                hash.update(chunk);
                size += chunk.length;
                onBytes?.(chunk.length);
                if (size > expectedSize)
                    body.destroy(new Error(`more than the ${expectedSize} bytes the manifest says`));
            });
            await new Promise((resolve, reject) => {
                body.on('error', (e) => reject(new Error(`GET ${url}: ${e.message}`)));
                body.on('aborted', () => reject(new Error(`GET ${url}: the connection was cut`)));
                out.on('error', reject);
                out.on('finish', resolve);
                body.pipe(out);
            });
            if (size !== expectedSize)
                throw new Error(`GET ${url}: ${size} bytes, where the manifest says ${expectedSize}`);
            const actual = `sha256:${hash.digest('hex')}`;
            if (actual !== digest)
                throw new Error(`GET ${url}: digest mismatch: expected ${digest}, got ${actual}`);
            await external_node_fs_.promises.rename(partial, file);
            return size;
        }
        catch (error) {
            await external_node_fs_.promises.rm(partial, { force: true });
            throw error;
        }
    }
    /** GET, answering the registry's challenge once; any status but 200 is an error naming the URL. */
    async get(url, headers) {
        let res = await this.send(url, headers);
        if (res.status === 401) {
            res.discard();
            if (await this.answer(res.header('www-authenticate') ?? '', url))
                res = await this.send(url, headers);
        }
        if (res.status === 200)
            return res;
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
    async send(url, headers) {
        const all = { 'user-agent': 'gvisor-cell', ...headers };
        if (this.authorization)
            all.authorization = this.authorization;
        try {
            return await this.get_(url, all);
        }
        catch (error) {
            throw new Error(`GET ${url}: ${error.message}`);
        }
    }
    /** Sets the authorization a 401's challenge asks for; false when there is nothing to answer with. */
    async answer(challenge, url) {
        const scheme = (challenge.split(' ', 1)[0] ?? '').toLowerCase();
        const params = challengeParams(challenge);
        const basic = this.credentials
            ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
            : undefined;
        if (scheme === 'basic') {
            if (!basic || this.authorization === basic)
                return false;
            this.authorization = basic;
            return true;
        }
        if (scheme !== 'bearer' || !params.realm)
            return false;
        const realm = new URL(params.realm);
        // Tokens come from a token service over HTTPS only (or one on this machine, as the registry may be).
        if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && (0,image_reference/* isLoopbackRegistry */.jW)(realm.host))) {
            throw new Error(`${url}: the token service ${realm.origin} is not HTTPS: refused`);
        }
        const plain = realm.protocol === 'http:';
        if (params.service)
            realm.searchParams.set('service', params.service);
        realm.searchParams.set('scope', params.scope ?? `repository:${this.ref.repository}:pull`);
        const headers = { 'user-agent': 'gvisor-cell' };
        if (basic && !plain)
            headers.authorization = basic;
        const where = `GET ${realm.origin}${realm.pathname} (token for ${this.ref.registry})`;
        let json;
        try {
            const res = await this.get_(realm, headers);
            if (res.status !== 200) {
                res.discard();
                throw new Error(`${res.status} ${res.statusText || 'error'}`);
            }
            json = JSON.parse((await readBody(res, 1 << 20)).toString('utf8'));
        }
        catch (error) {
            throw new Error(`${where}: ${error.message}`);
        }
        const token = json.token ?? json.access_token;
        if (!token)
            throw new Error(`${realm.origin}${realm.pathname}: the token service sent no token`);
        this.authorization = `Bearer ${token}`;
        return true;
    }
}
/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
function challengeParams(challenge) {
    const out = {};
    const rest = challenge.slice(challenge.indexOf(' ') + 1);
    for (const m of rest.matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
        out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    }
    return out;
}
function sha256(data) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(data).digest('hex')}`;
}
function mediaTypeOf(body) {
    try {
        return String(JSON.parse(body.toString('utf8')).mediaType ?? '');
    }
    catch {
        return '';
    }
}

;// CONCATENATED MODULE: ./src/image/pull.ts
/**
 * An image, pulled once: its manifest resolved (the runner's platform chosen
 * from an index), its blobs fetched and checked against their digests, its
 * layers unpacked into a tree kept in the tool cache by manifest digest. The
 * tree is never changed once complete: a cell's writes go to runsc's overlay.
 *
 * The cache, under `<tool cache>/gvisor-cell-images/`:
 *   blobs/sha256/<hex>   every verified blob (what `actions/cache` can keep across jobs)
 *   roots/<hex>/         the unpacked tree of manifest sha256:<hex>
 *   roots/<hex>.json     written last: the tree is complete (and the image's config)
 * A tree is built beside its place and renamed into it under a lock, so an
 * interrupted pull leaves nothing that looks complete, and two pulls of one
 * image make one entry.
 */









const IMAGE_CACHE_DIR = 'gvisor-cell-images';
const ARCH = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
/** Node's name of an architecture (process.arch) → the image spec's. */
function imageArch(nodeArch) {
    return ARCH[nodeArch] ?? nodeArch;
}
/**
 * The image if it is in the cache already, made by `owner` (root's, for an
 * action that is not root: it pulls through sudo), without unpacking
 * anything: a pinned one without the registry, a tag with its manifests
 * (which needs no root). Undefined when it must be pulled.
 */
async function lookupCached(text, opts) {
    const started = Date.now();
    const roots = external_node_path_default().join(opts.toolCache, IMAGE_CACHE_DIR, 'roots');
    if (!(0,external_node_fs_.existsSync)(roots))
        return undefined;
    const found = await resolve(text, roots, { owner: opts.owner, platform: imageArch(opts.arch ?? process.arch) }, opts);
    return 'entry' in found ? hit(found.entry, text, started) : undefined;
}
/** What the reference names: an entry already in the cache, or the manifests to pull. */
async function resolve(text, roots, trust, opts) {
    const ref = (0,image_reference/* parseReference */.F2)(text);
    // A pinned image already unpacked needs no registry at all.
    const known = ref.digest ? findByDigest(roots, ref.digest, trust) : undefined;
    if (known)
        return { entry: known };
    const client = new RegistryClient(ref, opts.env, opts.get);
    const top = await client.manifest(ref.digest ?? ref.tag);
    const manifest = await platformManifest(client, top, ref, opts.arch ?? process.arch);
    const done = readMarker(roots, manifest.digest.slice('sha256:'.length), trust);
    if (done)
        return { entry: { ...done, digest: top.digest } };
    return { top, manifest, client, ref };
}
async function pullImage(text, opts) {
    const started = Date.now();
    const log = opts.log ?? (() => { });
    const store = external_node_path_default().join(opts.toolCache, IMAGE_CACHE_DIR);
    const roots = external_node_path_default().join(store, 'roots');
    (0,external_node_fs_.mkdirSync)(roots, { recursive: true, mode: 0o755 });
    const trust = { owner: process.getuid?.() ?? 0, platform: imageArch(opts.arch ?? process.arch) };
    const found = await resolve(text, roots, trust, opts);
    if ('entry' in found)
        return hit(found.entry, text, started);
    const { top, manifest, client, ref } = found;
    const hex = manifest.digest.slice('sha256:'.length);
    return (0,lock/* withLock */.k)(external_node_path_default().join(roots, `${hex}.lock`), async () => {
        const again = readMarker(roots, hex, trust);
        if (again)
            return hit({ ...again, digest: top.digest }, text, started);
        const blobs = external_node_path_default().join(store, 'blobs', 'sha256');
        (0,external_node_fs_.mkdirSync)(blobs, { recursive: true, mode: 0o755 });
        removeLeftovers(roots, blobs, hex);
        const parsed = JSON.parse(manifest.body.toString('utf8'));
        if (!parsed.config || !Array.isArray(parsed.layers)) {
            throw new Error(`${(0,image_reference/* formatReference */.FH)(ref)}: the manifest ${manifest.digest} has no config or layers`);
        }
        // Every digest names a file below blobs/: anything but sha256:<64 hex> is refused before a path is made of it.
        for (const d of [parsed.config, ...parsed.layers])
            checkDescriptor(d, manifest.digest);
        const layers = parsed.layers;
        // Docker and overlayfs stop at about 128 layers; more is an image made to exhaust the pull.
        if (layers.length > MAX_LAYERS)
            throw new Error(`the manifest ${manifest.digest} lists ${layers.length} layers (at most ${MAX_LAYERS})`);
        const configDescriptor = parsed.config;
        // A blob listed twice is fetched once.
        const wanted = [...new Map([configDescriptor, ...layers].map((d) => [d.digest, d])).values()];
        const total = wanted.reduce((n, d) => n + d.size, 0);
        let fetched = 0;
        let lastReport = Date.now();
        const progress = (n) => {
            fetched += n;
            if (Date.now() - lastReport >= 5000) {
                lastReport = Date.now();
                log(`Pulling ${text}: ${mib(fetched)} of ${mib(total)}`);
            }
        };
        // Blobs in parallel (a few at a time), each checked against its digest as it comes. A kept one (this cache's, or
        // restored from elsewhere by actions/cache) is used only if it is a plain file; its bytes are checked as they are
        // unpacked below, and one that fails is fetched again.
        const fresh = new Set();
        const fetch = async (d) => {
            const file = blobFile(blobs, d.digest);
            removeUnlessPlainFile(file);
            if ((0,external_node_fs_.existsSync)(file))
                return;
            await client.blob(d.digest, d.size, file, progress);
            fresh.add(d.digest);
        };
        await inParallel(wanted, 3, fetch);
        const pulled = Date.now();
        const readConfig = async () => {
            const file = blobFile(blobs, configDescriptor.digest);
            let bytes;
            try {
                bytes = readPlainFile(file, 4 * 2 ** 20);
            }
            catch (error) {
                if (fresh.has(configDescriptor.digest))
                    throw error;
            }
            if (bytes === undefined || sha256(bytes) !== configDescriptor.digest) {
                if (fresh.has(configDescriptor.digest))
                    throw new Error(`the config ${configDescriptor.digest} changed on disk`);
                (0,external_node_fs_.rmSync)(file, { force: true });
                await fetch(configDescriptor);
                return readConfig();
            }
            try {
                return JSON.parse(bytes.toString('utf8')).config ?? {};
            }
            catch {
                throw new Error(`the config ${configDescriptor.digest} is not JSON`);
            }
        };
        const config = await readConfig();
        // The tree is built in a directory only root can enter when root pulls: an image's setuid programs, kept as
        // they are, must not be reachable by the runner's other users.
        const partial = external_node_path_default().join(roots, `.${hex}.partial-${process.pid}`);
        (0,external_node_fs_.rmSync)(partial, { recursive: true, force: true });
        (0,external_node_fs_.mkdirSync)(partial, { mode: 0o700 });
        try {
            let tree = new LayeredTree(external_node_path_default().join(partial, 'rootfs'));
            for (let i = 0; i < layers.length; i++) {
                const layer = layers[i];
                const label = `layer ${i + 1} (${layer.digest})`;
                const applied = await tree.apply(verified(blobFile(blobs, layer.digest), layer.digest), label).then(() => true, (error) => {
                    // A kept blob that fails in any way (its digest, or a damaged stream that fails before the digest is
                    // known) is not trusted: fetched again. One fetched now that fails is the image's fault.
                    if (!fresh.has(layer.digest))
                        return false;
                    throw error;
                });
                if (!applied) {
                    // The tree is started over with the blob fetched again.
                    (0,external_node_fs_.rmSync)(blobFile(blobs, layer.digest), { force: true });
                    await fetch(layer);
                    (0,external_node_fs_.rmSync)(external_node_path_default().join(partial, 'rootfs'), { recursive: true, force: true });
                    tree = new LayeredTree(external_node_path_default().join(partial, 'rootfs'));
                    i = -1;
                }
            }
            tree.finish();
            const marker = {
                reference: text,
                digest: top.digest,
                manifestDigest: manifest.digest,
                platform: trust.platform,
                config: pick(config),
                unpackedBytes: tree.stats.bytes,
                skippedCount: tree.stats.skippedCount,
                skipped: tree.stats.skipped,
            };
            (0,external_node_fs_.renameSync)(partial, external_node_path_default().join(roots, hex));
            (0,external_node_fs_.writeFileSync)(external_node_path_default().join(roots, `${hex}.json.tmp`), JSON.stringify(marker));
            (0,external_node_fs_.renameSync)(external_node_path_default().join(roots, `${hex}.json.tmp`), external_node_path_default().join(roots, `${hex}.json`));
            return {
                ...marker,
                reference: text,
                root: external_node_path_default().join(roots, hex, 'rootfs'),
                cached: false,
                fetchedBytes: fetched,
                pullMs: pulled - started,
                unpackMs: Date.now() - pulled,
            };
        }
        catch (error) {
            (0,external_node_fs_.rmSync)(partial, { recursive: true, force: true });
            throw error;
        }
    }, LOCK_WAIT_MS);
}
const MAX_LAYERS = 128;
/** How long a pull waits for another pull of the same image (a large one may take a while). */
const LOCK_WAIT_MS = 30 * 60_000;
function checkDescriptor(d, manifest) {
    if (typeof d.digest !== 'string' || !image_reference/* DIGEST */.Dh.test(d.digest)) {
        throw new Error(`the manifest ${manifest} names a blob by ${JSON.stringify(d.digest)}: only sha256:<64 hex> digests are accepted`);
    }
    if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
        throw new Error(`the manifest ${manifest} gives blob ${d.digest} no valid size`);
    }
}
/** A name in blobs/ that is anything but a plain file (a link a restored cache brought, say) is removed, never followed. */
function removeUnlessPlainFile(file) {
    const st = (0,external_node_fs_.lstatSync)(file, { throwIfNoEntry: false });
    if (st && !st.isFile())
        (0,external_node_fs_.rmSync)(file, { recursive: true, force: true });
}
function readPlainFile(file, max) {
    const fd = (0,external_node_fs_.openSync)(file, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK);
    try {
        const st = (0,external_node_fs_.fstatSync)(fd);
        if (!st.isFile() || st.size > max)
            throw new Error(`${file}: not a plain file of at most ${max} bytes`);
        return (0,external_node_fs_.readFileSync)(fd);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/**
 * A layer's bytes, decompressed by what they start with (gzip, zstd or a
 * plain tar), whatever the media type says, and hashed as they are read:
 * what is unpacked is what was checked, whatever happens to the file
 * meanwhile. A mismatch fails the layer at its end (the tree is then thrown
 * away).
 */
async function* verified(file, digest) {
    // Non-blocking: a FIFO put in a blob's place must not hold the pull (and its lock) in open().
    const fd = (0,external_node_fs_.openSync)(file, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK);
    if (!(0,external_node_fs_.fstatSync)(fd).isFile()) {
        (0,external_node_fs_.closeSync)(fd);
        throw new Error(`${external_node_path_default().basename(file)}: not a plain file`);
    }
    const head = Buffer.alloc(4);
    (0,external_node_fs_.readSync)(fd, head, 0, 4, 0);
    const raw = (0,external_node_fs_.createReadStream)('', { fd, start: 0, highWaterMark: 1 << 20 });
    const hash = (0,external_node_crypto_.createHash)('sha256');
    raw.on('data', (chunk) => {
        hash.update(chunk);
    });
    const ended = new Promise((resolve, reject) => {
        raw.once('end', resolve);
        raw.once('error', reject);
    });
    ended.catch(() => { });
    let source = raw;
    let inflate;
    if (head[0] === 0x1f && head[1] === 0x8b)
        inflate = external_node_zlib_.createGunzip({ chunkSize: 1 << 18 });
    else if (head.readUInt32LE(0) === 0xfd2fb528) {
        const zstd = external_node_zlib_.createZstdDecompress;
        if (!zstd) {
            raw.destroy();
            throw new Error(`${external_node_path_default().basename(file)}: a zstd layer needs Node.js 22.15 or later to unpack`);
        }
        inflate = zstd();
    }
    if (inflate) {
        const out = inflate;
        raw.on('error', (e) => out.destroy(e));
        source = raw.pipe(out);
    }
    try {
        yield* source;
        // The decompressor may stop at its stream's end before the file's: the rest is read (and hashed) too.
        if (!raw.readableEnded) {
            if (inflate)
                raw.unpipe();
            raw.resume();
        }
        await ended;
    }
    finally {
        raw.destroy();
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest)
        throw new Error(`${external_node_path_default().basename(file)}: the kept blob is not ${digest} (it is ${actual})`);
}
function hit(m, reference, started) {
    return {
        ...m,
        reference,
        root: m.root,
        cached: true,
        fetchedBytes: 0,
        pullMs: Date.now() - started,
        unpackMs: 0,
    };
}
function readMarker(roots, hex, trust) {
    const entry = external_node_path_default().join(roots, hex);
    try {
        const dir = (0,external_node_fs_.lstatSync)(entry);
        const file = (0,external_node_fs_.lstatSync)(`${entry}.json`);
        if (!dir.isDirectory() || dir.uid !== trust.owner || (dir.mode & 0o777) !== 0o700)
            return undefined;
        if (!file.isFile() || file.uid !== trust.owner || file.size > MARKER_MAX)
            return undefined;
        const m = JSON.parse((0,external_node_fs_.readFileSync)(`${entry}.json`, 'utf8'));
        if (m.platform !== trust.platform || m.manifestDigest !== `sha256:${hex}`)
            return undefined;
        // The tree itself is root's to enter: the overlay is mounted by root.
        return { ...m, root: external_node_path_default().join(entry, 'rootfs') };
    }
    catch {
        return undefined;
    }
}
const MARKER_MAX = 1 << 20;
/** A complete entry whose top-level digest (an index, say) is `digest`. */
function findByDigest(roots, digest, trust) {
    const direct = readMarker(roots, digest.slice('sha256:'.length), trust);
    if (direct)
        return direct;
    for (const name of (0,external_node_fs_.readdirSync)(roots)) {
        if (!/^[0-9a-f]{64}\.json$/.test(name))
            continue;
        const m = readMarker(roots, name.slice(0, -'.json'.length), trust);
        if (m?.digest === digest)
            return m;
    }
    return undefined;
}
/** The manifest to unpack: `top` itself, or the entry of an index for this platform (fetched and checked). */
async function platformManifest(client, top, ref, nodeArch) {
    const json = JSON.parse(top.body.toString('utf8'));
    if (!Array.isArray(json.manifests))
        return top;
    const arch = imageArch(nodeArch);
    const candidates = json.manifests.filter((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
    const chosen = candidates.find((m) => !m.platform?.variant || (arch === 'arm64' && m.platform.variant === 'v8')) ?? candidates[0];
    if (!chosen) {
        const offered = json.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}${m.platform?.variant ? `/${m.platform.variant}` : ''}`);
        throw new Error(`${(0,image_reference/* formatReference */.FH)(ref)}: no linux/${arch} image in the index (it has ${offered.join(', ') || 'none'})`);
    }
    // A digest the index names is enforced like one in the document: only sha256 is accepted.
    if (typeof chosen.digest !== 'string' || !image_reference/* DIGEST */.Dh.test(chosen.digest)) {
        throw new Error(`${(0,image_reference/* formatReference */.FH)(ref)}: the index names the linux/${arch} image by ${JSON.stringify(chosen.digest)}: only sha256:<64 hex> digests are accepted`);
    }
    return client.manifest(chosen.digest);
}
function blobFile(dir, digest) {
    return external_node_path_default().join(dir, digest.slice('sha256:'.length));
}
/** What a cell uses of the config: nothing else is kept. */
function pick(c) {
    return { Env: c.Env, WorkingDir: c.WorkingDir };
}
/**
 * Under the lock: a tree without its marker, partial trees of pulls that died
 * (their pid is gone), and blobs half-downloaded by them (actions/cache would
 * keep those).
 */
function removeLeftovers(roots, blobs, hex) {
    (0,external_node_fs_.rmSync)(external_node_path_default().join(roots, hex), { recursive: true, force: true });
    for (const name of (0,external_node_fs_.readdirSync)(roots)) {
        const m = /^\.([0-9a-f]{64})\.partial-([0-9]+)$/.exec(name);
        if (m && m[1] === hex && !(0,lock/* alive */.y)(Number(m[2])))
            (0,external_node_fs_.rmSync)(external_node_path_default().join(roots, name), { recursive: true, force: true });
    }
    for (const name of (0,external_node_fs_.readdirSync)(blobs)) {
        const m = /^[0-9a-f]{64}\.partial-([0-9]+)-[0-9a-f]+$/.exec(name);
        if (m && !(0,lock/* alive */.y)(Number(m[1])))
            (0,external_node_fs_.rmSync)(external_node_path_default().join(blobs, name), { force: true });
    }
}
async function inParallel(items, n, fn) {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
        while (next < items.length)
            await fn(items[next++]);
    }));
}

;// CONCATENATED MODULE: ./src/image/index.ts
/**
 * `rootfs: { image }` for the front ends: the image pulled (or found in the
 * cache), said in the log, and turned into what the plan needs. Loaded only
 * by documents that name an image.
 */








async function pullForCell(reference, toolCache, log) {
    let pulled;
    try {
        // Not root: what is cached already is found here (its manifests need no root); a pull runs as root through
        // sudo, so that the tree keeps the image's owners.
        pulled = (0,runsc/* needsSudo */.jM)()
            ? ((await lookupCached(reference, { toolCache, log, owner: 0 })) ?? (await pullAsRoot(reference, toolCache, log)))
            : await pullImage(reference, { toolCache, log });
    }
    catch (error) {
        throw new Error(`rootfs.image: ${error.message}`);
    }
    log(describePull(pulled));
    if (pulled.skippedCount > 0)
        log(`The image's device nodes and FIFOs were left out (${pulled.skippedCount}): a cell's /dev is gVisor's`);
    return { pulled, facts: { root: pulled.root, env: pulled.config.Env ?? [], workingDir: pulled.config.WorkingDir || undefined } };
}
/** The variables the pull reads for credentials, handed on through sudo (which resets the environment). */
const CREDENTIAL_VARIABLES = ['REGISTRY_AUTH_FILE', 'DOCKER_CONFIG', 'HOME'];
/** dist/pull/index.js, beside the bundle this code is in (dist/ for the action, dist/cli/ for the CLI). */
function pullProgram() {
    const here = external_node_path_default().dirname((0,external_node_url_.fileURLToPath)(import.meta.url));
    const found = [external_node_path_default().join(here, 'pull', 'index.js'), external_node_path_default().join(here, '..', 'pull', 'index.js')].find((p) => (0,external_node_fs_.existsSync)(p));
    if (!found)
        throw new Error(`the pull program (dist/pull/index.js) is missing beside ${here}`);
    return found;
}
function pullAsRoot(reference, toolCache, log) {
    // HOME always: without it root's own ~/.docker/config.json would be read, and root's logins used.
    const vars = { ...process.env, HOME: process.env.HOME || (0,external_node_os_.homedir)() };
    const env = CREDENTIAL_VARIABLES.flatMap((name) => (vars[name] ? [`${name}=${vars[name]}`] : []));
    const argv = ['-n', '--', '/usr/bin/env', ...env, process.execPath, pullProgram(), reference, toolCache];
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)('sudo', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
        // Should the step be stopped (a signal, process.exit), the pull stops with it: nothing runs on as root.
        const stop = () => child.kill('SIGTERM');
        process.once('exit', stop);
        let out = '';
        let err = [];
        child.stdout.setEncoding('utf8').on('data', (d) => {
            out += d;
        });
        // Progress as it comes; the last lines are the error, if any.
        let pending = '';
        child.stderr.setEncoding('utf8').on('data', (d) => {
            pending += d;
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) {
                if (line.startsWith('Pulling '))
                    log(line);
                else
                    err = [...err.slice(-2), line];
            }
        });
        child.on('error', (e) => reject(new Error(`could not run the pull through sudo: ${e.message}`)));
        child.on('close', (code) => {
            process.off('exit', stop);
            if (pending)
                err = [...err.slice(-2), pending];
            if (code === 0) {
                try {
                    return resolve(JSON.parse(out));
                }
                catch {
                    return reject(new Error('the pull (through sudo) printed no result'));
                }
            }
            // A message of ours is one line; a crash or sudo's refusal, the last few.
            reject(new Error(err.length > 0 ? err.join('; ') : `the pull through sudo failed (exit ${code})`));
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


/***/ })

};
