import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 540:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  H: () => (/* binding */ privateCacheDir)
});

// UNUSED EXPORTS: CACHE_DIR_NAME

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/fs-kind.ts
/**
 * What kind of file is at a path: the one question the engine asks of the
 * host's file system before trusting a path (host facts, the bundle's checks,
 * collect's copy back). One answer, so that a link is never taken for what
 * it points to in one place and not in another. And whether a directory is
 * one only this user (or root) can change (the CLI's log pruning, the
 * action's code cache).
 */


function kindOfStats(s) {
    return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
}
/** The entry itself (a link is `link`); undefined when nothing can be seen there. */
function entryKind(p) {
    try {
        return kindOfStats(lstatSync(p));
    }
    catch {
        return undefined;
    }
}
/** entryKind, without blocking the event loop (collect's copy back runs while output may still be flowing). */
async function entryKindAsync(p) {
    const s = await promises.lstat(p).catch(() => undefined);
    return s && kindOfStats(s);
}
/**
 * What the path leads to, through links (so never `link`); undefined when
 * nothing is there. Other failures (a file where a directory is expected on
 * the way, no permission) are thrown: they are not "missing".
 */
function targetKind(p) {
    const s = statSync(p, { throwIfNoEntry: false });
    return s ? kindOfStats(s) : undefined;
}
/**
 * The first `dir/name` of `dirs` that exists (a link not followed): how the
 * programs the action runs as root are found, in the system's own
 * directories and never through PATH, which an earlier step may have changed.
 */
function findInDirs(name, dirs) {
    return dirs.map((d) => path.join(d, name)).find((p) => entryKind(p) !== undefined);
}
/**
 * Whether `dir` and every directory above it are real directories (no link
 * on the way) that only `uid` or root can change: owned by one of them, and
 * writable by others only with the sticky bit (/tmp), where others cannot
 * rename what is ours.
 */
function trustedDir(dir, uid = process.geteuid?.() ?? 0) {
    for (let at = external_node_path_default().resolve(dir);; at = external_node_path_default().dirname(at)) {
        const st = (0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false });
        if (!st?.isDirectory() || (st.uid !== uid && st.uid !== 0))
            return false;
        if (st.mode & 0o022 && !(st.mode & 0o1000))
            return false;
        if (at === external_node_path_default().dirname(at))
            return true;
    }
}

;// CONCATENATED MODULE: ./src/action/cache-dir.ts
/**
 * The one directory where the step's caches may live (the main bundle's code
 * cache, code-cache.ts, and Node's own compile cache): bytecode read from it
 * runs as the step, so nobody else may be able to write there.
 *
 * It is RUNNER_TEMP/gvisor-cell.code-cache (RUNNER_TEMP is emptied for each
 * job and hidden from cells), made 0700, and used only if it and every
 * directory above it belong to this user or root and others cannot write
 * them, but for a sticky directory such as /tmp above an entry of ours or
 * root's. Node's default, /tmp/node-compile-cache, is a name any local user
 * can take first. Without such a directory no cache is used at all.
 */



/** The directory in RUNNER_TEMP that holds the caches. */
const CACHE_DIR_NAME = 'gvisor-cell.code-cache';
/**
 * The caches' directory, made if need be; undefined when there is no
 * RUNNER_TEMP, or when the directory or any directory above it is not safe
 * (see above), or it cannot be made.
 */
function privateCacheDir(env) {
    const temp = env.RUNNER_TEMP;
    if (!temp || !external_node_path_default().isAbsolute(temp))
        return undefined;
    try {
        const dir = external_node_path_default().join((0,external_node_fs_.realpathSync)(temp), CACHE_DIR_NAME);
        try {
            (0,external_node_fs_.mkdirSync)(dir, { mode: 0o700 });
        }
        catch (error) {
            if (error.code !== 'EEXIST')
                return undefined;
        }
        const st = (0,external_node_fs_.lstatSync)(dir);
        // Ours alone: not even readable by others (nothing secret in it, but nothing for them either).
        if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o077) !== 0)
            return undefined;
        return trustedDir(dir) ? dir : undefined;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 533:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  j: () => (/* binding */ runScript)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:module"
