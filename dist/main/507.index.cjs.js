"use strict";
exports.id = 507;
exports.ids = [507];
exports.modules = {

/***/ 1507:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   hints: () => (/* binding */ hints)
/* harmony export */ });
/* unused harmony exports NEAR_MEMORY_LIMIT, systemChange, commandFromShell, seenAsIs, connectFailure */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _bundle_host_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8545);
/* harmony import */ var _cell_units_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2635);
/**
 * What to do next, for the failures a new user meets first: a command the
 * cell cannot find (exit 127), a cell that waited for a network it does not
 * have, a timeout close to the memory limit. Worked out once by the engine
 * from the verdict and the run's facts (cell.ts), and said by every front end
 * after the verdict's sentence. Loaded only once a run is over: it is never on
 * the way to runsc.
 */




/** At or above this share of limits.memory when the timeout struck, the timeout may be the memory's doing. */
const NEAR_MEMORY_LIMIT = 0.9;
function hints(verdict, facts) {
    const out = [];
    if (verdict.kind === 'command-not-found')
        out.push(notFound(verdict.command, facts));
    if (verdict.kind === 'failed' && verdict.exitCode === 127)
        out.push(notFound(commandFromShell(facts.outputTail), facts));
    const timedOut = verdict.kind === 'timed-out';
    const { memoryLimit, memoryAtTimeout } = facts;
    const nearLimit = timedOut && memoryLimit !== undefined && memoryAtTimeout !== undefined && memoryAtTimeout >= NEAR_MEMORY_LIMIT * memoryLimit;
    if (facts.network === 'none' && (timedOut || verdict.kind === 'failed')) {
        // The output is the precise signal; a program may also wait in silence, so a timeout gets the
        // plain fact that the network was off, unless the memory explains it better.
        const attempt = connectFailure(facts.outputTail);
        if (attempt !== undefined || (timedOut && !nearLimit))
            out.push(networkOff(attempt, timedOut));
    }
    const denied = facts.egressDenied ?? [];
    if (denied.length > 0 && (timedOut || verdict.kind === 'failed'))
        out.push(egressRefused(denied));
    if (nearLimit)
        out.push(nearMemoryLimit(memoryAtTimeout, memoryLimit));
    if (facts.system === 'read-only' && verdict.kind === 'failed') {
        const attempt = systemChange(facts.outputTail);
        if (attempt !== undefined)
            out.push(systemReadOnly(attempt));
    }
    return out;
}
// --- system: read-only ----------------------------------------------------
/**
 * What sudo, dpkg and apt print when the cell tries to change the runner's
 * system under `system: read-only`: gVisor does not honour setuid (sudo
 * refuses, naming no_new_privs, or finds the masked sudoers empty), and
 * /usr, /etc and /opt are read-only (the package state of /var is not shown).
 */
