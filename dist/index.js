import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 567:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  j: () => (/* binding */ runScript)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
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
 * V8 code cache made after it ran, kept in Node's compile-cache directory.
 *
 * Why not Node's own compile cache alone: it stores what V8 compiled when the
 * module was compiled, before it ran — the top level, not the functions, which
 * V8 compiles lazily on first call. Every step therefore compiled again every
 * function it calls: zod building and checking the schema, the YAML parser,
 * the action's own code — about 11 ms of a warm step (README, Performance).
 * A cache made after the run (`script.createCachedData()`) holds those too.
 * Only a classic script offers that (`vm.SourceTextModule` needs a flag), so
 * the main step is bundled as CommonJS and run here through `node:vm`.
 *
 * Trust. V8 checks only its own version and flags and the source's length
 * before it runs a cache's bytecode, so the cache is tied to the bundle here:
 * its header records the bundle's path, size, inode and change time, and
 * anything else is ignored (the change time moves with every write, rename
 * or chmod). It is used only from a directory and a file owned by this user
 * and not writable by others, so that no other user of the machine can plant
 * one. Any failure to read or write it costs only the speed-up, never the
 * step: the script then runs without a cache, as on the first step of a job.
 */




const MAGIC = 'gvisor-cell code cache v1';
/** The file's identity, as recorded in the cache's header: it changes with any change to the file. */
function identity(file) {
    const st = (0,external_node_fs_namespaceObject.statSync)(file, { bigint: true });
    return JSON.stringify([
        MAGIC,
        file,
        String(st.size),
        String(st.ino),
        String(st.ctimeNs),
        String(st.mtimeNs),
        process.version,
        process.arch,
    ]);
}
/** FNV-1a of the path: one cache file per bundle, without loading node:crypto (slow to load). */
function nameFor(file) {
    let h = 0x811c9dc5;
    for (let i = 0; i < file.length; i++)
        h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
    return `gvisor-cell-${h.toString(16).padStart(8, '0')}.v8cache`;
}
/** Owned by this user and not writable by group or others. */
function ours(st) {
    return st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
}
/** The cached data recorded for `header`, if the file is ours and was made for it. */
function readCache(cacheFile, header) {
    let fd;
    try {
        fd = (0,external_node_fs_namespaceObject.openSync)(cacheFile, external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW);
        const st = (0,external_node_fs_namespaceObject.fstatSync)(fd);
        if (!st.isFile() || !ours(st))
            return undefined;
        const data = (0,external_node_fs_namespaceObject.readFileSync)(fd);
        if (data.length <= header.length || !data.subarray(0, header.length).equals(header))
            return undefined;
        return data.subarray(header.length);
    }
    catch {
        return undefined;
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/**
 * Runs `file` as a CommonJS module (its own `require`, `module`, `__dirname`)
 * with the code cache kept in `cacheDir`; none when `cacheDir` is undefined
 * (Node's compile cache is off: NODE_DISABLE_COMPILE_CACHE, or a Node without it).
 */
function runScript(file, cacheDir) {
    const source = (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
    let cacheFile;
    let header;
    let cachedData;
    try {
        if (cacheDir && ours((0,external_node_fs_namespaceObject.statSync)(cacheDir))) {
            cacheFile = external_node_path_default().join(cacheDir, nameFor(file));
            header = Buffer.from(`${identity(file)}\n`);
            cachedData = readCache(cacheFile, header);
        }
    }
    catch {
        cacheFile = undefined;
    }
    // The wrapper is Node's own for CommonJS, on the first line so that line numbers stay the bundle's.
    const script = new (external_node_vm_default()).Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
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
            if (cacheUsed || !cacheFile || !header)
                return;
            const partial = `${cacheFile}.${process.pid}.partial`;
            try {
                (0,external_node_fs_namespaceObject.writeFileSync)(partial, Buffer.concat([header, script.createCachedData()]), { mode: 0o600, flag: 'wx' });
                // Whole or not at all: a concurrent step reads the old file or the new one.
                (0,external_node_fs_namespaceObject.renameSync)(partial, cacheFile);
            }
            catch {
                (0,external_node_fs_namespaceObject.rmSync)(partial, { force: true });
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
/* harmony import */ var _code_cache_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(567);
/**
 * Entry of the main step. It turns on Node's compile cache (Node 22.1+, so
 * the runner's node24) for the modules loaded on demand, then runs the main
 * bundle — dist/main/index.cjs, built from main-script.cjs — with a code cache
 * of its own, made after the first run (code-cache.ts says why; what it
 * saves: README, Performance). Every later step of the job that uses the
 * action, and every job on a persistent self-hosted runner, then skips
 * compiling it. Everything else, including the one place errors become a
 * failed step, is in main.ts.
 */




node_module__WEBPACK_IMPORTED_MODULE_0___default().enableCompileCache?.();
const bundle = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname((0,node_url__WEBPACK_IMPORTED_MODULE_2__.fileURLToPath)(import.meta.url)), 'main', 'index.cjs');
const main = (0,_code_cache_js__WEBPACK_IMPORTED_MODULE_3__/* .runScript */ .j)(bundle, node_module__WEBPACK_IMPORTED_MODULE_0___default().getCompileCacheDir?.());
await main.exports.run();
main.saveCache();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

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
