// The plan decides everything before the first change, so each of its decisions is tested here as a
// value: move or copy and why, what is resumed from a journal and what is refused, which old target
// may be removed, what is kept, which launcher and manifest, and how much space is needed. The
// platform is the real POSIX one with the volume questions answered by the test.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { idOf } from '../../../src/state/identity.js';
import { journalFileFor, writeJournal, type Journal, type JournalState } from '../../../src/plan/journal.js';
import { resolveOptions, type Options } from '../../../src/cli/options.js';
import { allocated, makePlan, type Plan } from '../../../src/plan/plan.js';
import { describeEnvironment, describePlan } from '../../../src/plan/describe.js';
import { checkFreeSpace, checkLogPlace, checkOverlap, checkTargetSafe } from '../../../src/plan/checks.js';
import { chooseMode, classifySource, isUncPath, modeReason } from '../../../src/plan/classify.js';
import { takeInventory } from '../../../src/plan/inventory.js';
import { type Platform } from '../../../src/platform/platform.js';
import { posixPlatform } from '../../../src/platform/posix/platform.js';
import type { Medium } from '../../../src/core/types.js';
import { LAUNCHER, LAUNCHER_SOURCE, makePackage, makeTree, mountTmpfs, needs, scene } from '../../helpers/fixtures.js';
import { rt } from '../../helpers/seams.js';
import { winNames, winNamesNo83 } from '../../helpers/names.js';
import type { NameRules } from '../../../src/names/names.js';

const p = path.posix;

interface World {
  medium?: Medium;
  /** the source's final path as the platform opens it */
  final?: string;
  /** volume of the target's side; the source is on volume 1 */
  targetVolume?: number;
  free?: number;
  cluster?: number;
  /** the target's names rules (default: POSIX's) */
  names?: NameRules;
}
const platform = (w: World = {}): Platform => ({
  ...posixPlatform,
  names: () => w.names ?? posixPlatform.names(''),
  locate: () => ({ medium: w.medium ?? 'fixed', final: w.final }),
  volumeOf: (x: string) => (x.includes('ccmcache') ? 1 : w.targetVolume ?? 1),
  freeBytes: () => w.free ?? 1e12,
  clusterBytes: () => w.cluster ?? 4096,
});

function setup(extra: Record<string, string | Buffer | null> = {}) {
  const s = scene();
  makePackage(s.source, extra);
  const options = (...more: string[]): Options => ({ ...resolveOptions(parseArgs(s.args(...more)), rt(s.dir)) });
  const plan = (o: Options = options(), w: World = {}): Plan => makePlan(o, platform(w));
  const refused = (o: Options = options(), w: World = {}) => {
    try {
      makePlan(o, platform(w));
    } catch (err) {
      return err as { exitCode: number; message: string; path?: string };
    }
    throw new Error('the plan was not refused');
  };
  /** a journal for this scene's target, as zticache writes it */
  const journal = (state: JournalState, over: Partial<Journal> = {}) => {
    const j: Journal = {
      tool: 'zticache', version: 2, source: s.source, sourceId: idOf(s.source)!, target: s.target,
      targetId: idOf(s.target), mode: 'move', state, started: 'then', updated: 'then',
      ...over, inventory: over.inventory ?? takeInventory(p, s.source),
    };
    fs.mkdirSync(s.state, { recursive: true });
    writeJournal(journalFileFor(p, s.state, s.target), j);
    return j;
  };
  return { ...s, options, plan, refused, journal };
}

const pkgFiles = 6; // makePackage: 5 files and the launcher

