"use strict";
exports.id = 885;
exports.ids = [885];
exports.modules = {

/***/ 885:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   copyVerified: () => (/* binding */ copyVerified)
/* harmony export */ });
/* unused harmony exports MAX_ARTIFACT_BYTES, VERIFIED_DIR, PinMismatchError, readArtifact, sha512Hex, entryDifferences */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _unpack_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5589);
/**
 * What runs when `runsc-sha512` is pinned: a private copy of runsc (and its
 * gvisor-bin/ sidecars), unpacked from the artifact kept in the tool-cache
 * entry, after those very bytes were hashed and found equal to the pin.
 *
 * Why a copy: the tool cache is writable by the runner's user (and whatever
 * ran as that user in earlier jobs), so neither its metadata nor its runsc
 * proves anything, and runsc runs as root. The artifact is read once, into
 * memory; the digest is taken of those bytes, and only those bytes are
 * written or unpacked, into a directory this step just made (0700, in its run
 * directory). Replacing anything in the cache entry after the check changes
 * nothing that runs: there is no check-then-use of a cache path.
 *
 * Loaded only with a pin: node:crypto costs a few ms to load.
 */





/** More than any runsc release by far (about 60 MB): a bigger "artifact" is not one, and is not read into memory. */
const MAX_ARTIFACT_BYTES = 512 * 2 ** 20;
/** The directory, inside `privateDir`, that holds the verified copy. */
const VERIFIED_DIR = 'runsc-verified';
class PinMismatchError extends Error {
    constructor(entry, kept, digest) {
        super(`the tool-cache entry ${entry} does not match runsc-sha512: its ${kept} has sha512 ${digest.slice(0, 16)}…, ` +
            'so the entry was tampered with or is corrupt; nothing was run. ' +
            `Delete ${entry} and ${entry}.complete to download runsc again.`);
        this.name = 'PinMismatchError';
    }
}
/**
 * Reads a regular file whole, refusing anything else: a FIFO or device put in
 * place of the artifact must not hang or flood the step. O_NONBLOCK makes the
 * open itself return at once for a FIFO; fstat then tells what was opened.
 */
function readArtifact(file, maxBytes = MAX_ARTIFACT_BYTES) {
    const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.openSync)(file, node_fs__WEBPACK_IMPORTED_MODULE_2__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_2__.constants.O_NONBLOCK);
    try {
        const stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.fstatSync)(fd);
        if (!stat.isFile())
            throw new Error(`${file} is not a regular file`);
        if (stat.size > maxBytes)
            throw new Error(`${file} is ${stat.size} bytes, more than any runsc artifact (${maxBytes})`);
        const data = Buffer.allocUnsafe(stat.size);
        let off = 0;
        while (off < data.length) {
            const n = (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.readSync)(fd, data, off, data.length - off, off);
            if (n === 0)
                break;
            off += n;
        }
        // A file that shrank while it was read: hash what was read, which then cannot match.
        return data.subarray(0, off);
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.closeSync)(fd);
    }
}
function sha512Hex(data) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha512').update(data).digest('hex');
}
/**
 * Verifies the artifact kept in `entry` against `pin` and unpacks it into a
 * new directory under `privateDir`; returns the path of runsc there. Throws
 * PinMismatchError (naming the entry) when the bytes differ from the pin, and
 * an error naming the entry when the artifact is missing or unusable: a
 * pinned step never falls back to what the cache holds.
 */
function copyVerified(entry, kept, pin, privateDir) {
    const tarFlag = (0,_unpack_js__WEBPACK_IMPORTED_MODULE_4__/* .tarFlagFor */ .L)(kept);
    let data;
    try {
        data = readArtifact(node_path__WEBPACK_IMPORTED_MODULE_3___default().join(entry, kept));
    }
    catch (error) {
        throw new Error(`the tool-cache entry ${entry} cannot be checked against runsc-sha512: ${error instanceof Error ? error.message : String(error)}; nothing was run`, { cause: error });
    }
    const digest = sha512Hex(data);
    if (digest !== pin)
        throw new PinMismatchError(entry, kept, digest);
    const dest = node_path__WEBPACK_IMPORTED_MODULE_3___default().join(privateDir, VERIFIED_DIR);
    // Not recursive: the directory must be new, made by this step, not something already there.
    (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.mkdirSync)(dest, { mode: 0o700 });
    if (tarFlag === undefined) {
        const runsc = node_path__WEBPACK_IMPORTED_MODULE_3___default().join(dest, 'runsc');
        (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.writeFileSync)(runsc, data, { mode: 0o755, flag: 'wx' });
        return runsc;
    }
    // The verified bytes go to tar on stdin: the cached file is not read a second time.
    const tar = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawnSync)('tar', ['-x', tarFlag, '--no-same-owner', '--no-same-permissions', '-f', '-', '-C', dest, '--no-anchored', 'runsc', 'gvisor-bin'], {
        input: data,
        encoding: 'utf8',
        maxBuffer: 1024 * 1024,
    });
    if (tar.status !== 0) {
        throw new Error(`could not extract ${kept} kept in ${entry}: ${(tar.stderr || tar.error?.message || '').trim()}`);
    }
    const runsc = (0,_unpack_js__WEBPACK_IMPORTED_MODULE_4__/* .findFile */ .q)(dest, 'runsc', 3);
    if (!runsc)
        throw new Error(`${kept} kept in ${entry} holds no runsc binary`);
    return runsc;
}
/**
 * The files of a verified copy (runsc and everything under gvisor-bin/) that
 * the cache entry lacks or holds with other bytes, and the entry's
 * gvisor-bin/ files the copy does not have: for `gvisor-cell install`, which
 * hands out the entry's path rather than running a copy. Relative paths, sorted.
 */
function entryDifferences(verifiedRoot, entry) {
    const files = (root) => {
        const out = new Set();
        const walk = (rel) => {
            const abs = path.join(root, rel);
            const st = lstatSync(abs, { throwIfNoEntry: false });
            if (st?.isDirectory())
                for (const name of readdirSync(abs))
                    walk(path.join(rel, name));
            else if (st)
                out.add(rel);
        };
        walk('runsc');
        walk('gvisor-bin');
        return out;
    };
    const ours = files(verifiedRoot);
    const theirs = files(entry);
    const differ = new Set();
    for (const rel of new Set([...ours, ...theirs])) {
        const a = path.join(verifiedRoot, rel);
        const b = path.join(entry, rel);
        if (!ours.has(rel) || !theirs.has(rel) || !lstatSync(b).isFile() || !readFileSync(a).equals(readFileSync(b)))
            differ.add(rel);
    }
    return [...differ].sort();
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