const SYSTEM_CHANGES = [
    [/sudo: The "no new privileges" flag is set|is not in the sudoers file|sudo: effective uid is not 0/, 'sudo'],
    [
        /dpkg: error: (?:requested operation requires superuser privilege|required read\/write access to the dpkg database)|dpkg: error: .*\/var\/lib\/dpkg/,
        'dpkg',
    ],
    [
        /E: Could not open lock file \/var\/lib\/(?:dpkg|apt)|E: Unable to (?:lock|acquire the dpkg frontend lock)|E: List directory \/var\/lib\/apt\/lists/,
        'apt',
    ],
    [
        /(?:^|[\s'"`])\/(?:usr|etc|opt)\/\S*:? .*Read-only file system|Read-only file system.*(?:^|[\s'"`])\/(?:usr|etc|opt)\//m,
        'a write to the system directories',
    ],
];
/** Which of SYSTEM_CHANGES the end of the output shows, if any. */
function systemChange(tail) {
    const recent = tail.slice(-16_384);
    return SYSTEM_CHANGES.find(([re]) => re.test(recent))?.[1];
}
function systemReadOnly(attempt) {
    return `The cell’s system directories are the runner’s, read-only (system: read-only), and its output shows ${attempt} failing. To install packages or use sudo in the cell, set system: overlay: /usr, /etc, /opt and the package state in /var become writable in memory (gone with the cell; the runner’s files never change), and sudo works for the cell’s user.`;
}
// --- network.allow -------------------------------------------------------
/** How many refused destinations a hint names; the egress-log output has them all. */
const DENIED_SHOWN = 5;
/**
 * The destinations the cell was refused. They come from the cell (a DNS
 * question, a server name) but only as normalised host names (egress/record.ts),
 * which hold no workflow command.
 */
function egressRefused(denied) {
    const shown = denied.slice(0, DENIED_SHOWN).join(', ');
    const more = denied.length > DENIED_SHOWN ? ` and ${denied.length - DENIED_SHOWN} more` : '';
    return `The cell was refused ${shown}${more} (not on network.allow, or not allowed there). If it needs them, add them to network.allow; the egress-log output lists every decision, and network: { audit: true } records what a run reaches without refusing it.`;
}
// --- exit 127 -------------------------------------------------------------
/**
 * The command a shell reported missing, from the last such line of the output:
 * bash (`bash: line 1: pytest: command not found`), dash (`sh: 1: pytest: not
 * found`), env (`/usr/bin/env: 'python': No such file or directory`).
 */
function commandFromShell(tail) {
    const patterns = [
        /: ([^\s:]+): command not found$/gm,
        /^(?:sh|dash): \d+: ([^\s:]+): not found$/gm,
        /\benv: [‘'"]?([^’'"\s:]+)[’'"]?: No such file or directory$/gm,
        // system: overlay runs a `command:` through setpriv (bundle/sudo.ts).
        /^setpriv: failed to execute ([^\s:]+): No such file or directory$/gm,
    ];
    let found;
    for (const re of patterns) {
        for (const m of tail.matchAll(re)) {
            if (!found || m.index > found.at)
                found = { at: m.index, name: m[1] };
        }
    }
    // The cell writes this: only a plain program name is taken (nothing with a path, quotes or spaces).
    return found && PROGRAM_NAME.test(found.name) ? found.name : undefined;
}
/** What a missing program's name may look like to be named in a hint. */
const PROGRAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
function notFound(command, f) {
    const lines = [];
    if (command === undefined) {
        lines.push(`Exit 127 is what a shell returns for a command it cannot find. The cell's PATH is ${f.cellPath}`);
    }
    else if (command.includes('/')) {
        lines.push(`${command} does not exist in the cell (or, for a script, the interpreter on its #! line does not).`);
    }
    else {
        lines.push(`${command} is not on the cell's PATH: ${f.cellPath}`);
    }
    if (f.preparedRoot !== undefined) {
        lines.push(`The cell's root is the prepared tree ${f.preparedRoot}: the program must be in it, in a directory on PATH (set it with env: { PATH: "…" }).`);
        return lines.join('\n');
    }
    const cache = f.toolCache ? ` and the tool cache (${f.toolCache})` : '';
    lines.push(`The cell sees only the runner's /usr, /etc, /opt${cache}, read-only: tools installed with actions/setup-* are in the tool cache, ` +
        `and their directories on the runner's PATH are on the cell's PATH. HOME (${f.cellHome}) is empty: ~/.local, ~/.pyenv, ~/.cargo, ~/go and the like are not there.`);
    const onRunner = command === undefined ? undefined : locate(command, f.runnerPath);
    if (command !== undefined && onRunner === undefined && !command.includes('/')) {
        lines.push(`${command} is not on the runner's PATH either: install it in an earlier step with an actions/setup-* action (the cell then finds it), or into the workspace (a virtualenv, node_modules/.bin) and call it by its path there.`);
    }
    if (onRunner !== undefined)
        lines.push(...fromRunner(onRunner, f));
    return lines.join('\n');
}
/**
 * Where a program `command` is on the runner's PATH. Never for a path: the
 * name may come from the cell's output, and the host does not look up what
 * the cell names.
 */
function locate(command, runnerPath) {
    if (!PROGRAM_NAME.test(command))
        return undefined;
    const candidates = (runnerPath ?? '')
        .split(':')
        .filter((dir) => node_path__WEBPACK_IMPORTED_MODULE_1___default().isAbsolute(dir))
        .map((dir) => node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, command));
    return candidates.find((file) => {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.accessSync)(file, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.X_OK);
            return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(file).isFile();
        }
        catch {
            return false;
        }
    });
}
/** What to write in the document for a program that is at `file` on the runner. */
function fromRunner(file, f) {
    let real = file;
    try {
        real = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(file);
    }
    catch {
        // Checked just before: kept as found.
    }
    const dir = node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(file);
    const pathKey = `env: { PATH: "${dir}:${f.cellPath}" }`;
    const unseen = [file, real].filter((p) => !seenAsIs(p, f.mounts));
    const where = real === file ? file : `${file} (→ ${real})`;
    if (unseen.length === 0) {
        return [`On the runner it is ${where}, which the cell sees, but ${dir} is not on the cell's PATH: add it with ${pathKey}`];
    }
    const roots = [];
    for (const p of unseen) {
        const root = node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(p);
        if (!roots.some((r) => (0,_bundle_host_js__WEBPACK_IMPORTED_MODULE_2__/* .isInside */ .FK)(root, r)))
            roots.push(root);
    }
    const mounts = roots.map((r) => `{ source: ${r}, target: ${r} }`).join(', ');
    const needsPath = !f.cellPath.split(':').includes(dir);
    return [
        `On the runner it is ${where}, outside what the cell sees. Install it with an actions/setup-* action or into the workspace, ` +
            `or bind its directory in${needsPath ? ' and put it on PATH' : ''} (the program's own directory only: what it needs beside it, ` +
            'bind just as narrowly; a whole directory of HOME such as ~/.config holds credentials):',
        `  mounts: [${mounts}]`,
        ...(needsPath ? [`  ${pathKey}`] : []),
    ];
}
/**
 * Whether the cell sees host path `p` at the same path: the deepest of its
 * mounts that covers `p` must be a bind of the same host path (a tmpfs, such
 * as HOME, or nothing at all, the empty skeleton, hides it).
 */
