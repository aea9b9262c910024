/**
 * One main step's use of runScript, in a process of its own, for
 * code-cache.test.ts: V8 keeps what it compiled for the life of a process,
 * so whether a cache on disk is used or refused shows only in a new one.
 * Arguments: the bundle, the cache directory ('-' for none).
 */
import { runScript } from '../../src/action/code-cache.js';

const [bundle = '', cacheDir = '-'] = process.argv.slice(2);
const loaded = runScript<{ answer(): string; where: string; sibling: string }>(bundle, cacheDir === '-' ? undefined : cacheDir);
const answer = loaded.exports.answer();
loaded.saveCache();
console.log(JSON.stringify({ answer, cacheUsed: loaded.cacheUsed, where: loaded.exports.where, sibling: loaded.exports.sibling }));