var external_node_module_ = __nccwpck_require__(995);
var external_node_module_default = /*#__PURE__*/__nccwpck_require__.n(external_node_module_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
var external_node_vm_default = /*#__PURE__*/__nccwpck_require__.n(external_node_vm_namespaceObject);
;// CONCATENATED MODULE: ./src/action/code-cache.ts
/**
 * Runs the main step's bundle (dist/main/index.cjs, a CommonJS script) with a
 * V8 code cache made after it ran.
 *
 * Why not Node's compile cache alone: it stores what V8 compiled when a module
 * was compiled, before it ran — the top level, not the functions, which V8
 * compiles lazily on first call. Every step therefore compiled again every
 * function it calls: zod building and checking the schema, the YAML parser,
 * the action's own code — about 12 ms of a warm step (docs/performance.md).
 * A cache made after the run (`script.createCachedData()`) holds those too.
 * Only a classic script offers that (`vm.SourceTextModule` needs a flag), so
 * the main step is bundled as CommonJS and run here through `node:vm`.
 *
 * Trust. Bytecode from a cache runs as the step. The cache lives only in the
 * step's private directory (cache-dir.ts), in a file of this user that
 * others cannot write, opened without following a link. And since V8 checks
 * only its version, its flags and the source's length before it runs a
 * cache's bytecode, the file carries the very bytes it was made for, compared
 * with the bundle's before V8 sees the cache. Any failure to read or write it
 * costs only the speed-up, never the step: the script then runs without a
 * cache, as in the first step of a job.
 */




const MAGIC = 'gvisor-cell code cache v2';
/** FNV-1a of the path: one cache file per copy of the bundle, without loading node:crypto (slow to load). */
function nameFor(file) {
    let h = 0x811c9dc5;
    for (let i = 0; i < file.length; i++)
        h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
    return `main-${h.toString(16).padStart(8, '0')}.v8cache`;
}
/** The header line: what the cache was made by and for. The source's bytes follow it, then V8's data. */
function headerFor(sourceBytes) {
    return Buffer.from(`${JSON.stringify([MAGIC, process.version, process.arch, sourceBytes])}\n`);
}
/** V8's data in `cacheFile`, if the file is ours and was made for exactly `source`. */
function readCache(cacheFile, source) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(cacheFile, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK);
        const st = (0,external_node_fs_.fstatSync)(fd);
        if (!st.isFile() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0)
            return undefined;
        const data = (0,external_node_fs_.readFileSync)(fd);
        const header = headerFor(source.length);
        const start = header.length + source.length;
        if (data.length <= start || !data.subarray(0, header.length).equals(header))
            return undefined;
        if (!data.subarray(header.length, start).equals(source))
            return undefined;
        return data.subarray(start);
    }
    catch {
        return undefined;
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_.closeSync)(fd);
    }
}
/**
 * Runs `file` as a CommonJS module (its own `require`, `module`, `__dirname`)
 * with the code cache kept in `cacheDir` (from privateCacheDir; none when
 * undefined).
 */
function runScript(file, cacheDir) {
    // One read: the bytes compared with the cache's are the bytes compiled.
    const bytes = (0,external_node_fs_.readFileSync)(file);
    const cacheFile = cacheDir ? external_node_path_default().join(cacheDir, nameFor(file)) : undefined;
    const cachedData = cacheFile ? readCache(cacheFile, bytes) : undefined;
    // The wrapper is Node's own for CommonJS, on the first line so that line numbers stay the bundle's.
    const script = new (external_node_vm_default()).Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, {
        filename: file,
        cachedData,
        // ncc turns the bundle's own import() into require; one that is left (a package's) still works.
        importModuleDynamically: (external_node_vm_default()).constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
    const mod = { exports: {} };
    const wrapper = script.runInThisContext();
    wrapper.call(mod.exports, mod.exports, external_node_module_default().createRequire(file), mod, file, external_node_path_default().dirname(file));
    return {
        exports: mod.exports,
        cacheUsed,
        saveCache: () => {
            if (cacheUsed || !cacheFile)
                return;
            const partial = `${cacheFile}.${process.pid}.partial`;
            try {
                (0,external_node_fs_.writeFileSync)(partial, Buffer.concat([headerFor(bytes.length), bytes, script.createCachedData()]), { mode: 0o600, flag: 'wx' });
                // Whole or not at all: a concurrent step reads the old file or the new one.
                (0,external_node_fs_.renameSync)(partial, cacheFile);
            }
            catch {
                try {
                    (0,external_node_fs_.rmSync)(partial, { force: true });
                }
                catch {
                    // Nothing more to do: the cache only ever saves time.
                }
            }
        },
    };
}


/***/ }),

/***/ 218:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var node_module__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(995);
/* harmony import */ var node_module__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_module__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(136);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_url__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _cache_dir_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(540);
/* harmony import */ var _code_cache_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(533);
/**
 * Entry of the main step. It runs the main bundle — dist/main/index.cjs,
 * built by scripts/bundle-main.mjs — with a code cache of its own, made after
 * the first step of the job and used by every later one (code-cache.ts says
 * why, cache-dir.ts where it may live; what it saves: docs/performance.md).
 * Node's own compile cache, for the chunks loaded on demand, is kept in the
 * same private directory, or not at all — unless NODE_COMPILE_CACHE names
 * one: Node then enables its cache before any of this runs, the user's
 * choice. Everything else, including the one place errors become a failed
 * step, is in main.ts.
 */





const cacheDir = openCompileCache();
const bundle = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname((0,node_url__WEBPACK_IMPORTED_MODULE_2__.fileURLToPath)(import.meta.url)), 'main', 'index.cjs');
const main = (0,_code_cache_js__WEBPACK_IMPORTED_MODULE_4__/* .runScript */ .j)(bundle, cacheDir);
await main.exports.run();
main.saveCache();
/** Node's compile cache in the private directory; the directory, unless the cache is off (NODE_DISABLE_COMPILE_CACHE). */
function openCompileCache() {
    const dir = (0,_cache_dir_js__WEBPACK_IMPORTED_MODULE_3__/* .privateCacheDir */ .H)(process.env);
    if (!dir || !(node_module__WEBPACK_IMPORTED_MODULE_0___default().enableCompileCache))
        return undefined;
    const { status } = node_module__WEBPACK_IMPORTED_MODULE_0___default().enableCompileCache(dir);
    return status === (node_module__WEBPACK_IMPORTED_MODULE_0___default().constants).compileCacheStatus.DISABLED ? undefined : dir;
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

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
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
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
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(218);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
