/**
 * actions/checkout persists its token in the workspace's .git/config
 * (`http.<url>.extraheader = AUTHORIZATION: basic …`) unless told not to.
 * A cell that can read the workspace could read that token, so it is shown a
 * scrubbed copy of the file instead: the rest of git keeps working.
 *
 * Newer checkouts keep the credentials in a file under RUNNER_TEMP, pulled in
 * with `includeIf`; RUNNER_TEMP is outside every cell's view, so those need no
 * scrubbing (the include line then points at nothing, which git ignores).
 */

export interface Scrubbed {
  text: string;
  /** What was taken out, for the log (never the values). */
  removed: string[];
}

/** Removes `extraheader` entries and user:password@ parts of URLs. Pure. */
export function scrubGitConfig(text: string): Scrubbed {
  const removed: string[] = [];
  let section = '';
  const lines = text.split('\n').flatMap((line) => {
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) section = (header[1] as string).trim();
    const entry = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*=/.exec(line);
    if (entry && (entry[1] as string).toLowerCase() === 'extraheader') {
      removed.push(`${section}.extraheader`);
      return [];
    }
    const withUser = /^(\s*[A-Za-z][A-Za-z0-9-]*\s*=\s*"?[a-z][a-z0-9+.-]*:\/\/)[^/@\s"]+@/i.exec(line);
    if (withUser) {
      removed.push(`${section} credentials in a URL`);
      return [line.replace(withUser[0], withUser[1] as string)];
    }
    return [line];
  });
  return { text: lines.join('\n'), removed };
}