describe('the source', () => {
  it('a missing source, a link and a file are refused, each with its own code', () => {
    const s = setup();
    const o = s.options();
    expect(s.refused({ ...o, source: p.join(s.dir, 'nope') })).toMatchObject({ exitCode: ExitCode.SOURCE_MISSING, path: p.join(s.dir, 'nope') });
    fs.symlinkSync(s.source, p.join(s.dir, 'alias'));
    expect(s.refused({ ...o, source: p.join(s.dir, 'alias') })).toMatchObject({ exitCode: ExitCode.SOURCE_HAS_LINK, path: p.join(s.dir, 'alias') });
    expect(s.refused({ ...o, source: p.join(s.source, 'readme.txt') })).toMatchObject({ exitCode: ExitCode.SOURCE_NOT_FOLDER, path: p.join(s.source, 'readme.txt') });
    // gone between its first look and its identity
    const real = fs.statSync;
    const spy = vi.spyOn(fs, 'statSync').mockImplementation(((x: fs.PathLike, opt?: fs.StatSyncOptions) => (x === s.source && opt?.bigint ? undefined : real(x, opt))) as typeof fs.statSync);
    try {
      expect(s.refused(o)).toMatchObject({ exitCode: ExitCode.SOURCE_MISSING, path: s.source, message: `the source folder ${s.source} vanished while it was examined` });
    } finally {
      spy.mockRestore();
    }
  });

  it('an empty source is refused', () => {
    const s = setup();
    fs.rmSync(s.source, { recursive: true });
    fs.mkdirSync(p.join(s.source, 'only-a-folder'), { recursive: true });
    expect(s.refused(s.options('--launch', '/bin/sh'))).toMatchObject({ exitCode: ExitCode.SOURCE_EMPTY, path: s.source, message: `the source folder ${s.source} holds no files` });
    // nothing but the running zticache.exe: nothing to stage either, and the refusal says why
    fs.writeFileSync(p.join(s.source, 'zticache.exe'), 'exe');
    expect(s.refused({ ...s.options('--launch', '/bin/sh'), runningExe: p.join(s.source, 'zticache.exe') }))
      .toMatchObject({ exitCode: ExitCode.SOURCE_EMPTY, message: `the source folder ${s.source} holds no files but the running zticache.exe, which is not staged` });
  });

  it('a local source is moved, on one volume by rename, writing no bytes', () => {
    const s = setup();
    const plan = s.plan();
    expect(plan).toMatchObject({
      action: 'move', kind: 'local', reason: 'the source is on a local fixed drive', sameVolume: true, resume: undefined,
      crossed: [], prune: false, toleratesExtra: false, removeOldTarget: false, oldTarget: undefined, keep: [],
      neededBytes: 0, freeBytes: undefined, launcher: p.join(s.target, LAUNCHER), launchArgs: [], manifest: undefined,
      journalFile: journalFileFor(p, s.state, s.target), source: s.source, target: s.target, sourceId: idOf(s.source),
    });
    expect(plan.inventory.files).toHaveLength(pkgFiles);
    expect(plan.inventory.dirs).toEqual(['Empty', 'Images', 'OSD', 'OSD/Custom', 'OSD/Custom/Deep', 'OSD/Custom/Deep/Deeper']);
  });

  it('a move across volumes needs the package\'s clusters free on the target\'s volume', () => {
    const s = setup();
    const plan = s.plan(s.options(), { targetVolume: 2, free: 10_000_000, cluster: 4096 });
    expect(plan.sameVolume).toBe(false);
    expect(plan.neededBytes).toBe(allocated(plan.inventory.files, 4096));
    expect(plan.freeBytes).toBe(10_000_000);
    expect(describePlan(plan)).toContain(`Action: move (the source is on a local fixed drive; across volumes: copied, checked, then deleted from the source)`);
    const refused = s.refused(s.options(), { targetVolume: 2, free: plan.neededBytes - 1 });
    expect(refused).toMatchObject({ exitCode: ExitCode.NO_SPACE });
    expect(refused.message).toContain(`${plan.neededBytes} bytes`);
    // exactly enough is enough
    expect(s.plan(s.options(), { targetVolume: 2, free: plan.neededBytes }).action).toBe('move');
    // a volume that cannot be asked is taken for another one: copy, check, delete
    const o = s.options();
    expect(makePlan(o, { ...platform(), volumeOf: () => { throw new Error('EIO'); } }).sameVolume).toBe(false);
  });

  it('the medium decides: removable, network, CD-ROM and read-only sources are copied, and --mode move from them refused', () => {
    const s = setup();
    for (const medium of ['removable', 'remote', 'cdrom', 'readonly'] as const) {
      const plan = s.plan(s.options(), { medium, free: 1e9 });
      expect(plan, medium).toMatchObject({ action: 'copy', kind: medium, sameVolume: undefined });
      expect(plan.neededBytes, medium).toBe(allocated(plan.inventory.files, 4096));
      expect(s.refused(s.options('--mode', 'move'), { medium }).exitCode, medium).toBe(ExitCode.USAGE);
    }
    expect(s.plan(s.options('--mode', 'copy')).reason).toBe('--mode copy');
    expect(s.plan(s.options('--mode', 'move')).reason).toBe('--mode move');
  });

  it('the folder as opened decides, not its spelling: a local path that is a link to a share is copied, and where it is said', () => {
    const s = setup();
    const plan = s.plan(s.options(), { medium: 'remote', final: '\\\\server\\share\\PKG1' });
    expect(plan).toMatchObject({ action: 'copy', kind: 'remote', sourceOpened: '\\\\server\\share\\PKG1' });
    expect(describePlan(plan)[0]).toBe(`Source: ${s.source} (network drive; as opened: \\\\server\\share\\PKG1)`);
    expect(s.refused(s.options('--mode', 'move'), { medium: 'remote', final: '\\\\server\\share\\PKG1' }).message).toMatch(/never moves files off a server/);
    // opened where it is spelled: nothing more is said
    const here = s.plan(s.options(), { final: s.source });
    expect(here.sourceOpened).toBeUndefined();
    expect(describePlan(here)[0]).toBe(`Source: ${s.source} (local fixed drive)`);
    // a UNC spelling is network without asking the platform (//tmp/... is the source itself on POSIX)
    const asked: string[] = [];
    const unc = makePlan({ ...s.options(), source: `/${s.source}` }, { ...platform(), locate: (x) => (asked.push(x), { medium: 'fixed' }) });
    expect(unc).toMatchObject({ kind: 'unc', action: 'copy' });
    expect(asked).toEqual([]);
  });

  it('a volume root is never moved: SOURCE_IS_VOLUME_ROOT; copied when asked', (ctx) => {
    const s = setup();
    const root = p.join(s.dir, 'ccmcache', 'drive');
    const unmount = mountTmpfs(root);
    if (!needs(ctx, unmount !== undefined, 'root to mount a tmpfs')) return;
    try {
      makePackage(root);
      const o = { ...s.options(), source: root };
      expect(s.refused(o)).toMatchObject({ exitCode: ExitCode.SOURCE_IS_VOLUME_ROOT, path: root });
      expect(s.plan({ ...o, mode: 'copy' }).action).toBe('copy');
    } finally {
      unmount!();
    }
  });

  it('the running zticache.exe is not staged; its folder is copied, not moved, and only the clusters of the rest are needed on one volume', () => {
    const s = setup({ 'bin/zticache.exe': Buffer.alloc(5000, 1), 'bin/other.dll': 'x' });
    const o = { ...s.options(), runningExe: p.join(s.source, 'bin', 'zticache.exe') };
    const plan = s.plan(o, { cluster: 4096 });
    expect(plan.keep).toEqual(['bin']);
    expect(plan.leftOut).toBe('bin/zticache.exe');
    expect(plan.inventory.files.map((f) => f.rel)).not.toContain('bin/zticache.exe');
    expect(plan.inventory.files.map((f) => f.rel)).toContain('bin/other.dll');
    expect(plan.neededBytes).toBe(4096);
    expect(describePlan(plan)).toContain('Copied, not moved (they stay in the source too): bin');
    expect(describePlan(plan)).toContain('Not moved: bin/zticache.exe (the running zticache; it stays in the source, and after the staging a hard link to it, or a copy on another volume, is put beside the package for a custom action that lists it)');
    // at the top: nothing kept back, nothing to copy
    const t = setup({ 'zticache.exe': Buffer.alloc(5000, 1) });
    const top = t.plan({ ...t.options(), runningExe: p.join(t.source, 'zticache.exe') });
    expect(top).toMatchObject({ keep: [], leftOut: 'zticache.exe', neededBytes: 0 });
    expect(top.inventory.files.map((f) => f.rel)).not.toContain('zticache.exe');
    // found as the file system spells it (here through a link to the cache folder)
    fs.symlinkSync(t.source, p.join(t.dir, 'cache-link'));
    expect(t.plan({ ...t.options(), runningExe: p.join(t.dir, 'cache-link', 'zticache.exe') }).leftOut).toBe('zticache.exe');
    // elsewhere: the package's own zticache.exe is staged like any file
    const elsewhere = t.plan({ ...t.options(), runningExe: p.join(t.dir, 'zticache.exe') });
    expect(elsewhere).toMatchObject({ keep: [], leftOut: undefined });
    expect(elsewhere.inventory.files.map((f) => f.rel)).toContain('zticache.exe');
    expect(describePlan(elsewhere).join('\n')).not.toContain('Not moved');
  });

  it('the running zticache.exe is found as the file system spells it: through a link to the file itself, and a copy of it outside the cache folder is not it', () => {
    const s = setup({ 'zticache.exe': Buffer.alloc(100, 1) });
    fs.symlinkSync(p.join(s.source, 'zticache.exe'), p.join(s.dir, 'exe-link'));
    expect(s.plan({ ...s.options(), runningExe: p.join(s.dir, 'exe-link') }).leftOut).toBe('zticache.exe');
    // a zticache.exe that exists outside the cache folder: the package's is staged like any file
    fs.writeFileSync(p.join(s.dir, 'zticache.exe'), 'another build');
    const outside = s.plan({ ...s.options(), runningExe: p.join(s.dir, 'zticache.exe') });
    expect(outside.leftOut).toBeUndefined();
    expect(outside.inventory.files.map((f) => f.rel)).toContain('zticache.exe');
  });

  it('a running zticache.exe spelled otherwise than stored (the path cannot be read as given): each name is matched to its folder by the target\'s names, the exact one first', () => {
    const s = setup({ 'Bin/ZtiCache.exe': Buffer.alloc(100, 1), 'Bin/other.dll': 'x' });
    const plan = s.plan({ ...s.options(), runningExe: p.join(s.source, 'BIN', 'ZTICACHE.EXE') }, { names: winNames });
    expect(plan).toMatchObject({ leftOut: 'Bin/ZtiCache.exe', keep: ['Bin'] });
    expect(plan.inventory.files.map((f) => f.rel)).not.toContain('Bin/ZtiCache.exe');
    // a name that matches nothing, or a file where a folder is named: the path as given
    expect(s.plan({ ...s.options(), runningExe: p.join(s.source, 'BIN', 'NOPE.EXE') }, { names: winNames }).leftOut).toBe('BIN/NOPE.EXE');
    expect(s.plan({ ...s.options(), runningExe: p.join(s.source, 'BIN', 'OTHER.DLL', 'zticache.exe') }, { names: winNames }).leftOut).toBe('BIN/OTHER.DLL/zticache.exe');
    // two stored names of one key: the exact one is zticache; the other is its twin, refused
    const t = setup({ 'Bin/zticache.exe': 'exe', 'Bin/ZTICACHE.EXE': 'the package\'s' });
    expect(t.refused({ ...t.options(), runningExe: p.join(t.source, 'BIN', 'zticache.exe') }, { names: winNames })).toMatchObject({
      exitCode: ExitCode.NAME_CLASH,
      message: expect.stringContaining('"Bin/ZTICACHE.EXE" and "Bin/zticache.exe" (zticache itself, which is not moved)'),
      path: p.join(t.source, 'Bin', 'ZTICACHE.EXE'),
    });
    // a folder of zticache's name beside it is a twin too (it stands where zticache.exe is put)
    const u = setup({ 'zticache.exe': 'exe', 'ZTICACHE.EXE/notes.txt': 'n' });
    expect(u.refused({ ...u.options(), runningExe: p.join(u.source, 'zticache.exe') }, { names: winNames })).toMatchObject({
      exitCode: ExitCode.NAME_CLASH, path: p.join(u.source, 'ZTICACHE.EXE'),
    });
  });

  it('a manifest that lists the running zticache.exe: its line is checked against the one put beside the package, by the spelling there', () => {
    const s = setup({ 'zticache.exe': 'exe', 'data.bin': 'd' });
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    fs.writeFileSync(p.join(s.source, 'zticache.sha256'), `${sha('exe')}  zticache.exe\n${sha('d')}  data.bin\n`);
    const o = { ...s.options(), runningExe: p.join(s.source, 'zticache.exe') };
    const plan = s.plan(o);
    expect(plan.manifestListsExe).toBe(true);
    expect(plan.manifest!.entries.map((e) => e.rel)).toEqual(['zticache.exe', 'data.bin']);
    expect(plan.inventory.files.map((f) => f.rel)).not.toContain('zticache.exe');
    expect(describePlan(plan)).toContain('Not moved: zticache.exe (the running zticache; it stays in the source, and after the staging a hard link to it, or a copy on another volume, is put beside the package for a custom action that lists it; checked against its line in the manifest)');
    // run from elsewhere, the package's zticache.exe is a package file and its line is checked
    const other = s.plan({ ...s.options(), runningExe: p.join(s.dir, 'zticache.exe') });
    expect(other.manifestListsExe).toBe(false);
    expect(other.manifest!.entries.map((e) => e.rel).sort()).toEqual(['data.bin', 'zticache.exe']);
    // any other line for a file that is not in the package is still refused
    fs.writeFileSync(p.join(s.source, 'zticache.sha256'), `${sha('exe')}  zticache.exe\n${sha('x')}  gone.bin\n`);
    expect(s.refused(o)).toMatchObject({ exitCode: ExitCode.VERIFY_FAILED, message: expect.stringContaining('first: gone.bin') });
    // a manifest without zticache.exe's line: nothing to check it against, the package's lines as written
    fs.writeFileSync(p.join(s.source, 'zticache.sha256'), `${sha('d')}  data.bin\n`);
    expect(s.plan(o)).toMatchObject({ manifestListsExe: false, manifest: { entries: [{ rel: 'data.bin' }] } });
  });

  it('a manifest read by Windows names with no zticache.exe running from the cache folder: every line is the package\'s', () => {
    const s = setup({ 'Data.bin': 'd' });
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    fs.writeFileSync(p.join(s.source, 'zticache.sha256'), `${sha('d')}  DATA.BIN\n`);
    expect(s.plan(s.options(), { names: winNames })).toMatchObject({ manifestListsExe: false, manifest: { entries: [{ rel: 'DATA.BIN', hash: sha('d') }] } });
  });

  it('a manifest line for the running zticache.exe in another case is its line (Windows names), re-spelled as zticache.exe is put beside the package', () => {
    const s = setup({ 'zticache.exe': 'exe', 'Data.bin': 'd' });
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    fs.writeFileSync(p.join(s.source, 'zticache.sha256'), `${sha('exe')}  ZTICACHE.EXE\n${sha('d')}  DATA.BIN\n`);
    const plan = s.plan({ ...s.options(), runningExe: p.join(s.source, 'zticache.exe') }, { names: winNames });
    expect(plan.manifestListsExe).toBe(true);
    // only the exe's line is re-spelled: the package's own lines keep the manifest's spelling
    expect(plan.manifest!.entries.map((e) => [e.rel, e.hash])).toEqual([['zticache.exe', sha('exe')], ['DATA.BIN', sha('d')]]);
  });
});

