// The journal steers moves and deletes after a crash, so what it accepts is a security boundary:
// every malformed or escaping record is refused with its reason, and the file a target's journal
// lives in depends on the target's spelling only as documented (resolved; case-folded on Windows).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { findJournal, findJournalOfSource, journalFileFor, readJournal, writeJournal, type Journal } from '../../../src/plan/journal.js';
import { tempDir } from '../../helpers/fixtures.js';
import { posixNames, winNames } from '../../helpers/names.js';

const journal = (over: Partial<Journal> = {}): Journal => ({
  tool: 'zticache',
  version: 2,
  source: '/cache/PKG',
  sourceId: { dev: '1', ino: '2' },
  target: '/MININT/PackageSource',
  targetId: { dev: '1', ino: '3', born: '99' },
  mode: 'move',
  state: 'staging',
  crossed: ['Images'],
  started: '2026-11-27T00:00:00.000Z',
  updated: '2026-11-27T00:00:01.000Z',
  inventory: { files: [{ rel: 'Images/a.wim', size: 5, mtimeMs: 1 }], dirs: ['Images'], bytes: 5 },
  ...over,
});

/** Writes raw JSON (an object is stringified) and reads it back as a journal. */
function read(value: unknown, windows = false) {
  const file = path.join(tempDir('zti-journal-'), 'journal-x.json');
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return readJournal(file, windows ? winNames : posixNames);
}
const reason = (value: unknown, windows = false) => {
  const r = read(value, windows);
  return r.kind === 'invalid' ? r.reason : `accepted (${r.kind})`;
};

