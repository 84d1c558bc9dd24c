#!/usr/bin/env node
// Entry point of the bundled CLI (dist/zticache.cjs) and of zticache.exe.
import { main, runtime } from './cli.js';

runtime()
  .then((rt) => main(process.argv.slice(2), rt))
  .then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`zticache: internal error: ${err?.stack ?? err}\n`);
      process.exit(9099);
    },
  );