describe('an existing target', () => {
  it('someone else\'s non-default target with files is refused; an empty one is replaced', () => {
    const s = setup();
    makeTree(s.target, { 'theirs.txt': 'x' });
    expect(s.refused()).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: s.target });
    fs.rmSync(p.join(s.target, 'theirs.txt'));
    const plan = s.plan();
    expect(plan).toMatchObject({ removeOldTarget: true, oldTarget: { id: idOf(s.target), trusted: false, why: 'an empty folder' } });
    expect(describePlan(plan)).toContain(`The existing ${s.target} will be removed first (an empty folder)`);
  });

  it('the default PackageSource is replaced whoever made it, as ZTICache.vbs did', () => {
    const s = setup();
    makeTree(s.target, { 'theirs.txt': 'x' });
    const plan = s.plan({ ...s.options(), targetIsDefault: true });
    expect(plan.oldTarget).toEqual({ id: idOf(s.target), trusted: false, why: 'not made by zticache (no matching record): replaced, as it is the default PackageSource' });
    expect(plan.removeOldTarget).toBe(true);
  });

  it('zticache\'s own staged target (by identity) is replaced by a fresh staging', () => {
    const s = setup();
    makeTree(s.target, { 'old.txt': 'x' });
    s.journal('staged', { source: '/elsewhere', sourceId: { dev: '9', ino: '9' } });
    const plan = s.plan();
    expect(plan.oldTarget).toMatchObject({ trusted: true, why: expect.stringMatching(/^made by zticache \(identity volume /) });
    expect(plan.removeOldTarget).toBe(true);
    expect(plan.resume).toBeUndefined();
    expect(plan.toleratesExtra).toBe(false); // only a rerun from the staged target itself tolerates extra files
    // the same folder removed and made again is not trusted any more
    fs.rmSync(s.target, { recursive: true });
    makeTree(s.target, { 'planted.txt': 'x' });
    expect(s.refused()).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE });
  });

  it('a target holding the running zticache is never removed', () => {
    const s = setup();
    makeTree(s.target, { 'zticache.exe': 'x' });
    expect(s.refused({ ...s.options(), targetIsDefault: true, runningExe: p.join(s.target, 'zticache.exe') }))
      .toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: s.target, message: expect.stringContaining('holds the running zticache') });
    // anywhere else the running zticache does not stop the replacement
    expect(s.plan({ ...s.options(), targetIsDefault: true, runningExe: p.join(s.dir, 'zticache.exe') }).removeOldTarget).toBe(true);
  });

  it('zticache run from the staged target is found there by the target\'s identity (VERIFY passes over it), and only there', () => {
    const s = setup();
    fs.mkdirSync(s.minint);
    fs.renameSync(s.source, s.target);
    fs.writeFileSync(p.join(s.target, 'ZtiCache.exe'), 'exe');
    const o = { ...s.options(), source: s.target };
    expect(s.plan({ ...o, runningExe: p.join(s.target, 'ZtiCache.exe') }, { names: winNames }).exeInTarget).toBe(winNames.key('ZtiCache.exe'));
    // run from elsewhere, or with no target yet, there is none
    expect(s.plan({ ...o, runningExe: p.join(s.dir, 'zticache.exe') }).exeInTarget).toBeUndefined();
    const t = setup({ 'zticache.exe': 'exe' });
    expect(t.plan({ ...t.options(), runningExe: p.join(t.source, 'zticache.exe') }).exeInTarget).toBeUndefined();
  });

  it('space freed by removing the old target is counted only when it is removed', () => {
    const s = setup();
    makeTree(s.target, { 'old.bin': Buffer.alloc(400_000) });
    const o = { ...s.options(), targetIsDefault: true };
    const needed = s.plan(o, { targetVolume: 2 }).neededBytes;
    const oldBytes = allocated([{ size: 400_000 }], 4096);
    expect(s.plan(o, { targetVolume: 2, free: needed - oldBytes }).removeOldTarget).toBe(true);
    expect(s.refused(o, { targetVolume: 2, free: needed - oldBytes - 1 }).exitCode).toBe(ExitCode.NO_SPACE);
  });
});

