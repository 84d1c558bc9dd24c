#!/usr/bin/env -S node --max-semi-space-size=1 --optimize-for-size
// Entry point of the bundled CLI (dist/zticache.cjs) and of zticache.exe. Both run with a 1 MB
// young generation and V8's memory-first heap growth (here in the #! line, in the exe through the
// SEA's execArgv): the inventory lives for the whole run, so by default the heap grows to four
// times it in garbage before a full collection; with these a run over 100,000 files peaks at
// about 90 MB instead of 106-118 MB, at the same speed (bench/README.md).
import os from 'node:os';
import { main, runtime } from './cli.js';
import { ExitCode } from './core/exit-codes.js';
import { BELOW_FLOOR_EXIT, belowFloor } from './core/os-floor.js';

// Below Windows 10 / Server 2016: exit 216 before anything else, as Node does unless told not to
const tooOld = belowFloor(process.platform, os.release());
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(BELOW_FLOOR_EXIT);
}

// Windows: a console whose title is empty (CREATE_NO_WINDOW, `start "" zticache.exe`) makes the
// embedded libuv abort with an assertion the first time anything reads the process title
// (nodejs/node#58695, fixed in libuv 1.52, not in Node 22), and that happened right before the
// launcher started. Naming the console first makes libuv keep the name and never ask the console;
// without a console (DETACHED_PROCESS) the setter fails quietly and libuv returns an error instead.
if (process.platform === 'win32') {
  try {
    process.title = 'zticache';
  } catch {
    /* no console to name */
  }
}

runtime()
  .then((rt) => main(process.argv.slice(2), rt))
  .then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`zticache: internal error: ${err?.stack ?? err}\n`);
      process.exit(ExitCode.INTERNAL);
    },
  );
