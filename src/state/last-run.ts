// last-run.json in the state folder: how the last staging run ended, for a script, a ConfigMgr
// configuration item or a compliance baseline that would otherwise scrape CMTrace lines. Every run
// that gets as far as a usable state folder writes it at its end (succeeded, failed, refused,
// stopped); a --what-if run changes nothing and writes none. It is replaced whole (places.ts
// replaceFile: written aside, flushed, renamed over the old one by the folder's handle), so a reader
// or a run killed meanwhile finds the previous record or the new one, never a part. Users may read
// it (Windows: a DACL of its own inside the private state folder; see READABLE_FILE_SDDL).

import path from 'node:path';
import { codeInfo, LAUNCHER_SUCCESS } from '../core/exit-codes.js';
import { formatCode } from '../core/format.js';
import { VERSION } from '../core/version.js';
import type { Places } from '../places/places.js';
import { openStateFolder } from './state-folder.js';

export const LAST_RUN_FILE = 'last-run.json';

/** What a run knew at its end (the command's report), from which the record is made. */
export interface RunEnd {
  started: number;
  ended: number;
  code: number;
  /** the exit code is the launcher's (it ran and returned), not one of zticache's own */
  launcherReturned: boolean;
  /** the failure's own words (ZtiError.describe()), when it failed */
  message?: string;
  files?: number;
  bytes?: number;
  source?: string;
  target?: string;
  log?: string;
  command: string;
}

/** The record, as it is written (field order = the file's). */
export interface LastRun {
  tool: 'zticache';
  /** the record's format; a field is added, never changed or removed, within one format */
  format: 1;
  version: string;
  pid: number;
  command: string;
  started: string;
  ended: string;
  seconds: number;
  exitCode: number;
  exitCodeHex: string;
  /** SUCCESS (the launcher returned 0, 3010 or 1641), zticache's own code's name, or null for another launcher code */
  name: string | null;
  succeeded: boolean;
  /** the summary's words: "succeeded (the launcher returned 3010: ...)", "failed, NO_SPACE", "the launcher returned 1" */
  outcome: string;
  /** what to do, for zticache's own codes (the status MIF's first words); null otherwise */
  wayOut: string | null;
  message: string | null;
  files: number | null;
  bytes: number | null;
  source: string | null;
  target: string | null;
  log: string | null;
}

/** How a run ended, in the closing summary's words and last-run.json's fields: one decision for both. */
export function outcomeOf(code: number, launcherReturned: boolean): { succeeded: boolean; name: string | null; words: string; wayOut: string | null } {
  const success = launcherReturned ? LAUNCHER_SUCCESS.get(code) : undefined;
  if (success) return { succeeded: true, name: 'SUCCESS', words: `succeeded (the launcher returned ${code}: ${success})`, wayOut: null };
  if (launcherReturned) return { succeeded: false, name: null, words: `the launcher returned ${code}`, wayOut: null };
  const own = codeInfo(code);
  if (own) return { succeeded: false, name: own.name, words: `failed, ${own.name}`, wayOut: own.wayOut };
  // a run that ends with 0 without its launcher: --what-if, or nothing to stage and nothing to launch
  return { succeeded: code === 0, name: code === 0 ? 'SUCCESS' : null, words: `ended with ${code}`, wayOut: null };
}

export function lastRunOf(end: RunEnd, pid = process.pid): LastRun {
  const o = outcomeOf(end.code, end.launcherReturned);
  return {
    tool: 'zticache', format: 1, version: VERSION, pid, command: end.command,
    started: new Date(end.started).toISOString(), ended: new Date(end.ended).toISOString(), seconds: Math.round(end.ended - end.started) / 1000,
    exitCode: end.code, exitCodeHex: formatCode(end.code).split(' ')[1]!.slice(1, -1),
    name: o.name, succeeded: o.succeeded, outcome: o.words, wayOut: o.wayOut, message: end.message ?? null,
    files: end.files ?? null, bytes: end.bytes ?? null, source: end.source ?? null, target: end.target ?? null, log: end.log ?? null,
  };
}

/**
 * Writes the record into the state folder `dir` (which the run prepared and judged), replacing the
 * last one whole. Returns the line for the log; throws a PlaceError or a ZtiError naming the file.
 */
export function writeLastRun(places: Places, dir: string, pp: path.PlatformPath, record: LastRun): string {
  const held = openStateFolder(places, dir, pp, true);
  if (!held) return `Not writing ${pp.join(dir, LAST_RUN_FILE)}: the state folder ${dir} does not exist`;
  try {
    held.replaceFile(LAST_RUN_FILE, Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8'), 'users-read');
  } finally {
    held.release();
  }
  return `Wrote ${pp.join(dir, LAST_RUN_FILE)}: exit code ${record.exitCode}, ${record.outcome}`;
}
