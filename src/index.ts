/** Entry of the main step: everything, including the one place errors become a failed step, is in main.ts. */
import { run } from './main.js';

await run();
