// The staging step called directly with a plan made a moment earlier, and the world changed in
// between, as a racing user or a full disk would change it: every such change is refused with the
// step and the path, the journal goes through its states in order, and nothing the plan did not
// allow is touched.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { PlaceError } from '../../../src/places/places.js';
import { idOf } from '../../../src/state/identity.js';
import { journalFileFor, writeJournal, type Journal } from '../../../src/plan/journal.js';
import { resolveOptions } from '../../../src/cli/options.js';
import { makePlan, type Plan } from '../../../src/plan/plan.js';
import { type Platform } from '../../../src/platform/platform.js';
import { posixPlatform } from '../../../src/platform/posix/platform.js';
import { takeInventory } from '../../../src/plan/inventory.js';
import { stageFs } from '../../../src/stage/fs.js';
import { stage } from '../../../src/stage/stage.js';
import { retryPolicy } from '../../../src/stage/retry.js';
import { LAUNCHER, makePackage, makeTree, memoryLog, scene, snapshot } from '../../helpers/fixtures.js';
import { fault, realFs, rejection, rt } from '../../helpers/seams.js';
import { winNamesNo83 } from '../../helpers/names.js';

const p = path.posix;
afterEach(() => {
  Object.assign(stageFs, realFs);
  vi.restoreAllMocks();
});

function setup(platform: Platform = posixPlatform) {
  const s = scene();
  makePackage(s.source);
  fs.mkdirSync(s.state); // the command prepares it before staging
  const before = snapshot(s.source);
  const log = memoryLog();
  const options = (...more: string[]) => resolveOptions(parseArgs(s.args(...more)), rt(s.dir));
  const plan = (...more: string[]) => makePlan(options(...more), platform);
  const run = (pl: Plan, tty?: NodeJS.WriteStream) => stage(pl, { p, log, platform, parallel: 2, tty });
  /** the journal states in the order they were written */
  const states = () => {
    const seen: string[] = [];
    const real = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to).endsWith('.json') && String(to).includes(`${path.sep}journal-`)) seen.push((JSON.parse(fs.readFileSync(from, 'utf8')) as Journal).state);
      return real(from, to);
    });
    return seen;
  };
  return { ...s, before, log, options, plan, run, states };
}

const refusal = (p: Promise<unknown>) => rejection<ZtiError>(p);

