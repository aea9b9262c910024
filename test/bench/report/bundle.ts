/** Figure 4, as printed: where document → bundle is measured. */

export function reportBundle(benchFiles: readonly string[]): string {
  return [
    '## 4. Document → bundle',
    '',
    benchFiles.length
      ? `Validating a document and building the bundle in-process is measured by \`npx vitest bench --run --project bench\` (${benchFiles.map((f) => `\`${f}\``).join(', ')}), not by this script.`
      : 'Not measured: validating a document and building the bundle happen in-process in TypeScript, and there is no `*.bench.ts` file for `npx vitest bench` yet.',
  ].join('\n');
}