describe('resuming from the journal', () => {
  it('an unreadable journal is a conflict that names its reason; nothing is guessed', () => {
    const s = setup();
    fs.mkdirSync(s.state);
    fs.writeFileSync(journalFileFor(p, s.state, s.target), '{');
    const e = s.refused();
    expect(e).toMatchObject({ exitCode: ExitCode.JOURNAL_CONFLICT, path: journalFileFor(p, s.state, s.target) });
    expect(e.message).toMatch(/is unreadable: not valid JSON/);
  });

  it('an unfinished staging from another source is a conflict', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staging', { source: '/other/PKG', sourceId: { dev: '9', ino: '9' } });
    const e = s.refused();
    expect(e.exitCode).toBe(ExitCode.JOURNAL_CONFLICT);
    expect(e.message).toContain('holds an unfinished staging from /other/PKG');
    expect(e.path).toBe(journalFileFor(p, s.state, s.target));
    expect(e.message).toContain('--source "/other/PKG"');
  });

  it('an unfinished move whose target was removed, or replaced, is never resumed into the new folder', () => {
    const s = setup();
    s.journal('staging', { targetId: { dev: '1', ino: '1' } });
    expect(s.refused().message).toContain(`but ${s.target} was removed`);
    fs.mkdirSync(s.target, { recursive: true });
    const e = s.refused();
    expect(e.exitCode).toBe(ExitCode.JOURNAL_CONFLICT);
    expect(e.message).toContain('is no longer the folder zticache created (it was replaced)');
    expect(e.path).toBe(journalFileFor(p, s.state, s.target));
  });

  it('an interrupted move is finished from its journal\'s inventory, with what crossed', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    const j = s.journal('staging', { crossed: ['Images'] });
    fs.renameSync(p.join(s.source, 'Images'), p.join(s.target, 'Images'));
    const plan = s.plan(s.options(), { targetVolume: 2 });
    expect(plan).toMatchObject({ action: 'move', resume: 'staging', crossed: ['Images'], removeOldTarget: false, keep: [], prune: false });
    expect(plan.inventory).toEqual(j.inventory);
    expect(plan.reason).toBe(`finishing an interrupted move (journal ${plan.journalFile}); nothing already staged is deleted`);
    expect(plan.oldTarget).toMatchObject({ trusted: true });
    // only what is not yet whole in the target is counted
    expect(plan.neededBytes).toBe(allocated(j.inventory.files.filter((f) => !f.rel.startsWith('Images/')), 4096));
  });

  it('--mode copy finishes a stuck move as a copy: every top-level entry is kept in the source', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staging');
    const plan = s.plan(s.options('--mode', 'copy'));
    expect(plan.action).toBe('move');
    expect(plan.keep.sort()).toEqual(['Empty', 'Images', 'OSD', LAUNCHER, 'readme.txt', 'setup.cab'].sort());
    expect(describePlan(plan)).toContain(`Copied, not moved (they stay in the source too): ${plan.keep.join(', ')}`);
    expect(plan.keep.join(', ')).toContain(', ');
    expect(plan.reason).toContain('--mode copy: what is still in the source is copied, not moved, and stays there');
  });

  it('an interrupted copy is finished from a fresh inventory, pruning what the package no longer has', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staging', { mode: 'copy' });
    fs.writeFileSync(p.join(s.source, 'new.txt'), 'added by the distribution point');
    fs.copyFileSync(p.join(s.source, 'setup.cab'), p.join(s.target, 'setup.cab'));
    const plan = s.plan(s.options(), { free: 1e9 });
    expect(plan).toMatchObject({ action: 'copy', resume: 'staging', prune: true, crossed: [] });
    expect(plan.inventory.files.map((f) => f.rel)).toContain('new.txt');
    expect(plan.neededBytes).toBe(allocated(plan.inventory.files.filter((f) => f.rel !== 'setup.cab'), 4096));
    expect(plan.reason).not.toContain('--mode move ignored');
    expect(s.plan(s.options('--mode', 'move')).reason).toContain('; --mode move ignored, a copy is finished as a copy');
    for (const e of fs.readdirSync(s.source)) fs.rmSync(p.join(s.source, e), { recursive: true });
    expect(s.refused(s.options('--launch', '/bin/sh'))).toMatchObject({ exitCode: ExitCode.SOURCE_EMPTY, path: s.source, message: `the source folder ${s.source} holds no files` });
    // a cache folder holding only the running zticache.exe holds nothing to stage either
    fs.writeFileSync(p.join(s.source, 'zticache.exe'), 'exe');
    expect(s.refused({ ...s.options('--launch', '/bin/sh'), runningExe: p.join(s.source, 'zticache.exe') }))
      .toMatchObject({ exitCode: ExitCode.SOURCE_EMPTY, message: `the source folder ${s.source} holds no files but the running zticache.exe, which is not staged` });
  });

  it('an interrupted clearing is finished, then a fresh staging; the old target it was clearing counts as ours', () => {
    const s = setup();
    makeTree(s.target, { 'left.txt': 'x' });
    s.journal('clearing');
    const plan = s.plan();
    expect(plan).toMatchObject({ resume: 'clearing', removeOldTarget: true, oldTarget: { trusted: true } });
    expect(plan.reason).toBe(`finishing an interrupted clearing of the old target (journal ${plan.journalFile}), then a fresh move`);
  });

  it('a staged package whose cache folder now holds only zticache needs nothing; without the staged target it is refused', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    fs.renameSync(p.join(s.source, LAUNCHER), p.join(s.target, LAUNCHER));
    const j = s.journal('staged', { inventory: { files: [{ rel: LAUNCHER, size: 1, mtimeMs: 1 }], dirs: [], bytes: 1 } });
    for (const e of fs.readdirSync(s.source)) fs.rmSync(p.join(s.source, e), { recursive: true });
    fs.writeFileSync(p.join(s.source, 'zticache.exe'), 'exe');
    const o = { ...s.options(), runningExe: p.join(s.source, 'zticache.exe') };
    const plan = s.plan(o);
    expect(plan).toMatchObject({ action: 'none', removeOldTarget: false, inventory: j.inventory, toleratesExtra: true, neededBytes: 0 });
    expect(plan.reason).toBe(`already staged by an earlier run (journal ${plan.journalFile}); the cache folder holds nothing of it but zticache itself`);
    expect(describePlan(plan)[3]).toBe(`Action: none: already staged by an earlier run (journal ${plan.journalFile}); the cache folder holds nothing of it but zticache itself`);
    fs.rmSync(s.target, { recursive: true });
    fs.mkdirSync(s.target, { recursive: true });
    const e = s.refused(o);
    expect(e).toMatchObject({ exitCode: ExitCode.SOURCE_EMPTY, path: s.target });
    expect(e.message).toContain('has been replaced since');
    fs.rmSync(s.target, { recursive: true });
    expect(s.refused(o).message).toContain('has been removed since');
  });

  it('a copy by an older zticache, whose journal lists the running zticache.exe: the cache folder still holds the whole package without it, so a removed target is staged again', () => {
    const s = setup({ 'zticache.exe': 'exe' });
    const j = s.journal('staged', { mode: 'copy', inventory: takeInventory(p, s.source) });
    expect(j.inventory.files.map((f) => f.rel)).toContain('zticache.exe');
    const plan = s.plan({ ...s.options(), runningExe: p.join(s.source, 'zticache.exe') });
    expect(plan).toMatchObject({ action: 'move', leftOut: 'zticache.exe' });
    expect(plan.reason).toContain('has been removed since an earlier run staged the package; the cache folder still holds it whole');
  });

  it('a staging of an older zticache, whose journal lists the running zticache.exe it copied into the target, is still already staged, and that copy still verified', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    fs.renameSync(p.join(s.source, LAUNCHER), p.join(s.target, LAUNCHER));
    fs.writeFileSync(p.join(s.target, 'zticache.exe'), 'old');
    const exeEntry = { rel: 'zticache.exe', size: 3, mtimeMs: 1 };
    const j = s.journal('staged', { inventory: { files: [{ rel: LAUNCHER, size: 1, mtimeMs: 1 }, exeEntry], dirs: [], bytes: 4 } });
    for (const e of fs.readdirSync(s.source)) fs.rmSync(p.join(s.source, e), { recursive: true });
    fs.writeFileSync(p.join(s.source, 'zticache.exe'), 'exe');
    const plan = s.plan({ ...s.options(), runningExe: p.join(s.source, 'zticache.exe') });
    expect(plan).toMatchObject({ action: 'none', removeOldTarget: false, inventory: j.inventory, spent: true });
    expect(plan.inventory.files).toContainEqual(exeEntry);
    expect(plan.reason).toContain('the cache folder holds nothing of it but zticache itself');
  });

  it('run from the target itself: nothing to stage, the staged inventory is trusted only for zticache\'s own target', () => {
    const s = setup();
    fs.mkdirSync(s.minint);
    fs.renameSync(s.source, s.target);
    const o = { ...s.options(), source: s.target };
    const fresh = s.plan(o);
    expect(fresh).toMatchObject({ action: 'none', reason: 'zticache runs from the target itself: nothing to stage', toleratesExtra: false, neededBytes: 0 });
    expect(fresh.inventory.files).toHaveLength(pkgFiles);
    expect(fresh.oldTarget).toEqual({ id: idOf(s.target), trusted: false, why: 'kept' });
    s.journal('staged', { inventory: { files: [{ rel: LAUNCHER, size: 1, mtimeMs: 1 }], dirs: [], bytes: 1 }, sourceId: idOf(s.target)! });
    const ours = s.plan(o);
    expect(ours).toMatchObject({ action: 'none', toleratesExtra: true });
    expect(ours.inventory.files).toEqual([{ rel: LAUNCHER, size: 1, mtimeMs: 1 }]);
  });
});