describe('staging', () => {
  it('a fresh move: journal staging then staged, the target created here and identified', async () => {
    const s = setup();
    const seen = s.states();
    const staged = await s.run(s.plan());
    staged.release();
    expect(seen).toEqual(['staging', 'staged']);
    expect(snapshot(s.target)).toStrictEqual(s.before);
    const j = JSON.parse(fs.readFileSync(journalFileFor(p, s.state, s.target), 'utf8')) as Journal;
    expect(j).toMatchObject({ state: 'staged', mode: 'move', targetId: idOf(s.target), source: s.source, target: s.target });
    expect(j.crossed).toBeUndefined();
    expect(s.log.lines).toContain(`info: Created ${s.target} ${posixPlatform.places.createdAs}`);
    expect(s.log.lines.find((l) => l.startsWith('info: Move: '))).toBe('info: Move: 6 entries renamed');
    const done = new RegExp(`^Staged 6 files \\(362\\.1 KB\\) from ${s.source} into ${s.target} in (\\d+\\.\\d\\d) s: 6 moved$`);
    expect(s.log.lines.at(-1)).toBe(`info: ${s.log.events.at(-1)}`);
    expect(Number(done.exec(s.log.events.at(-1)!)?.[1])).toBeLessThan(3600);
    // a move logs no copy rate; nothing but the last line is an event
    expect(s.log.lines.filter((l) => / in \d+\.\d s$/.test(l))).toEqual([]);
    expect(s.log.events).toHaveLength(1);
  });

  it('what was held is let go: on success by release(), on a failure at once', async () => {
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const s = setup();
    const before = fds();
    const staged = await s.run(s.plan());
    expect(fds()).toBeGreaterThan(before); // the target's parent and the target, held
    staged.release();
    expect(fds()).toBe(before);
    const t = setup();
    const pl = t.plan();
    Object.assign(stageFs, { rename: async () => { throw fault('EIO'); } });
    await refusal(t.run(pl));
    expect(fds()).toBe(before);
  });

  it('the terminal\'s bar says Moved for a rename and Copied for a copy', async () => {
    const bar = () => {
      const writes: string[] = [];
      return { writes, tty: { isTTY: true, write: (x: string) => (writes.push(x), true) } as unknown as NodeJS.WriteStream };
    };
    const s = setup();
    const m = bar();
    (await s.run(s.plan(), m.tty)).release();
    expect(m.writes.join('')).toMatch(/\] 100% Moved 362\.1 KB of 362\.1 KB/);
    const x = setup();
    const across = bar();
    (await x.run({ ...x.plan(), sameVolume: false }, across.tty)).release();
    expect(across.writes.join('')).toMatch(/\] 100% Copied 362\.1 KB of 362\.1 KB/);
    const t = setup();
    const c = bar();
    (await t.run(t.plan('--mode', 'copy'), c.tty)).release();
    expect(c.writes.join('')).toMatch(/\] 100% Copied 362\.1 KB of 362\.1 KB/);
  });

  it('an old target is journalled as clearing first, removed, then replaced by a new folder', async () => {
    const s = setup();
    makeTree(s.target, { 'old.txt': 'old' });
    const pl = makePlan({ ...s.options(), targetIsDefault: true }, posixPlatform);
    const seen = s.states();
    (await s.run(pl)).release();
    expect(seen).toEqual(['clearing', 'staging', 'staged']);
    expect(snapshot(s.target)).toStrictEqual(s.before);
    expect(s.log.lines).toContain(`info: Removing the old ${s.target} (not made by zticache (no matching record): replaced, as it is the default PackageSource)`);
  });

  it('a copy says what it copies and how much was already there', async () => {
    const s = setup();
    (await s.run(s.plan('--mode', 'copy'))).release();
    expect(s.log.lines).toContain(`info: Copying the package (6 files, 362.1 KB, in 6 folders) from ${s.source}`);
    expect(s.log.lines).toContain('info: Copy: 6 files copied, 0 already complete from an earlier run');
    expect(s.log.lines.find((l) => / in \d+\.\d s$/.test(l))).toMatch(/^info: Copied 362\.1 KB of 362\.1 KB, 6 of 6 files, /);
    expect(snapshot(s.source)).toStrictEqual(s.before);
    expect(s.log.events.at(-1)).toMatch(new RegExp(`^Staged 6 files \\(362\\.1 KB\\) from ${s.source} into ${s.target} in \\d+\\.\\d\\d s: 6 copied$`));
  });

  it('a move where a file had to be copied says moved and copied apart, and they add up to the package', async () => {
    const s = setup();
    (await s.run({ ...s.plan(), keep: ['readme.txt'] })).release();
    expect(s.log.lines).toContain('info: Move: 5 entries renamed, 1 entry copied and kept in the cache folder');
    expect(s.log.events.at(-1)).toMatch(/^Staged 6 files \(362\.1 KB\) from .* in \d+\.\d\d s: 5 moved, 1 copied and kept in the cache folder$/);
    expect(fs.readFileSync(p.join(s.source, 'readme.txt'), 'utf8')).toBe('package readme\n');
  });

  it('one file is "1 file"', async () => {
    const s = setup();
    for (const e of fs.readdirSync(s.source)) if (e !== LAUNCHER) fs.rmSync(p.join(s.source, e), { recursive: true });
    (await s.run(s.plan())).release();
    expect(s.log.events.at(-1)).toMatch(/^Staged 1 file \(.*\) from .*: 1 moved$/);
  });

  it('an interrupted clearing whose old target is already gone: journalled as clearing, nothing removed', async () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    writeJournal(journalFileFor(p, s.state, s.target), {
      tool: 'zticache', version: 2, source: s.source, sourceId: idOf(s.source)!, target: s.target, targetId: idOf(s.target),
      mode: 'move', state: 'clearing', started: 'then', updated: 'then', inventory: takeInventory(p, s.source),
    });
    fs.rmSync(s.target, { recursive: true });
    const pl = s.plan();
    expect(pl).toMatchObject({ resume: 'clearing', removeOldTarget: false });
    const seen = s.states();
    const removals: string[] = [];
    Object.assign(stageFs, { removeIn: async (_f: unknown, name: string) => void removals.push(name) });
    (await s.run(pl)).release();
    expect(seen).toEqual(['clearing', 'staging', 'staged']);
    expect(removals).toEqual([]);
    expect(s.log.lines.filter((l) => l.includes('Removing the old'))).toEqual([]);
  });

  it('a file held in the old target is retried, and each retry is logged with the file', async () => {
    const s = setup();
    makeTree(s.target, { 'held.log': 'x' });
    const pl = makePlan({ ...s.options(), targetIsDefault: true }, posixPlatform);
    Object.assign(stageFs, {
      removeIn: async (folder: Parameters<typeof realFs.removeIn>[0], name: string, o: Parameters<typeof realFs.removeIn>[2]) => {
        o?.onRetry?.(Object.assign(fault('EBUSY'), { path: path.join(s.target, 'held.log') }), 1, 250);
        o?.onRetry?.(fault('EBUSY'), 2, 500);
        return realFs.removeIn(folder, name);
      },
    });
    (await s.run(pl)).release();
    expect(s.log.lines.filter((l) => l.startsWith('warn: '))).toEqual([
      `warn: removing ${path.join(s.target, 'held.log')}: EBUSY (try 1 of 6), retrying in 250 ms`,
      'warn: removing PackageSource: EBUSY (try 2 of 6), retrying in 500 ms',
    ]);
  });

  it('staging\'s own removal of the old target retries a scanner\'s access-denied (EPERM, EACCES) as it retries a held file, then goes on', async () => {
    const s = setup();
    makeTree(s.target, { 'scanned.log': 'x' });
    const pl = makePlan({ ...s.options(), targetIsDefault: true }, posixPlatform);
    // the real stageFs.removeIn and its retry: only the held folder's removal is made to fail, twice
    const refusals = ['EPERM', 'EACCES'];
    const places = {
      ...posixPlatform.places,
      openFolder: (dir: string, o?: { create?: boolean }) => {
        const real = posixPlatform.places.openFolder(dir, o);
        return Object.assign(Object.create(Object.getPrototypeOf(real)), real, {
          removeTree: (name: string) => {
            const code = refusals.shift();
            if (code) throw new PlaceError(`${path.join(dir, name, 'scanned.log')}: ${code}`, path.join(dir, name, 'scanned.log'), code);
            return real.removeTree(name);
          },
          folder: real.folder.bind(real),
          release: () => real.release(),
        });
      },
    };
    const saved = { ...retryPolicy };
    Object.assign(retryPolicy, { attempts: 3, baseMs: 1, maxMs: 2 });
    try {
      (await stage(pl, { p, log: s.log, platform: { ...posixPlatform, places }, parallel: 2 })).release();
    } finally {
      Object.assign(retryPolicy, saved);
    }
    expect(refusals).toEqual([]);
    expect(s.log.lines.filter((l) => l.startsWith('warn: '))).toEqual([
      `warn: removing ${path.join(s.target, 'scanned.log')}: EPERM (try 1 of 3), retrying in 1 ms`,
      `warn: removing ${path.join(s.target, 'scanned.log')}: EACCES (try 2 of 3), retrying in 2 ms`,
    ]);
    expect(snapshot(s.target)).toStrictEqual(s.before);
  });

  it('nothing to stage: said, and nothing written', async () => {
    const s = setup();
    const seen = s.states();
    const staged = await s.run({ ...s.plan(), action: 'none', reason: 'because' });
    staged.release();
    expect(seen).toEqual([]);
    expect(s.log.lines).toEqual(['info: Nothing to stage: because']);
    expect(s.log.events).toEqual(['Nothing to stage: because']);
    expect(fs.existsSync(s.target)).toBe(false);
  });
});