describe('reading a journal', () => {
  it('a well-formed journal reads back whole', () => {
    const r = read(journal());
    expect(r).toEqual({ kind: 'ok', journal: journal() });
    expect(read(journal({ targetId: undefined, crossed: undefined })).kind).toBe('ok');
    expect(read(journal({ sourceId: { dev: '1', ino: '2', born: '7' } })).kind).toBe('ok');
    for (const state of ['clearing', 'staging', 'staged'] as const) expect(read(journal({ state })).kind, state).toBe('ok');
    expect(read(journal({ mode: 'copy' })).kind).toBe('ok');
  });

  it('no file is "none"; an unreadable one or bad JSON is invalid with the reason', () => {
    const dir = tempDir('zti-journal-');
    expect(readJournal(path.join(dir, 'absent.json'), posixNames)).toEqual({ kind: 'none' });
    const r = readJournal(dir, posixNames); // a folder: EISDIR
    expect(r.kind).toBe('invalid');
    expect(reason('{"tool":')).toMatch(/^not valid JSON \(/);
    expect(reason('null')).toBe('not a JSON object');
    expect(reason('"text"')).toBe('not a JSON object');
  });

  it('each part of the shape is checked, and named', () => {
    const j = journal() as unknown as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tool: 'other' }, 'not a zticache journal of version 2'],
      [{ version: 1 }, 'not a zticache journal of version 2'],
      [{ source: 5 }, 'source or target missing'],
      [{ target: undefined }, 'source or target missing'],
      [{ sourceId: undefined }, 'source identity missing'],
      [{ sourceId: { dev: 1, ino: '2' } }, 'source identity missing'],
      [{ sourceId: { dev: '1', ino: 2 } }, 'source identity missing'],
      [{ sourceId: { dev: '1', ino: '2', born: 3 } }, 'source identity missing'],
      [{ sourceId: 'x' }, 'source identity missing'],
      [{ targetId: { dev: '1' } }, 'target identity malformed'],
      [{ targetId: null }, 'target identity malformed'],
      [{ mode: 'moved' }, 'mode missing'],
      [{ mode: undefined }, 'mode missing'],
      [{ state: 'done' }, 'unknown state "done"'],
      [{ crossed: 'Images' }, 'crossed entries malformed'],
      [{ crossed: [5] }, 'crossed entry malformed or outside the package: 5'],
      [{ crossed: ['a/b'] }, 'crossed entry malformed or outside the package: a/b'],
      [{ crossed: ['..'] }, 'crossed entry malformed or outside the package: ..'],
      [{ leftOut: '../zticache.exe' }, 'leftOut malformed or outside the package: ../zticache.exe'],
      [{ leftOut: 5 }, 'leftOut malformed or outside the package: 5'],
      [{ inventory: undefined }, 'inventory missing'],
      [{ inventory: { files: {}, dirs: [], bytes: 0 } }, 'inventory missing'],
      [{ inventory: { files: [], dirs: 'x', bytes: 0 } }, 'inventory missing'],
      [{ inventory: { files: [], dirs: [], bytes: '0' } }, 'inventory missing'],
      [{ inventory: { files: [null], dirs: [], bytes: 0 } }, 'inventory entry malformed'],
      [{ inventory: { files: [{ rel: 1, size: 1, mtimeMs: 1 }], dirs: [], bytes: 0 } }, 'inventory entry malformed'],
      [{ inventory: { files: [{ rel: 'a', size: '1', mtimeMs: 1 }], dirs: [], bytes: 0 } }, 'inventory entry malformed'],
      [{ inventory: { files: [{ rel: 'a', size: 1, mtimeMs: '1' }], dirs: [], bytes: 0 } }, 'inventory entry malformed'],
      [{ inventory: { files: [{ rel: '../etc/passwd', size: 1, mtimeMs: 1 }], dirs: [], bytes: 0 } }, 'inventory path leaves the package: ../etc/passwd'],
      [{ inventory: { files: [{ rel: '/etc/passwd', size: 1, mtimeMs: 1 }], dirs: [], bytes: 0 } }, 'inventory path leaves the package: /etc/passwd'],
      [{ inventory: { files: [], dirs: ['../up'], bytes: 0 } }, 'inventory folder malformed or outside the package: ../up'],
      // a file in one of the journal's safe folders is judged by its last name; in any other, by every name
      [{ inventory: { files: [{ rel: 'a/..', size: 1, mtimeMs: 1 }], dirs: ['a'], bytes: 0 } }, 'inventory path leaves the package: a/..'],
      [{ inventory: { files: [{ rel: 'a/', size: 1, mtimeMs: 1 }], dirs: ['a'], bytes: 0 } }, 'inventory path leaves the package: a/'],
      [{ inventory: { files: [{ rel: '../x', size: 1, mtimeMs: 1 }], dirs: ['..'], bytes: 0 } }, 'inventory path leaves the package: ../x'],
      [{ inventory: { files: [{ rel: 'b/../x', size: 1, mtimeMs: 1 }], dirs: ['a'], bytes: 0 } }, 'inventory path leaves the package: b/../x'],
      [{ inventory: { files: [{ rel: 'a/x', size: 1, mtimeMs: 1 }], dirs: ['a', 'a/..'], bytes: 0 } }, 'inventory folder malformed or outside the package: a/..'],
      [{ inventory: { files: [], dirs: [7], bytes: 0 } }, 'inventory folder malformed or outside the package: 7'],
      [{ inventory: { files: [{ rel: 'a', size: 1, mtimeMs: 1, id: 5 }], dirs: [], bytes: 0 } }, 'inventory entry malformed'],
      [{ inventory: { files: [], dirs: ['d'], dirIds: { d: 5 }, bytes: 0 } }, 'inventory folder identities malformed'],
      [{ inventory: { files: [], dirs: [], dirIds: null, bytes: 0 } }, 'inventory folder identities malformed'],
      [{ inventory: { files: [], dirs: [], dirIds: 'x', bytes: 0 } }, 'inventory folder identities malformed'],
      [{ same: 'Images' }, 'same entries malformed'],
      [{ same: [5] }, 'same entry malformed or outside the package: 5'],
      [{ same: ['a/b'] }, 'same entry malformed or outside the package: a/b'],
      [{ same: ['..'] }, 'same entry malformed or outside the package: ..'],
      [{ kept: 'Tools' }, 'kept entries malformed'],
      [{ kept: [5] }, 'kept entry malformed or outside the package: 5'],
      [{ kept: ['Tools/zticache.exe'] }, 'kept entry malformed or outside the package: Tools/zticache.exe'],
      [{ kept: ['..'] }, 'kept entry malformed or outside the package: ..'],
    ];
    for (const [over, why] of cases) expect(reason({ ...j, ...over }), JSON.stringify(over)).toBe(why);
  });

  it('on Windows a drive-relative or backslashed escape is refused too', () => {
    const j = journal() as unknown as Record<string, unknown>;
    const files = (rel: string) => ({ inventory: { files: [{ rel, size: 1, mtimeMs: 1 }], dirs: [], bytes: 1 } });
    expect(reason({ ...j, ...files('C:evil') }, true)).toBe('inventory path leaves the package: C:evil');
    expect(reason({ ...j, ...files('a\\..\\..\\x') }, true)).toBe('inventory path leaves the package: a\\..\\..\\x');
    expect(reason({ ...j, crossed: ['C:'] }, true)).toBe('crossed entry malformed or outside the package: C:');
    expect(reason({ ...j, ...files('C:evil') }, false)).toBe('accepted (ok)');
    expect(reason({ ...j, same: ['a?'] }, true)).toBe('same entry malformed or outside the package: a?');
    expect(reason({ ...j, kept: ['a|b'] }, true)).toBe('kept entry malformed or outside the package: a|b');
  });

  it('reads back every name the plan lets through under the same rules: what a run writes, the next run accepts', () => {
    const j = journal() as unknown as Record<string, unknown>;
    const names = ['\u212a.txt', 'k.txt', 'CON', 'trail.', 'caf\u00e9/x y.txt', 'ABCDEF~1.TXT'];
    const inv = { files: names.map((rel) => ({ rel, size: 1, mtimeMs: 1, id: '7' })), dirs: ['caf\u00e9'], dirIds: { 'caf\u00e9': '8' }, bytes: names.length };
    expect(reason({ ...j, inventory: inv, same: ['k.txt', 'CON'] }, true)).toBe('accepted (ok)');
    // POSIX holds what Windows cannot: a share's colon and backslash, and the journal keeps them
    expect(reason({ ...j, inventory: { ...inv, files: [{ rel: 'a:b\\c', size: 1, mtimeMs: 1 }] } }, false)).toBe('accepted (ok)');
  });
});

