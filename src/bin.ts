#!/usr/bin/env -S node --max-semi-space-size=1
// Entry point of the bundled CLI (dist/zticache.cjs) and of zticache.exe. Both run with a 1 MB
// young generation (here in the #! line, in the exe through the SEA's execArgv): a run over
// 100,000 files peaks at about 80 MB instead of 115 MB, at the same speed (bench/README.md).
import { main, runtime } from './cli.js';
import { ExitCode } from './exit-codes.js';

runtime()
  .then((rt) => main(process.argv.slice(2), rt))
  .then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`zticache: internal error: ${err?.stack ?? err}\n`);
      process.exit(ExitCode.INTERNAL);
    },
  );
