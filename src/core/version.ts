// zticache's version, from package.json: one fact, for --version, the log's first line and the status MIF.
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