describe('the launcher', () => {
  it('a package file is launched from the target, whichever side it was named on', () => {
    const s = setup({ 'tools/run.sh': '#!/bin/sh\n' });
    fs.chmodSync(p.join(s.source, 'tools/run.sh'), 0o755);
    expect(s.plan(s.options('--launch', 'tools/run.sh')).launcher).toBe(p.join(s.target, 'tools/run.sh'));
    expect(s.plan(s.options('--launch', p.join(s.source, 'tools', 'run.sh'))).launcher).toBe(p.join(s.target, 'tools/run.sh'));
  });

  it('one that is not in the package, not executable, or not a regular file is refused', () => {
    const s = setup({ 'readme.sh': 'echo' });
    expect(s.refused(s.options('--launch', 'absent.exe'))).toMatchObject({ exitCode: ExitCode.LAUNCHER_MISSING, path: p.join(s.target, 'absent.exe'), message: `the launcher absent.exe is not a file of the package (${s.source}); nothing was changed` });
    expect(s.refused(s.options('--launch', 'readme.sh'))).toMatchObject({ exitCode: ExitCode.LAUNCHER_MISSING, message: expect.stringContaining('is not executable') });
    expect(s.refused(s.options('--launch', '/nonexistent/x'))).toMatchObject({ exitCode: ExitCode.LAUNCHER_MISSING, message: 'the launcher /nonexistent/x does not exist; nothing was changed' });
    expect(s.refused(s.options('--launch', s.dir))).toMatchObject({ exitCode: ExitCode.LAUNCHER_MISSING, path: s.dir, message: `the launcher ${s.dir} is not a regular file; nothing was changed` });
    const outside = p.join(s.dir, 'notexec');
    fs.writeFileSync(outside, 'x', { mode: 0o644 });
    expect(s.refused(s.options('--launch', outside)).message).toBe(`the launcher ${outside} cannot be started on this computer: it is not executable (EACCES); nothing was changed`);
    expect(s.plan(s.options('--launch', '/bin/sh')).launcher).toBe('/bin/sh');
  });

  it('after a move the launcher is checked where it now is, in the target', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staging');
    fs.renameSync(p.join(s.source, LAUNCHER), p.join(s.target, LAUNCHER));
    expect(s.plan().launcher).toBe(p.join(s.target, LAUNCHER));
    fs.chmodSync(p.join(s.target, LAUNCHER), 0o644);
    expect(s.refused().message).toBe(`the launcher ${p.join(s.target, LAUNCHER)} cannot be started on this computer: it is not executable (EACCES); nothing was changed`);
  });
});

describe('the manifest', () => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');

  it('zticache.sha256 at the top of the package is read from the source, and checked where it will be', () => {
    const s = setup({ 'zticache.sha256': `${sha('package readme\n')}  readme.txt\n` });
    const plan = s.plan();
    expect(plan.manifest).toEqual({ path: p.join(s.target, 'zticache.sha256'), entries: [{ hash: sha('package readme\n'), rel: 'readme.txt' }] });
    expect(describePlan(plan)).toContain(`Manifest: ${p.join(s.target, 'zticache.sha256')} (1 file)`);
  });

  it('one listing files the package does not have refuses before any change', () => {
    const s = setup({ 'zticache.sha256': `${sha('x')}  missing.txt\n` });
    expect(s.refused()).toMatchObject({ exitCode: ExitCode.VERIFY_FAILED, path: p.join(s.source, 'zticache.sha256'), message: expect.stringContaining('lists 1 file(s) that are not in the package, first: missing.txt') });
  });

  it('--manifest inside the package travels with it; outside it stays; a missing or non-file one is unreadable', () => {
    const s = setup({ 'sums/list.sha256': `${sha('package readme\n')}  readme.txt\n` });
    expect(s.plan(s.options('--manifest', p.join(s.source, 'sums/list.sha256'))).manifest?.path).toBe(p.join(s.target, 'sums/list.sha256'));
    const outside = p.join(s.dir, 'outside.sha256');
    fs.copyFileSync(p.join(s.source, 'sums/list.sha256'), outside);
    expect(s.plan(s.options('--manifest', outside)).manifest?.path).toBe(outside);
    expect(s.refused(s.options('--manifest', p.join(s.dir, 'none.sha256')))).toMatchObject({ exitCode: ExitCode.MANIFEST_UNREADABLE, path: p.join(s.dir, 'none.sha256'), message: `cannot read the manifest ${p.join(s.dir, 'none.sha256')}` });
    expect(s.refused(s.options('--manifest', s.dir))).toMatchObject({ exitCode: ExitCode.MANIFEST_UNREADABLE, path: s.dir, message: `the manifest ${s.dir} is not a regular file` });
  });

  it('after a move, the manifest is read where it now is: in the target', () => {
    const s = setup({ 'zticache.sha256': `${sha('package readme\n')}  readme.txt\n`, 'sums/list.sha256': `${sha('package readme\n')}  readme.txt\n` });
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staging');
    fs.renameSync(p.join(s.source, 'zticache.sha256'), p.join(s.target, 'zticache.sha256'));
    fs.renameSync(p.join(s.source, 'sums'), p.join(s.target, 'sums'));
    expect(s.plan().manifest).toEqual({ path: p.join(s.target, 'zticache.sha256'), entries: [{ hash: sha('package readme\n'), rel: 'readme.txt' }] });
    expect(s.plan(s.options('--manifest', p.join(s.source, 'sums', 'list.sha256'))).manifest?.path).toBe(p.join(s.target, 'sums', 'list.sha256'));
    // and while still in the source, from there (a stale copy in the target is not read)
    const t = setup({ 'zticache.sha256': `${sha('package readme\n')}  readme.txt\n` });
    makeTree(t.target, { 'zticache.sha256': 'not a manifest\n' });
    expect(t.plan({ ...t.options(), targetIsDefault: true }).manifest?.entries).toHaveLength(1);
  });

  it('without one, sizes are verified', () => {
    const s = setup();
    expect(describePlan(s.plan())).toContain('Manifest: none (sizes are verified, not hashes)');
  });
});

