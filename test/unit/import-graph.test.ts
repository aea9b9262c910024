/**
 * The architecture, as the import graph must keep it: one engine (the
 * document, the installer, the bundle, the run, and what they share), two
 * thin front ends (the action, the CLI) and the options they share. No arrow
 * leads from the engine to a front end, type imports and `await import()`
 * included, and there is no cycle anywhere.
 */
import { describe, expect, test } from 'vitest';
import { allImports, moduleGraph } from '../support/imports.js';

const graph = moduleGraph();
const FRONT = [/^action\//, /^cli\//, /^options\.ts$/];
const isFront = (m: string) => FRONT.some((re) => re.test(m));

describe('the import graph of src/', () => {
  test('is read (the check looks where it should), dynamic imports included', () => {
    expect(graph.get('action/main.ts')).toContain('run/cell.ts');
    expect(graph.get('install/obtain.ts')).toContain('install/installer.ts');
    expect(allImports("const x = await import('../action/inputs.js');")).toEqual(['../action/inputs.js']);
    expect(graph.get('cli/main.ts')).toContain('options.ts');
    expect([...graph.keys()].filter((m) => !isFront(m)).length).toBeGreaterThan(30);
  });

  test('no arrow from the engine to the action, the CLI or their options', () => {
    const arrows = [...graph].flatMap(([from, tos]) => (isFront(from) ? [] : tos.filter(isFront).map((to) => `${from} → ${to}`)));
    expect(arrows).toEqual([]);
  });

  test('the action and the CLI do not import each other', () => {
    const arrows = [...graph].flatMap(([from, tos]) =>
      tos
        .filter((to) => (from.startsWith('action/') && to.startsWith('cli/')) || (from.startsWith('cli/') && to.startsWith('action/')))
        .map((to) => `${from} → ${to}`),
    );
    expect(arrows).toEqual([]);
  });

  test('no cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (m: string, trail: string[]) => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'open');
      for (const to of graph.get(m) ?? []) visit(to, [...trail, m]);
      state.set(m, 'done');
    };
    for (const m of graph.keys()) visit(m, []);
    expect(cycles).toEqual([]);
  });
});
