/**
 * An editor's view of a cell document: yaml-language-server (what VS Code's
 * YAML extension, Neovim's yamlls, Helix and Zed run) validating it against a
 * JSON Schema, in process, as it does when a file's first line is
 * `# yaml-language-server: $schema=…`.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService, type LanguageService } from 'yaml-language-server';

export interface Editor {
  /** The problems the editor shows for the text (YAML syntax, the schema's), each with the text it marks. */
  diagnose(text: string): Promise<{ message: string; line: number; key: string }[]>;
  /** The hover text at the first occurrence of `key:` in the text. */
  hover(text: string, key: string): Promise<string>;
}

export function editorFor(schema: Record<string, unknown>): Editor {
  const uri = String(schema.$id);
  const service: LanguageService = getLanguageService({
    schemaRequestService: async () => JSON.stringify(schema),
    workspaceContext: { resolveRelativePath: (relative: string) => relative },
  });
  service.configure({ validate: true, hover: true, yamlVersion: '1.2', schemas: [{ uri, fileMatch: ['*.cell.yml'], schema }] });
  // The service caches a document's parse by uri and version: each text gets a version of its own.
  let version = 0;
  const open = (text: string) => TextDocument.create('file:///work/doc.cell.yml', 'yaml', ++version, text);
  return {
    async diagnose(text) {
      const document = open(text);
      // Errors and warnings: what an editor underlines (an unused anchor is a hint, the schema's findings warnings).
      const shown = (await service.doValidation(document, false)).filter((d) => (d.severity ?? 1) <= 2);
      return shown.map((d) => ({
        message: d.message,
        line: d.range.start.line,
        // What the diagnostic is on: the key or value it marks.
        key: document.getText(d.range),
      }));
    },
    async hover(text, key) {
      const document = open(text);
      const at = text.indexOf(`${key}:`);
      if (at < 0) throw new Error(`no ${key}: in ${JSON.stringify(text)}`);
      const hover = await service.doHover(document, document.positionAt(at + 1));
      const contents = hover?.contents;
      if (contents === undefined) return '';
      return typeof contents === 'object' && 'value' in contents ? contents.value : JSON.stringify(contents);
    },
  };
}
