/** The work figure 3 times, natively and in a cell, and the files it works on. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const WORK_KEYS = ['node', 'cpu', 'read', 'write', 'exec', 'git'] as const;
export type WorkKey = (typeof WORK_KEYS)[number];

export interface Work {
  key: WorkKey;
  argv: string[];
  /** Relative to the workspace. */
  cwd: string;
  /** Needs git, natively and inside the cell. */
  git?: boolean;
}

const CPU_JS = 'let s=0;for(let i=0;i<3e8;i++)s+=i;if(s<0)console.log(s)';
/** 1,000 packages × 20 files, npm-ci-like: package.json, index.js, lib/, lib/util/, dist/. */
const WRITE_JS = `const fs=require('fs'),p=require('path');const body='// generated\\n'+'module.exports = function () { return 42; };\\n'.repeat(6);
for(let i=0;i<1000;i++){const d=p.join('out','node_modules','@scope'+(i%20),'pkg'+i);
fs.mkdirSync(p.join(d,'lib','util'),{recursive:true});fs.mkdirSync(p.join(d,'dist'));
fs.writeFileSync(p.join(d,'package.json'),JSON.stringify({name:'pkg'+i,version:'1.0.'+i,main:'index.js'}));
fs.writeFileSync(p.join(d,'index.js'),body);
for(let j=0;j<9;j++)fs.writeFileSync(p.join(d,'lib','f'+j+'.js'),body);
for(let j=0;j<5;j++)fs.writeFileSync(p.join(d,'lib','util','u'+j+'.js'),body);
for(let j=0;j<4;j++)fs.writeFileSync(p.join(d,'dist','d'+j+'.js'),body);}`;
const LOOP_SH = 'i=0; while [ "$i" -lt 1000 ]; do /bin/true; i=$((i+1)); done';

/** The write work puts its files here (relative to the workspace); the overlay cell must leave none on the host. */
export const WRITE_OUT = 'out';

export const WORK: readonly Work[] = [
  { key: 'node', argv: ['node', '-e', '0'], cwd: '.' },
  { key: 'cpu', argv: ['node', '-e', CPU_JS], cwd: '.' },
  { key: 'read', argv: ['sh', '-c', 'find read-tree -type f -exec cat {} + >/dev/null'], cwd: '.' },
  { key: 'write', argv: ['node', '-e', WRITE_JS], cwd: '.' },
  { key: 'exec', argv: ['sh', '-c', LOOP_SH], cwd: '.' },
  { key: 'git', argv: ['git', 'status', '--porcelain'], cwd: 'repo', git: true },
];

/** The cell document of a work item (the action's default workspace mode, overlay). */
export function cellDoc(w: Work): string {
  return JSON.stringify({ name: `bench-${w.key}`, command: w.argv, ...(w.cwd !== '.' ? { 'working-directory': w.cwd } : {}) });
}

/** 50 directories × 100 small files, for `read`. */
export function makeReadTree(dir: string): void {
  const body = 'lorem ipsum dolor sit amet, consectetur adipiscing elit\n'.repeat(4);
  for (let d = 0; d < 50; d++) {
    const sub = path.join(dir, `d${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(path.join(sub, `f${f}.txt`), body);
  }
}

function git(cwd: string, args: string[], env: Record<string, string>): string {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** A committed repository of 100 × 100 files, for `git`. */
export function makeRepo(dir: string, env: Record<string, string>): void {
  for (let d = 0; d < 100; d++) {
    const sub = path.join(dir, 'src', `m${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(path.join(sub, `f${f}.js`), `export const v${d}_${f} = ${d * 100 + f};\n`);
  }
  const id = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];
  git(dir, ['init', '-q'], env);
  git(dir, ['add', '-A'], env);
  git(dir, [...id, 'commit', '-q', '-m', 'init'], env);
  git(dir, ['status', '--porcelain'], env); // refresh the index once, as a checkout would have
}
