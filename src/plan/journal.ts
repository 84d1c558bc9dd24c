// The staging journal: what is being staged, from where, into which folder (by identity), and how
// far it got. It is written before the first change and rewritten at each phase, so a crash at any
// point leaves a record the next run finishes from. It lives in zticache's state folder (by default
// %ProgramData%\zticache, where only SYSTEM and administrators can write), never in C:\MININT, which
// a standard user can create first: a journal found anywhere else is never read. Its file name is a
// key of the target's spelling; a target that exists is matched by identity as well, so a second
// spelling of the same folder finds the same journal. Writes are atomic (temp file, fsync, rename).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { OPEN_NO_WAIT } from '../core/open-no-wait.js';
import type path from 'node:path';
import type { FileId } from '../state/identity.js';
import { sameId } from '../state/identity.js';
import type { Inventory } from './inventory.js';
import { isSafeRel } from '../core/paths.js';
import type { NameRules } from '../names/names.js';
import { faultPoint } from '../core/fault-points.js';

export type JournalState =
  /** an old target is being removed, or the new one created; nothing of this package has moved yet */
  | 'clearing'
  /** files are being moved or copied: the target may hold the only copy of some of them */
  | 'staging'
  /** everything is in the target */
  | 'staged';

export const JOURNAL_STATES: readonly JournalState[] = ['clearing', 'staging', 'staged'];

export interface Journal {
  tool: 'zticache';
  version: 2;
  source: string;
  /** identity of the source folder */
  sourceId: FileId;
  target: string;
  /**
   * identity of the target folder: in state clearing, of the old target being removed (when it
   * was trusted); from staging on, of the folder zticache created. A target is trusted only when
   * it has this identity.
   */
  targetId?: FileId;
  mode: 'move' | 'copy';
  state: JournalState;
  /**
   * a move across volumes: the top-level entries whose copy in the target is complete, checked
   * and flushed, written before the first of their sources is deleted. A run that dies while
   * deleting them leaves them partly in the source; the next run only finishes those deletes.
   */
  crossed?: string[];
  /**
   * state staged, a move: the top-level entries whose files in the target are the inventoried
   * files themselves (renamed into it), which every later VERIFY holds to their file IDs
   */
  same?: string[];
  /**
   * a move: the top-level entries that were copied into the target and left in the cache folder
   * (the running zticache's folder; every entry --mode copy finished a stuck move with; one whose
   * source refused its delete): a rerun finds them there as the record's own files
   */
  kept?: string[];
  /**
   * the file the run left out of its inventory and in the cache folder (the running zticache.exe),
   * package-relative: a later run from elsewhere finds it there as zticache's own, never as content
   */
  leftOut?: string;
  started: string;
  updated: string;
  inventory: Inventory;
}

const PREFIX = 'journal-';
const SUFFIX = '.json';

/** The journal file for a target, by the target's spelling (resolved; case-folded on Windows). */
export function journalFileFor(pp: path.PlatformPath, stateDir: string, target: string): string {
  let t = pp.resolve(target);
  if (pp.sep === '\\') t = t.replace(/^\\\\\?\\(?!UNC\\)/i, '').toLowerCase();
  const key = createHash('sha256').update(t).digest('hex').slice(0, 16);
  return pp.join(stateDir, `${PREFIX}${key}${SUFFIX}`);
}

export type ReadJournal =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; journal: Journal };

export interface FoundJournal {
  file: string;
  read: ReadJournal;
}

/**
 * The journal of a target: the one under the target's own key, or, when the target exists, any
 * journal of the state folder that recorded the target's identity (another spelling of it).
 */
export function findJournal(pp: path.PlatformPath, stateDir: string, target: string, targetId: FileId | undefined, names: NameRules): FoundJournal {
  const own = journalFileFor(pp, stateDir, target);
  const read = readJournal(own, names);
  if (read.kind !== 'none' || !targetId) return { file: own, read };
  let files: string[] = [];
  try {
    files = fs.readdirSync(stateDir).filter((n) => n.startsWith(PREFIX) && n.endsWith(SUFFIX));
  } catch {
    /* no state folder yet */
  }
  for (const n of files) {
    const file = pp.join(stateDir, n);
    if (!mayRecord(file, 'targetId', targetId)) continue;
    const r = readJournal(file, names);
    if (r.kind === 'ok' && sameId(r.journal.targetId, targetId)) return { file, read: r };
  }
  return { file: own, read };
}

/**
 * A journal of the state folder that records a staging from the folder whose identity is
 * `sourceId` into another target than `except` (a journal file): what zticache did with this cache
 * folder, wherever it staged it. Unreadable journals are passed over here (the one under a
 * target's own key is read, and refused, by findJournal).
 */
export function findJournalOfSource(pp: path.PlatformPath, stateDir: string, sourceId: FileId, except: string, names: NameRules): FoundJournal | undefined {
  let files: string[] = [];
  try {
    files = fs.readdirSync(stateDir).filter((n) => n.startsWith(PREFIX) && n.endsWith(SUFFIX));
  } catch {
    return undefined; // no state folder yet
  }
  for (const n of files) {
    const file = pp.join(stateDir, n);
    if (file === except || !mayRecord(file, 'sourceId', sourceId)) continue;
    const r = readJournal(file, names);
    if (r.kind === 'ok' && sameId(r.journal.sourceId, sourceId)) return { file, read: r };
  }
  return undefined;
}

/** The most of a journal's head read to find its identities: the head is a few KB, the inventory after it up to tens of MB. */
const HEAD_LIMIT = 1 << 20;
const INVENTORY_KEY = ',"inventory":';