describe('space in clusters', () => {
  it('a file takes its size rounded up to whole clusters; an empty file takes none', () => {
    expect(allocated([], 4096)).toBe(0);
    expect(allocated([{ size: 0 }, { size: 1 }, { size: 4096 }, { size: 4097 }], 4096)).toBe(0 + 4096 + 4096 + 8192);
  });

  it('the plan asks the cluster size and free space of the nearest existing folder of the target', () => {
    const s = setup();
    const asked: string[] = [];
    const o = s.options();
    const plan = makePlan(o, { ...platform({ targetVolume: 2 }), freeBytes: (x) => (asked.push(`free ${x}`), 1e12), clusterBytes: (x) => (asked.push(`cluster ${x}`), 512) });
    expect(asked).toEqual([`cluster ${s.dir}`, `free ${s.dir}`]);
    expect(plan.neededBytes).toBe(allocated(plan.inventory.files, 512));
    expect(describePlan(plan).find((l) => l.startsWith('Free space: '))).toMatch(/^Free space: \S+ \S+ for \S+ \S+ to copy$/);
  });

  it('--what-if\'s words: what, from where, how', () => {
    const s = setup();
    const lines = describePlan(s.plan());
    expect(lines.slice(0, 2)).toEqual([`Source: ${s.source} (local fixed drive)`, `Target: ${s.target}`]);
    // the names rules, Node and its memory settings: the environment's own line, not the target's or the first line's
    expect(describeEnvironment(s.plan())).toBe(`Environment: Node.js ${process.version} on ${process.platform} ${process.arch}; memory settings: ${process.execArgv.join(' ') || "Node's defaults"}; names: POSIX: a name is its bytes`);
    expect(describeEnvironment(s.plan(s.options(), { names: winNames }), { version: 'v22.23.3', platform: 'win32', arch: 'x64', execArgv: ['--max-semi-space-size=1'] }))
      .toBe('Environment: Node.js v22.23.3 on win32 x64; memory settings: --max-semi-space-size=1; names: Windows: names compared through the system\'s upcase table, 8.3 short names made');
    expect(describeEnvironment(s.plan(), { version: 'v22.23.3', platform: 'linux', arch: 'x64', execArgv: [] })).toContain("memory settings: Node's defaults;");
    expect(lines[2]).toMatch(/^Package: 6 files, 6 folders, .* \(\d+ bytes\)$/);
    // the action and its reason said once, plainly
    expect(lines[3]).toBe('Action: move (the source is on a local fixed drive; same volume: renamed, no bytes copied)');
    expect(describePlan(s.plan(s.options('--mode', 'copy')))[3]).toBe('Action: copy (--mode copy)');
    expect(lines.at(-1)).toBe(`Launcher: ${p.join(s.target, LAUNCHER)}`);
    // a rename on one volume copies nothing: no free-space line, no kept entry
    expect(lines.filter((l) => l.startsWith('Free space') || l.startsWith('Copied, not moved'))).toEqual([]);
    const remote = describePlan(s.plan(s.options(), { medium: 'remote' }));
    expect(remote[0]).toBe(`Source: ${s.source} (network drive)`);
  });
});

describe('the checks before anything is touched', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as { exitCode: number; message: string; path?: string };
    }
    return undefined;
  };

  it('the target and its parent must be plain folders or not exist yet', () => {
    const s = scene();
    expect(checkTargetSafe(p, s.target)).toEqual({ exists: false, empty: false });
    fs.mkdirSync(s.target, { recursive: true });
    expect(checkTargetSafe(p, s.target)).toEqual({ exists: true, id: idOf(s.target), empty: true });
    fs.writeFileSync(p.join(s.target, 'f'), 'x');
    expect(checkTargetSafe(p, s.target)).toEqual({ exists: true, id: idOf(s.target), empty: false });
    const t = scene();
    fs.mkdirSync(p.join(t.dir, 'real'));
    fs.symlinkSync(p.join(t.dir, 'real'), t.minint);
    expect(code(() => checkTargetSafe(p, t.target))).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: t.minint, message: `the target's parent ${t.minint} is a symbolic link or junction; zticache will not write or delete through it` });
    const u = scene();
    fs.writeFileSync(u.minint, 'a file');
    expect(code(() => checkTargetSafe(p, u.target))).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: u.minint, message: `the target's parent ${u.minint} exists and is not a folder` });
    expect(code(() => checkTargetSafe(p, '/'))).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: '/' });
    const v = scene();
    fs.mkdirSync(v.minint);
    fs.symlinkSync(v.dir, v.target);
    expect(code(() => checkTargetSafe(p, v.target))).toMatchObject({ path: v.target, message: `the target ${v.target} is a symbolic link or junction; zticache will not write or delete through it` });
    fs.rmSync(v.target);
    fs.writeFileSync(v.target, 'x');
    expect(code(() => checkTargetSafe(p, v.target))?.message).toBe(`the target ${v.target} exists and is not a folder`);
    // a parent that cannot be examined (a path through a file)
    const below = p.join(v.target, 'x', 'PackageSource');
    expect(code(() => checkTargetSafe(p, below))).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: p.join(v.target, 'x'), message: `cannot examine the target's parent ${p.join(v.target, 'x')}` });
    // a target that cannot be listed
    const w = scene();
    fs.mkdirSync(w.target, { recursive: true });
    const realReaddir = fs.readdirSync;
    const spy = vi.spyOn(fs, 'readdirSync').mockImplementation(((x: fs.PathLike, o?: unknown) => {
      if (x === w.target) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return (realReaddir as (x: fs.PathLike, o?: unknown) => unknown)(x, o);
    }) as typeof fs.readdirSync);
    try {
      expect(code(() => checkTargetSafe(p, w.target))).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: w.target, message: `cannot list the target ${w.target}` });
    } finally {
      spy.mockRestore();
    }
    // a missing parent is fine: it is created
    expect(checkTargetSafe(p, p.join(v.dir, 'new', 'PackageSource'))).toEqual({ exists: false, empty: false });
  });

  it('the log lives outside the package and the target, by any spelling', () => {
    const s = scene();
    makePackage(s.source);
    fs.symlinkSync(s.source, p.join(s.dir, 'alias'));
    expect(code(() => checkLogPlace(p, p.join(s.dir, 'alias', 'x.log'), s.source, s.target))).toMatchObject({ exitCode: ExitCode.USAGE, path: p.join(s.dir, 'alias', 'x.log'), message: `--log ${p.join(s.dir, 'alias', 'x.log')} is inside the package (${s.source}); give a log file outside both` });
    expect(code(() => checkLogPlace(p, p.join(s.target, 'logs', 'x.log'), s.source, s.target))?.message).toBe(`--log ${p.join(s.target, 'logs', 'x.log')} is inside the target (${s.target}); give a log file outside both`);
    fs.mkdirSync(s.target, { recursive: true });
    fs.symlinkSync(s.target, p.join(s.dir, 'talias'));
    expect(code(() => checkLogPlace(p, p.join(s.dir, 'talias', 'x.log'), s.source, s.target))?.message).toContain('is inside the target');
    expect(code(() => checkLogPlace(p, s.log, s.source, s.target))).toBeUndefined();
    // a volume root on either side: nothing can be outside it, the plan decides
    expect(code(() => checkLogPlace(p, '/var/log/x.log', '/', s.target))).toBeUndefined();
    expect(code(() => checkLogPlace(p, p.join(s.source, 'x.log'), s.source, '/'))).toBeUndefined();
  });

  it('free space: enough is enough, one byte short is refused with both sizes', () => {
    const n = { needed: 8192, data: 5000, files: 2, cluster: 4096 };
    expect(code(() => checkFreeSpace('/v', n, 8192))).toBeUndefined();
    expect(code(() => checkFreeSpace('/v', n, 8191))).toMatchObject({
      exitCode: ExitCode.NO_SPACE, path: '/v',
      message: 'not enough free space on the volume of /v: 8.00 KB needed (8192 bytes: 4.88 KB of data in 2 files, on 4096-byte clusters), 8.00 KB free (8191 bytes)',
    });
  });

  it('overlap is decided by identity, in both directions', () => {
    const s = scene();
    makePackage(s.source);
    expect(checkOverlap(p, s.source, s.target)).toBe('apart');
    expect(checkOverlap(p, s.source, `${s.source}/`)).toBe('same');
    expect(code(() => checkOverlap(p, s.source, p.join(s.source, 'OSD', 'target')))).toMatchObject({ exitCode: ExitCode.OVERLAP, path: p.join(s.source, 'OSD', 'target'), message: `the target ${p.join(s.source, 'OSD', 'target')} is inside the source ${s.source}` });
    fs.mkdirSync(s.target, { recursive: true });
    fs.mkdirSync(p.join(s.target, 'src'));
    expect(code(() => checkOverlap(p, p.join(s.target, 'src'), s.target))).toMatchObject({ exitCode: ExitCode.OVERLAP, path: p.join(s.target, 'src'), message: `the source ${p.join(s.target, 'src')} is inside the target ${s.target}; the old target would be replaced while it is being read` });
  });
});

