export const id = 895;
export const ids = [895];
export const modules = {

/***/ 6895:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  post: () => (/* binding */ post)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(7264);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 3 modules
var exec = __webpack_require__(1260);
// EXTERNAL MODULE: ./src/log.ts
var src_log = __webpack_require__(5625);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/run/cgroups.ts
/**
 * The cgroups of a sandbox that runsc could not remove itself.
 *
 * A cell with limits runs in cgroups runsc makes at the spec's cgroupsPath,
 * which it defaults to `/<container id>` (the action sets none), in every
 * cgroup hierarchy: one per controller on cgroup v1, the single one on v2.
 * runsc removes them when its sandbox ends, but not when its processes were
 * killed instead (a start that stalled, as on a host where KVM hangs; a runsc
 * that no runsc command could reach): then they stay, empty, on a runner
 * that may run many more jobs. This removes them, deepest first, once
 * nothing of the sandbox runs any more (ensureGone has returned): `rmdir`
 * removes only a cgroup without processes and children, and anything still
 * in use is left as it is.
 */



/** Where each cgroup hierarchy is mounted, from a mountinfo(5) text. */
function cgroupMountPoints(mountinfo) {
    const points = [];
    for (const line of mountinfo.split('\n')) {
        // The filesystem type is the first field after the " - " separator; the mount point is field 5.
        const [mount = '', fs = ''] = line.split(' - ');
        const type = fs.split(' ')[0];
        if (type !== 'cgroup' && type !== 'cgroup2')
            continue;
        const point = mount.split(' ')[4];
        // mountinfo escapes blanks, tabs, newlines and backslashes as three octal digits.
        if (point)
            points.push(point.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(Number.parseInt(octal, 8))));
    }
    return points;
}
/** Every cgroup directory of this container, in each hierarchy, deepest first (what `rmdir` needs). */
function containerCgroups(mountPoints, containerId) {
    if (!/^\w[\w.-]*$/.test(containerId))
        throw new Error(`internal: container id ${JSON.stringify(containerId)} is not a plain name`);
    const dirs = [];
    const walk = (dir) => {
        let entries;
        try {
            entries = (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true });
        }
        catch {
            return; // not there (runsc removed it, or this hierarchy never had it)
        }
        for (const e of entries)
            if (e.isDirectory())
                walk(external_node_path_default().join(dir, e.name));
        dirs.push(dir);
    };
    for (const point of mountPoints)
        walk(external_node_path_default().join(point, containerId));
    // Children were pushed before their parents: the order is already deepest first.
    return dirs;
}
/** How long a cgroup may stay busy after the sandbox's processes are gone from /proc (see below). */
const SETTLE_MS = 2_000;
const RETRY_MS = 50;
/**
 * Removes what is left of this container's cgroups (through sudo where runsc
 * ran through it, as the cgroups are root's); returns those that are still
 * there, for the caller to say. Never throws: a cgroup left behind is untidy,
 * not unsafe.
 *
 * A killed process leaves /proc's view of it (its command line, which is how
 * ensureGone finds the sandbox's) before it leaves its cgroups, and a sandbox
 * with gigabytes to free takes a while in between: a cgroup that is still
 * busy is tried again for up to SETTLE_MS.
 */
