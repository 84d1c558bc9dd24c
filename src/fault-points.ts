// Named points in staging where the crash suite (test/faults) kills the process with a real
// SIGKILL, to prove that a run dying at ANY of them loses nothing and the next run finishes the
// job. Unarmed (always, outside that suite) each point is one comparison. Armed through the
// environment by cli.ts: ZTICACHE_TEST_KILL_AT=N dies at the Nth point reached;
// ZTICACHE_TEST_KILL_AT=count reports how many points a run passes.
// A point may name a file the operation just wrote: the kill then first cuts that file to half its
// size, as a kill in the middle of writing it would have left it.

import fs from 'node:fs';

let killAt = 0;
let counting = false;
let reached = 0;

export function armFaultPoints(spec: string | undefined): void {
  if (!spec) return;
  if (spec === 'count') counting = true;
  else if (/^\d+$/.test(spec)) killAt = Number(spec);
}

export function faultPointsReached(): number | undefined {
  return counting ? reached : undefined;
}

export function faultPoint(label: string, partial?: string): void {
  if (!killAt && !counting) return;
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
