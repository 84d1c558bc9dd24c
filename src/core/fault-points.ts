// Named points in staging where the crash suite (test/faults) kills the process with a real
// SIGKILL, to prove that a run dying at ANY of them loses nothing and the next run finishes the
// job. They exist only in the crash suite's own bundle (dist/test/zticache-faults.cjs): the
// shipped zticache.cjs and zticache.exe are built with ZTI_FAULT_POINTS = false, which esbuild
// folds so that every point is an empty function and the environment switch is gone (a test greps
// the built files). In that bundle: ZTICACHE_TEST_KILL_AT=N dies at the Nth point reached;
// ZTICACHE_TEST_KILL_AT=count reports how many points a run passes.
// A point may name a file the operation just wrote: the kill then first cuts that file to half its
// size, as a kill in the middle of writing it would have left it.

import fs from 'node:fs';

/** Replaced at build time (scripts/build.mjs, vitest.config.ts): false in everything that ships. */
declare const ZTI_FAULT_POINTS: boolean;

let killAt = 0;
let counting = false;
let reached = 0;

/** Arms the points from the environment (the crash suite's bundle only). */
export function armFaultPoints(env: Readonly<Record<string, string | undefined>>): void {
  if (!ZTI_FAULT_POINTS) return;
  const spec = env.ZTICACHE_TEST_KILL_AT;
  if (!spec) return;
  if (spec === 'count') counting = true;
  else if (/^\d+$/.test(spec)) killAt = Number(spec);
}

/** In counting mode, the last log line says how many points the run passed (the crash suite reads it). */
export function reportFaultPoints(log: { info(m: string): void }): void {
  if (ZTI_FAULT_POINTS && counting) log.info(`fault points reached: ${reached}`);
}

export function faultPoint(label: string, partial?: string): void {
  if (!ZTI_FAULT_POINTS || (!killAt && !counting)) return;
  reached++;
  if (reached !== killAt) return;
  try {
    fs.writeSync(2, `zticache: killed at fault point ${reached}: ${label}\n`); // the trial names where it died
  } catch {
    /* stderr closed: the kill still happens */
  }
  if (partial) {
    try {
      fs.truncateSync(partial, Math.floor(fs.statSync(partial).size / 2));
    } catch {
      /* nothing written yet */
    }
  }
  process.kill(process.pid, 'SIGKILL');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never returns: the signal is on its way
}