async function removeLeftCgroups(r, containerId, { mountinfo = '/proc/self/mountinfo', settleMs = SETTLE_MS } = {}) {
    try {
        const points = cgroupMountPoints((0,external_node_fs_.readFileSync)(mountinfo, 'utf8'));
        const until = Date.now() + settleMs;
        for (;;) {
            const dirs = containerCgroups(points, containerId);
            if (dirs.length === 0)
                return [];
            await (r.sudo ? sudoRmdir(dirs) : rmdirEach(dirs));
            const left = containerCgroups(points, containerId);
            if (left.length === 0 || Date.now() >= until)
                return left;
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
    }
    catch {
        // No mountinfo to read, or an id that is not a plain name (never made by containerIdFor): nothing removed.
        return [];
    }
}
/** rmdir goes on past a directory it cannot remove (its parents then fail too, as they must). */
function sudoRmdir(dirs) {
    return new Promise((resolve) => {
        (0,external_node_child_process_.spawn)('sudo', ['-n', 'rmdir', '--', ...dirs], { stdio: 'ignore', timeout: 10_000 })
            .once('close', () => resolve())
            .once('error', () => resolve());
    });
}
async function rmdirEach(dirs) {
    for (const dir of dirs) {
        try {
            (0,external_node_fs_.rmdirSync)(dir);
        }
        catch {
            // Busy (a process still in it) or not empty: tried again, or returned as left.
        }
    }
}
/** What the front ends say of cgroups that stayed (a warning: the cell's result stands). */
function leftCgroupsNote(dirs) {
    return `could not remove the cgroups runsc made for this cell, after its processes had to be killed: ${dirs.join(', ')}`;
}

;// CONCATENATED MODULE: ./src/run/runsc.ts
/**
 * How runsc is invoked — the one place its command line is put together:
 * the global flags (globalFlags), this run's state directory, a wrapper (the
 * private mount namespace), and `sudo -n` unless the action runs as root
 * (hosted runners give passwordless sudo) (runscCommand). Never `--rootless`:
 * it is not a sandbox for untrusted code there.
 */


/** The cell-specific global flags: what the bundle says the sandbox must be. */
function sandboxFlags(shape) {
    return [
        `--network=${shape.network}`,
        `--overlay2=${shape.overlay}:memory`,
        // The cell is the only user of its mounts while it runs, so gVisor may cache their metadata
        // instead of revalidating it on every access (what that saves: README, Performance). Host-side
        // changes made to a mounted path during the run may then go unseen inside the cell.
        '--file-access-mounts=exclusive',
        // Without resource limits the sandbox's cgroups enforce nothing, and making them costs runsc
        // time (README, Performance). Limits need them, so they are kept whenever one is set.
        ...(shape.cgroups ? [] : ['--ignore-cgroups']),
    ];
}
/** Every global flag of this run's runsc commands but `--root` (runscCommand adds it). */
function globalFlags(c) {
    return [
        `--platform=${c.platform}`,
        // No host Unix sockets: the cell's view must not reach the runner's daemons.
        '--host-uds=none',
        ...sandboxFlags(c.sandbox),
        ...(c.log ? [`--log=${c.log}`, '--log-format=json'] : []),
        ...(c.debugDir ? ['--debug', `--debug-log=${c.debugDir}/`] : []),
    ];
}
function needsSudo() {
    return (process.getuid?.() ?? 0) !== 0;
}
/** [command, args] for a runsc invocation with this run's state directory. */
function runscCommand(r, args, wrap) {
    const plain = [r.path, `--root=${r.root}`, ...args];
    const full = wrap ? wrap(plain) : plain;
    return r.sudo ? ['sudo', ['-n', '--', ...full]] : [full[0], full.slice(1)];
}
/**
 * SIGKILLs a runsc command we started. Through sudo, the signal must come from
 * root too: sudo may run with a real uid of root, which the runner's user
 * cannot signal. (runsc under a killed sudo lives on; callers destroy the
 * sandbox, which finds it by its state directory.)
 */
function killChild(r, child) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
        return;
    if (r.sudo)
        void killPids(r, [child.pid]);
    else
        child.kill('SIGKILL');
}
/** SIGKILLs these host pids, through sudo where runsc runs through it; resolves once `kill` is done, never rejects. */
function killPids(r, pids) {
    return new Promise((resolve) => {
        const args = ['-KILL', ...pids.map(String)];
        const [cmd, argv] = r.sudo ? ['sudo', ['-n', 'kill', ...args]] : ['kill', args];
        (0,external_node_child_process_.spawn)(cmd, argv, { stdio: 'ignore', timeout: 10_000 })
            .once('close', () => resolve())
            .once('error', () => resolve());
    });
}
function spawnRunsc(r, args, options = {}, wrap) {
    const [cmd, argv] = runscCommand(r, args, wrap);
    return (0,external_node_child_process_.spawn)(cmd, argv, options);
}
/** Runs a short runsc command (kill, delete) to completion; resolves to its exit code, never rejects. */
async function runscQuiet(r, args, timeoutMs = 10_000, wrap) {
    return (await runscWithin(r, args, timeoutMs, wrap)).code;
}
/**
 * runscQuiet, also saying whether the command was killed for taking longer
 * than `timeoutMs` (code null then; also null when it could not be started).
 */
