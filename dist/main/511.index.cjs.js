"use strict";
exports.id = 511;
exports.ids = [511];
exports.modules = {

/***/ 511:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CollectLimitError: () => (/* binding */ CollectLimitError),
/* harmony export */   ENTRY_COST: () => (/* binding */ ENTRY_COST),
/* harmony export */   copyBack: () => (/* binding */ copyBack),
/* harmony export */   unpack: () => (/* binding */ unpack)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _cell_units_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2635);
/* harmony import */ var _fs_kind_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8619);
/**
 * `collect`: the listed paths come back from the cell's view of the
 * workspace to the host's, after the run. They arrive as a tar stream made
 * inside the sandbox, so they are untrusted: the stream is unpacked by GNU tar
 * into an empty directory of ours (tar refuses `..` and absolute names, and
 * defers links that point out), then only regular files and directories are
 * moved into the workspace, and never through a symbolic link, on either side.
 * Streams all the way: hundreds of MB never sit in memory.
 */





/** What a member costs beyond its bytes in the stream: a file system block (and an inode). */
const ENTRY_COST = 4096;
/** How long tar in the cell may send nothing before collecting gives up. */
const IDLE_MS = 15_000;
/** Thrown when what the cell sends back is larger than `limits.collect`. */
class CollectLimitError extends Error {
}
/**
 * Unpacks the tar stream `source` writes into `dir`, stopping (and failing)
 * past `limit` bytes of stream, when `signal` aborts, or when the stream
 * sends nothing for `idleMs`. What tar inside the cell said on stderr is kept
 * for the error.
 */
async function unpack(source, dir, limit, signal, idleMs = IDLE_MS) {
    // Synchronous, like everything up to the listeners below: once `source` exits, Node discards
    // whatever of its output nobody listens to yet (a short tar can end within one await).
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(dir, { recursive: true, mode: 0o700 });
    // -v names each member on a line of its own (special characters escaped): counted, see ENTRY_COST.
    const tar = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('tar', ['-x', '-v', '-f', '-', '-C', dir, '--no-same-owner', '--no-same-permissions'], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    let inside = '';
    let outside = '';
    source.stderr?.on('data', (c) => {
        if (inside.length < 64 * 1024)
            inside += c.toString();
    });
    tar.stderr.on('data', (c) => {
        if (outside.length < 64 * 1024)
            outside += c.toString();
    });
    // Counted on the way: past the limit, the stream stops and nothing is collected. (Not
    // stream.pipeline: tar -x stops reading at the archive's end marker, before the padding.)
    let received = 0;
    let entries = 0;
    let overflow;
    const input = source.stdout;
    tar.stdin.on('error', () => { });
    // What unpacking costs on disk: the stream's bytes, and a block and an inode per member (an empty
    // directory is 512 bytes of stream and 4 KiB of disk).
    const spent = () => received + entries * ENTRY_COST;
    // Giving up must not wait for the cell's side to end: the caller destroys the sandbox, which ends it.
    let giveUp = () => { };
    const gaveUp = new Promise((_, reject) => {
        giveUp = reject;
    });
    gaveUp.catch(() => { }); // raced below; never an unhandled rejection if it comes late
    const overLimit = () => {
        overflow ??= new CollectLimitError(`collect: the cell sent back more than limits.collect (${(0,_cell_units_js__WEBPACK_IMPORTED_MODULE_3__/* .formatSize */ .Xq)(limit)}, counting ${(0,_cell_units_js__WEBPACK_IMPORTED_MODULE_3__/* .formatSize */ .Xq)(ENTRY_COST)} a file or directory); nothing was collected. Raise limits.collect, or collect less`);
        input.destroy();
        tar.stdin.destroy();
        tar.kill('SIGKILL');
        giveUp(overflow);
    };
    tar.stdout.on('data', (c) => {
        for (const byte of c)
            if (byte === 0x0a)
                entries++;
        if (spent() > limit)
            overLimit();
    });
    // A tar in the cell that goes quiet (the cell's own, with `rootfs: { path }`) does not hold the step.
    let idle;
    let quiet;
    const watchdog = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
            quiet = new Error(`collect: tar in the cell sent nothing for ${idleMs / 1000} s; nothing was collected`);
            input.destroy();
            tar.kill('SIGKILL');
            giveUp(quiet);
        }, idleMs);
    };
    watchdog();
    input.on('data', (chunk) => {
        watchdog();
        received += chunk.length;
        if (spent() > limit) {
            overLimit();
            return;
        }
        if (!tar.stdin.write(chunk)) {
            input.pause();
            tar.stdin.once('drain', () => input.resume());
        }
    });
    input.once('end', () => tar.stdin.end());
    const done = (p) => new Promise((resolve) => p.once('close', resolve).once('error', () => resolve(null)));
    const stopped = new Promise((_, reject) => {
        const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
        if (signal.aborted)
            fail();
        signal.addEventListener('abort', fail, { once: true });
    });
    try {
        const [, unpacked] = await Promise.race([Promise.all([done(source), done(tar)]), stopped, gaveUp]);
        if (overflow)
            throw overflow;
        if (quiet)
            throw quiet;
        if (unpacked !== 0) {
            const said = inside.trim() ? ` (tar in the cell said: ${inside.trim().slice(0, 500)})` : '';
            throw new Error(`collect: the cell's files could not be unpacked: ${outside.trim().slice(0, 2000) || `tar exited ${unpacked}`}${said}`);
        }
    }
    catch (error) {
        tar.kill('SIGKILL');
        input.destroy();
        throw error;
    }
    finally {
        clearTimeout(idle);
    }
}
/**
 * Makes the directories of `rel` under `workspace`, refusing to pass through
 * anything on the host that is not a real directory.
 */
