export const id = 382;
export const ids = [382];
export const modules = {

/***/ 9382:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  post: () => (/* binding */ post)
});

// UNUSED EXPORTS: ownRunDir

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
;// CONCATENATED MODULE: ./src/constants.ts
/**
 * Names shared with action.yml. Keep this file and action.yml in step: a test
 * (test/unit/action-yml.test.ts) reads both and fails when they drift apart.
 */
const Inputs = {
    Cell: 'cell',
    CellFile: 'cell-file',
    RunscVersion: 'runsc-version',
    RunscSha512: 'runsc-sha512',
    RunscPath: 'runsc-path',
    DownloadUrl: 'download-url',
    Platform: 'platform',
    FailOnError: 'fail-on-error',
    OutputLimit: 'output-limit',
};
const Outputs = {
    ExitCode: 'exit-code',
    Logs: 'logs',
    Stdout: 'stdout',
    Stderr: 'stderr',
    LogFile: 'log-file',
    TimedOut: 'timed-out',
    DurationMs: 'duration-ms',
    RunscVersion: 'runsc-version',
    RunscPath: 'runsc-path',
    DebugLogDir: 'debug-log-dir',
};
/** Post-step state. The post step trusts none of it without checking (see post.ts). */
const State = {
    RunDir: 'run-dir',
    ContainerId: 'container-id',
    Runsc: 'runsc',
    Sudo: 'sudo',
};
const DEFAULT_DOWNLOAD_URL = 'https://storage.googleapis.com/gvisor/releases/release';
/** Tool-cache name for runsc from the default bucket; mirrors get a name of their own. */
const TOOL_NAME = 'runsc';
/** Every directory the action creates under RUNNER_TEMP starts with this. */
const RUN_DIR_PREFIX = 'gvisor-cell-';

;// CONCATENATED MODULE: ./src/run/runsc.ts
/**
 * How runsc is invoked: directly as root, through `sudo -n` otherwise (hosted
 * runners give passwordless sudo). Never `--rootless`: it is not a sandbox for
 * untrusted code there.
 */


function needsSudo() {
    return (process.getuid?.() ?? 0) !== 0;
}
/** [command, args] for a runsc invocation with this run's state directory. */
function runscCommand(r, args, wrap) {
    const plain = [r.path, `--root=${r.root}`, ...args];
    const full = wrap ? wrap(plain) : plain;
    return r.sudo ? ['sudo', ['-n', '--', ...full]] : [full[0], full.slice(1)];
}
function spawnRunsc(r, args, options = {}, wrap) {
    const [cmd, argv] = runscCommand(r, args, wrap);
    return (0,external_node_child_process_.spawn)(cmd, argv, options);
}
/** Runs a short runsc command (kill, delete) to completion; resolves to its exit code, never rejects. */
function runscQuiet(r, args, timeoutMs = 10_000, wrap) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, args, { stdio: 'ignore' }, wrap);
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', () => {
            clearTimeout(timer);
            resolve(null);
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve(code);
        });
    });
}
/**
 * SIGKILLs the container's processes. Fast: `runsc run`, still waiting on the
 * container, then tears the sandbox down and deletes its state itself.
 */
async function killContainer(r, containerId) {
    await runscQuiet(r, ['kill', '--all', containerId, 'KILL']);
}
/**
 * Kills and deletes the container when no `runsc run` is left to do it (it was
 * killed with the action). `delete --force` alone can wait seconds for a gofer
 * it cannot reap, hence the kill first.
 */
