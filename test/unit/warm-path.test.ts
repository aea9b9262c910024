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

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

/** Each costs milliseconds to load (measured: README, Performance). */
const HEAVY = [/^@actions\//, /^(node:)?crypto$/];

/** Modules loaded with `await import()` where they are needed; a static import would put them on every step. */
const ON_DEMAND = ['install/installer.ts', 'install/tool-cache.ts', 'install/download.ts', 'install/pinned.ts', 'run/collect.ts'];

/** The specifiers a module loads when it is loaded: value imports and re-exports, not `import type` nor `import()`. */
export function staticImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'|^\s*import\s+'([^']+)'/gms;
  for (const m of source.matchAll(statement)) {
    if (m[5]) {
      found.push(m[5]);
      continue;
    }
    if (m[2]) continue;
    found.push(m[4] as string);
  }
  return found;
}

/** Every module statically reachable from `entry`, each with the chain that loads it. */
function closure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = seen.get(file) as string[];
    for (const spec of staticImports(readFileSync(path.join(SRC, file), 'utf8'))) {
      if (!spec.startsWith('.')) {
        if (!seen.has(spec)) seen.set(spec, [...chain, spec]);
        continue;
      }
      const target = path.normalize(path.join(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      if (!seen.has(target)) {
        seen.set(target, [...chain, target]);
        queue.push(target);
      }
    }
  }
  return seen;
}

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
    expect(closure('install/installer.ts').has('@actions/tool-cache')).toBe(true);
  });
});
