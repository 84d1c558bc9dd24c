// zticache selftest's look at the real places, called directly (the integration and Wine suites
// reach it only through a spawned CLI, where a mutation of it goes unseen): the state folder as a
// run finds it, the real target planned with --what-if, and the sandboxes earlier selftests
// recorded — removed only when each is still the folder recorded, by a selftest no longer running.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { resolveOptions } from '../../../src/cli/options.js';
import { checkRealTarget, checkStateFolder, noTarget, recordSandbox, SANDBOX_NAME, sweepSandboxes } from '../../../src/commands/selftest/real-places.js';
import { journalFileFor } from '../../../src/plan/journal.js';
import { posixPlatform } from '../../../src/platform/posix/platform.js';
import type { Platform } from '../../../src/platform/platform.js';
import { PlaceError } from '../../../src/places/places.js';
import { idOf } from '../../../src/state/identity.js';
import { makePackage, scene, tempDir } from '../../helpers/fixtures.js';
import { rt } from '../../helpers/seams.js';

const pp = path.posix;
const RECORD = 'selftest-sandboxes.json';
const records = (state: string) => JSON.parse(fs.readFileSync(path.join(state, RECORD), 'utf8')) as { path: string; pid?: number }[];

/** A made sandbox and the state folder that records it. */
function sandboxScene() {
  const dir = tempDir();
  const state = path.join(dir, 'state');
  const base = path.join(dir, 'tmp');
  fs.mkdirSync(state);
  fs.mkdirSync(base);
  const make = (hex: string) => {
    const box = path.join(base, `zticache-selftest-${hex}`);
    fs.mkdirSync(path.join(box, 'inner'), { recursive: true });
    fs.writeFileSync(path.join(box, 'inner', 'f.txt'), 'x');
    return box;
  };
  return { dir, state, base, make };
}

