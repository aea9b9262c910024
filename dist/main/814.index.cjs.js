"use strict";
exports.id = 814;
exports.ids = [814];
exports.modules = {

/***/ 3814:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cachedVersions: () => (/* binding */ cachedVersions)
/* harmony export */ });
/* harmony import */ var _actions_tool_cache__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9805);
/**
 * @actions/tool-cache, with its root passed in. tool-cache reads its root from
 * RUNNER_TOOL_CACHE on every call and reports what it does as `::debug::`
 * workflow commands written to stdout; this module is the one place where the
 * rest of the code meets either. The root the caller gives is set for the
 * call and restored after it (calls are queued, never overlapped), and
 * tool-cache's debug lines are dropped, in the action too: our own log says
 * what was cached where, and the CLI's stdout carries results
 * (`$(gvisor-cell install)`). Nothing else writes to stdout while an install
 * runs, so diverting it for the call's duration catches only tool-cache.
 *
 * Loaded by the installer only, and only for `latest` (to list the entries):
 * a warm step and a pinned install never load tool-cache (cache.ts reads its
 * layout, installer.ts writes it).
 */

/** The call in progress: calls run one after another, so each sees its own root and none restores another's. */
let queue = Promise.resolve();
function withRoot(root, fn) {
    const turn = queue.then(() => isolated(root, fn));
    queue = turn.catch(() => { });
    return turn;
}
async function isolated(root, fn) {
    const saved = process.env.RUNNER_TOOL_CACHE;
    const write = process.stdout.write;
    process.env.RUNNER_TOOL_CACHE = root;
    process.stdout.write = ((chunk, ...rest) => typeof chunk === 'string' && chunk.startsWith('::debug::')
        ? true
        : write.call(process.stdout, chunk, ...rest));
    try {
        return await fn();
    }
    finally {
        process.stdout.write = write;
        if (saved === undefined)
            delete process.env.RUNNER_TOOL_CACHE;
        else
            process.env.RUNNER_TOOL_CACHE = saved;
    }
}
/** The version keys cached for this tool and architecture. */
function cachedVersions(shelf) {
    return withRoot(shelf.root, () => _actions_tool_cache__WEBPACK_IMPORTED_MODULE_0__/* .findAllVersions */ .iq(shelf.tool, shelf.arch));
}


/***/ })

};
;