function runscWithin(r, args, timeoutMs, wrap) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, args, { stdio: 'ignore' }, wrap);
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            killChild(r, child);
        }, timeoutMs);
        // Also the kill's own failure, after a timeout.
        child.on('error', () => {
            clearTimeout(timer);
            resolve({ code: null, timedOut });
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, timedOut });
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
/**
 * What `runsc state` says of the container: its status (creating, created,
 * running, paused, stopped), `missing` when runsc says there is no such
 * container, or `unknown` when it could not be asked, answered anything else,
 * or took longer than `timeoutMs` (it waits for the container's lock, which
 * a starting or tearing-down `runsc run` holds).
 */
function containerStatus(r, containerId, timeoutMs = 5_000) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, ['state', containerId], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        const keep = (c) => {
            if (out.length < 100_000)
                out += c.toString();
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        let settled = false;
        const settle = (answer) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            resolve(answer);
        };
        // Through sudo the kill reaches only sudo, and runsc would hold the pipes: stop waiting for them.
        const timer = setTimeout(() => {
            killChild(r, child);
            child.stdout?.destroy();
            child.stderr?.destroy();
            settle('unknown');
        }, timeoutMs);
        // A probe still out when the step is otherwise done must not hold it open.
        timer.unref();
        child.unref();
        child.stdout?.unref?.();
        child.stderr?.unref?.();
        child.on('error', () => settle('unknown'));
        child.on('close', (code) => {
            if (code !== 0)
                return settle(/does not exist|not found/i.test(out) ? 'missing' : 'unknown');
            try {
                const status = JSON.parse(out).status;
                settle(typeof status === 'string' ? status : 'unknown');
            }
            catch {
                settle('unknown');
            }
        });
    });
}
/** Host pids of the processes that belong to this run's sandboxes: runsc, its sandbox and gofer all carry `--root=<state dir>`. */
function sandboxProcesses(r) {
    const needle = Buffer.from(`--root=${r.root}\0`);
    const pids = [];
    for (const entry of (0,external_node_fs_.readdirSync)('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid)
            continue;
        try {
            if ((0,external_node_fs_.readFileSync)(`/proc/${entry}/cmdline`).includes(needle))
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
 * SIGKILLs every process of this run's sandboxes (runsc, sandbox, gofer),
 * through sudo where runsc ran through it: what stops a runsc that no runsc
 * command can reach (one that never created its container).
 */
async function killSandboxProcesses(r) {
    const left = sandboxProcesses(r);
    if (left.length > 0)
        await killPids(r, left);
}
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
    await killSandboxProcesses(r);
    left = await waitGone(GONE_WAIT_MS);
    if (left.length > 0)
        throw new Error(`the sandbox ${containerId} could not be stopped: processes ${left.join(', ')} are still running`);
}

// EXTERNAL MODULE: ./src/action/commands.ts
var commands = __webpack_require__(530);
;// CONCATENATED MODULE: ./src/run/run-dir.ts
/**
 * A run's private directory under the temp root (RUNNER_TEMP for the action):
 * the bundle, runsc's state and log, the read-only stubs, what `collect`
 * unpacks. mkdtemp makes it (mode 0700, a name nobody can predict); the post
 * step recognises one by its name (src/action/post-state.ts).
 */


/** Every directory gvisor-cell creates under the temp root starts with this. */
const RUN_DIR_PREFIX = 'gvisor-cell-';
/** A run directory's name: the prefix and mkdtemp's six random characters (not `-logs`, `-debug-…`, `-install-…`). */
const RUN_DIR_NAME = new RegExp(`^${RUN_DIR_PREFIX}[A-Za-z0-9]{6}$`);
function makeRunDir(tempRoot) {
    return mkdtempSync(path.join(tempRoot, RUN_DIR_PREFIX));
}
/** The run directory's random part: unique among live run directories (containerIdFor uses it). */
function runDirUnique(runDir) {
    return external_node_path_default().basename(runDir).slice(RUN_DIR_PREFIX.length);
}
/** Best effort: what is left (root-owned state of a killed runsc) is the post step's. */
function removeRunDir(dir) {
    try {
        rmSync(dir, { recursive: true, force: true });
    }
    catch {
        // The post step retries, with sudo where runsc ran through it.
    }
}

;// CONCATENATED MODULE: ./src/action/post-state.ts
/**
 * What the main step tells its post step, written and read here only. The
 * record is kept where only the main step can write: a file in the run's
 * private directory (mkdtemp, mode 0700, under RUNNER_TEMP, which no cell
 * sees). The step's state carries only the run directory and this record's
 * nonce; state can be forged (a `::save-state` printed by an earlier step or a
 * cell that escaped the stop-commands window), so what the post step runs (the
 * runsc binary, the container id) comes from the record, and only when the
 * run directory is one main could have made and the nonce in the state is the
 * one in the record.
 */



/** The state's keys: which run directory, and the nonce of the record main left in it. */
const State = {
    RunDir: 'run-dir',
    Nonce: 'nonce',
};
/** The record's name in the run directory. */
const RECORD_FILE = 'post-record.json';
/** Container ids as `containerIdFor` makes them (and runsc accepts). */
const CONTAINER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** 16 random bytes, hex. */
const NONCE = /^[0-9a-f]{32}$/;
/** Far more than a record needs; a bound on what the post step reads. */
const MAX_RECORD_BYTES = 4096;
/**
 * Writes the record, then the state that points at it (`save` is
 * core.saveState). The record comes first: a post step that finds the state
 * finds the record.
 */
function savePostState(save, runDir, record) {
    save(State.Nonce, writePostRecord(runDir, record));
    save(State.RunDir, runDir);
}
/**
 * The state, checked (`get` is core.getState): nothing saved; a run directory
 * that is gone already; a refusal, with the reason (never quoting the state:
 * it could carry workflow commands); or the run directory and its record.
 */
function loadPostState(get, tempRoot, uid) {
    const value = get(State.RunDir);
    if (!value)
        return { none: true };
    const runDir = checkRunDir(value, tempRoot, uid);
    if (!('dir' in runDir))
        return runDir;
    const nonce = get(State.Nonce);
    if (!NONCE.test(nonce))
        return { refused: 'nonce is missing or malformed' };
    const checked = readPostRecord(runDir.dir, nonce, uid);
    if ('refused' in checked)
        return checked;
    return { runDir: runDir.dir, record: checked.record };
}
/**
 * The state's run directory, if it is one main could have made: an absolute,
 * normalized path directly in RUNNER_TEMP with a run directory's name, and a
 * real directory (not a link) owned by `uid` that group and others cannot write.
 */
function checkRunDir(value, tempRoot, uid) {
    if (!external_node_path_default().isAbsolute(value) || external_node_path_default().resolve(value) !== value)
        return { refused: 'run-dir is not an absolute, normalized path' };
    if (external_node_path_default().dirname(value) !== external_node_path_default().resolve(tempRoot))
        return { refused: 'run-dir is not directly in RUNNER_TEMP' };
    if (!RUN_DIR_NAME.test(external_node_path_default().basename(value)))
        return { refused: 'run-dir is not named as a run directory' };
    const st = (0,external_node_fs_.lstatSync)(value, { throwIfNoEntry: false });
    if (!st)
        return { gone: true };
    if (!st.isDirectory())
        return { refused: 'run-dir is not a directory' };
    if (st.uid !== uid)
        return { refused: `run-dir is owned by uid ${st.uid}, not ${uid}` };
    if (st.mode & 0o022)
        return { refused: 'run-dir is writable by group or others' };
    return { dir: value };
}
/**
 * Writes the record (a new file only, 0600: never through a link nor over a
 * file already there) and returns its nonce, for the state. Web Crypto's
 * CSPRNG: it is loaded for the stop-commands token anyway, node:crypto is not.
 */
function writePostRecord(runDir, record) {
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
    const fd = openSync(path.join(runDir, RECORD_FILE), 'wx', 0o600);
    try {
        writeSync(fd, JSON.stringify({ nonce, containerId: record.containerId, runsc: record.runsc, networkId: record.networkId }));
    }
    finally {
        closeSync(fd);
    }
    return nonce;
}
/**
 * Reads the record of `runDir` (already checked to be ours) and checks it
 * against the state's nonce: a regular file, not a link, owned by `uid`, not
 * writable by group or others, one link, small; its fields well-formed; the
 * runsc it names an absolute path to a regular file.
 */
function readPostRecord(runDir, nonce, uid) {
    const file = external_node_path_default().join(runDir, RECORD_FILE);
    let fd;
    try {
        // O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: a FIFO planted here cannot hang the step.
        fd = (0,external_node_fs_.openSync)(file, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        return { refused: code === 'ELOOP' ? `${RECORD_FILE} is a symbolic link` : `${RECORD_FILE} cannot be opened (${code})` };
    }
    let text;
    try {
        // Checked on the open file: what is checked is what is read.
        const st = (0,external_node_fs_.fstatSync)(fd);
        if (!st.isFile())
            return { refused: `${RECORD_FILE} is not a regular file` };
        if (st.uid !== uid)
            return { refused: `${RECORD_FILE} is owned by uid ${st.uid}, not ${uid}` };
        if (st.mode & 0o022)
            return { refused: `${RECORD_FILE} is writable by group or others` };
        if (st.nlink !== 1)
            return { refused: `${RECORD_FILE} has ${st.nlink} hard links` };
        if (st.size > MAX_RECORD_BYTES)
            return { refused: `${RECORD_FILE} is larger than ${MAX_RECORD_BYTES} bytes` };
        const buf = Buffer.alloc(MAX_RECORD_BYTES + 1);
        const n = (0,external_node_fs_.readSync)(fd, buf, 0, buf.length, 0);
        text = buf.subarray(0, n).toString('utf8');
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return { refused: `${RECORD_FILE} is not JSON` };
    }
    if (typeof parsed !== 'object' || parsed === null)
        return { refused: `${RECORD_FILE} is not a JSON object` };
    const { nonce: recorded, containerId, runsc, networkId } = parsed;
    if (typeof recorded !== 'string' || !NONCE.test(recorded))
        return { refused: `${RECORD_FILE}: nonce is malformed` };
    if (recorded !== nonce)
        return { refused: `the state's nonce is not the one in ${RECORD_FILE}` };
    if (typeof containerId !== 'string' || !CONTAINER_ID.test(containerId)) {
        return { refused: `${RECORD_FILE}: containerId is not a container id` };
    }
    if (typeof runsc !== 'string' || !external_node_path_default().isAbsolute(runsc) || external_node_path_default().resolve(runsc) !== runsc) {
        return { refused: `${RECORD_FILE}: runsc is not an absolute, normalized path` };
    }
    if (!(0,external_node_fs_.statSync)(runsc, { throwIfNoEntry: false })?.isFile())
        return { refused: `${RECORD_FILE}: runsc is not a regular file` };
    // containerIdFor ends every id with the run directory's own suffix: the cgroups the post step may
    // remove are named by it, outside the run directory, so an id of another run's (or none) is refused.
    if (!containerId.endsWith(`-${runDirUnique(runDir)}`))
        return { refused: `${RECORD_FILE}: containerId is not this run's` };
    // The network's names are made from the run directory's suffix (run/cell.ts): anything else is not this run's.
    if (networkId !== undefined && networkId !== runDirUnique(runDir))
        return { refused: `${RECORD_FILE}: networkId is not this run's` };
    return { record: { containerId, runsc, ...(networkId !== undefined ? { networkId } : {}) } };
}

;// CONCATENATED MODULE: ./src/action/post.ts
/**
 * The post step: runs only when main may have left something behind (the job
 * failed or was cancelled; see `post-if` in action.yml). It removes this run's
 * sandbox (with its cgroups and, for `network.allow`, its network) and run
 * directory, and nothing else.
 *
 * The state can be forged, so it only points (post-state.ts): what is run
 * (runsc, the container id) comes from the record main left in the run
 * directory; whether through sudo, from this process's own uid. Anything else
 * and the step does nothing but say that it refused the state.
 */










async function post() {
    const log = (0,src_log/* lineLogger */.H)(process.stdout);
    const say = (0,commands/* commands */.P)(core, log);
    const tempRoot = process.env.RUNNER_TEMP || external_node_os_default().tmpdir();
    const state = loadPostState(core.getState, tempRoot, process.getuid?.() ?? 0);
    if ('none' in state)
        return say.debug('gvisor-cell post: no run directory in the state; nothing to do');
    if ('gone' in state)
        return say.debug('gvisor-cell post: nothing of this run is left');
    // One line; never quotes the state (it could carry workflow commands).
    if ('refused' in state)
        return say.warning(`gvisor-cell post: refused the saved state, removed nothing: ${state.refused}`);
    const { containerId, runsc: runscPath } = state.record;
    const sudo = needsSudo();
    const runsc = { path: runscPath, sudo, root: external_node_path_default().join(state.runDir, 'state') };
    log.info(`Removing sandbox ${containerId} left by the main step`);
    await destroy(runsc, containerId);
    // What runsc could not stop (a start that stalled) is killed by this run's state directory, and the
    // cgroups runsc then could not remove go too (they are only there for a cell with limits).
    try {
        await ensureGone(runsc, containerId);
    }
    catch (error) {
        say.warning(`gvisor-cell post: ${error.message}`);
    }
    const left = await removeLeftCgroups(runsc, containerId);
    if (left.length > 0)
        say.warning(`gvisor-cell post: ${leftCgroupsNote(left)}`);
    if (state.record.networkId) {
        // Loaded only when main made a network: the listeners died with main; the namespace, link and table may not have.
        const { findNetworkTools, teardownHostNetwork } = await __webpack_require__.e(/* import() */ 648).then(__webpack_require__.bind(__webpack_require__, 8648));
        log.info(`Removing the cell's network ${state.record.networkId} left by the main step`);
        await teardownHostNetwork(findNetworkTools(), sudo, state.record.networkId);
    }
    await removeAll(state.runDir, sudo);
    log.info(`Removed ${state.runDir}`);
}
/** The run directory, with sudo where runsc ran through it and left root-owned state behind. */
async function removeAll(dir, sudo) {
    try {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
    catch {
        if (!sudo)
            return;
        await (0,exec/* exec */.m)('sudo', ['-n', 'rm', '-rf', '--one-file-system', '--', dir], { silent: true, ignoreReturnCode: true }).catch(() => { });
    }
}


/***/ })

};
