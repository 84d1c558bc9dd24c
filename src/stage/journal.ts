// The staging journal: a small JSON file beside the target (C:\MININT\PackageSource.zticache.json)
// written before the first change and rewritten at each phase. It is what makes a crash harmless:
// the next run reads it and finishes the job instead of deleting a target that holds the only copy
// of moved files. Writes are atomic (temp file, fsync, rename), so a kill mid-write leaves either
// the old journal or the new one, never half of one.

import fs from 'node:fs';
import type path from 'node:path';
import type { Inventory } from '../plan/inventory.js';
import { isSafeRel } from '../paths.js';
import { faultPoint } from './fault-points.js';

export type JournalState =
  /** an old target is being removed; nothing of this package has moved yet */
  | 'clearing'
  /** files are being moved or copied: the target may hold the only copy of some of them */
  | 'staging'
  /** everything is in the target */
  | 'staged';

export interface Journal {
  tool: 'zticache';
  version: 1;
  source: string;
  target: string;
  mode: 'move' | 'copy';
  state: JournalState;
  started: string;
  updated: string;
  inventory: Inventory;
}

export const JOURNAL_SUFFIX = '.zticache.json';

export function journalPathFor(p: path.PlatformPath, target: string): string {
  return p.join(p.dirname(target), p.basename(target) + JOURNAL_SUFFIX);
}

export type ReadJournal =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; journal: Journal };

export function readJournal(file: string, windows: boolean): ReadJournal {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'invalid', reason: (err as Error).message };
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', reason: `not valid JSON (${(err as Error).message})` };
  }
  const problem = checkShape(j, windows);
  return problem ? { kind: 'invalid', reason: problem } : { kind: 'ok', journal: j as Journal };
}

function checkShape(j: unknown, windows: boolean): string | undefined {
  if (!j || typeof j !== 'object') return 'not a JSON object';
  const o = j as Record<string, unknown>;
  if (o.tool !== 'zticache' || o.version !== 1) return 'not a zticache journal of version 1';
  if (typeof o.source !== 'string' || typeof o.target !== 'string') return 'source or target missing';
  if (o.mode !== 'move' && o.mode !== 'copy') return 'mode missing';
  if (o.state !== 'clearing' && o.state !== 'staging' && o.state !== 'staged') return 'state missing';
  const inv = o.inventory as Record<string, unknown> | undefined;
  if (!inv || !Array.isArray(inv.files) || !Array.isArray(inv.dirs) || typeof inv.bytes !== 'number') return 'inventory missing';
  for (const f of inv.files as unknown[]) {
    const e = f as Record<string, unknown>;
    if (!e || typeof e.rel !== 'string' || typeof e.size !== 'number' || typeof e.mtimeMs !== 'number') return 'inventory entry malformed';
    // C:\MININT may be writable by a user: a planted journal must not steer a move outside the package
    if (!isSafeRel(e.rel, windows)) return `inventory path leaves the package: ${e.rel}`;
  }
  for (const d of inv.dirs as unknown[]) {
    if (typeof d !== 'string' || !isSafeRel(d, windows)) return `inventory folder malformed or outside the package: ${String(d)}`;
  }
  return undefined;
}

/**
 * Atomic write: a reader (or the next run after a crash) sees the old journal or the new one.
 * The inventory, most of the bytes, is written in slices, so a journal of 100,000 files never
 * exists as one string in memory.
 */
export function writeJournal(file: string, journal: Journal): void {
  const { inventory, ...head } = journal;
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(head).slice(0, -1)},"inventory":{"bytes":${inventory.bytes},"dirs":${JSON.stringify(inventory.dirs)},"files":[`);
    const SLICE = 2000;
    for (let i = 0; i < inventory.files.length; i += SLICE) {
      const part = JSON.stringify(inventory.files.slice(i, i + SLICE));
      fs.writeSync(fd, i === 0 ? part.slice(1, -1) : `,${part.slice(1, -1)}`);
    }
    fs.writeSync(fd, ']}}');
    faultPoint('journal written, not synced', tmp);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  faultPoint('journal synced, not renamed');
  fs.renameSync(tmp, file);
  faultPoint('journal renamed');
}
