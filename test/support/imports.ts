/**
 * The import graph of src/, read from the sources: which modules a module
 * loads when it is loaded (value imports and re-exports; `import type` is
 * erased, `await import()` loads on demand), and every import at all (types
 * included) for the architecture's rules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

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
export function closure(entry: string): Map<string, string[]> {
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

/** Every import of `source` — type-only ones and `import()` included: the arrows of the architecture. */
export function allImports(source: string): string[] {
  const statement = /^\s*(?:import|export)\s+(?:type\s+)?[^;]*?\s+from\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gms;
  return [...source.matchAll(statement)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

/** src/'s modules (paths relative to src/) and, for each, the modules it imports at all. */
export function moduleGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const imports = allImports(readFileSync(path.join(SRC, file), 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => path.normalize(path.join(path.dirname(file), spec.replace(/\.js$/, '.ts'))));
    graph.set(file, imports);
  }
  return graph;
}