describe('the world changed between the plan and staging', () => {
  it('a target that appeared meanwhile is someone else\'s: refused, untouched, nothing moved', async () => {
    const s = setup();
    const pl = s.plan();
    makeTree(s.target, { 'planted.exe': 'x' });
    const e = await refusal(s.run(pl));
    expect(e).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: s.target });
    expect(e.message).toBe(`${s.target} appeared while zticache was preparing it (someone else created it); nothing was staged`);
    expect(snapshot(s.target)).toStrictEqual({ 'planted.exe': expect.any(String) });
    expect(snapshot(s.source)).toStrictEqual(s.before);
  });

  it('the target\'s parent swapped for a link: refused as the plan refuses it, nothing written through it', async () => {
    const s = setup();
    const pl = s.plan();
    const elsewhere = path.join(s.dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, s.minint);
    const e = await refusal(s.run(pl));
    expect(e.exitCode).toBe(ExitCode.TARGET_UNSAFE);
    expect(e.message).toMatch(/^the target's parent: .* is a symbolic link or junction .*; zticache will not write or delete through it$/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(snapshot(s.source)).toStrictEqual(s.before);
  });

  it('an interrupted staging whose target was replaced after the plan looked is not resumed into it', async () => {
    const s = setup();
    fs.mkdirSync(s.target, { recursive: true });
    const journal: Journal = {
      tool: 'zticache', version: 2, source: s.source, sourceId: idOf(s.source)!, target: s.target, targetId: idOf(s.target),
      mode: 'move', state: 'staging', started: 'then', updated: 'then', inventory: takeInventory(p, s.source),
    };
    writeJournal(journalFileFor(p, s.state, s.target), journal);
    const pl = s.plan();
    expect(pl.resume).toBe('staging');
    fs.rmSync(s.target, { recursive: true });
    fs.mkdirSync(s.target);
    const e = await refusal(s.run(pl));
    expect(e).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: s.target, message: `${s.target} was replaced after it was checked; nothing was changed` });
    expect(snapshot(s.source)).toStrictEqual(s.before);
    // removed instead: the held open finds nothing
    fs.rmSync(s.target, { recursive: true });
    const gone = await refusal(s.run(pl));
    expect(gone.exitCode).toBe(ExitCode.TARGET_UNSAFE);
    expect(gone.message).toMatch(/^the target: /);
  });

  it('a full disk is NO_SPACE with the package size and the free space now; what was staged is kept', async () => {
    let free = 1e12;
    const s = setup({ ...posixPlatform, freeBytes: () => free });
    const pl = s.plan('--mode', 'copy');
    free = 12_345;
    Object.assign(stageFs, { copyFileSync: () => { throw fault('ENOSPC'); } });
    const e = await refusal(s.run(pl));
    expect(e).toMatchObject({ exitCode: ExitCode.NO_SPACE, path: s.target });
    expect(e.message).toBe('the target volume is full: 362.1 KB needed for the package, 12.1 KB free now; run again after freeing space (what was staged is kept)');
    let asked = 0;
    const t = setup({ ...posixPlatform, freeBytes: () => { if (asked++) throw new Error('gone'); return 1e12; } });
    const tp = t.plan('--mode', 'copy');
    Object.assign(stageFs, { copyFileSync: () => { throw fault('ENOSPC'); } });
    expect((await refusal(t.run(tp))).message).toContain('needed for the package, unknown free now');
    // the system's own ENOSPC, not wrapped by a step, and a volume with 0 bytes left
    let none = 1e12;
    const u = setup({ ...posixPlatform, freeBytes: () => none });
    const up = u.plan('--mode', 'copy');
    none = 0;
    Object.assign(stageFs, { mkdirp: () => { throw fault('ENOSPC'); } });
    const raw = await refusal(u.run(up));
    expect(raw.exitCode).toBe(ExitCode.NO_SPACE);
    expect(raw.message).toContain('needed for the package, 0 B free now');
  });

  it('any other failure names the step it happened in', async () => {
    const s = setup();
    const pl = s.plan();
    Object.assign(stageFs, { rename: async () => { throw fault('EIO'); } });
    const e = await refusal(s.run(pl));
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.message).toMatch(/^cannot move /);
    const t = setup();
    const tp = t.plan('--mode', 'copy');
    Object.assign(stageFs, { mkdirp: () => { throw Object.assign(fault('EACCES'), { path: t.target }); } });
    const f = await refusal(t.run(tp));
    expect(f.message).toBe(`copying the package into ${t.target} failed`);
    expect(f.syscallCode).toBe('EACCES');
    const m = setup();
    const mp = m.plan();
    Object.assign(stageFs, { mkdirp: () => { throw new Error('plain'); } });
    expect((await refusal(m.run(mp))).message).toBe(`moving the package into ${m.target} failed`);
    Object.assign(stageFs, realFs);
    // removing an old target
    const o = setup();
    makeTree(o.target, { 'old.txt': 'x' });
    const op = makePlan({ ...o.options(), targetIsDefault: true }, posixPlatform);
    Object.assign(stageFs, { removeIn: async () => { throw new Error('plain'); } });
    const oe = await refusal(o.run(op));
    expect(oe).toMatchObject({ exitCode: ExitCode.STAGE_FAILED, message: `removing the old ${o.target} failed`, path: o.target });
  });

  it('opening the target\'s parent: a link, not a folder or gone is TARGET_UNSAFE with its path and code; anything else names the step', async () => {
    const s = setup();
    const pl = s.plan();
    const open = (err: Error) => ({ ...posixPlatform.places, openFolder: () => { throw err; } });
    const run = (err: Error) => stage(pl, { p, log: s.log, platform: { ...posixPlatform, places: open(err) }, parallel: 2 });
    for (const code of ['ELOOP', 'ENOTDIR', 'ENOENT']) {
      const e = await refusal(run(new PlaceError(`${s.minint} is odd`, s.minint, code, 1921)));
      expect(e, code).toMatchObject({ exitCode: ExitCode.TARGET_UNSAFE, path: s.minint, winError: 1921, message: `the target's parent: ${s.minint} is odd; zticache will not write or delete through it` });
    }
    const denied = await refusal(run(new PlaceError(`${s.minint} denied`, s.minint, 'EPERM', 5)));
    expect(denied).toMatchObject({ exitCode: ExitCode.STAGE_FAILED, message: `opening ${s.minint} failed at ${s.minint}` });
    const plain = await refusal(run(new Error('odd')));
    expect(plain).toMatchObject({ exitCode: ExitCode.STAGE_FAILED, message: `opening ${s.minint} failed` });
  });

  it('creating the target: only "it exists" means someone else made it; another failure names the step', async () => {
    const s = setup();
    const pl = s.plan();
    const places = {
      ...posixPlatform.places,
      openFolder: (dir: string, o?: { create?: boolean }) => {
        const real = posixPlatform.places.openFolder(dir, o);
        return Object.assign(Object.create(Object.getPrototypeOf(real)), real, {
          folder: (name: string, how: string) => {
            if (how === 'new') throw new PlaceError(`${path.join(dir, name)} denied`, path.join(dir, name), 'EACCES');
            return real.folder(name, how as 'new');
          },
          release: () => real.release(),
        });
      },
    };
    const e = await refusal(stage(pl, { p, log: s.log, platform: { ...posixPlatform, places }, parallel: 2 }));
    expect(e).toMatchObject({ exitCode: ExitCode.STAGE_FAILED, message: `creating ${s.target} failed`, path: s.target });
  });
});