async function destroy(r, containerId) {
    await killContainer(r, containerId);
    await runscQuiet(r, ['delete', '--force', containerId]);
}
/** The container's pids (inside its namespace), from `runsc ps`; undefined when it cannot be asked. */
function listPids(r, containerId) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, ['ps', '--format=json', containerId], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.stdout?.on('data', (c) => {
            if (out.length < 1_000_000)
                out += c.toString();
        });
        child.on('error', () => resolve(undefined));
        child.on('close', (code) => {
            clearTimeout(timer);
            try {
                const pids = JSON.parse(out);
                resolve(code === 0 && Array.isArray(pids) && pids.every(Number.isInteger) ? pids : undefined);
            }
            catch {
                resolve(undefined);
            }
        });
    });
}
/** Host pids of the processes that belong to this run's sandboxes: runsc, its sandbox and gofer all carry `--root=<state dir>`. */
function sandboxProcesses(r) {
    const needle = Buffer.from(`--root=${r.root}\0`);
    const pids = [];
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid)
            continue;
        try {
            if (readFileSync(`/proc/${entry}/cmdline`).includes(needle))
                pids.push(Number(entry));
        }
        catch {
            // Gone already.
        }
    }
    return pids;
}
const GONE_WAIT_MS = 3_000;
/**
 * Makes sure nothing of the sandbox runs any more: waits for its processes
 * to go, SIGKILLs what is left (through sudo where runsc ran through it),
 * and throws if anything survives — callers place files on the host only
 * after this returned.
 */
async function ensureGone(r, containerId) {
    const waitGone = async (ms) => {
        const until = Date.now() + ms;
        let left = sandboxProcesses(r);
        while (left.length > 0 && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            left = sandboxProcesses(r);
        }
        return left;
    };
    let left = await waitGone(GONE_WAIT_MS);
    if (left.length === 0)
        return;
    await destroy(r, containerId);
    left = sandboxProcesses(r);
    if (left.length > 0) {
        await new Promise((resolve) => {
            const [cmd, args] = r.sudo ? ['sudo', ['-n', 'kill', '-KILL', ...left.map(String)]] : ['kill', ['-KILL', ...left.map(String)]];
            spawn(cmd, args, { stdio: 'ignore' })
                .once('close', () => resolve())
                .once('error', () => resolve());
        });
    }
    left = await waitGone(GONE_WAIT_MS);
    if (left.length > 0)
        throw new Error(`the sandbox ${containerId} could not be stopped: processes ${left.join(', ')} are still running`);
}

;// CONCATENATED MODULE: ./src/post.ts
/**
 * The post step: runs only when main may have left something behind (the job
 * failed or was cancelled; see `post-if` in action.yml). It removes this run's
 * sandbox and run directory and nothing else: every value read back from the
 * state is checked to be one main could have written.
 */







const CONTAINER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** The run directory, if the state names one of ours: directly in RUNNER_TEMP, our prefix, a real directory. */
function ownRunDir(value, tempRoot) {
    if (!value || !external_node_path_default().isAbsolute(value))
        return undefined;
    const dir = external_node_path_default().normalize(value);
    if (external_node_path_default().dirname(dir) !== external_node_path_default().resolve(tempRoot) || !external_node_path_default().basename(dir).startsWith(RUN_DIR_PREFIX))
        return undefined;
    try {
        return (0,external_node_fs_.lstatSync)(dir).isDirectory() ? dir : undefined;
    }
    catch {
        return undefined;
    }
}
async function post() {
    const tempRoot = process.env.RUNNER_TEMP || external_node_os_default().tmpdir();
    const runDir = ownRunDir(core.getState(State.RunDir), tempRoot);
    if (!runDir) {
        core.debug('gvisor-cell post: nothing of this run is left');
        return;
    }
    const containerId = core.getState(State.ContainerId);
    const runscPath = core.getState(State.Runsc);
    const sudo = core.getState(State.Sudo) === 'true';
    if (CONTAINER_ID.test(containerId) && external_node_path_default().isAbsolute(runscPath)) {
        const runsc = { path: runscPath, sudo, root: external_node_path_default().join(runDir, 'state') };
        core.info(`Removing sandbox ${containerId} left by the main step`);
        await destroy(runsc, containerId);
    }
    try {
        (0,external_node_fs_.rmSync)(runDir, { recursive: true, force: true });
    }
    catch {
        // runsc ran as root through sudo and left root-owned state behind.
        if (sudo)
            (0,external_node_child_process_.spawnSync)('sudo', ['-n', 'rm', '-rf', '--one-file-system', '--', runDir], { stdio: 'ignore' });
    }
    core.info(`Removed ${runDir}`);
}


/***/ })

};