async function parents(workspace, rel) {
    let at = workspace;
    for (const part of node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(rel)
        .split('/')
        .filter((p) => p && p !== '.')) {
        at = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(at, part);
        const k = await (0,_fs_kind_js__WEBPACK_IMPORTED_MODULE_4__/* .entryKindAsync */ .r0)(at);
        if (k === undefined)
            await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.mkdir(at, { mode: 0o755 });
        else if (k !== 'dir')
            return node_path__WEBPACK_IMPORTED_MODULE_2___default().relative(workspace, at);
    }
    return undefined;
}
/**
 * Puts the file `src` (ours, in the private unpack directory) at `dest`, with
 * its mode set on our copy first. `rename` replaces whatever name is at
 * `dest` and never follows a link there; across filesystems the copy goes to
 * a fresh name next to `dest` (created exclusively, so not through a link)
 * and is renamed over it. Called only once the sandbox is gone: nothing of
 * the cell can change the workspace meanwhile.
 */
async function moveIn(src, dest) {
    const mode = (await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.lstat(src)).mode & 0o777;
    await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.chmod(src, mode);
    try {
        await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.rename(src, dest);
    }
    catch (error) {
        if (error.code !== 'EXDEV')
            throw error;
        const temp = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(dest), `.gvisor-cell-${process.pid}-${Date.now().toString(36)}`);
        await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.copyFile(src, temp, node_fs__WEBPACK_IMPORTED_MODULE_1__.constants.COPYFILE_EXCL);
        try {
            await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.chmod(temp, mode);
            await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.rename(temp, dest);
        }
        catch (e) {
            await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.rm(temp, { force: true });
            throw e;
        }
    }
}
/** Moves what was unpacked in `from` for each of `paths` into `workspace`. */
async function copyBack(from, workspace, paths) {
    const result = { files: 0, warnings: [] };
    const place = async (rel) => {
        const src = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(from, rel);
        const k = await (0,_fs_kind_js__WEBPACK_IMPORTED_MODULE_4__/* .entryKindAsync */ .r0)(src);
        if (k === 'dir') {
            const blocked = await parents(workspace, `${rel}/x`);
            if (blocked) {
                result.warnings.push(`collect: ${rel} not copied: ${blocked} on the runner is not a directory (links are never followed)`);
                return;
            }
            for (const entry of await node_fs__WEBPACK_IMPORTED_MODULE_1__.promises.readdir(src))
                await place(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(rel, entry));
            return;
        }
        if (k !== 'file') {
            result.warnings.push(`collect: ${rel} is ${k === 'link' ? 'a symbolic link' : 'not a regular file'} in the cell; not copied`);
            return;
        }
        const blocked = await parents(workspace, rel);
        const dest = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(workspace, rel);
        const existing = await (0,_fs_kind_js__WEBPACK_IMPORTED_MODULE_4__/* .entryKindAsync */ .r0)(dest);
        if (blocked || (existing !== undefined && existing !== 'file')) {
            result.warnings.push(`collect: ${rel} not copied: ${blocked ?? rel} on the runner is not a plain file or directory (links are never followed)`);
            return;
        }
        await moveIn(src, dest);
        result.files++;
    };
    for (const p of paths) {
        if ((await (0,_fs_kind_js__WEBPACK_IMPORTED_MODULE_4__/* .entryKindAsync */ .r0)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(from, p))) === undefined) {
            result.warnings.push(`collect: ${p} was not created by the cell; nothing to copy`);
            continue;
        }
        await place(p);
    }
    return result;
}


/***/ })

};
;