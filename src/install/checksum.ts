/**
 * The `.sha512` files of the release bucket, as `sha512sum` writes them:
 * `<128 hex><two spaces or space-star><basename>`.
 */

/** The digest for `basename` in a sha512sum listing; throws naming `url` when absent or malformed. */
export function parseSha512File(text: string, basename: string, url: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const entries = lines.map((line) => /^([0-9a-fA-F]{128})(?:\s+\*?(.+))?$/.exec(line));
  if (lines.length === 0 || entries.some((e) => e === null)) {
    throw new Error(`${url} is not a sha512 checksum file (expected "<128 hex digits>  ${basename}")`);
  }
  const parsed = entries as RegExpExecArray[];
  // A file of one bare digest, or one naming this artifact (any directory prefix).
  const match =
    parsed.length === 1 && parsed[0]?.[2] === undefined
      ? parsed[0]
      : parsed.find((e) => e[2] !== undefined && (e[2] === basename || e[2].endsWith(`/${basename}`)));
  if (!match) throw new Error(`${url} has no checksum for ${basename}`);
  return (match[1] as string).toLowerCase();
}
