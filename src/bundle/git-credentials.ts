/**
 * actions/checkout persists its token in the workspace's .git/config
 * (`http.<url>.extraheader = AUTHORIZATION: basic …`) unless told not to, and
 * with `submodules:` in each .git/modules/…/config too. A cell that can read
 * the workspace could read that token, so it is shown scrubbed copies of those
 * files instead: the rest of git keeps working.
 *
 * Newer checkouts keep the credentials in a file under RUNNER_TEMP, pulled in
 * with `includeIf`; RUNNER_TEMP is outside every cell's view, so those need no
 * scrubbing (the include then points at nothing, which git ignores).
 */

export interface Scrubbed {
  text: string;
  /** What was taken out, for the log (never the values). */
  removed: string[];
}

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s"\]]+@/gi;
const EXTRAHEADER = /^\s*extraheader\s*=/i;

/**
 * Removes `extraheader` entries (also on a section header's line, and their
 * backslash-continued lines) and the user:password@ part of every URL,
 * section headers included (`[url "https://x-access-token:…@github.com/"]`). Pure.
 */
export function scrubGitConfig(text: string): Scrubbed {
  const removed: string[] = [];
  let section = '';
  let continued = false;
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    if (continued) {
      // The rest of a removed value that ended in a backslash.
      continued = raw.endsWith('\\');
      continue;
    }
    let line = raw;
    const header = /^(\s*\[([^\]]*)\])(.*)$/.exec(line);
    if (header) section = (header[2] as string).trim();
    const rest = header ? (header[3] as string) : line;
    if (EXTRAHEADER.test(rest)) {
      removed.push(`${section}.extraheader`);
      continued = raw.endsWith('\\');
      if (!header) continue;
      line = header[1] as string;
    }
    if (USERINFO.test(line)) {
      removed.push(`${section} credentials in a URL`);
      line = line.replace(USERINFO, '$1');
    }
    USERINFO.lastIndex = 0;
    out.push(line);
  }
  return { text: out.join('\n'), removed };
}
