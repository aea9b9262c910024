/**
 * Benchmarks the built action (dist/) on this machine, in one go, against the
 * bare tools it wraps. The compared commands alternate (A B A B …, the order
 * reversed every other round) after a warm-up, so slow drift of the machine
 * cancels out; medians and ratios are printed as Markdown tables on stdout,
 * progress on stderr. Absolute times vary from machine to machine: the ratios
 * are what to compare.
 *
 *   step     the whole step (`node dist/index.js`, a /bin/true cell, warm tool
 *            cache, with and without runsc-sha512 (both layouts); and with
 *            runsc-path) vs a bare `runsc run` of a minimal
 *            bundle plus a bare `node -e 0`; and where the step's time goes
 *   install  the action installing runsc into an empty tool cache from a local
 *            bucket (both layouts) vs the shell recipe on the same files
 *   work     work inside a cell (through the action) vs the same work natively
 *   bundle   document → bundle, in-process: only says whether a vitest bench exists
 *   egress   network.allow (#13): a /bin/true cell's start-up with an allow-list
 *            vs network: none (step and CLI); a 100 MB download by curl from
 *            the bench's own upstream (a network namespace on 198.18.0.0/16,
 *            an /etc/hosts line) through each of the action's paths vs the
 *            runner directly, a cell with network: host, and a bare
 *            `runsc --network=sandbox` veth'd straight to the upstream
 *   image    rootfs: { image } (#15): a warm step with the image cached vs
 *            rootfs: host; the pull into an empty tool cache vs `skopeo copy`
 *            + `umoci raw unpack` (a registry on loopback: docker-registry)
 *   suites   real suites (#16) natively vs in a cell: this repository's unit
 *            suite, Debian's pytest, git status / log -p, a C build, npm ci
 *            --offline; then runsc options on the shorter ones
 *
 * Usage: npm run bench -- [--rounds N] [--only step,install,work,bundle,egress,image,suites]
 * Needs: root (a bare `runsc run` needs it), a built dist/, and a runsc that
 * scripts/provision-runsc.sh can find or fetch ($RUNSC); the Node that runs
 * dist/ is $GVC_ACTION_NODE (else this one); curl, sha512sum, tar (and zstd),
 * git for the git figure; ip, nft and openssl for the egress figure;
 * python3-pytest, make and gcc, and the npm registry (once, to warm a cache) for
 * the suites figure (each is skipped, saying so, when missing).
 * Everything it creates lives under .tmp/ and is removed at the end, also on
 * Ctrl-C (the egress figure's namespace and /etc/hosts line too).
 *
 * measure/ times things and returns numbers; report/ turns them into the
 * printed prose and tables; the runner emulation, job layout and bucket are
 * the end-to-end suite's (test/support/).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTION, REPO } from '../support/action-yml.js';
import { parseArgs, USAGE, UsageError } from './args.js';
import { ACTION_NODE } from './constants.js';
import { type Bench, cleanup, haveCommand, provisionRunsc, type Resources, setUp } from './context.js';
import { elapsedSeconds, log } from './log.js';
import { describeMachine, type Machine } from './machine.js';
import { findBenchFiles } from './measure/bundle.js';
import { measureEgress } from './measure/egress.js';
import { measureImage } from './measure/image.js';
import { measureInstall } from './measure/install.js';
import { measureStep } from './measure/step.js';
import { measureSuites } from './measure/suites.js';
import { measureWork } from './measure/work.js';
import { Processes, StepError } from './processes.js';
import { reportBundle } from './report/bundle.js';
import { reportEgress } from './report/egress.js';
import { reportHeader } from './report/header.js';
import { reportImage } from './report/image.js';
import { reportInstall } from './report/install.js';
import { reportStep } from './report/step.js';
import { reportSuites } from './report/suites.js';
import { reportWork } from './report/work.js';

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n${USAGE}`);
    throw error;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const { rounds, only } = args;
  for (const f of [ACTION.main, ACTION.post]) {
    if (!existsSync(path.join(REPO, f))) {
      fail(`${f} is missing: build the action first (npm ci && npm run build). The bench measures dist/, as the runner runs it.`);
    }
  }
  if (process.platform !== 'linux') fail('gVisor runs on Linux only');
  if (process.getuid?.() !== 0) fail('run as root: a bare `runsc run` needs root (the action itself would go through sudo)');

  const procs = new Processes();
  const resources: Resources = {};
  const interrupted = async (signal: string) => {
    if (procs.aborting) return;
    procs.aborting = true;
    log(`${signal}: stopping what runs and cleaning up`);
    await procs.stopAll(15_000);
    await cleanup(resources);
    process.exit(130);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void interrupted(sig));

  const needsRunsc = [...only].some((f) => f !== 'bundle');
  const sections: string[] = [];
  let egress: string | undefined;
  let image: string | undefined;
  let suites: string | undefined;
  let machine: Machine | undefined;
  const loadStart = os.loadavg();
  try {
    if (needsRunsc) {
      for (const tool of [
        'tar',
        ...(only.has('install') ? ['curl', 'sha512sum', 'bash'] : []),
        ...(only.has('step') ? ['bash'] : []),
        ...(only.has('egress') ? ['curl', 'ip', 'nft', 'openssl'] : []),
      ]) {
        if (!haveCommand(tool)) throw new Error(`${tool} is needed and not on PATH`);
      }
      const runsc = provisionRunsc();
      machine = describeMachine(runsc);
      const ctx: Bench = await setUp(procs, runsc, resources);
      if (only.has('step'))
        sections.push(reportStep(await measureStep(ctx, rounds), { artifact: ctx.bucket.artifact, postIf: ctx.action.postIf }));
      if (only.has('install')) sections.push(reportInstall(await measureInstall(ctx, rounds), ctx.bucket));
      if (only.has('work')) sections.push(reportWork(await measureWork(ctx, rounds)));
      if (only.has('egress')) {
        egress = reportEgress(
          await measureEgress(ctx, rounds, (upstream) => {
            resources.upstream = upstream;
          }),
        );
      }
      if (only.has('image')) image = reportImage(await measureImage(ctx, rounds));
      if (only.has('suites')) suites = reportSuites(await measureSuites(ctx, rounds));
    }
    if (only.has('bundle')) sections.push(reportBundle(findBenchFiles()));
    if (egress) sections.push(egress); // figure 5, after 4 (bundle), which needs no runsc
    if (image) sections.push(image);
    if (suites) sections.push(suites);
  } catch (error) {
    if (!procs.aborting) {
      log(
        `failed: ${error instanceof StepError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      await cleanup(resources);
      process.exit(1);
    }
    return;
  }
  await cleanup(resources);
  if (procs.aborting) return;

  const elapsed = elapsedSeconds();
  const header = reportHeader({
    machine: machine ?? describeMachine(undefined),
    ownNode: ACTION_NODE === process.execPath,
    loadStart,
    loadEnd: os.loadavg(),
    rounds,
  });
  process.stdout.write(`${[header, sections.join('\n\n'), '', `Total run time: ${elapsed.toFixed(0)} s.`].join('\n')}\n`);
  log(`done in ${elapsed.toFixed(0)} s`);
}

await main();
