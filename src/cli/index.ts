#!/usr/bin/env node
/** Entry of the `gvisor-cell` CLI (bundled to dist/cli/index.js, the package's `bin`). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
