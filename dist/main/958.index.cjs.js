"use strict";
exports.id = 958;
exports.ids = [958];
exports.modules = {

/***/ 4958:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   memoryInUse: () => (/* binding */ memoryInUse)
/* harmony export */ });
/* unused harmony exports parseEventsUsage, cgroupMemoryFile */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _runsc_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6566);
/**
 * How much memory a sandbox is using, read just before a timeout kills it
 * (sandbox.ts), so that a cell that stalled near `limits.memory` can be told
 * apart from one that was merely slow (hints.ts). Two readings, the higher
 * one wins:
 * - gVisor's own accounting (`runsc events --stats`): what the cell's
 *   programs use, against the total memory the sandbox shows them (runsc sets
 *   it to the limit): what a program sizing its heap from it runs into;
 * - the sandbox's cgroup: that, plus gVisor's own overhead (about 10 MiB
 *   here), which is what the kernel enforces the limit on. For a small limit
 *   this one is the closer (a 64Mi cell read 51 MiB by the first, 60 MiB
 *   by the second, and a little more got it killed).
 * Each is skipped when it cannot be had; the whole is bounded by `timeoutMs`.
 */



async function memoryInUse(r, containerId, timeoutMs) {
    let timer;
    const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve([]), timeoutMs);
    });
    const readings = await Promise.race([
        Promise.all([gvisorUsage(r, containerId, timeoutMs), cgroupUsage(r)]),
        late,
    ]);
    clearTimeout(timer);
    const known = readings.filter((n) => n !== undefined);
    return known.length > 0 ? Math.max(...known) : undefined;
}
/** `memory.usage.usage` of `runsc events --stats` (one JSON object), in bytes. */
function parseEventsUsage(json) {
    try {
        const usage = JSON.parse(json).data?.memory?.usage?.usage;
        return typeof usage === 'number' && usage > 0 ? usage : undefined;
    }
    catch {
        return undefined;
    }
}
function gvisorUsage(r, containerId, timeoutMs) {
    return new Promise((resolve) => {
        const child = (0,_runsc_js__WEBPACK_IMPORTED_MODULE_2__/* .spawnRunsc */ .Rz)(r, ['events', '--stats', containerId], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout?.on('data', (c) => {
            if (out.length < 100_000)
                out += c.toString();
        });
        child.on('error', () => {
            clearTimeout(timer);
            resolve(undefined);
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve(code === 0 ? parseEventsUsage(out) : undefined);
        });
    });
}
/**
 * The usage of the cgroup the sandbox process (`runsc-sandbox`, carrying this
 * run's `--root`) is in, from /proc/<pid>/cgroup: v1's memory hierarchy when
 * there is one, else v2's unified one. Both files are world-readable, so this
 * needs no sudo.
 */
async function cgroupUsage(r) {
    const pid = (0,_runsc_js__WEBPACK_IMPORTED_MODULE_2__/* .sandboxProcesses */ .V)(r).find((p) => {
        try {
            return node_path__WEBPACK_IMPORTED_MODULE_1___default().basename((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] ?? '') === 'runsc-sandbox';
        }
        catch {
            return false;
        }
    });
    if (pid === undefined)
        return undefined;
    try {
        const file = cgroupMemoryFile((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${pid}/cgroup`, 'utf8'));
        if (file === undefined)
            return undefined;
        const bytes = Number((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8').trim());
        return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
    }
    catch {
        return undefined;
    }
}
/** The file that holds a process's cgroup memory usage, from its /proc/<pid>/cgroup. */
function cgroupMemoryFile(procCgroup, root = '/sys/fs/cgroup') {
    const entries = procCgroup
        .split('\n')
        .map((line) => /^(\d+):([^:]*):(.*)$/.exec(line))
        .filter((m) => m !== null)
        .map((m) => ({ controllers: m[2].split(','), at: m[3] }));
    const v1 = entries.find((e) => e.controllers.includes('memory'));
    if (v1)
        return node_path__WEBPACK_IMPORTED_MODULE_1___default().join(root, 'memory', v1.at, 'memory.usage_in_bytes');
    const v2 = entries.find((e) => e.controllers.length === 1 && e.controllers[0] === '');
    return v2 ? node_path__WEBPACK_IMPORTED_MODULE_1___default().join(root, v2.at, 'memory.current') : undefined;
}


/***/ })

};
;