describe('writing a journal', () => {
  it('is flushed to disk before it takes the old one\'s place: a power cut leaves the old journal or the new one, whole', () => {
    const file = path.join(tempDir('zti-journal-'), 'journal-a.json');
    const order: string[] = [];
    const fsync = vi.spyOn(fs, 'fsyncSync').mockImplementation((fd) => void order.push(`fsync ${fd}`));
    const rename = vi.spyOn(fs, 'renameSync');
    const open = vi.spyOn(fs, 'openSync');
    try {
      rename.mockImplementation(((a: fs.PathLike, b: fs.PathLike) => {
        order.push(`rename ${path.basename(String(a)).replace(/\.\d+\.tmp$/, '.tmp')} -> ${path.basename(String(b))}`);
      }) as typeof fs.renameSync);
      writeJournal(file, journal());
      const fd = open.mock.results[0]!.value as number;
      expect(order).toEqual([`fsync ${fd}`, 'rename journal-a.json.tmp -> journal-a.json']);
    } finally {
      fsync.mockRestore();
      rename.mockRestore();
      open.mockRestore();
    }
  });

  it('what is written reads back equal, in slices for a large inventory, and leaves no temp file', () => {
    const dir = tempDir('zti-journal-');
    const file = path.join(dir, 'journal-a.json');
    // a whole number of 2,000-entry slices: no slice may be written empty
    const files = Array.from({ length: 4_000 }, (_, i) => ({ rel: `d/f${i}.bin`, size: i, mtimeMs: 1_000 + i }));
    const big = journal({ inventory: { files, dirs: ['d'], bytes: 123 } });
    writeJournal(file, big);
    expect(readJournal(file, posixNames)).toEqual({ kind: 'ok', journal: big });
    expect(fs.readdirSync(dir)).toEqual(['journal-a.json']);
    const odd = journal({ inventory: { files: files.slice(0, 2_001), dirs: ['d'], bytes: 1 } });
    writeJournal(file, odd);
    expect(readJournal(file, posixNames)).toEqual({ kind: 'ok', journal: odd });
    const ids = journal({ inventory: { files: [{ rel: 'd/a', size: 1, mtimeMs: 2, id: '9@1' }], dirs: ['d'], dirIds: { d: '3@1' }, bytes: 1 }, same: ['d'] });
    writeJournal(file, ids);
    expect(readJournal(file, posixNames)).toEqual({ kind: 'ok', journal: ids });
    const empty = journal({ inventory: { files: [], dirs: [], bytes: 0 }, crossed: undefined });
    writeJournal(file, empty);
    expect(readJournal(file, posixNames)).toEqual({ kind: 'ok', journal: JSON.parse(JSON.stringify(empty)) });
    expect(fs.readdirSync(dir)).toEqual(['journal-a.json']);
  });
});

