/**
 * `gvisor-cell validate` and a run judge every document of the suite alike.
 * validate is parseCell; a run is parseCell, then the bundle planned for a
 * fixed, capable host (every cgroup controller, hand-made facts). Whatever a
 * run refuses beyond that depends on the host (a missing path, a link out of
 * the workspace, a missing controller: bundle/write.ts, bundle/resources.ts),
 * never on the document alone, so a document validate accepts must plan.
 */
import { describe, expect, test } from 'vitest';
import type { HostFacts } from '../../src/bundle/host.js';
import { bundlePaths } from '../../src/bundle/paths.js';
import { buildBundle } from '../../src/bundle/spec.js';
import { CellError, parseCell } from '../../src/cell/parse.js';
import { ACCEPTED, allDocuments, fileDocuments, REFUSED_ACROSS_KEYS, readmeDocuments, testFileDocuments } from '../support/documents.js';

const WS = '/home/runner/work/repo/repo';

const HOST: HostFacts = {
  uid: 1001,
  gid: 127,
  workspace: WS,
  home: '/home/runner',
  toolCache: '/opt/hostedtoolcache',
  hasOpt: true,
  rootLinks: [{ name: 'bin', kind: 'symlink', target: 'usr/bin' }],
  maskedFiles: ['/etc/shadow'],
  maskedDirs: ['/etc/sudoers.d'],
  resolvConf: '/run/systemd/resolve/stub-resolv.conf',
  runnerDirs: ['/home/runner/work/_temp'],
  cgroupControllers: ['cpuset', 'cpu', 'io', 'memory', 'pids'],
  systemVar: ['/var/lib/dpkg', '/var/lib/apt', '/var/cache/apt'],
  sudoTools: { bash: '/usr/bin/bash', setpriv: '/usr/bin/setpriv' },
  gitConfigs: [{ path: `${WS}/.git/config`, scrubbed: { text: '[core]\n', removed: ['http.extraheader'] } }],
  env: { HOME: '/home/runner', PATH: '/usr/bin:/bin', NPM_TOKEN: 'x' },
};
const PATHS = bundlePaths('/home/runner/work/_temp/gvisor-cell-abc');

type Verdict = { valid: true } | { valid: false; problem: string };

function refused(error: unknown): Verdict {
  return { valid: false, problem: error instanceof CellError ? error.problems.join('\n') : String(error) };
}

/** What `gvisor-cell validate` says. */
function validate(text: string): Verdict {
  try {
    parseCell(text, 'doc');
    return { valid: true };
  } catch (error) {
    return refused(error);
  }
}

/** What a run says before it touches the host: the document, then its bundle (with an image, once pulled). */
function plan(text: string): Verdict {
  try {
    const cell = parseCell(text, 'doc');
    const pulled = typeof cell.rootfs === 'object' && cell.rootfs.image !== undefined;
    buildBundle(cell, pulled ? { ...HOST, image: { root: '/cache/image', env: [], workingDir: undefined } } : HOST, PATHS);
    return { valid: true };
  } catch (error) {
    return refused(error);
  }
}

describe('the documents of the suite', () => {
  test('are found in every source: examples, the README, the shared tables and the test files', () => {
    const examples = fileDocuments().map((d) => d.origin);
    expect(examples).toEqual(expect.arrayContaining(['examples/hello.yml', 'examples/cells/lint-readonly.yml']));
    expect(examples.some((o) => o.startsWith('examples/workflows/junit-reports.yml (cell'))).toBe(true);
    // The README's six: the usage workflow's cell, the block of every input, the lint example, the apt-get one
    // (system: overlay), the container image one and the allow-list one.
    expect(readmeDocuments()).toHaveLength(6);
    const inTests = testFileDocuments().map((d) => d.origin.replace(/:\d+$/, ''));
    for (const file of ['test/e2e/document.test.ts', 'test/e2e/cli.test.ts', 'test/e2e/run.test.ts', 'test/unit/parse.test.ts']) {
      expect(inTests, file).toContain(file);
    }
  });

  test('some are refused and some accepted by validate, so the agreement below is about both', () => {
    const verdicts = allDocuments().map((d) => validate(d.text).valid);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(50);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(50);
  });

  test.each(allDocuments().map((d) => [d.origin, d.text] as const))('%s: validate and run agree', (_origin, text) => {
    expect(plan(text)).toEqual(validate(text));
  });

  test('the edge cases of the rules between keys are accepted by both', () => {
    for (const text of ACCEPTED) expect(plan(text), text).toEqual({ valid: true });
  });

  test('the rules between keys refuse in validate, with their key path', () => {
    for (const [text, problem] of REFUSED_ACROSS_KEYS) expect(validate(text), text).toEqual({ valid: false, problem });
  });
});