describe('where a source comes from', () => {
  it('a UNC path in any spelling is network; a local long path is not', () => {
    for (const unc of ['\\\\srv\\share\\pkg', '//srv/share/pkg', '\\\\?\\UNC\\srv\\share\\pkg', '\\\\.\\UNC\\srv\\share', '\\\\?\\unc\\srv\\share', '\\/srv\\share']) expect(isUncPath(unc), unc).toBe(true);
    for (const local of ['C:\\pkg', '\\\\?\\C:\\pkg', '\\\\.\\C:\\pkg', '\\\\srv', '\\\\srv\\', '/tmp/pkg', '\\pkg']) expect(isUncPath(local), local).toBe(false);
    // only at the start: a UNC-looking part inside a local path is not a UNC path
    for (const local of ['C:\\x\\\\?\\UNC\\srv\\share', 'C:\\x\\\\srv\\share', 'x\\\\?\\C:\\y']) expect(isUncPath(local), local).toBe(false);
    expect(isUncPath('x\\\\?\\C:\\y\\\\srv\\share')).toBe(false);
    expect(isUncPath('\\\\srv\\\\share')).toBe(true); // doubled separators between server and share
    expect(classifySource('\\\\srv\\share\\pkg', { medium: 'fixed' })).toBe('unc');
    expect(classifySource('C:\\pkg', { medium: 'fixed' })).toBe('local');
    expect(classifySource('N:\\pkg', { medium: 'remote' })).toBe('remote');
  });

  it('why auto chose what it chose, for each kind', () => {
    expect(modeReason('unc', 'auto', 'copy')).toBe('the source is a UNC path: never moved off a server');
    expect(modeReason('remote', 'auto', 'copy')).toBe('the source is on a network drive: never moved off a server');
    expect(modeReason('local', 'auto', 'move')).toBe('the source is on a local fixed drive');
    expect(modeReason('cdrom', 'auto', 'copy')).toBe('the source is on a CD-ROM drive: its files are left where they are');
    expect(modeReason('readonly', 'auto', 'copy')).toBe('the source is on a read-only volume: its files are left where they are');
    expect(modeReason('removable', 'copy', 'copy')).toBe('--mode copy');
    expect(() => chooseMode('unc', 'move', '\\\\srv\\s')).toThrow(expect.objectContaining({ path: '\\\\srv\\s' }));
    expect(() => chooseMode('unc', 'move', '\\\\srv\\s')).toThrow('--mode move refused: \\\\srv\\s is on a UNC path; zticache never moves files off a server. Use --mode copy or auto.');
    expect(() => chooseMode('removable', 'move', 'E:\\')).toThrow('--mode move refused: E:\\ is on a removable drive; its files cannot or should not be deleted. Use --mode copy or auto.');
    expect(chooseMode('local', 'copy', '/x')).toBe('copy');
    expect(chooseMode('local', 'auto', '/x')).toBe('move');
    expect(chooseMode('cdrom', 'auto', '/x')).toBe('copy');
  });
});

describe('more of the plan\'s decisions', () => {
  it('a moved package\'s cache folder refilled with other files is never taken as done, nor for a whole version: SOURCE_MIXED; an empty cache folder downloaded anew is staged again', () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staged');
    for (const e of fs.readdirSync(s.source)) fs.rmSync(p.join(s.source, e), { recursive: true });
    makeTree(s.source, { 'new.cab': 'the next package' });
    fs.writeFileSync(p.join(s.source, LAUNCHER), LAUNCHER_SOURCE, { mode: 0o755 });
    fs.writeFileSync(p.join(s.source, 'zticache.exe'), 'exe');
    const o = { ...s.options(), runningExe: p.join(s.source, 'zticache.exe') };
    // the move's target holds what it moved out of this folder, and nothing else does: it stays
    expect(s.refused(o)).toMatchObject({ exitCode: ExitCode.SOURCE_MIXED, path: s.source });
    // the way out: the cache entry deleted and downloaded again (a folder of its own)
    const files = Object.fromEntries(fs.readdirSync(s.source).map((n) => [n, fs.readFileSync(p.join(s.source, n))]));
    fs.rmSync(s.source, { recursive: true });
    fs.mkdirSync(s.source);
    for (const [n, c] of Object.entries(files)) fs.writeFileSync(p.join(s.source, n), c, { mode: 0o755 });
    const plan = s.plan(o);
    expect(plan).toMatchObject({ action: 'move', removeOldTarget: true, keep: [], leftOut: 'zticache.exe' });
  });

  it('a copy on one volume needs the clusters of every package file, and none for zticache.exe (a hard link beside the package)', () => {
    const s = setup({ 'zticache.exe': Buffer.alloc(50_000, 1), 'data.bin': Buffer.alloc(5000, 2) });
    const o = { ...s.options('--mode', 'copy'), runningExe: p.join(s.source, 'zticache.exe') };
    const plan = s.plan(o, { cluster: 4096 });
    const files = plan.inventory.files;
    expect(files.map((f) => f.rel)).not.toContain('zticache.exe');
    expect(plan.neededBytes).toBe(files.reduce((n, f) => n + Math.ceil(f.size / 4096) * 4096, 0));
    expect(plan.neededBytes).toBeGreaterThan(0);
    // on another volume the exe is copied too, so its clusters count
    expect(s.plan(o, { cluster: 4096, targetVolume: 2 }).neededBytes).toBe(plan.neededBytes + 53_248);
  });

  it('a copy never keeps entries back, and does not stage the running zticache either', () => {
    const s = setup({ 'zticache.exe': 'exe' });
    const plan = s.plan({ ...s.options('--mode', 'copy'), runningExe: p.join(s.source, 'zticache.exe') });
    expect(plan).toMatchObject({ action: 'copy', keep: [], leftOut: 'zticache.exe' });
    // in a folder of its own too: a copy keeps nothing back
    const t = setup({ 'bin/zticache.exe': 'exe', 'bin/other.dll': 'x' });
    expect(t.plan({ ...t.options('--mode', 'copy'), runningExe: p.join(t.source, 'bin', 'zticache.exe') })).toMatchObject({ action: 'copy', keep: [], leftOut: 'bin/zticache.exe' });
    expect(plan.inventory.files.map((f) => f.rel)).not.toContain('zticache.exe');
  });

  it('the platform\'s walk lists the source, the target and the old target (on Windows: no file opened)', () => {
    const s = setup();
    makeTree(s.target, { 'old.bin': Buffer.alloc(400_000) });
    const walked: string[] = [];
    const walk: Platform['walk'] = (pp, root, visit) => {
      walked.push(root);
      return posixPlatform.walk(pp, root, visit);
    };
    const o = { ...s.options(), targetIsDefault: true };
    const needed = s.plan(o, { targetVolume: 2 }).neededBytes;
    makePlan(o, { ...platform({ targetVolume: 2, free: needed - 1 }), walk });
    expect(walked).toEqual([s.source, s.target]);
    // run from the target: the target is walked
    const t = setup();
    fs.mkdirSync(t.minint);
    fs.renameSync(t.source, t.target);
    walked.length = 0;
    makePlan({ ...t.options(), source: t.target }, { ...platform(), walk });
    expect(walked).toEqual([t.target]);
    // an interrupted copy: the source afresh
    const u = setup();
    fs.mkdirSync(u.target, { recursive: true });
    u.journal('staging', { mode: 'copy' });
    walked.length = 0;
    makePlan(u.options(), { ...platform(), walk });
    expect(walked).toEqual([u.source]);
  });

  it('an old target holding the same files still needs the whole package\'s space on another volume', () => {
    const s = setup();
    fs.cpSync(s.source, s.target, { recursive: true });
    const plan = s.plan({ ...s.options(), targetIsDefault: true }, { targetVolume: 2 });
    expect(plan.neededBytes).toBe(allocated(plan.inventory.files, 4096));
  });
});


