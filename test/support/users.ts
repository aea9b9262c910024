/**
 * Real users for the end-to-end suite: the hosted-runner case is an ordinary
 * user with passwordless sudo. Creating users needs root; suites that use
 * these skip (saying so) when not run as root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ACTION_DIR } from './runner.js';

export const isRoot = process.getuid?.() === 0;

export interface User {
  uid: number;
  gid: number;
}

export function ensureUser(name: string): User {
  if (spawnSync('id', ['-u', name]).status !== 0) execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', name]);
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
  return { uid, gid };
}

/** Gives `name` passwordless sudo through a file of its own in /etc/sudoers.d; returns a function that takes it back. */
export function grantSudo(name: string): () => void {
  const file = `/etc/sudoers.d/gvc-e2e-${name}`;
  writeFileSync(file, `${name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  return () => rmSync(file, { force: true });
}

/**
 * A copy of dist/ (and, when given, of a runsc binary) that other users can
 * read: the repository may sit where they cannot (under /root).
 */
export function actionCopy(runsc?: string): { dir: string; runsc: string | undefined; remove: () => void } {
  const dir = mkdtempSync('/tmp/gvc-e2e-action-');
  chmodSync(dir, 0o755);
  cpSync(path.join(ACTION_DIR, 'dist'), path.join(dir, 'dist'), { recursive: true });
  let copy: string | undefined;
  if (runsc) {
    copy = path.join(dir, 'runsc');
    cpSync(runsc, copy);
    chmodSync(copy, 0o755);
  }
  return { dir, runsc: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
