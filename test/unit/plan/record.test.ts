// What the cache folder holds, against the journal's record (src/plan/record.ts): the record's own
// files by key, size, time and ID; a file of the record that is no longer that file; one the record
// does not know; the shell's; and how many of the record's files are gone (moved into the target).
import { describe, expect, it } from 'vitest';
import { readEvidence, sameAsRecorded } from '../../../src/plan/record.js';
import type { FileEntry, Inventory } from '../../../src/plan/inventory.js';
import { posixNames } from '../../../src/names/posix.js';
import { winNames } from '../../helpers/names.js';

const f = (rel: string, size = 1, mtimeMs = 1000, id?: string): FileEntry => (id === undefined ? { rel, size, mtimeMs } : { rel, size, mtimeMs, id });
const inv = (...files: FileEntry[]): Inventory => ({ files, dirs: [], bytes: files.reduce((n, x) => n + x.size, 0) });
const rels = (list: FileEntry[]) => list.map((x) => x.rel);

describe('a cache folder read against the record', () => {
  it('the record\'s own file is the same size, the same millisecond and the same ID where both know one', () => {
    expect(sameAsRecorded(f('a', 5, 1000.9, '7'), f('a', 5, 1000, '7'))).toBe(true);
    expect(sameAsRecorded(f('a', 5, 1000), f('a', 5, 1000, '7'))).toBe(true);
    expect(sameAsRecorded(f('a', 5, 1000, '7'), f('a', 5, 1000))).toBe(true);
    expect(sameAsRecorded(f('a', 6, 1000, '7'), f('a', 5, 1000, '7'))).toBe(false);
    expect(sameAsRecorded(f('a', 5, 1001, '7'), f('a', 5, 1000, '7'))).toBe(false);
    expect(sameAsRecorded(f('a', 5, 999, '7'), f('a', 5, 1000, '7'))).toBe(false);
    expect(sameAsRecorded(f('a', 5, 1000, '8'), f('a', 5, 1000, '7'))).toBe(false);
  });

  it('sorts every file into own, changed, added or the shell\'s, and counts the record\'s files that are gone', () => {
    const record = inv(f('Tools/helper.dll', 3, 1, '1'), f('Tools/zticache.exe', 9, 1, '2'), f('setup.cab', 5, 1, '3'), f('OSD/osd.xml', 4, 1, '4'), f('readme.txt', 2, 1, '5'));
    const now = inv(f('Tools/helper.dll', 3, 1, '1'), f('Tools/zticache.exe', 10, 2, '9'), f('readme.txt', 2, 1, '6'), f('new.cab', 1), f('desktop.ini', 1), f('OSD/Thumbs.db', 1), f('ehthumbs.db', 1), f('ehthumbs_vista.db', 1));
    const e = readEvidence(now, record, posixNames, 'Tools/zticache.exe');
    expect(rels(e.own)).toEqual(['Tools/helper.dll']);
    expect(rels(e.changed)).toEqual(['readme.txt']);
    expect(rels(e.added)).toEqual(['new.cab']);
    expect(rels(e.ignored)).toEqual(['desktop.ini', 'OSD/Thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db']);
    // setup.cab and OSD/osd.xml are gone; the running exe is neither present nor missing
    expect(e.missing).toBe(2);
    // without a running exe to leave out it is a changed file of the record
    const all = readEvidence(now, record, posixNames);
    expect(rels(all.changed)).toEqual(['Tools/zticache.exe', 'readme.txt']);
    expect(all.missing).toBe(2);
    // the running exe is never missing either
    expect(readEvidence(inv(), record, posixNames, 'Tools/zticache.exe').missing).toBe(4);
    expect(readEvidence(inv(), record, posixNames).missing).toBe(5);
  });

  it('matches names as the target does: on Windows without case, the shell\'s files in any case; on POSIX by bytes', () => {
    const record = inv(f('Setup.CAB', 5, 1, '3'));
    const now = inv(f('setup.cab', 5, 1, '3'), f('DESKTOP.INI', 1));
    const w = readEvidence(now, record, winNames);
    expect([rels(w.own), rels(w.ignored), w.missing]).toEqual([['setup.cab'], ['DESKTOP.INI'], 0]);
    const p = readEvidence(now, record, posixNames);
    expect([rels(p.own), rels(p.added), p.missing]).toEqual([[], ['setup.cab', 'DESKTOP.INI'], 1]);
  });
});
