/**
 * What the README states about the code, checked against the code: the runsc
 * command line it shows (built in one place, src/run/runsc.ts) and the layout
 * table (every path it names exists, every source directory is named).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { globalFlags } from '../../src/run/runsc.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  test('shows the runsc command line the action builds', () => {
    const flags = globalFlags({ platform: 'systrap', sandbox: { network: 'none', overlay: 'all', cgroups: true } });
    expect(README).toContain(`runsc --root=<private state dir> ${flags.join(' ')} run`);
    // And what the README says is added without limits.
    const without = globalFlags({ platform: 'systrap', sandbox: { network: 'none', overlay: 'all', cgroups: false } });
    expect(without.filter((f) => !flags.includes(f))).toEqual(['--ignore-cgroups']);
    expect(README).toContain('(plus `--ignore-cgroups` when the cell sets no memory, cpus or pids limit)');
  });

  test('the layout table names paths that exist, and every directory and file at the top of src/', () => {
    const section = README.slice(README.indexOf('Layout, in the order the data flows'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| ---')));
    // The first cell of each row: one or more `paths`.
    const named = [...table.matchAll(/^\| ([^|]*)\|/gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((n) => n[1] as string),
    );
    expect(named.length).toBeGreaterThan(5);
    for (const one of named) expect(existsSync(path.join(REPO, one)), one).toBe(true);
    for (const e of readdirSync(path.join(REPO, 'src'), { withFileTypes: true })) {
      const want = e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`;
      expect(named, want).toContain(want);
    }
  });
});