describe('names, as the target\'s file system has them', () => {
  it('a name Windows cannot hold is refused before any change, naming it, its folder and why', () => {
    const s = setup({ 'OSD/a:b.txt': 'from a Unix share' });
    const e = s.refused(s.options(), { names: winNames });
    expect(e).toMatchObject({ exitCode: ExitCode.NAME_UNUSABLE, path: p.join(s.source, 'OSD/a:b.txt') });
    expect(e.message).toBe(`the package holds a name ${s.target} cannot hold: "a:b.txt" in OSD (${s.source}): it holds ":", which a Windows file name cannot hold; rename it in the package on the distribution point and update the distribution points; nothing was changed`);
    expect(s.plan().action).toBe('move'); // POSIX holds it
  });

  it('two entries that are one name in the target are refused, naming both; how many in all', () => {
    const s = setup({ 'Drivers/NIC.inf': 'a', 'Drivers/nic.INF': 'b', 'x.txt': '1', 'X.TXT': '2' });
    const e = s.refused(s.options(), { names: winNames });
    expect(e).toMatchObject({ exitCode: ExitCode.NAME_CLASH, path: p.join(s.source, 'Drivers/nic.INF') });
    expect(e.message).toBe(`"NIC.inf" and "nic.INF" in Drivers are two entries of the package but one name in ${s.target} (Windows: names compared through the system's upcase table, 8.3 short names made): one would take the other's place; rename it in the package on the distribution point and update the distribution points; nothing was changed (2 names in all)`);
    expect(s.plan().inventory.files.map((f) => f.rel)).toContain('Drivers/nic.INF');
  });

  it('names NTFS keeps apart are staged, whatever toLowerCase() says: the KELVIN SIGN and k', () => {
    const s = setup({ '\u212a.txt': 'kelvin', 'k.txt': 'k' });
    const plan = s.plan(s.options(), { names: winNames });
    expect(plan.inventory.files.map((f) => f.rel)).toEqual(expect.arrayContaining(['\u212a.txt', 'k.txt']));
    expect(plan.names).toBe(winNames);
  });

  it('a name shaped like another entry\'s 8.3 alias is refused where the volume makes aliases, at the top as well', () => {
    const s = setup({ 'ABCDEFGHIJ.txt': 'long', 'ABCDEF~1.TXT': 'named like its alias' });
    const e = s.refused(s.options(), { names: winNames });
    expect(e).toMatchObject({ exitCode: ExitCode.SHORT_NAME_CLASH, path: p.join(s.source, 'ABCDEF~1.TXT') });
    expect(e.message).toBe(`"ABCDEF~1.TXT" at the top of the package could be the 8.3 short name the target volume gives "ABCDEFGHIJ.txt", so in ${s.target} a lookup of one could find the other; rename it in the package on the distribution point and update the distribution points; nothing was changed`);
    expect(s.plan(s.options(), { names: winNamesNo83 }).action).toBe('move');
  });

  it('awkward names are staged and listed for the log', () => {
    const s = setup({ 'OSD/trailing.': 'x', 'OSD/nul.txt': 'y' });
    expect(s.plan(s.options(), { names: winNames }).awkwardNames).toEqual([
      { rel: 'OSD/nul.txt', why: 'NUL is a reserved device name' },
      { rel: 'OSD/trailing.', why: 'it ends with a period or a space' },
    ]);
    expect(s.plan().awkwardNames).toEqual([]);
  });

  it('the launcher and the manifest are found by the target\'s names: another case on Windows, the exact bytes on POSIX', () => {
    const s = setup();
    const o = s.options();
    const upper = { ...o, launcher: p.join(s.target, LAUNCHER.toUpperCase()) };
    expect(s.plan(upper, { names: winNames }).launcher).toBe(p.join(s.target, LAUNCHER));
    expect(s.refused(upper)).toMatchObject({ exitCode: ExitCode.LAUNCHER_MISSING });
  });

  it('a journal the plan wrote is read back under the same rules: a name POSIX holds stays readable', () => {
    const s = setup({ 'a:b.txt': 'x', 'back\\slash.txt': 'y' });
    fs.mkdirSync(s.target, { recursive: true });
    s.journal('staging');
    const plan = s.plan();
    expect(plan.resume).toBe('staging');
    expect(plan.inventory.files.map((f) => f.rel)).toEqual(expect.arrayContaining(['a:b.txt', 'back\\slash.txt']));
  });
});

describe('a rerun after a complete staging: the record decides, the cache folder is evidence', () => {
  /** a move staged whole: the package in the target, the cache folder left with what `left` says */
  const staged = (mode: 'move' | 'copy' = 'move') => {
    const s = setup();
    fs.mkdirSync(s.minint, { recursive: true });
    fs.cpSync(s.source, s.target, { recursive: true, preserveTimestamps: true });
    const j = s.journal('staged', { mode });
    return { ...s, j };
  };

  it('the cache folder is read with the platform\'s walk, and a zticache not run from it is no part of the evidence', () => {
    const s = staged('copy');
    const walked: string[] = [];
    const walk: Platform['walk'] = (pp, root, visit) => {
      walked.push(root);
      return posixPlatform.walk(pp, root, visit);
    };
    const plan = makePlan(s.options(), { ...platform(), walk }); // runningExe undefined: zticache is not in the cache folder
    expect(plan.action).toBe('none');
    expect(walked[0]).toBe(s.source);
  });

  it('a copy staged whole, its cache folder and target untouched: nothing to do, said with the record\'s own count and no kept list', () => {
    const s = staged('copy');
    const plan = s.plan();
    expect(plan).toMatchObject({ action: 'none', removeOldTarget: false });
    expect(plan.reason).toBe(`already staged by an earlier run (journal ${plan.journalFile}); the cache folder holds ${pkgFiles} of its ${pkgFiles} files that zticache left there`);
  });

  it('a target that kept its names and times but not its sizes is not the staged package: the cache folder, whole, is staged again', () => {
    const s = staged('copy');
    const f = p.join(s.target, 'readme.txt');
    const { mtime } = fs.statSync(f);
    fs.writeFileSync(f, 'package readme, longer now\n');
    fs.utimesSync(f, mtime, mtime);
    const plan = s.plan();
    expect(plan.action).toBe('move'); // staged again as this medium is: moved from a local cache
    expect(plan.reason).toContain(`${s.target} no longer holds the whole package an earlier run staged, and the cache folder does (${pkgFiles} of its ${pkgFiles} files that zticache left there): staged again`);
  });

  it('a target replaced or removed since the staging, with the cache folder whole: staged again, saying which', () => {
    const s = staged('copy');
    fs.rmSync(s.target, { recursive: true });
    fs.mkdirSync(s.target);
    const replaced = s.plan();
    expect(replaced.action).toBe('move');
    expect(replaced.reason).toContain(`${s.target} has been replaced since an earlier run staged the package; the cache folder still holds it whole (${pkgFiles} of its ${pkgFiles} files that zticache left there): staged again`);
    fs.rmSync(s.target, { recursive: true });
    expect(s.plan().reason).toContain(`${s.target} has been removed since an earlier run staged the package; the cache folder still holds it whole (${pkgFiles} of its ${pkgFiles} files that zticache left there): staged again`);
  });

  it('a moved package\'s cache folder holding part of it beside one changed and one new file: SOURCE_MIXED naming the cache folder and counting both', () => {
    const s = staged('move');
    fs.rmSync(p.join(s.source, 'setup.cab'));
    fs.writeFileSync(p.join(s.source, 'readme.txt'), 'another version of the readme\n');
    fs.writeFileSync(p.join(s.source, 'added.txt'), 'new');
    const e = s.refused();
    expect(e).toMatchObject({ exitCode: ExitCode.SOURCE_MIXED, path: s.source });
    expect(e.message).toMatch(/holds \d+ file\(s\) of the package zticache staged from it into .*, 2 file\(s\) that differ from it \(first: readme\.txt, changed\), and not the 1 file\(s\)/);
  });
});
