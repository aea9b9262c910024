// Builds dist/main/: the main step as a CommonJS bundle (index.cjs and its chunks), which dist/index.js
// runs with a code cache made after the run (src/action/code-cache.ts says why), and its licenses.txt.
//
// Through ncc's API rather than its command line for two reasons: the command line makes an ES module of
// any entry in a "type": "module" package, and its --license leaves out packages that webpack bundled
// into the entry chunk (zod and yaml, here). The list of packages is taken from webpack's own statistics
// (concatenated modules included), and a bundled package without a license file fails the build.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ncc from '@vercel/ncc';

const root = path.resolve(import.meta.dirname, '..');
// webpack names modules relative to the working directory: the package paths below are read from root.
process.chdir(root);
const out = path.join(root, 'dist', 'main');

const { code, assets, stats } = await ncc(path.join(root, 'src', 'action', 'main.ts'), {
  esm: false,
  filename: 'index.cjs',
  target: 'es2022',
  quiet: true,
});

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'index.cjs'), code);
for (const [name, asset] of Object.entries(assets)) {
  mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
  writeFileSync(path.join(out, name), asset.source, asset.permissions ? { mode: asset.permissions } : {});
}
// The chunks are .js files in a "type": "module" package: this makes them CommonJS, as they are.
writeFileSync(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');

/** Every package a bundled module comes from: its directory under node_modules (the innermost one). */
function bundledPackages() {
  const dirs = new Set();
  const visit = (module) => {
    const name = (module.name ?? '').replace(/ \+ \d+ modules?$/, '');
    const m = /^(?:\.\/)?(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(name);
    if (m) dirs.add(m[1]);
    for (const inner of module.modules ?? []) visit(inner);
  };
  for (const module of stats.toJson({ modules: true, nestedModules: true }).modules ?? []) visit(module);
  return [...dirs].sort();
}

const entries = bundledPackages().map((dir) => {
  const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  const file = readdirSync(path.join(root, dir))
    .sort()
    .find((f) => /^(?:licen[cs]e|copying)(?:\.(?:md|txt))?$/i.test(f));
  if (!file) throw new Error(`${dir} is bundled into dist/main but has no license file`);
  const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? '');
  if (!license) throw new Error(`${dir} is bundled into dist/main but its package.json names no license`);
  return `${pkg.name}\n${license}\n${readFileSync(path.join(root, dir, file), 'utf8').trim()}\n`;
});
writeFileSync(path.join(out, 'licenses.txt'), entries.join('\n\n'));