function seenAsIs(p, mounts) {
    let best;
    for (const m of mounts) {
        if ((0,_bundle_host_js__WEBPACK_IMPORTED_MODULE_2__/* .isInside */ .FK)(p, m.destination) && (!best || depth(m.destination) >= depth(best.destination)))
            best = m;
    }
    if (best?.type !== 'bind')
        return false;
    return node_path__WEBPACK_IMPORTED_MODULE_1___default().join(best.source, node_path__WEBPACK_IMPORTED_MODULE_1___default().relative(best.destination, p)) === p;
}
function depth(p) {
    return p.split('/').filter(Boolean).length;
}
// --- network: none --------------------------------------------------------
/**
 * What programs print when a connection fails for want of a network. Under
 * `network: none` (checked with runsc 20240729) a connection to any address
 * but loopback fails at once with EHOSTUNREACH, and names do not resolve
 * (EAI_AGAIN): a program that times out "connecting" is one that retries.
 * "Connection refused" is left out: only loopback answers under `none`, so a
 * refusal comes from the cell's own server, not from the missing network.
 */
const KINDS = [
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
    'ENOTFOUND',
    'No route to host',
    'Network is unreachable',
    'Could not resolve host',
    'Temporary failure in name resolution',
    'Name or service not known',
    'Failed to connect to',
    "Couldn't connect to server",
    'Failed to establish a new connection',
];
const CONNECT_FAILURES = new RegExp(KINDS.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
/**
 * The kind of connection failure the output shows last, in this module's own
 * words (one of CONNECT_FAILURES' alternatives), or undefined. Never the
 * cell's line itself: a hint is the action's advice, and the cell must not
 * be able to write any of it.
 */
function connectFailure(tail) {
    const lines = tail.slice(-16_384).split(/\r?\n/);
    for (let i = lines.length - 1; i >= 0; i--) {
        const m = CONNECT_FAILURES.exec(lines[i]);
        if (m)
            return KINDS.find((k) => k.toLowerCase() === m[0].toLowerCase());
    }
    return undefined;
}
function networkOff(attempt, timedOut) {
    const fix = 'If it needs the network, download what it needs in an earlier step (into the workspace, or a directory you mount), or set network: host (the runner’s network: trusted code only).';
    if (attempt === undefined) {
        return `The cell has no network (network: none): a program that waits for a download or a server waits until the timeout. ${fix}`;
    }
    const kept = timedOut ? ' It kept trying until the timeout.' : '';
    return `The cell has no network (network: none), and its output shows a connection failing (${attempt}).${kept} ${fix}`;
}
// --- memory ---------------------------------------------------------------
function nearMemoryLimit(used, limit) {
    const mib = (n) => `${Math.round(n / 2 ** 20)} MiB`;
    // In words: the front ends neutralise `%` in what they print (inert.ts).
    const share = Math.round((used / limit) * 100);
    return (`When the timeout struck, the cell was using ${mib(used)} of its limits.memory ${(0,_cell_units_js__WEBPACK_IMPORTED_MODULE_3__/* .formatSize */ .Xq)(limit)} (${share} percent). ` +
        'Close to its limit a program can stall instead of failing (node’s garbage collector, the kernel reclaiming pages) until the timeout. ' +
        'Raise limits.memory, or keep the program below it (node: NODE_OPTIONS=--max-old-space-size=<MiB>, about three quarters of the limit).');
}


/***/ })

};
;