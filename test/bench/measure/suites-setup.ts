/**
 * The projects figure 7 runs real suites on, made in the bench's workspace:
 * a Python package with its pytest suite, a C program with a Makefile, a git
 * repository with history, an npm project whose packages are in a warmed
 * local cache. Each maker returns what it made, or why it could not.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/action-yml.js';
import { makeRepo } from './workloads.js';

/** 40 modules of a package, and 50 test files of 20 tests (each run twice) that import them: pytest's collection and import paths. */
export function makePythonProject(dir: string): void {
  const pkg = path.join(dir, 'pkg');
  mkdirSync(path.join(dir, 'tests'), { recursive: true });
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, '__init__.py'), '');
  for (let m = 0; m < 40; m++) {
    const body = [
      'import json, re, dataclasses',
      '',
      '@dataclasses.dataclass',
      `class Item${m}:`,
      '    name: str',
      '    size: int',
      '',
      `def parse_${m}(text):`,
      `    return [Item${m}(w, len(w)) for w in re.findall(r"\\w+", text)]`,
      '',
      `def dump_${m}(items):`,
      '    return json.dumps([dataclasses.asdict(i) for i in items])',
      '',
    ].join('\n');
    writeFileSync(path.join(pkg, `mod${m}.py`), body);
  }
  for (let t = 0; t < 50; t++) {
    const m = t % 40;
    const lines = [
      `from pkg.mod${m} import parse_${m}, dump_${m}`,
      `from pkg.mod${(t + 1) % 40} import parse_${(t + 1) % 40}`,
      'import pytest',
      '',
    ];
    for (let i = 0; i < 20; i++) {
      lines.push(
        `@pytest.mark.parametrize("n", [1, 2])`,
        `def test_case_${i}(n, tmp_path):`,
        `    f = tmp_path / "in.txt"`,
        `    f.write_text("alpha beta gamma " * n * ${i + 1})`,
        `    items = parse_${m}(f.read_text())`,
        `    assert len(items) == 3 * n * ${i + 1}`,
        `    assert dump_${m}(items[:1]).startswith("[")`,
        '',
      );
    }
    writeFileSync(path.join(dir, 'tests', `test_t${t}.py`), lines.join('\n'));
  }
  writeFileSync(path.join(dir, 'tests', '__init__.py'), '');
}

/** 200 C files of a few functions each, a header they all include, and a Makefile: what `make -j` does on a small project. */
export function makeCProject(dir: string): void {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(
    path.join(dir, 'src', 'common.h'),
    '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <stdint.h>\nuint64_t mix(uint64_t);\n',
  );
  const objs: string[] = [];
  for (let f = 0; f < 200; f++) {
    const fns = Array.from(
      { length: 8 },
      (_, i) =>
        `uint64_t f${f}_${i}(const char *s) { uint64_t h = ${f * 8 + i}; for (size_t k = 0; k < strlen(s); k++) h = mix(h ^ (uint64_t)s[k]); return h; }`,
    );
    writeFileSync(path.join(dir, 'src', `u${f}.c`), `#include "common.h"\n${fns.join('\n')}\n`);
    objs.push(`src/u${f}.o`);
  }
  writeFileSync(
    path.join(dir, 'src', 'main.c'),
    '#include "common.h"\nuint64_t mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull; }\nint main(void) { printf("%llu\\n", (unsigned long long)mix(1)); return 0; }\n',
  );
  objs.push('src/main.o');
  writeFileSync(
    path.join(dir, 'Makefile'),
    [
      `OBJS = ${objs.join(' ')}`,
      'CFLAGS = -O2 -Wall',
      'prog: $(OBJS)',
      '\t$(CC) -o $@ $(OBJS)',
      '%.o: %.c src/common.h',
      '\t$(CC) $(CFLAGS) -c -o $@ $<',
      '',
    ].join('\n'),
  );
}

/** The 10,000-file repository of figure 3, with 30 more commits of 100 changed files each, for `git log -p`. */
export function makeHistoryRepo(dir: string, env: Record<string, string>): void {
  makeRepo(dir, env);
  const id = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];
  for (let c = 0; c < 30; c++) {
    for (let f = 0; f < 100; f++) {
      writeFileSync(path.join(dir, 'src', `m${(c * 3 + f) % 100}`, `f${f}.js`), `export const v = ${c * 1000 + f};\n`);
    }
    const r = spawnSync('git', [...id, 'commit', '-q', '-a', '-m', `change ${c}`], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git commit failed: ${r.stderr}`);
  }
  spawnSync('git', ['status', '--porcelain'], { cwd: dir, env });
}

/**
 * This repository's package.json and lock, and an npm cache warmed by one
 * `npm ci` from the registry: `npm ci --offline` then installs every package
 * from the cache alone. Undefined when the registry could not be reached.
 */
export function makeNpmProject(dir: string, cache: string, env: Record<string, string>): string | undefined {
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(REPO, f), path.join(dir, f));
  if (existsSync(path.join(cache, '_cacache'))) return undefined;
  const r = spawnSync('npm', ['ci', '--cache', cache, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) return `npm ci from the registry failed, so the cache could not be warmed: ${r.stderr.trim().split('\n').pop()}`;
  return undefined;
}