describe('which journal is a target\'s', () => {
  it('the key depends on the resolved spelling; on Windows case and the \\\\?\\ prefix do not count', () => {
    const w = path.win32;
    const a = journalFileFor(w, 'C:\\ProgramData\\zticache', 'C:\\MININT\\PackageSource');
    expect(a).toMatch(/^C:\\ProgramData\\zticache\\journal-[0-9a-f]{16}\.json$/);
    expect(journalFileFor(w, 'C:\\ProgramData\\zticache', 'c:\\minint\\packagesource')).toBe(a);
    expect(journalFileFor(w, 'C:\\ProgramData\\zticache', '\\\\?\\C:\\MININT\\PackageSource')).toBe(a);
    expect(journalFileFor(w, 'C:\\ProgramData\\zticache', 'C:\\MININT\\Other')).not.toBe(a);
    // a long UNC path keeps its prefix: it is another spelling than the drive letter's
    expect(journalFileFor(w, 'C:\\ProgramData\\zticache', '\\\\?\\UNC\\srv\\share\\x')).not.toBe(journalFileFor(w, 'C:\\ProgramData\\zticache', '\\\\srv\\share\\x'));
    const p = path.posix;
    expect(journalFileFor(p, '/var/lib/zticache', '/MININT/PackageSource')).toBe(journalFileFor(p, '/var/lib/zticache', '/MININT/x/../PackageSource'));
    expect(journalFileFor(p, '/var/lib/zticache', '/MININT/PackageSource')).not.toBe(journalFileFor(p, '/var/lib/zticache', '/minint/packagesource'));
  });

  it('another spelling of an existing target finds its journal by the identity recorded in it', () => {
    const p = path.posix;
    const state = tempDir('zti-journal-');
    const id = { dev: '1', ino: '3', born: '99' };
    const recorded = journalFileFor(p, state, '/first/spelling');
    writeJournal(recorded, journal({ targetId: id }));
    fs.writeFileSync(path.join(state, 'journal-junk.json'), '{');
    fs.writeFileSync(path.join(state, 'owner.json'), JSON.stringify(journal({ targetId: { dev: '1', ino: '4' } })));
    const other = journalFileFor(p, state, '/second/spelling');
    expect(findJournal(p, state, '/second/spelling', id, posixNames)).toMatchObject({ file: recorded, read: { kind: 'ok' } });
    // without an identity, or with another one, only its own key counts
    expect(findJournal(p, state, '/second/spelling', undefined, posixNames)).toEqual({ file: other, read: { kind: 'none' } });
    expect(findJournal(p, state, '/second/spelling', { dev: '1', ino: '3', born: '98' }, posixNames)).toEqual({ file: other, read: { kind: 'none' } });
    // a journal only in a file that is not named like one is never read
    expect(findJournal(p, state, '/second/spelling', { dev: '1', ino: '4' }, posixNames)).toEqual({ file: other, read: { kind: 'none' } });
    // its own journal comes first, even when invalid
    fs.writeFileSync(other, '[');
    expect(findJournal(p, state, '/second/spelling', id, posixNames)).toMatchObject({ file: other, read: { kind: 'invalid' } });
    // no state folder yet: none
    expect(findJournal(p, path.join(state, 'missing'), '/x', id, posixNames).read).toEqual({ kind: 'none' });
  });
});

describe('the journal write holds nothing open', () => {
  it('every descriptor it opened is closed, also when the write fails', () => {
    const dir = tempDir('zti-journal-');
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) writeJournal(path.join(dir, 'journal-a.json'), journal());
    expect(open()).toBe(before);
    // the rename onto a folder fails after the temp file was written
    fs.mkdirSync(path.join(dir, 'journal-b.json'));
    fs.writeFileSync(path.join(dir, 'journal-b.json', 'x'), '');
    for (let i = 0; i < 5; i++) expect(() => writeJournal(path.join(dir, 'journal-b.json'), journal())).toThrow();
    expect(open()).toBe(before);
  });
});