describe('a copy resumed from a fresh inventory', () => {
  it('an entry the distribution point now spells in another case is renamed to the package\'s spelling, parents first, never refused (Windows names)', async () => {
    const s = setup({ ...posixPlatform, names: () => winNamesNo83 });
    makeTree(s.source, { 'Drivers/NET.INF': 'net', 'Drivers/Sub/X.INF': 'x', 'Drivers/keep.txt': 'k' });
    (await s.run(s.plan('--mode', 'copy'))).release();
    const file = journalFileFor(p, s.state, s.target);
    writeJournal(file, { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Journal), state: 'staging' });
    // the new version: Drivers -> drivers, NET.INF -> net.inf, Sub -> SUB, X.INF -> x.inf
    fs.renameSync(path.join(s.source, 'Drivers'), path.join(s.source, 'drivers'));
    fs.renameSync(path.join(s.source, 'drivers', 'NET.INF'), path.join(s.source, 'drivers', 'net.inf'));
    fs.renameSync(path.join(s.source, 'drivers', 'Sub'), path.join(s.source, 'drivers', 'SUB'));
    fs.renameSync(path.join(s.source, 'drivers', 'SUB', 'X.INF'), path.join(s.source, 'drivers', 'SUB', 'x.inf'));
    const renamed: string[] = [];
    Object.assign(stageFs, { rename: async (a: string, b: string) => { renamed.push(`${path.relative(s.target, a)} -> ${path.relative(s.target, b)}`); return realFs.rename(a, b); } });
    (await s.run(s.plan('--mode', 'copy'))).release();
    // each through a name of its own (a rename to another case of the same name is a no-op under Wine)
    const t = (n: number) => `~zticache-rename-${process.pid}-${n}`;
    expect(renamed).toEqual([
      `Drivers -> ${t(0)}`, `${t(0)} -> drivers`, `drivers/Sub -> drivers/${t(1)}`, `drivers/${t(1)} -> drivers/SUB`,
      `drivers/NET.INF -> drivers/${t(2)}`, `drivers/${t(2)} -> drivers/net.inf`, `drivers/SUB/X.INF -> drivers/SUB/${t(3)}`, `drivers/SUB/${t(3)} -> drivers/SUB/x.inf`,
    ]);
    expect(s.log.lines).toContain(`info: Renamed 4 files and folders in ${s.target} to the package's spelling (another case on the distribution point)`);
    expect(s.log.lines.filter((l) => l.includes('no longer in the package'))).toEqual([]);
    expect(snapshot(s.target)).toStrictEqual(snapshot(s.source));
  });

  it('removes from zticache\'s own target what the package no longer has, deepest first, and says how many', async () => {
    const s = setup();
    (await s.run(s.plan('--mode', 'copy'))).release();
    // the journal says: interrupted copy
    const file = journalFileFor(p, s.state, s.target);
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
    writeJournal(file, { ...j, state: 'staging' });
    makeTree(s.target, { 'Stale/deep/old.bin': 'x', 'OSD/gone.xml': 'y' });
    fs.rmSync(path.join(s.source, 'readme.txt'));
    const removed: string[] = [];
    Object.assign(stageFs, { rm: async (x: string) => { removed.push(path.relative(s.target, x)); return realFs.rm(x); } });
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    const seen = s.states();
    (await s.run(s.plan('--mode', 'copy'))).release();
    expect(fds()).toBe(before);
    expect(seen).toEqual(['staging', 'staged']);
    // the files first, then the folders no longer wanted, deepest first
    expect(removed.slice(0, 3).sort()).toEqual(['OSD/gone.xml', 'Stale/deep/old.bin', 'readme.txt']);
    expect(removed.slice(3)).toEqual(['Stale/deep', 'Stale']);
    expect(s.log.lines).toContain(`info: Removed 5 files and folders from ${s.target} that are no longer in the package`);
    expect(snapshot(s.target)).toStrictEqual(snapshot(s.source));
    // again, with nothing to prune: no count is logged; a failure while pruning names the step
    const j2 = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
    writeJournal(file, { ...j2, state: 'staging' });
    const lines = s.log.lines.length;
    (await s.run(s.plan('--mode', 'copy'))).release();
    expect(s.log.lines.slice(lines).filter((l) => l.includes('no longer in the package'))).toEqual([]);
    writeJournal(file, { ...j2, state: 'staging' });
    makeTree(s.target, { 'extra.txt': 'x' });
    Object.assign(stageFs, { rm: async () => { throw new Error('plain'); } });
    const e = await refusal(s.run(s.plan('--mode', 'copy')));
    expect(e.message).toBe(`removing from ${s.target} what is no longer in the package failed`);
  });
});
