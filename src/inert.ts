/**
 * Text the action prints outside the cell's stop-commands window is read by
 * the runner for workflow commands, and much of it quotes the workspace: file
 * and submodule names, mount sources, the document's own words. The runner
 * splits lines at CR as well as LF, trims leading blanks before `::`, and acts
 * on a `##[name]` anywhere in a line (the runner's rules, as
 * test/support/workflow-commands.ts models them), so a submodule named
 * `x\r::stop-commands::t\r` would open a window the cell can
 * close, and `libs/##[warning]x` would be a warning.
 *
 * `inert` makes such text unable to be, or start, a command: `::` and `##[`
 * become `%3A%3A` and `%23%23[`, a CR `%0D`, and `%` itself `%25` so the result
 * is unambiguous. Visible percent escapes rather than look-alike or invisible
 * characters: nothing a reader copies changes silently, and the runner's .NET
 * string matching, which may skip zero-width characters, cannot see through
 * them. LF stays a line break (the action's own messages span lines); each line
 * it starts is neutralised as well, so it can start no command either.
 */
const UNSAFE = /%|\r|::|##\[/g;
const ESCAPES: Readonly<Record<string, string>> = { '%': '%25', '\r': '%0D', '::': '%3A%3A', '##[': '%23%23[' };

export function inert(text: string): string {
  return text.replace(UNSAFE, (m) => ESCAPES[m] as string);
}
