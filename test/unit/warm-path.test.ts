/**
 * The rule "nothing slow is loaded before runsc starts" (README, Performance),
 * held by a test rather than by comments: every module the main step loads
 * before the sandbox is on its way — everything statically imported from
 * src/action/main.ts — must not import a heavy package, nor a module that is
 * meant to be loaded on demand. `import type` is free (erased); `await
 * import()` is on demand. `import { type A }` is counted as a real import:
 * with verbatimModuleSyntax it still loads the module.
 *
 * Biome's noRestrictedImports cannot say this: it also flags type-only and
 * dynamic imports, which are exactly how the warm path stays light.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { closure, staticImports } from '../support/imports.js';

/** Each costs milliseconds to load (measured: README, Performance). */
const HEAVY = [/^@actions\//, /^(node:)?crypto$/];

/** Modules loaded with `await import()` where they are needed; a static import would put them on every step. */
const ON_DEMAND = [
  'install/installer.ts',
  'install/tool-cache.ts',
  'install/download.ts',
  'install/pinned.ts',
  'run/collect.ts',
  'run/hints.ts',
  'run/memory.ts',
];

describe('the cold install (installer.ts)', () => {
  test('loads none of the toolkit: tool-cache only for `latest` (to list entries), http-client only behind a proxy', () => {
    const loaded = closure('install/installer.ts');
    expect(loaded.has('install/download.ts')).toBe(true);
    for (const heavy of ['@actions/tool-cache', '@actions/http-client', '@actions/exec', '@actions/io', 'install/tool-cache.ts']) {
      expect(loaded.has(heavy), [...(loaded.get(heavy) ?? [])].join(' → ')).toBe(false);
    }
  });
});

describe('the entry (src/action/index.ts) and the main bundle (dist/main)', () => {
  const repo = path.join(import.meta.dirname, '../..');

  test('the entry loads only the cache modules and builtins: the main step comes in through code-cache.ts', () => {
    // A static import of main.ts here would load the main step as an ES module, without the code cache.
    expect([...closure('action/index.ts').keys()].sort()).toEqual([
      'action/cache-dir.ts',
      'action/code-cache.ts',
      'action/index.ts',
      'fs-kind.ts',
      'node:fs',
      'node:module',
      'node:path',
      'node:url',
      'node:vm',
    ]);
  });

  test('both entries keep Node’s compile cache in the private directory only, never in its default', () => {
    // enableCompileCache() without a directory would use os.tmpdir()/node-compile-cache, which any local user can take first.
    for (const entry of ['src/action/index.ts', 'src/action/post-index.ts']) {
      const source = readFileSync(path.join(repo, entry), 'utf8');
      expect(source, entry).toContain('privateCacheDir(process.env)');
      const calls = [...source.matchAll(/enableCompileCache(?:\?\.)?\(([^)]*)\)/g)].map((m) => m[1]);
      expect(calls, entry).toHaveLength(1);
      expect(calls[0], entry).toMatch(/^(?:dir|cacheDir)$/);
    }
    expect(readFileSync(path.join(repo, 'src/action/post-index.ts'), 'utf8')).toMatch(/if \(cacheDir\) module\.enableCompileCache/);
  });

  test('dist/main is built from main.ts as CommonJS (bundle-main.mjs), with a package.json that says so', () => {
    expect(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts.bundle).toContain('node scripts/bundle-main.mjs');
    const script = readFileSync(path.join(repo, 'scripts/bundle-main.mjs'), 'utf8');
    expect(script).toContain("path.join(root, 'src', 'action', 'main.ts')");
    expect(script).toMatch(/esm: false,\s+filename: 'index.cjs'/);
    expect(JSON.parse(readFileSync(path.join(repo, 'dist/main/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });

  test('dist/main/licenses.txt names every dependency the main step bundles', () => {
    const licenses = readFileSync(path.join(repo, 'dist/main/licenses.txt'), 'utf8').split('\n');
    const deps = Object.keys(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).dependencies);
    expect(deps).toContain('zod');
    // And what they bring with them (the HTTP client's undici and tunnel, tool-cache's semver and io).
    for (const dep of [...deps, 'undici', 'tunnel', 'semver', '@actions/io']) expect(licenses, dep).toContain(dep);
  });
});

describe('the warm path (src/action/main.ts up to runsc run)', () => {
  const loaded = closure('action/main.ts');

  test('loads no heavy package and no on-demand module', () => {
    const offenders = [...loaded]
      .filter(([name]) => HEAVY.some((re) => re.test(name)) || ON_DEMAND.includes(name))
      .map(([, chain]) => chain.join(' → '));
    expect(offenders).toEqual([]);
  });

  test('reaches what it must (the check looks where it should)', () => {
    for (const module of ['run/sandbox.ts', 'run/cell.ts', 'install/obtain.ts', 'install/cache.ts', 'bundle/spec.ts', 'cell/parse.ts']) {
      expect(loaded.has(module), module).toBe(true);
    }
  });

  test('the parser sees what verbatimModuleSyntax keeps', () => {
    const src = [
      "import type { A } from './a.js';",
      "import { type B } from './b.js';",
      "import { c, type C } from './c.js';",
      "import * as d from '@actions/d';",
      "export { e } from './e.js';",
      "export type { F } from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
      'import {\n  i,\n  type I,\n} from "./no-double-quotes-in-this-repo.js";',
      "import {\n  j,\n  k,\n} from './jk.js';",
    ].join('\n');
    expect(staticImports(src)).toEqual(['./b.js', './c.js', '@actions/d', './e.js', './g.js', './jk.js']);
  });

  test('on-demand modules do load heavy packages: the rule is about where they are loaded from', () => {
    expect(closure('install/tool-cache.ts').has('@actions/tool-cache')).toBe(true);
  });
});
