/** gvisor-cell's version, from package.json (the bundle carries it inline). */
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