describe('a scan of the state folder reads only the journal that matches', () => {
  const p = path.posix;
  /** a state folder with `n` journals of other sources and targets, each with a large inventory */
  function crowded(n: number) {
    const state = tempDir('zti-state-');
    const files = Array.from({ length: 2000 }, (_, i) => ({ rel: `Images/f${i}.cab`, size: i, mtimeMs: 1, id: `${i}@5` }));
    for (let k = 0; k < n; k++) {
      writeJournal(path.join(state, `journal-other${k}.json`), journal({ sourceId: { dev: '1', ino: `5${k}` }, targetId: { dev: '1', ino: `6${k}` }, inventory: { files, dirs: ['Images'], bytes: 1 } }));
    }
    return state;
  }
  const fullReads = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter(([f]) => String(f).includes('journal-')).map(([f]) => path.basename(String(f)));

  it('finds a source\'s journal and a target\'s by their heads: the others\' inventories are never parsed', () => {
    const state = crowded(5);
    const mine = path.join(state, 'journal-mine.json');
    writeJournal(mine, journal());
    const spy = vi.spyOn(fs, 'readFileSync');
    try {
      expect(findJournalOfSource(p, state, { dev: '1', ino: '2' }, path.join(state, 'journal-elsewhere.json'), posixNames)).toMatchObject({ file: mine, read: { kind: 'ok' } });
      expect(fullReads(spy)).toEqual(['journal-mine.json']);
      spy.mockClear();
      expect(findJournal(p, state, '/second/spelling', { dev: '1', ino: '3', born: '99' }, posixNames)).toMatchObject({ file: mine, read: { kind: 'ok' } });
      // its own key's journal first (there is none), then only the one whose head names the target
      expect(fullReads(spy)).toEqual([path.basename(journalFileFor(p, state, '/second/spelling')), 'journal-mine.json']);
      // no journal of this target: only its own key's is tried (there is none), no other read whole
      spy.mockClear();
      expect(findJournal(p, state, '/nowhere', { dev: '9', ino: '9' }, posixNames).read).toEqual({ kind: 'none' });
      expect(fullReads(spy)).toEqual([path.basename(journalFileFor(p, state, '/nowhere'))]);
      // none of this source: nothing read whole
      spy.mockClear();
      expect(findJournalOfSource(p, state, { dev: '9', ino: '9' }, '', posixNames)).toBeUndefined();
      expect(fullReads(spy)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('a journal whose head cannot be read that way (the inventory first, or damaged) is read whole, as before', () => {
    const state = crowded(1);
    const { inventory, ...head } = journal();
    const inventoryFirst = path.join(state, 'journal-older.json');
    fs.writeFileSync(inventoryFirst, JSON.stringify({ inventory, ...head }));
    expect(findJournalOfSource(p, state, { dev: '1', ino: '2' }, '', posixNames)).toMatchObject({ file: inventoryFirst, read: { kind: 'ok' } });
    // the first ',"inventory":' inside another field: what comes before it is no JSON, so it is read whole
    const nested = { note: { seen: 1, inventory: 0 }, ...head, inventory };
    fs.writeFileSync(inventoryFirst, JSON.stringify(nested));
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    expect(findJournalOfSource(p, state, { dev: '1', ino: '2' }, '', posixNames)).toMatchObject({ file: inventoryFirst, read: { kind: 'ok' } });
    expect(fds()).toBe(before); // every head read closes its file
    fs.writeFileSync(inventoryFirst, `${JSON.stringify(head).slice(0, -1)},"inventory":{"files":[`); // cut short: invalid, passed over
    expect(findJournalOfSource(p, state, { dev: '1', ino: '2' }, '', posixNames)).toBeUndefined();
    fs.writeFileSync(inventoryFirst, `{"tool":"zticache","sourceId":{"dev":"1",,"inventory":{}}`); // a head that is no JSON: read whole, invalid
    expect(findJournalOfSource(p, state, { dev: '1', ino: '2' }, '', posixNames)).toBeUndefined();
  });
});
