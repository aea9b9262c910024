// The main step as ncc bundles it: a .cjs entry makes a CommonJS bundle (dist/main/index.cjs), which
// index.ts runs through node:vm with a code cache made after the run (code-cache.ts says why).
module.exports = require('./main.ts');