/**
 * Whether the journal in `file` may record `id` as its `which`: false only when its head (what
 * writeJournal writes before the inventory) names another identity there. A scan of the state
 * folder then reads and checks the whole of the one journal that matches, not every journal's
 * inventory (36 MB of old journals on a test machine made each run parse them all: 1.3 s and
 * 80 MB at start-up). A head that cannot be read this way (another writer's order, a damaged
 * file) may record anything: the whole journal is read, as before.
 */
function mayRecord(file: string, which: 'sourceId' | 'targetId', id: FileId): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_NO_WAIT);
  } catch {
    return true;
  }
  try {
    // a FIFO, a device or a folder under a journal's name records nothing: never waited on or read
    if (!fs.fstatSync(fd).isFile()) return false;
    let text = '';
    const chunk = Buffer.alloc(64 * 1024);
    for (let read = 0; read < HEAD_LIMIT; ) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, read);
      if (n === 0) return true;
      read += n;
      // latin1: one character a byte, so a name cut at the chunk's end cannot shift the key's place
      text += chunk.toString('latin1', 0, n);
      const at = text.indexOf(INVENTORY_KEY);
      if (at < 0) continue;
      const head: unknown = JSON.parse(`${text.slice(0, at)}}`);
      const recorded = (head as Record<string, unknown> | null)?.[which];
      return !isId(recorded) || sameId(recorded, id);
    }
    return true;
  } catch {
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The journal in `file`, its every path checked against the target's names (names: the rules the
 * plan applied before the journal was written, so a run never refuses its own last journal).
 */
export function readJournal(file: string, names: NameRules): ReadJournal {
  let text: string;
  try {
    // a numeric flag, as fs.open takes it (Node's types list only the string ones, none of which is O_NONBLOCK)
    text = fs.readFileSync(file, { encoding: 'utf8', flag: OPEN_NO_WAIT as unknown as string });
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
  const problem = checkShape(j, names);
  return problem ? { kind: 'invalid', reason: problem } : { kind: 'ok', journal: j as Journal };
}

const isId = (v: unknown): v is FileId =>
  !!v && typeof v === 'object' && typeof (v as FileId).dev === 'string' && typeof (v as FileId).ino === 'string'
  && ((v as FileId).born === undefined || typeof (v as FileId).born === 'string');

function checkShape(j: unknown, names: NameRules): string | undefined {
  if (!j || typeof j !== 'object') return 'not a JSON object';
  const o = j as Record<string, unknown>;
  if (o.tool !== 'zticache' || o.version !== 2) return 'not a zticache journal of version 2';
  if (typeof o.source !== 'string' || typeof o.target !== 'string') return 'source or target missing';
  if (!isId(o.sourceId)) return 'source identity missing';
  if (o.targetId !== undefined && !isId(o.targetId)) return 'target identity malformed';
  if (o.mode !== 'move' && o.mode !== 'copy') return 'mode missing';
  if (!JOURNAL_STATES.includes(o.state as JournalState)) return `unknown state ${JSON.stringify(o.state)}`;
  for (const list of ['crossed', 'same', 'kept'] as const) {
    const v = o[list];
    if (v === undefined) continue;
    if (!Array.isArray(v)) return `${list} entries malformed`;
    for (const c of v as unknown[]) {
      if (typeof c !== 'string' || c.includes('/') || !isSafeRel(c, names)) return `${list} entry malformed or outside the package: ${String(c)}`;
    }
  }
  if (o.leftOut !== undefined && (typeof o.leftOut !== 'string' || !isSafeRel(o.leftOut, names))) return `leftOut malformed or outside the package: ${String(o.leftOut)}`;
  const inv = o.inventory as Record<string, unknown> | undefined;
  if (!inv || !Array.isArray(inv.files) || !Array.isArray(inv.dirs) || typeof inv.bytes !== 'number') return 'inventory missing';
  // every path, files AND folders, must stay inside the package: a journal steers moves and deletes.
  // A path whose folder is one of the journal's safe folders is safe when its last name is: each
  // folder's names are judged once, not again for every file in it
  const safeDirs = new Set<string>();
  for (const d of inv.dirs as unknown[]) if (typeof d === 'string' && isSafeRel(d, names)) safeDirs.add(d);
  for (const f of inv.files as unknown[]) {
    const e = f as Record<string, unknown>;
    if (!e || typeof e.rel !== 'string' || typeof e.size !== 'number' || typeof e.mtimeMs !== 'number' || (e.id !== undefined && typeof e.id !== 'string')) return 'inventory entry malformed';
    const slash = e.rel.lastIndexOf('/');
    const safe = slash > 0 && safeDirs.has(e.rel.slice(0, slash)) ? isSafeRel(e.rel.slice(slash + 1), names) : isSafeRel(e.rel, names);
    if (!safe) return `inventory path leaves the package: ${e.rel}`;
  }
  for (const d of inv.dirs as unknown[]) {
    if (!safeDirs.has(d as string)) return `inventory folder malformed or outside the package: ${String(d)}`;
  }
  if (inv.dirIds !== undefined && (!inv.dirIds || typeof inv.dirIds !== 'object' || Object.values(inv.dirIds).some((v) => typeof v !== 'string'))) return 'inventory folder identities malformed';
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
    const dirIds = inventory.dirIds ? `"dirIds":${JSON.stringify(inventory.dirIds)},` : '';
    fs.writeSync(fd, `${JSON.stringify(head).slice(0, -1)},"inventory":{"bytes":${inventory.bytes},"dirs":${JSON.stringify(inventory.dirs)},${dirIds}"files":[`);
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
