import { test } from 'vitest';
import { parseCell } from '../../src/cell/parse.js';
test('p', () => {
  for (const t of ['run: x\nlimits: {memory: lots}', 'run: x\nlimits: {memory: lots}', 'rnu: x', 'run: x\nlimits: {memory: lots}', 'run: echo\nrun: x', 'run: echo\nrun: x']) {
    try { parseCell(t, 'x'); } catch (e) { console.log(JSON.stringify((e as Error).message)); }
  }
});
