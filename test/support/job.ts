/**
 * A runner's job layout: HOME (plays /home/runner), the workspace inside it
 * (work/<repo>/<repo>), RUNNER_TEMP (work/_temp) and the tool cache.
 */
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface Job {
  /** Plays /home/runner: the runner's HOME, holding work/ and the tool cache. */
  home: string;
  workspace: string;
  temp: string;
  toolCache: string;
}

/** The layout under `home`, created, and owned by `owner` when the steps will run as another user. */
export function makeJobAt(home: string, owner?: { uid: number; gid: number }): Job {
  const job: Job = {
    home,
    workspace: path.join(home, 'work', 'app', 'app'),
    temp: path.join(home, 'work', '_temp'),
    toolCache: path.join(home, 'toolcache'),
  };
  for (const dir of [job.workspace, job.temp, job.toolCache]) mkdirSync(dir, { recursive: true });
  if (owner) {
    for (const dir of [home, path.join(home, 'work'), path.join(home, 'work', 'app'), job.workspace, job.temp, job.toolCache]) {
      chownSync(dir, owner.uid, owner.gid);
    }
  }
  return job;
}

/** A fresh layout under /home (so that HOME is a path the cell gets as its own tmpfs), named for the test. */
export function makeJob(name: string, owner?: { uid: number; gid: number }): Job {
  return makeJobAt(path.join('/home', `gvc-e2e-${name}-${process.pid}-${Date.now().toString(36)}`), owner);
}

export function removeJob(job: Job): void {
  rmSync(job.home, { recursive: true, force: true });
}
