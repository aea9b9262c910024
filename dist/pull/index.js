import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 67:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/install/lock.ts
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
            const handle = await external_node_fs_namespaceObject.promises.open(file, 'wx');
            await handle.writeFile(String(process.pid));
            await handle.close();
            break;
        }
        catch (error) {
            if (error.code !== 'EEXIST')
                throw error;
            const holder = Number(await external_node_fs_namespaceObject.promises.readFile(file, 'utf8').catch(() => ''));
            if (holder > 0 && !alive(holder)) {
                // Break it by renaming: of several waiters only one can move the very file, and a
                // waiter that read the dead pid late cannot remove a lock somebody else just took.
                const moved = `${file}.stale-${process.pid}-${Date.now()}`;
                if (await external_node_fs_namespaceObject.promises.rename(file, moved).then(() => true, () => false)) {
                    const still = Number(await external_node_fs_namespaceObject.promises.readFile(moved, 'utf8').catch(() => ''));
                    await external_node_fs_namespaceObject.promises.rm(moved, { force: true });
                    if (still !== holder) {
                        // We moved a live holder's fresh lock: put it back and wait our turn.
                        await external_node_fs_namespaceObject.promises.writeFile(file, String(still), { flag: 'wx' }).catch(() => { });
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
        if ((await external_node_fs_namespaceObject.promises.readFile(file, 'utf8').catch(() => '')) === String(process.pid))
            await external_node_fs_namespaceObject.promises.rm(file, { force: true });
    }
}

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
        (0,external_node_fs_namespaceObject.mkdirSync)(root, { recursive: true, mode: 0o755 });
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
                    fd = (0,external_node_fs_namespaceObject.openSync)(at, external_node_fs_namespaceObject.constants.O_WRONLY | external_node_fs_namespaceObject.constants.O_CREAT | external_node_fs_namespaceObject.constants.O_EXCL | external_node_fs_namespaceObject.constants.O_NOFOLLOW, 0o600);
                    const open = fd;
                    return (chunk) => {
                        let off = 0;
                        while (off < chunk.length)
                            off += (0,external_node_fs_namespaceObject.writeSync)(open, chunk, off);
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
                            (0,external_node_fs_namespaceObject.fchownSync)(open, e.uid, e.gid);
                        (0,external_node_fs_namespaceObject.fchmodSync)(open, e.mode & 0o7777);
                        (0,external_node_fs_namespaceObject.futimesSync)(open, e.mtime, e.mtime);
                    }
                    finally {
                        (0,external_node_fs_namespaceObject.closeSync)(open);
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
                (0,external_node_fs_namespaceObject.closeSync)(fd);
        }
    }
    /** Directories get their modes, owners and times, deepest first. */
    finish() {
        const dirs = [...this.dirs].sort(([a], [b]) => b.length - a.length);
        for (const [at, e] of dirs) {
            const st = (0,external_node_fs_namespaceObject.lstatSync)(at, { throwIfNoEntry: false });
            if (!st?.isDirectory())
                continue;
            if (this.asRoot)
                (0,external_node_fs_namespaceObject.chownSync)(at, e.uid, e.gid);
            (0,external_node_fs_namespaceObject.chmodSync)(at, e.mode & 0o7777);
            (0,external_node_fs_namespaceObject.utimesSync)(at, e.mtime, e.mtime);
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
        const existing = (0,external_node_fs_namespaceObject.lstatSync)(at, { throwIfNoEntry: false });
        if (e.type === 'directory') {
            if (existing && !existing.isDirectory())
                this.remove(at);
            if (!existing?.isDirectory())
                (0,external_node_fs_namespaceObject.mkdirSync)(at, { mode: 0o755 });
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
            (0,external_node_fs_namespaceObject.symlinkSync)(e.linkname, at);
            if (this.asRoot)
                (0,external_node_fs_namespaceObject.lchownSync)(at, e.uid, e.gid);
            (0,external_node_fs_namespaceObject.lutimesSync)(at, e.mtime, e.mtime);
            return undefined;
        }
        if (e.type === 'hardlink') {
            const targetParts = components(e.linkname, label);
            if (targetParts.length === 0)
                throw new Error(`${label}: ${e.name}: a hard link to the root`);
            const target = external_node_path_default().join(this.resolveDir(targetParts.slice(0, -1), label, e.linkname, false), targetParts[targetParts.length - 1]);
            const st = (0,external_node_fs_namespaceObject.lstatSync)(target, { throwIfNoEntry: false });
            if (!st || st.isDirectory()) {
                throw new Error(`${label}: ${e.name}: a hard link to ${e.linkname}, which is ${st ? 'a directory' : 'not in the image'}`);
            }
            (0,external_node_fs_namespaceObject.linkSync)(target, at);
            return undefined;
        }
        return at;
    }
    /** An opaque directory: everything below `dir` that this layer did not make goes, at any depth. */
    hideLower(dir, made) {
        for (const child of (0,external_node_fs_namespaceObject.readdirSync)(dir)) {
            const at = external_node_path_default().join(dir, child);
            if (!made.has(at))
                this.remove(at);
            else if ((0,external_node_fs_namespaceObject.lstatSync)(at).isDirectory())
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
            const st = (0,external_node_fs_namespaceObject.lstatSync)(at, { throwIfNoEntry: false });
            if (!st) {
                if (!create)
                    throw new Error(`${label}: ${name}: ${external_node_path_default().join(...cur, p)} is not in the image`);
                (0,external_node_fs_namespaceObject.mkdirSync)(at, { mode: 0o755 });
                made?.add(at);
                cur.push(p);
                continue;
            }
            if (st.isSymbolicLink()) {
                if (++links > MAX_LINKS)
                    throw new Error(`${label}: ${name}: too many levels of symbolic links`);
                const target = (0,external_node_fs_namespaceObject.readlinkSync)(at);
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
        const st = (0,external_node_fs_namespaceObject.lstatSync)(at, { throwIfNoEntry: false });
        if (!st)
            return;
        if (st.isDirectory()) {
            // A directory of the image may be unwritable (0555) to a non-root unpacker.
            if (!this.asRoot)
                (0,external_node_fs_namespaceObject.chmodSync)(at, 0o755);
            (0,external_node_fs_namespaceObject.rmSync)(at, { recursive: true, force: true });
            for (const d of this.dirs.keys())
                if (d === at || d.startsWith(`${at}/`))
                    this.dirs.delete(d);
        }
        else
            (0,external_node_fs_namespaceObject.unlinkSync)(at);
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

;// CONCATENATED MODULE: ./src/image/reference.ts
/**
 * An image reference as `docker pull` reads it: `[registry/]repository[:tag][@digest]`.
 * A first component with a dot, a colon or `localhost` is a registry; without
 * one the image is Docker Hub's, and a one-component name is in `library/`.
 */
const DOCKER_HUB = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
/** Parses `text`, throwing an error that says what is wrong with it. */
function parseReference(text) {
    const fail = (why) => new Error(`${JSON.stringify(text)} is not an image reference: ${why}`);
    if (text.length === 0 || text.length > 512)
        throw fail('expected 1 to 512 characters');
    let rest = text;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            throw fail('a digest is sha256: and 64 lowercase hex digits');
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag))
            throw fail(`the tag ${JSON.stringify(tag)} is not valid`);
    }
    const parts = rest.split('/');
    let registry = DOCKER_HUB;
    const first = parts[0] ?? '';
    if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
        registry = parts.shift();
        if (!HOST.test(registry))
            throw fail(`the registry ${JSON.stringify(registry)} is not a host[:port]`);
    }
    if (registry === 'index.docker.io' || registry === 'registry-1.docker.io')
        registry = DOCKER_HUB;
    if (registry === DOCKER_HUB && parts.length === 1)
        parts.unshift('library');
    for (const p of parts) {
        if (!COMPONENT.test(p))
            throw fail(`the name component ${JSON.stringify(p)} is not lowercase letters, digits and separators`);
    }
    return { registry, repository: parts.join('/'), tag: digest ? tag : (tag ?? 'latest'), digest };
}
/** The reference written back in full (a tag and a digest both kept). */
function formatReference(ref) {
    return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
/** Where the registry's API is: Docker Hub's is not at docker.io. */
function registryEndpoint(registry) {
    if (registry === DOCKER_HUB)
        return 'https://registry-1.docker.io';
    return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}
/**
 * A registry on this machine is spoken to over plain HTTP, as Docker does
 * (a registry the workflow runs itself has no certificate); nothing else is.
 */
function isLoopbackRegistry(registry) {
    const host = registry.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
    return host === 'localhost' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host) || host === '::1';
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
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
    files.push(external_node_path_default().join(env.DOCKER_CONFIG || external_node_path_default().join(env.HOME || (0,external_node_os_namespaceObject.homedir)(), '.docker'), 'config.json'));
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
            text = (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
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
            if (next.protocol !== 'https:' && !(next.protocol === 'http:' && isLoopbackRegistry(next.host))) {
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
    const mod = url.protocol === 'https:' ? await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 708, 23)) : await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 67, 23));
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
        this.endpoint = registryEndpoint(ref.registry);
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
    async blob(digest, expectedSize, file, onBytes) {
        if (!DIGEST.test(digest))
            throw new Error(`a blob digest must be sha256:<64 hex>, got ${JSON.stringify(digest)}`);
        const url = `${this.endpoint}/v2/${this.ref.repository}/blobs/${digest}`;
        const res = await this.get(url, {});
        // A name of this download's own, made here (never through a link that was there).
        const partial = `${file}.partial-${process.pid}-${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}`;
        const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
        let size = 0;
        try {
            const fd = (0,external_node_fs_namespaceObject.openSync)(partial, external_node_fs_namespaceObject.constants.O_WRONLY | external_node_fs_namespaceObject.constants.O_CREAT | external_node_fs_namespaceObject.constants.O_EXCL | external_node_fs_namespaceObject.constants.O_NOFOLLOW, 0o644);
            const out = (0,external_node_fs_namespaceObject.createWriteStream)('', { fd });
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
            await external_node_fs_namespaceObject.promises.rename(partial, file);
            return size;
        }
        catch (error) {
            await external_node_fs_namespaceObject.promises.rm(partial, { force: true });
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
        if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackRegistry(realm.host))) {
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
    return `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(data).digest('hex')}`;
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
    const roots = path.join(opts.toolCache, IMAGE_CACHE_DIR, 'roots');
    if (!existsSync(roots))
        return undefined;
    const found = await resolve(text, roots, { owner: opts.owner, platform: imageArch(opts.arch ?? process.arch) }, opts);
    return 'entry' in found ? hit(found.entry, text, started) : undefined;
}
/** What the reference names: an entry already in the cache, or the manifests to pull. */
async function resolve(text, roots, trust, opts) {
    const ref = parseReference(text);
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
    (0,external_node_fs_namespaceObject.mkdirSync)(roots, { recursive: true, mode: 0o755 });
    const trust = { owner: process.getuid?.() ?? 0, platform: imageArch(opts.arch ?? process.arch) };
    const found = await resolve(text, roots, trust, opts);
    if ('entry' in found)
        return hit(found.entry, text, started);
    const { top, manifest, client, ref } = found;
    const hex = manifest.digest.slice('sha256:'.length);
    return withLock(external_node_path_default().join(roots, `${hex}.lock`), async () => {
        const again = readMarker(roots, hex, trust);
        if (again)
            return hit({ ...again, digest: top.digest }, text, started);
        const blobs = external_node_path_default().join(store, 'blobs', 'sha256');
        (0,external_node_fs_namespaceObject.mkdirSync)(blobs, { recursive: true, mode: 0o755 });
        removeLeftovers(roots, blobs, hex);
        const parsed = JSON.parse(manifest.body.toString('utf8'));
        if (!parsed.config || !Array.isArray(parsed.layers)) {
            throw new Error(`${formatReference(ref)}: the manifest ${manifest.digest} has no config or layers`);
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
            if ((0,external_node_fs_namespaceObject.existsSync)(file))
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
                (0,external_node_fs_namespaceObject.rmSync)(file, { force: true });
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
        (0,external_node_fs_namespaceObject.rmSync)(partial, { recursive: true, force: true });
        (0,external_node_fs_namespaceObject.mkdirSync)(partial, { mode: 0o700 });
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
                    (0,external_node_fs_namespaceObject.rmSync)(blobFile(blobs, layer.digest), { force: true });
                    await fetch(layer);
                    (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(partial, 'rootfs'), { recursive: true, force: true });
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
            (0,external_node_fs_namespaceObject.renameSync)(partial, external_node_path_default().join(roots, hex));
            (0,external_node_fs_namespaceObject.writeFileSync)(external_node_path_default().join(roots, `${hex}.json.tmp`), JSON.stringify(marker));
            (0,external_node_fs_namespaceObject.renameSync)(external_node_path_default().join(roots, `${hex}.json.tmp`), external_node_path_default().join(roots, `${hex}.json`));
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
            (0,external_node_fs_namespaceObject.rmSync)(partial, { recursive: true, force: true });
            throw error;
        }
    }, LOCK_WAIT_MS);
}
const MAX_LAYERS = 128;
/** How long a pull waits for another pull of the same image (a large one may take a while). */
const LOCK_WAIT_MS = 30 * 60_000;
function checkDescriptor(d, manifest) {
    if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) {
        throw new Error(`the manifest ${manifest} names a blob by ${JSON.stringify(d.digest)}: only sha256:<64 hex> digests are accepted`);
    }
    if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
        throw new Error(`the manifest ${manifest} gives blob ${d.digest} no valid size`);
    }
}
/** A name in blobs/ that is anything but a plain file (a link a restored cache brought, say) is removed, never followed. */
function removeUnlessPlainFile(file) {
    const st = (0,external_node_fs_namespaceObject.lstatSync)(file, { throwIfNoEntry: false });
    if (st && !st.isFile())
        (0,external_node_fs_namespaceObject.rmSync)(file, { recursive: true, force: true });
}
function readPlainFile(file, max) {
    const fd = (0,external_node_fs_namespaceObject.openSync)(file, external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK);
    try {
        const st = (0,external_node_fs_namespaceObject.fstatSync)(fd);
        if (!st.isFile() || st.size > max)
            throw new Error(`${file}: not a plain file of at most ${max} bytes`);
        return (0,external_node_fs_namespaceObject.readFileSync)(fd);
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
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
    const fd = (0,external_node_fs_namespaceObject.openSync)(file, external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK);
    if (!(0,external_node_fs_namespaceObject.fstatSync)(fd).isFile()) {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
        throw new Error(`${external_node_path_default().basename(file)}: not a plain file`);
    }
    const head = Buffer.alloc(4);
    (0,external_node_fs_namespaceObject.readSync)(fd, head, 0, 4, 0);
    const raw = (0,external_node_fs_namespaceObject.createReadStream)('', { fd, start: 0, highWaterMark: 1 << 20 });
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
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
        inflate = external_node_zlib_namespaceObject.createGunzip({ chunkSize: 1 << 18 });
    else if (head.readUInt32LE(0) === 0xfd2fb528) {
        const zstd = external_node_zlib_namespaceObject.createZstdDecompress;
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
        const dir = (0,external_node_fs_namespaceObject.lstatSync)(entry);
        const file = (0,external_node_fs_namespaceObject.lstatSync)(`${entry}.json`);
        if (!dir.isDirectory() || dir.uid !== trust.owner || (dir.mode & 0o777) !== 0o700)
            return undefined;
        if (!file.isFile() || file.uid !== trust.owner || file.size > MARKER_MAX)
            return undefined;
        const m = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(`${entry}.json`, 'utf8'));
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
    for (const name of (0,external_node_fs_namespaceObject.readdirSync)(roots)) {
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
        throw new Error(`${formatReference(ref)}: no linux/${arch} image in the index (it has ${offered.join(', ') || 'none'})`);
    }
    // A digest the index names is enforced like one in the document: only sha256 is accepted.
    if (typeof chosen.digest !== 'string' || !DIGEST.test(chosen.digest)) {
        throw new Error(`${formatReference(ref)}: the index names the linux/${arch} image by ${JSON.stringify(chosen.digest)}: only sha256:<64 hex> digests are accepted`);
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
    (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(roots, hex), { recursive: true, force: true });
    for (const name of (0,external_node_fs_namespaceObject.readdirSync)(roots)) {
        const m = /^\.([0-9a-f]{64})\.partial-([0-9]+)$/.exec(name);
        if (m && m[1] === hex && !alive(Number(m[2])))
            (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(roots, name), { recursive: true, force: true });
    }
    for (const name of (0,external_node_fs_namespaceObject.readdirSync)(blobs)) {
        const m = /^[0-9a-f]{64}\.partial-([0-9]+)-[0-9a-f]+$/.exec(name);
        if (m && !alive(Number(m[1])))
            (0,external_node_fs_namespaceObject.rmSync)(external_node_path_default().join(blobs, name), { force: true });
    }
}
async function inParallel(items, n, fn) {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
        while (next < items.length)
            await fn(items[next++]);
    }));
}

;// CONCATENATED MODULE: ./src/image/pull-main.ts
/**
 * The pull as its own program (dist/pull/index.js), for an action that is not
 * root: run through `sudo -n`, it unpacks as root, so the tree keeps the
 * image's owners (root's /etc, a node user's home) as `docker pull` would.
 * Arguments: REFERENCE TOOL_CACHE. Progress lines on stderr; the result, as
 * JSON, on stdout; exit 1 with the error on stderr.
 */

async function main() {
    const [reference, toolCache] = process.argv.slice(2);
    if (!reference || !toolCache)
        throw new Error('usage: pull REFERENCE TOOL_CACHE');
    // raw: to the action's process (image/index.ts), which logs these lines through its own sinks.
    const pulled = await pullImage(reference, { toolCache, log: (line) => process.stderr.write(`${line}\n`) });
    // raw: the result, read by the action's process, never the job log.
    process.stdout.write(JSON.stringify(pulled));
}
main().catch((error) => {
    // raw: the error, made an Error of the action's process (image/index.ts), which reports it through its sinks.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});