describe('selftest: the state folder and the real target', () => {
  it('a state folder that can be used PASSes with what the run found; a file there FAILs with STATE_UNSAFE and its way out', () => {
    const dir = tempDir();
    const ok = checkStateFolder(posixPlatform, path.join(dir, 'state'));
    expect(ok.status).toBe('PASS');
    expect(fs.statSync(path.join(dir, 'state')).isDirectory()).toBe(true); // made as the run makes it
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    const bad = checkStateFolder(posixPlatform, path.join(dir, 'file'));
    expect(bad.status).toBe('FAIL');
    expect(bad.evidence).toMatch(/^STATE_UNSAFE \(an admin deletes the state folder\): /);
  });

  it('a target a run would create PASSes, saying MININT does not exist yet; one that exists is named with its owner; nothing is changed', () => {
    const s = scene();
    makePackage(s.source);
    const opts = resolveOptions(parseArgs(s.args()), rt(s.dir));
    const fresh = checkRealTarget(posixPlatform, opts);
    expect(fresh).toEqual({ status: 'PASS', evidence: `${s.target}: a run creates it, protected; ${s.minint} does not exist yet (a run creates it); no unfinished staging is recorded for it` });
    expect(fs.existsSync(s.minint)).toBe(false); // --what-if
    fs.mkdirSync(s.minint);
    const there = checkRealTarget(posixPlatform, opts);
    expect(there.status).toBe('PASS');
    expect(there.evidence).toMatch(new RegExp(`${s.minint.replace(/[/.]/g, '\\$&')} is a folder \\(owner [^)]+\\)`));
    expect(fs.readdirSync(s.minint)).toEqual([]);
  });

  it('a target that is a file FAILs with the real run\'s code; a link for MININT FAILs TARGET_UNSAFE naming it and the way out', () => {
    const s = scene();
    makePackage(s.source);
    const opts = resolveOptions(parseArgs(s.args()), rt(s.dir));
    fs.mkdirSync(s.minint);
    fs.writeFileSync(s.target, 'a file where PackageSource should be');
    const file = checkRealTarget(posixPlatform, opts);
    expect(file.status).toBe('FAIL');
    expect(file.evidence).toBe(`TARGET_UNSAFE (remove the named folder or give another): the target ${s.target} exists and is not a folder`);
    fs.rmSync(s.minint, { recursive: true });
    const elsewhere = tempDir();
    fs.symlinkSync(elsewhere, s.minint);
    const link = checkRealTarget(posixPlatform, opts);
    expect(link.status).toBe('FAIL');
    expect(link.evidence).toBe(`TARGET_UNSAFE (remove the named folder or give another): the target's parent ${s.minint} is a symbolic link or junction; zticache will not write or delete through it`);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('a journal for the target that cannot be read FAILs with the real run\'s code, naming the journal', () => {
    const s = scene();
    makePackage(s.source);
    const opts = resolveOptions(parseArgs(s.args()), rt(s.dir));
    fs.mkdirSync(s.state, { recursive: true });
    const journal = journalFileFor(pp, s.state, s.target);
    fs.writeFileSync(journal, '{ half a journal');
    const v = checkRealTarget(posixPlatform, opts);
    expect(v.status).toBe('FAIL');
    expect(v.evidence).toMatch(/^JOURNAL_CONFLICT \(do what the log says, run again\): the staging journal /);
    expect(v.evidence).toContain(journal);
    expect(fs.readFileSync(journal, 'utf8')).toBe('{ half a journal');
  });

  it('a target a run would replace is said so, with why (the default PackageSource, someone else\'s)', () => {
    const s = scene();
    makePackage(s.source);
    const opts = { ...resolveOptions(parseArgs(s.args()), rt(s.dir)), targetIsDefault: true };
    fs.mkdirSync(s.target, { recursive: true });
    fs.writeFileSync(path.join(s.target, 'theirs.txt'), 'x');
    const v = checkRealTarget(posixPlatform, opts);
    expect(v.evidence).toMatch(/: a run replaces it \(not made by zticache \(no matching record\): replaced, as it is the default PackageSource\); /);
    expect(fs.readdirSync(s.target)).toEqual(['theirs.txt']);
  });

  it('MININT that the places layer refuses when opened by handle FAILs TARGET_UNSAFE with the path, its reason and the way out; other errors are not hidden', () => {
    const s = scene();
    makePackage(s.source);
    const opts = resolveOptions(parseArgs(s.args()), rt(s.dir));
    fs.mkdirSync(s.minint);
    const refusing = (err: Error): Platform => ({ ...posixPlatform, places: { ...posixPlatform.places, openFolder: () => { throw err; } } });
    const v = checkRealTarget(refusing(new PlaceError('a junction a user planted', s.minint, 'ELOOP')), opts);
    expect(v).toEqual({ status: 'FAIL', evidence: `TARGET_UNSAFE (remove the named folder or give another): ${s.minint}: a junction a user planted; zticache will not write or delete through it: remove it (an administrator), then run again` });
    expect(() => checkRealTarget(refusing(new TypeError('a bug')), opts)).toThrow('a bug');
  });

  it('a platform without a default target SKIPs, saying which options judge the real places', () => {
    expect(noTarget.status).toBe('SKIP');
    expect(noTarget.evidence).toMatch(/--target .*--state-dir/);
  });
});

describe('selftest: the sandboxes earlier selftests left', () => {
  it('the sandbox name is zticache-selftest- and 8 hex digits, nothing more', () => {
    expect(SANDBOX_NAME.test('zticache-selftest-0a1b2c3d')).toBe(true);
    for (const n of ['zticache-selftest-0a1b2c3', 'zticache-selftest-0a1b2c3d0', 'xzticache-selftest-0a1b2c3d', 'zticache-selftest-0A1B2C3G']) expect(SANDBOX_NAME.test(n), n).toBe(false);
  });

  it('one recorded by a selftest no longer running, still the same folder, is removed with what was in it; the record forgets it', () => {
    const t = sandboxScene();
    const box = t.make('00000001');
    recordSandbox(t.state, pp, box, idOf(box));
    // a record written by a process that has ended
    const file = path.join(t.state, RECORD);
    fs.writeFileSync(file, JSON.stringify(records(t.state).map((r) => ({ ...r, pid: 2 ** 22 + 12345 }))));
    const lines = sweepSandboxes(posixPlatform, t.state, pp, t.base);
    expect(lines).toEqual([`Removed ${box}, the sandbox of an earlier selftest that was stopped before it removed it`]);
    expect(fs.existsSync(box)).toBe(false);
    expect(fs.existsSync(file)).toBe(false); // nothing left to record
  });

  it('one whose selftest is still running is left to it and kept in the record', () => {
    const t = sandboxScene();
    const box = t.make('00000002');
    fs.writeFileSync(path.join(t.state, RECORD), JSON.stringify([{ path: box, id: idOf(box), pid: process.ppid }]));
    const lines = sweepSandboxes(posixPlatform, t.state, pp, t.base);
    expect(lines).toEqual([`${box} is the sandbox of a selftest that is still running (process ${process.ppid}): left to it`]);
    expect(fs.existsSync(path.join(box, 'inner', 'f.txt'))).toBe(true);
    expect(records(t.state).map((r) => r.path)).toEqual([box]);
  });

  it('a record of this very process is not a running other selftest: its sandbox is swept', () => {
    const t = sandboxScene();
    const box = t.make('00000003');
    recordSandbox(t.state, pp, box, idOf(box)); // pid: this process
    expect(sweepSandboxes(posixPlatform, t.state, pp, t.base)[0]).toMatch(/^Removed /);
    expect(fs.existsSync(box)).toBe(false);
  });

  it('a folder at a recorded path that is not the one recorded (replaced) is left as it is and named, and the record forgets it', () => {
    const t = sandboxScene();
    const box = t.make('00000004');
    const id = idOf(box);
    fs.rmSync(box, { recursive: true });
    t.make('00000004'); // someone else's folder now, another identity
    fs.writeFileSync(path.join(t.state, 'keep-inode-busy'), 'x'); // so the inode is not handed straight back
    if (JSON.stringify(idOf(box)) === JSON.stringify(id)) return; // the file system reused the inode: nothing to tell apart
    fs.writeFileSync(path.join(t.state, RECORD), JSON.stringify([{ path: box, id, pid: 2 ** 22 + 1 }]));
    const lines = sweepSandboxes(posixPlatform, t.state, pp, t.base);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${box.replace(/[/.]/g, '\\$&')} is not the sandbox an earlier selftest made there \\(.*, recorded .*\\): left as it is$`));
    expect(fs.existsSync(path.join(box, 'inner', 'f.txt'))).toBe(true);
    expect(fs.existsSync(path.join(t.state, RECORD))).toBe(false);
  });

  it('a malformed record beside a good one: the good one is swept, the malformed one proves nothing (its folder named, never removed)', () => {
    const malformed = (b: string) => [{ path: b }, { path: b, id: { dev: 1, ino: 2 } }, { path: b, id: { dev: '1' } }, { path: b, id: { ino: '2' } }, { path: 5, id: { dev: '1', ino: '2' } }, null];
    for (const i of malformed('').keys()) {
      const t = sandboxScene();
      const a = t.make('000000a1');
      const b = t.make('000000b1');
      const bad = malformed(b)[i];
      fs.writeFileSync(path.join(t.state, RECORD), JSON.stringify([bad, { path: a, id: idOf(a), pid: 2 ** 22 + 1 }]));
      const lines = sweepSandboxes(posixPlatform, t.state, pp, t.base);
      expect(lines, JSON.stringify(bad)).toEqual([
        `Removed ${a}, the sandbox of an earlier selftest that was stopped before it removed it`,
        `${b} looks like a selftest's sandbox, but no selftest recorded it (one stopped while the state folder could not be used, or someone else's folder): left as it is; remove it by hand if it is a selftest's`,
      ]);
      expect(fs.existsSync(b)).toBe(true);
    }
  });

  it('a sandbox replaced between the identity check and the handle, or one that cannot be removed: left, said, and kept in the record when it may still be removed', () => {
    const t = sandboxScene();
    const box = t.make('000000c1');
    const record = () => fs.writeFileSync(path.join(t.state, RECORD), JSON.stringify([{ path: box, id: idOf(box), pid: 2 ** 22 + 1 }]));
    const held = posixPlatform.places.openFolder(t.base);
    const other = held.folder('zticache-selftest-000000c1', 'existing');
    held.release();
    // the handle opened finds another folder than the one the path showed
    const swapped: Platform = { ...posixPlatform, places: { ...posixPlatform.places, openFolder: (dir) => Object.assign(Object.create(posixPlatform.places.openFolder(dir)), { folder: () => Object.assign(Object.create(other), { id: () => ({ dev: '1', ino: '2' }), release: () => {} }) }) } };
    record();
    expect(sweepSandboxes(swapped, t.state, pp, t.base)).toEqual([`${box} was replaced while it was looked at: left as it is`]);
    expect(fs.existsSync(path.join(box, 'inner', 'f.txt'))).toBe(true);
    expect(fs.existsSync(path.join(t.state, RECORD))).toBe(false);
    // a removal that fails
    const stuck: Platform = { ...posixPlatform, places: { ...posixPlatform.places, openFolder: (dir) => Object.assign(Object.create(posixPlatform.places.openFolder(dir)), { removeTree: () => { throw new Error('EBUSY: a file is held'); } }) } };
    record();
    expect(sweepSandboxes(stuck, t.state, pp, t.base)).toEqual([`could not remove ${box}, the sandbox of an earlier selftest: EBUSY: a file is held; remove it by hand`]);
    expect(records(t.state).map((r) => r.path)).toEqual([box]);
    other.release();
  });

  it('a recorded sandbox already gone is forgotten without a word; a malformed record proves nothing and removes nothing', () => {
    const t = sandboxScene();
    const gone = path.join(t.base, 'zticache-selftest-00000005');
    const box = t.make('00000006');
    fs.writeFileSync(path.join(t.state, RECORD), JSON.stringify([{ path: gone, id: { dev: '1', ino: '2' }, pid: 2 ** 22 + 1 }, { path: box }, { path: box, id: { dev: 1, ino: 2 } }, null]));
    const lines = sweepSandboxes(posixPlatform, t.state, pp, t.base);
    expect(fs.existsSync(box)).toBe(true);
    expect(lines).toEqual([`${box} looks like a selftest's sandbox, but no selftest recorded it (one stopped while the state folder could not be used, or someone else's folder): left as it is; remove it by hand if it is a selftest's`]);
    fs.writeFileSync(path.join(t.state, RECORD), '{ not json');
    expect(sweepSandboxes(posixPlatform, t.state, pp, t.base)).toHaveLength(1);
    expect(fs.existsSync(box)).toBe(true);
  });

  it('folders under other names are never named; a base that cannot be listed names nothing', () => {
    const t = sandboxScene();
    fs.mkdirSync(path.join(t.base, 'zticache-selftest-xyz'));
    fs.mkdirSync(path.join(t.base, 'other'));
    expect(sweepSandboxes(posixPlatform, t.state, pp, t.base)).toEqual([]);
    expect(sweepSandboxes(posixPlatform, t.state, pp, path.join(t.base, 'missing'))).toEqual([]);
  });

  it('recording keeps others\' records, replaces this sandbox\'s, and forgetting the last removes the record file', () => {
    const t = sandboxScene();
    const a = t.make('0000000a');
    const b = t.make('0000000b');
    recordSandbox(t.state, pp, a, idOf(a));
    recordSandbox(t.state, pp, b, idOf(b));
    recordSandbox(t.state, pp, a, idOf(a));
    expect(records(t.state).map((r) => r.path)).toEqual([b, a]);
    expect(records(t.state).every((r) => r.pid === process.pid)).toBe(true);
    recordSandbox(t.state, pp, a, undefined);
    expect(records(t.state).map((r) => r.path)).toEqual([b]);
    recordSandbox(t.state, pp, b, undefined);
    expect(fs.existsSync(path.join(t.state, RECORD))).toBe(false);
    fs.writeFileSync(path.join(t.state, RECORD), '[null]'); // a record of no use is no reason to fail
    recordSandbox(t.state, pp, a, idOf(a));
    expect(records(t.state).map((r) => r?.path)).toEqual([null, a].map((x) => x ?? undefined));
    fs.rmSync(path.join(t.state, RECORD));
    expect(fs.readdirSync(t.state)).toEqual([]); // no temp file left
  });
});
