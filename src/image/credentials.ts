/**
 * Registry credentials from the files logins leave behind: `REGISTRY_AUTH_FILE`
 * (podman, skopeo) first, then `$DOCKER_CONFIG/config.json` or
 * `~/.docker/config.json` (what docker/login-action writes). Only stored
 * `auth` entries are read; credential helpers are not run (a program of the
 * runner's, chosen by a file: out of scope, and said so in the error).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface Credentials {
  username: string;
  password: string;
  /** The file they came from, for messages. */
  from: string;
}

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
}

/** The files looked in, in order. */
export function authFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  files.push(path.join(env.DOCKER_CONFIG || path.join(env.HOME || homedir(), '.docker'), 'config.json'));
  return files;
}

/** The keys a registry may be stored under (Docker Hub's legacy URL; with or without a scheme). */
function keysFor(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

export function credentialsFor(registry: string, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  for (const file of authFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let parsed: AuthFile;
    try {
      parsed = JSON.parse(text) as AuthFile;
    } catch {
      throw new Error(`${file} is not JSON: cannot read registry credentials from it`);
    }
    for (const key of keysFor(registry)) {
      const entry = parsed.auths?.[key];
      if (!entry) continue;
      if (entry.username && entry.password) return { username: entry.username, password: entry.password, from: file };
      if (!entry.auth) continue;
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw new Error(`${file}: the auth entry for ${key} is not base64 of user:password`);
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), from: file };
    }
  }
  return undefined;
}
