/**
 * An image reference as `docker pull` reads it: `[registry/]repository[:tag][@digest]`.
 * A first component with a dot, a colon or `localhost` is a registry; without
 * one the image is Docker Hub's, and a one-component name is in `library/`.
 */

export interface ImageReference {
  /** The registry's host[:port] as written (docker.io for Docker Hub). */
  registry: string;
  repository: string;
  /** A tag, when there is no digest (latest when neither is written). */
  tag?: string;
  /** `sha256:<64 hex>`: the manifest (or index) the pull must get. */
  digest?: string;
}

const DOCKER_HUB = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Parses `text`, throwing an error that says what is wrong with it. */
export function parseReference(text: string): ImageReference {
  const fail = (why: string) => new Error(`${JSON.stringify(text)} is not an image reference: ${why}`);
  if (text.length === 0 || text.length > 512) throw fail('expected 1 to 512 characters');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw fail('a digest is sha256: and 64 lowercase hex digits');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw fail(`the tag ${JSON.stringify(tag)} is not valid`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    registry = parts.shift() as string;
    if (!HOST.test(registry)) throw fail(`the registry ${JSON.stringify(registry)} is not a host[:port]`);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const p of parts) {
    if (!COMPONENT.test(p)) throw fail(`the name component ${JSON.stringify(p)} is not lowercase letters, digits and separators`);
  }
  return { registry, repository: parts.join('/'), tag: digest ? tag : (tag ?? 'latest'), digest };
}

/** The reference written back in full (a tag and a digest both kept). */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Where the registry's API is: Docker Hub's is not at docker.io. */
export function registryEndpoint(registry: string): string {
  if (registry === DOCKER_HUB) return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}

/**
 * A registry on this machine is spoken to over plain HTTP, as Docker does
 * (a registry the workflow runs itself has no certificate); nothing else is.
 */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host) || host === '::1';
}
