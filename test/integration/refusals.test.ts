// Every refusal: a clear message, a documented exit code, and nothing changed on disk.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { idOf } from '../../src/state/identity.js';
import { journalFileFor } from '../../src/plan/journal.js';
import { spawnSync } from 'node:child_process';
import { mainWith, realFs, rt } from '../helpers/seams.js';
import { winNames } from '../helpers/names.js';
import { expectExit, itProcess, makePackage, makeTree, mountTmpfs, needs, readReport, scene, snapshot, VERSION, zticache, zticacheProcess } from '../helpers/fixtures.js';

/** Runs zticache, expects the code, and checks that neither the source nor MININT changed. */
async function refuses(s: ReturnType<typeof scene>, args: string[], code: number, message: RegExp) {
  const before = { source: snapshot(s.source), minint: snapshot(s.minint), minintExists: fs.existsSync(s.minint) };
  const r = await zticache(args);
  expectExit(r, code);
  expect(r.out).toMatch(message);
  expect(snapshot(s.source)).toEqual(before.source);
  const after = snapshot(s.minint);
  delete after['SMSOSD/OSDLOGS/ZTICache.log']; // the log is the one thing written
  delete before.minint['SMSOSD/OSDLOGS/ZTICache.log'];
  expect(after).toEqual(before.minint);
  expect(readReport(s.report)).toBeUndefined();
  return r;
}

describe('refusals before any change', () => {
  it('a missing source', async () => {
    const s = scene();
    await refuses(s, s.args(), ExitCode.SOURCE_MISSING, /source folder .*ABC00001 does not exist/);
    expect(fs.existsSync(s.target)).toBe(false);
  });

  it('a source that is a file', async () => {
    const s = scene();
    makeTree(path.dirname(s.source), { ABC00001: 'a file' });
    await refuses(s, s.args(), ExitCode.SOURCE_NOT_FOLDER, /is not a folder/);
  });

  it('an empty source (empty folders only)', async () => {
    const s = scene();
    makeTree(s.source, { 'a/b': null });
    await refuses(s, s.args(), ExitCode.SOURCE_EMPTY, /holds no files/);
  });

  it('a symbolic link anywhere in the package', async () => {
    const s = scene();
    makePackage(s.source);
    fs.symlinkSync('/etc', path.join(s.source, 'OSD/Custom/Deep/link'));
    await refuses(s, s.args(), ExitCode.SOURCE_HAS_LINK, /symbolic link or junction: .*Deep\/link/);
  });

  it('a source that is itself a link', async () => {
    const s = scene();
    const real = path.join(s.dir, 'real');
    makePackage(real);
    fs.mkdirSync(path.dirname(s.source), { recursive: true });
    fs.symlinkSync(real, s.source);
    await refuses(s, s.args(), ExitCode.SOURCE_HAS_LINK, /is a symbolic link or junction; give the real folder/);
  });

  it('a volume root is never moved: everything on the drive stays, --mode copy copies it', async (ctx) => {
    const s = scene();
    const unmount = mountTmpfs(s.source);
    if (!needs(ctx, unmount !== undefined, 'root to mount a tmpfs')) return;
    try {
      makePackage(s.source, { 'Users/alice/thesis.docx': 'not part of any package' });
      const r = await refuses(s, s.args('--', s.report, '0'), ExitCode.SOURCE_IS_VOLUME_ROOT, /is the root of a volume; zticache never moves a drive's top level .*--mode copy/);
      expect(r.out.match(/is the root of a volume/g)).toHaveLength(1);
      expect(fs.existsSync(s.target)).toBe(false);
      const copied = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
      expect(copied.code, copied.out).toBe(0);
      expect(snapshot(s.target)).toEqual(snapshot(s.source));
      expect(fs.existsSync(path.join(s.source, 'Users/alice/thesis.docx'))).toBe(true);
    } finally {
      unmount!();
    }
  });

  it('a state folder that is a file, below a file or a dangling link: STATE_UNSAFE in one line, not a stack', async () => {
    const s = scene();
    makePackage(s.source);
    const file = path.join(s.dir, 'state-file');
    fs.writeFileSync(file, 'x');
    const dangling = path.join(s.dir, 'state-link');
    fs.symlinkSync(path.join(s.dir, 'nowhere'), dangling);
    for (const [dir, why] of [[file, /state-file is not a folder/], [path.join(file, 'below'), /state-file is not a folder/], [dangling, /state-link is a symbolic link or junction/]] as const) {
      const r = await refuses(s, ['--source', s.source, '--target', s.target, '--launch', 'launch.js', '--state-dir', dir], ExitCode.STATE_UNSAFE, why);
      expect(r.out).not.toMatch(/\n\s+at /);
    }
    expect(fs.existsSync(path.join(s.dir, 'nowhere'))).toBe(false);
  });

  it('a state folder others can write, or another user made: STATE_UNSAFE, its journals are never read', async () => {
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(s.state, { mode: 0o700 });
    fs.chmodSync(s.state, 0o777);
    await refuses(s, s.args(), ExitCode.STATE_UNSAFE, /state folder .*state can be written by other users \(mode 777\)/);
    fs.chmodSync(s.state, 0o730);
    await refuses(s, s.args(), ExitCode.STATE_UNSAFE, /can be written by other users \(mode 730\)/);
    fs.chmodSync(s.state, 0o700);
    fs.chownSync(s.state, 65534, 65534);
    await refuses(s, s.args(), ExitCode.STATE_UNSAFE, /state folder .*state belongs to user 65534, not to root or the user running zticache/);
  });

  it('a target inside the source', async () => {
    const s = scene();
    makePackage(s.source);
    const inside = path.join(s.source, 'MININT', 'PackageSource');
    await refuses(s, [...s.stateArgs, '--source', s.source, '--target', inside, '--launch', 'launch.js', '--log', path.join(s.dir, 'zti.log')], ExitCode.OVERLAP, /inside the source/);
  });

  it('a source inside the target', async () => {
    const s = scene();
    const src = path.join(s.target, 'pkg');
    makePackage(src);
    const before = snapshot(s.target);
    const r = await zticache([...s.stateArgs, '--source', src, '--target', s.target, '--launch', 'launch.js']);
    expectExit(r, ExitCode.OVERLAP);
    expect(snapshot(s.target)).toEqual(before);
  });

  it('no launcher in the package', async () => {
    const s = scene();
    makePackage(s.source);
    await refuses(s, [...s.stateArgs, '--source', s.source, '--target', s.target], ExitCode.LAUNCHER_MISSING, /launcher OSDLaunch\.exe is not a file of the package.*nothing was changed/);
  });

  it('a PackageSource that is a link: nothing is deleted or written through it', async () => {
    const s = scene();
    makePackage(s.source);
    const elsewhere = path.join(s.dir, 'precious');
    makeTree(elsewhere, { 'keep.txt': 'keep' });
    fs.mkdirSync(s.minint, { recursive: true });
    fs.symlinkSync(elsewhere, s.target);
    await refuses(s, s.args(), ExitCode.TARGET_UNSAFE, /target .*PackageSource is a symbolic link/);
    expect(snapshot(elsewhere)).toEqual({ 'keep.txt': expect.any(String) });
  });

  it('a MININT that is a link', async () => {
    const s = scene();
    makePackage(s.source);
    const elsewhere = path.join(s.dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, s.minint);
    const r = await zticache(s.args()); // the default log is under MININT too
    expectExit(r, ExitCode.TARGET_UNSAFE);
    expect(r.out).toMatch(/not writing the log file .*MININT is a symbolic link or junction/);
    expect(r.out).toMatch(new RegExp(`the target's parent .*MININT is a symbolic link or junction; zticache will not write or delete through it \\[exit ${ExitCode.TARGET_UNSAFE}\\]`));
    expect(fs.readdirSync(elsewhere)).toEqual([]); // neither staged nor logged through the link
  });

  it('a journal in the state folder that is not valid JSON: the old target is kept', async () => {
    const s = scene();
    makePackage(s.source);
    makeTree(s.target, { 'moved-earlier.bin': 'only copy' });
    writeStateJournal(s, '{"tool":"zticache", trunc');
    await refuses(s, s.args(), ExitCode.JOURNAL_CONFLICT, /journal .* is unreadable: not valid JSON.*nothing was deleted/);
  });

  it('a journal of an unfinished staging from another source: the old target is kept', async () => {
    const s = scene();
    makePackage(s.source);
    makeTree(s.target, { 'moved-earlier.bin': 'only copy' });
    writeStateJournal(s, journalOf(s, { source: '/elsewhere/XYZ00002', sourceId: { dev: '1', ino: '2' }, state: 'staging' }));
    await refuses(s, s.args(), ExitCode.JOURNAL_CONFLICT, /unfinished staging from \/elsewhere\/XYZ00002.*--source "\/elsewhere\/XYZ00002"/);
  });

  it('a manifest that lists a file the package does not have', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.sha256': `${'0'.repeat(64)}  not/there.bin\n` });
    await refuses(s, s.args(), ExitCode.VERIFY_FAILED, /lists 1 file\(s\) that are not in the package, first: not\/there\.bin/);
  });

  it('a manifest given with --manifest that does not exist', async () => {
    const s = scene();
    makePackage(s.source);
    await refuses(s, s.args('--manifest', path.join(s.dir, 'nope.sha256')), ExitCode.MANIFEST_UNREADABLE, /cannot read the manifest/);
  });

  it('free space is counted in clusters: 3,000 small files refused in the plan (--what-if too), not part way', async () => {
    const s = scene();
    makePackage(s.source, Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`small/f${i}.txt`, 'x'.repeat(200)])));
    const { mainWith } = await import('../helpers/seams.js');
    const { posixPlatform } = await import('../../src/platform/posix/platform.js');
    // 5 MB free: more than the 0.9 MB of data, less than the 12 MB of 4 KB clusters
    const tight = { platform: { ...posixPlatform, freeBytes: () => 5_000_000, clusterBytes: () => 4096 } };
    const rt = { platform: 'linux' as const, env: {}, execPath: process.execPath, packaged: false, cwd: s.dir };
    expect(await mainWith(tight, s.args('--mode', 'copy', '--what-if'), rt)).toBe(ExitCode.NO_SPACE);
    expect(await mainWith(tight, s.args('--mode', 'copy', '--', s.report, '0'), rt)).toBe(ExitCode.NO_SPACE);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/\(1\d{7} bytes: \d+\.\d KB of data in 3006 files, on 4096-byte clusters\)/);
    expect(fs.existsSync(s.target)).toBe(false);
  });

  it('not enough free space for a copy names the bytes needed and free', async () => {
    const s = scene();
    makePackage(s.source);
    // a 1 MiB tmpfs would be the honest way; the same check through the platform seam:
    const { mainWith } = await import('../helpers/seams.js');
    const { posixPlatform } = await import('../../src/platform/posix/platform.js');
    const code = await mainWith({ platform: { ...posixPlatform, freeBytes: () => 1000, clusterBytes: () => 4096 } }, s.args('--mode', 'copy', '--', s.report, '0'), { platform: 'linux', env: {}, execPath: process.execPath, packaged: false, cwd: s.dir });
    expect(code).toBe(ExitCode.NO_SPACE);
    // 6 files: 18 + 74 clusters for the two large ones, one each for the four small ones
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/not enough free space .*: 384\.0 KB needed \(393216 bytes: 362\.\d+ KB of data in 6 files, on 4096-byte clusters\), 1000 B free \(1000 bytes\)/);
    expect(fs.existsSync(s.target)).toBe(false);
  });

  it('a command line refused once the log can be opened is logged there, with its summary (every failure leaves a trace)', async () => {
    const s = scene();
    makePackage(s.source);
    const log = path.join(s.dir, 'logs', 'zti.log');
    fs.mkdirSync(path.dirname(log)); // with no --target to check it against, --log is used only where its folder exists
    const r = await zticache(['--source', s.source, '--log', log, ...s.stateArgs]); // no --target
    expectExit(r, ExitCode.USAGE);
    const text = fs.readFileSync(log, 'utf8');
    expect(text).toMatch(/zticache [\d.]+ started/);
    expect(text).toMatch(/--target is required .*\[exit 900000001\]\]LOG\]!>.*type="3"/);
    expect(text).toMatch(/finished in .*failed, USAGE; exit code 900000001/);
    // --what-if writes no log, failed or not
    const quiet = path.join(s.dir, 'quiet.log');
    expectExit(await zticache(['--source', s.source, '--log', quiet, '--what-if']), ExitCode.USAGE);
    expect(fs.existsSync(quiet)).toBe(false);
  });

  it('unknown arguments in both forms', async () => {
    expectExit(await zticache(['--frobnicate']), ExitCode.USAGE);
    const r = await zticache(['/frobnicate:yes']);
    expectExit(r, ExitCode.USAGE);
    expect(r.out).toMatch(/unknown option \/frobnicate/);
  });
});

describe('a journal that names paths outside its package', () => {
  // even in the state folder, every path a journal names is checked before it steers a move or a delete
  for (const [what, inventory] of [
    ['a file', { files: [{ rel: '../../outside.txt', size: 23, mtimeMs: 0 }], dirs: [], bytes: 23 }],
    ['a folder', { files: [], dirs: ['..'], bytes: 0 }],
  ] as const) {
    it(`(${what}) is refused; nothing is moved or deleted`, async () => {
      const s = scene();
      makePackage(s.source);
      const outside = path.join(s.dir, 'outside.txt');
      fs.writeFileSync(outside, 'not part of any package');
      fs.mkdirSync(s.target, { recursive: true });
      writeStateJournal(s, journalOf(s, { state: 'staging', inventory }));
      await refuses(s, s.args(), ExitCode.JOURNAL_CONFLICT, /inventory (path|folder) (leaves the package|malformed or outside the package): \.\./);
      expect(fs.readFileSync(outside, 'utf8')).toBe('not part of any package');
    });
  }
});

/** A journal for this scene's source and target, as zticache writes them, with some fields changed. */
function journalOf(s: ReturnType<typeof scene>, over: Record<string, unknown>) {
  return {
    tool: 'zticache', version: 2, source: s.source, sourceId: idOf(s.source), target: s.target, targetId: idOf(s.target),
    mode: 'move', state: 'staged', started: '', updated: '', inventory: { files: [], dirs: [], bytes: 0 }, ...over,
  };
}

function writeStateJournal(s: ReturnType<typeof scene>, journal: unknown) {
  fs.mkdirSync(s.state, { recursive: true, mode: 0o700 });
  fs.writeFileSync(journalFileFor(path.posix, s.state, s.target), typeof journal === 'string' ? journal : JSON.stringify(journal));
}

describe('--what-if changes nothing', () => {
  /** every file and folder under dir with its content, mode and time: what "changes nothing" is measured against */
  function everything(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        const st = fs.lstatSync(p);
        out[path.relative(dir, p)] = `${st.mode} ${st.mtimeMs} ${e.isFile() ? fs.readFileSync(p).toString('hex') : ''}`;
        if (e.isDirectory()) walk(p);
      }
    };
    walk(dir);
    return out;
  }

  it('on a first run (no state folder yet) and beside an earlier run\'s state: not a file is made, changed or removed', async () => {
    const s = scene();
    makePackage(s.source);
    const before = everything(s.dir);
    const r = await zticache(s.args('--what-if', '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/The state folder .*state does not exist, and --what-if creates nothing/);
    expect(everything(s.dir)).toEqual(before);

    // an earlier run's state (journal, owner.json, lock key), and a new package in the cache
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    makePackage(s.source, { 'new.txt': 'next package' });
    const after = everything(s.dir);
    const again = await zticache(s.args('--what-if', '--', s.report, '0'));
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/Holding the run lock/);
    expect(everything(s.dir)).toEqual(after);

    // nor does zticache manifest DIR --what-if
    const r3 = await zticache(['manifest', s.source, '--what-if']);
    expect(r3.code, r3.out).toBe(0);
    expect(r3.out).toMatch(/Would write .*zticache\.sha256: \d+ files, \d+ bytes \(--what-if: nothing was written\)/);
    expect(everything(s.dir)).toEqual(after);
  });
});

describe('names the target cannot stage whole, refused before any change (Windows\' rules, in-process)', () => {
  // the CLI on Linux stages into a POSIX folder, where these names are fine: main() is run with the
  // Windows names authority in place, as zticache.exe has it
  const cases: Array<{ name: string; extra: Record<string, string>; code: number; words: RegExp }> = [
    { name: 'a name Windows cannot hold (served by a Unix share)', extra: { 'OSD/a:b.txt': 'x' }, code: ExitCode.NAME_UNUSABLE, words: /the package holds a name .* cannot hold: "a:b\.txt" in OSD .*: it holds ":"/ },
    { name: 'two names that are one in NTFS (a case-sensitive cache folder)', extra: { 'Setup.cab': 'x', 'setup.CAB': 'y' }, code: ExitCode.NAME_CLASH, words: /"Setup\.cab" and "setup\.CAB" at the top of the package are two entries of the package but one name/ },
    { name: 'a name shaped like another\'s 8.3 alias', extra: { 'ABCDEFGHIJ.txt': 'long', 'ABCDEF~1.TXT': 'alias-shaped' }, code: ExitCode.SHORT_NAME_CLASH, words: /"ABCDEF~1\.TXT" at the top of the package could be the 8\.3 short name the target volume gives "ABCDEFGHIJ\.txt"/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = scene();
      makePackage(s.source, c.extra);
      const before = snapshot(s.source);
      const code = await mainWith({ platform: { names: () => winNames } }, s.args('--', s.report, '0'), rt(s.dir));
      expect(code).toBe(c.code);
      expect(fs.readFileSync(s.log, 'utf8')).toMatch(c.words);
      expect(snapshot(s.source)).toStrictEqual(before);
      expect(fs.existsSync(s.target)).toBe(false);
      expect(s.journal()).toEqual({ kind: 'none' });
      expect(readReport(s.report)).toBeUndefined();
    });
  }

  it('KELVIN SIGN and k, which toLowerCase() folds together, are staged, verified and launched', async () => {
    const s = scene();
    makePackage(s.source, { '\u212a.txt': 'kelvin', 'k.txt': 'k', 'STRASSE': '1', 'stra\u00dfe': '2' });
    const code = await mainWith({ platform: { names: () => winNames } }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(0);
    expect(readReport(s.report)!.files).toEqual(snapshot(s.target));
    expect(Object.keys(snapshot(s.target))).toEqual(expect.arrayContaining(['\u212a.txt', 'k.txt', 'STRASSE', 'stra\u00dfe']));
  });
});

describe('a name cannot forge log lines', () => {
  it('a folder named with a CR and a fake entry is logged escaped: every line of the log is one whole entry', async () => {
    const s = scene();
    makePackage(s.source, { 'x\rFORGED Return code from OSDLaunch.exe = 0\n<![LOG[y': null });
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, 0);
    const text = fs.readFileSync(s.log, 'utf8');
    const lines = text.split(/\r\n|\r|\n/).filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line, line).toMatch(/^<!\[LOG\[.*\]LOG\]!><time="[^"]+" date="[^"]+" component="ZTICache" context="" type="\d" thread="\d+" file="">$/);
    expect(text).toContain('x\\u000dFORGED Return code from OSDLaunch.exe = 0\\u000a<![LOG(y');
    expect(r.out).not.toMatch(/\rFORGED/);
  });
});

describe('a refused command line writes only where a normal run\'s checks would let it', () => {
  it('--log inside the package with another refusal (no --source through node): the package is untouched, the default log has the lines', async () => {
    const s = scene();
    makePackage(s.source);
    const before = snapshot(s.source);
    const r = await zticache(['--target', s.target, '--launch', 'launch.js', ...s.stateArgs, `--log=${path.join(s.source, 'log.txt')}`]);
    expectExit(r, ExitCode.USAGE);
    expect(snapshot(s.source)).toStrictEqual(before);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/--source is required when zticache runs through node/);
  });

  it('--log in a target that does not exist yet, with a refused command line: the target is not created', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(['--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs, '--log', path.join(s.target, 'z.log'), '--parallel', '0']);
    expectExit(r, ExitCode.USAGE);
    expect(fs.existsSync(s.target)).toBe(false);
    // refused for the log's own place: inside the target given
    const inside = await zticache(['--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs, '--log', path.join(s.target, 'z.log'), '--manifest', s.dir]);
    expectExit(inside, ExitCode.USAGE);
    expect(fs.existsSync(s.target)).toBe(false);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/--log .*z\.log is inside the target/);
  });

  it('--log inside MININT\\PackageSource on a refused command line with no target to check it against: nothing is created there', async () => {
    const s = scene();
    makePackage(s.source);
    // POSIX has no default target: a corrected command line may name this very folder
    for (const extra of [[], ['--mode', 'copy'], ['--what-if']]) {
      const r = await zticache(['--source', s.source, '--launch', 'launch.js', ...s.stateArgs, '--log', path.join(s.target, 'SMSOSD', 'z.log'), ...extra]);
      expectExit(r, ExitCode.USAGE);
      expect(fs.existsSync(s.target), extra.join(' ')).toBe(false);
      expect(fs.existsSync(s.minint), extra.join(' ')).toBe(false);
    }
  });
});

describe('the status MIF where others could plant something (POSIX: the default log folder)', () => {
  const failing = (s: ReturnType<typeof scene>) => [...s.args('--status-mif', 'ZTICache.mif', '--launch', 'not-there.exe')];
  const mifOf = (s: ReturnType<typeof scene>) => path.join(s.minint, 'SMSOSD', 'OSDLOGS', 'ZTICache.mif');

  it('an older, longer MIF is replaced whole: nothing of it is left after the new text', async () => {
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(path.dirname(mifOf(s)), { recursive: true });
    fs.writeFileSync(mifOf(s), 'x'.repeat(100_000));
    expectExit(await zticache(failing(s)), ExitCode.LAUNCHER_MISSING);
    const text = fs.readFileSync(mifOf(s), 'latin1');
    expect(text).toMatch(/^START COMPONENT\r\n[\s\S]*END COMPONENT\r\n$/);
    expect(text).not.toContain('xxx');
  });

  it('a link planted under its name is refused, and what it points to is untouched', async () => {
    const s = scene();
    makePackage(s.source);
    const victim = path.join(s.dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    fs.mkdirSync(path.dirname(mifOf(s)), { recursive: true });
    fs.symlinkSync(victim, mifOf(s));
    const r = await zticache(failing(s));
    expectExit(r, ExitCode.LAUNCHER_MISSING);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(r.out).toMatch(/cannot write the status MIF .*ZTICache\.mif: .*link/);
  });

  it('a FIFO planted under its name is refused at once, never waited on', async () => {
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(path.dirname(mifOf(s)), { recursive: true });
    expect(spawnSync('mkfifo', [mifOf(s)]).status).toBe(0);
    const r = await zticache(failing(s)); // a blocking open would hang here until the suite's ceiling
    expectExit(r, ExitCode.LAUNCHER_MISSING);
    expect(r.out).toMatch(/cannot write the status MIF .*ZTICache\.mif: .*is not a regular file/);
  });

  it('a refused command line writes one too (a --log inside the package), but never under --what-if', async () => {
    const s = scene();
    makePackage(s.source);
    const refused = [...s.args('--status-mif', 'ZTICache.mif', '--log', path.join(s.source, 'z.log'))];
    expectExit(await zticache([...refused, '--what-if']), ExitCode.USAGE);
    expect(fs.existsSync(mifOf(s))).toBe(false);
    expectExit(await zticache(refused), ExitCode.USAGE);
    expect(fs.readFileSync(mifOf(s), 'latin1')).toMatch(/VALUE = "USAGE \(fix the command line\): --log .*z\.log is inside the package/);
  });

  it('--what-if writes none even where the MIF\'s folder exists (as %windir% always does)', async () => {
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(path.dirname(mifOf(s)), { recursive: true });
    expectExit(await zticache([...failing(s), '--what-if']), ExitCode.LAUNCHER_MISSING);
    expect(fs.existsSync(mifOf(s))).toBe(false);
    // the control: without --what-if the same refusal writes it there
    expectExit(await zticache(failing(s)), ExitCode.LAUNCHER_MISSING);
    expect(fs.readFileSync(mifOf(s), 'latin1')).toMatch(/VALUE = "LAUNCHER_MISSING \(fix the launcher in the package\): /);
  });

  it('the shipped program sets the MIF\'s Version to the fixed default, never its own version (the Reporting tab must keep matching a newer zticache.exe)', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticacheProcess(failing(s)); // the built CLI as it ships, not main() handed options
    expectExit(r, ExitCode.LAUNCHER_MISSING);
    const version = /NAME = "Version"\r\n {6}ID = 3\r\n(?:.*\r\n){3}.*VALUE = "([^"]*)"/.exec(fs.readFileSync(mifOf(s), 'latin1'))?.[1];
    expect(version).toBe('1.0');
    expect(version).not.toBe(VERSION);
    // and --mif-version is what the Reporting tab says
    expectExit(await zticacheProcess([...failing(s), '--mif-version', 'XP 2.5']), ExitCode.LAUNCHER_MISSING);
    expect(fs.readFileSync(mifOf(s), 'latin1')).toContain('VALUE = "XP 2.5"');
  });

  itProcess('a launcher that is there but cannot be started (its interpreter is missing) writes one: LAUNCH_FAILED, after the staging', async () => {
    const s = scene();
    makePackage(s.source, { 'run.sh': '#!/nonexistent/interpreter\nexit 0\n' });
    fs.chmodSync(path.join(s.source, 'run.sh'), 0o755);
    const r = await zticacheProcess([...s.args('--status-mif', 'ZTICache.mif', '--launch', 'run.sh')]);
    expectExit(r, ExitCode.LAUNCH_FAILED);
    expect(r.out).toMatch(/cannot start the launcher .*run\.sh \(ENOENT\)/);
    expect(fs.readFileSync(mifOf(s), 'latin1')).toMatch(/VALUE = "LAUNCH_FAILED \(allow the launcher, run again\): cannot start the launcher /);
  });

  it('a refusal under --what-if writes none; a launcher that fails to start writes one, with the default Version', async () => {
    const s = scene();
    makePackage(s.source);
    expectExit(await zticache([...failing(s), '--what-if']), ExitCode.LAUNCHER_MISSING);
    expect(fs.existsSync(mifOf(s))).toBe(false);
    // the launcher is there at the plan and gone when it is started: LAUNCH_FAILED, before it ran
    const launcher = path.join(s.dir, 'tools', 'gone.sh');
    fs.mkdirSync(path.dirname(launcher), { recursive: true });
    fs.writeFileSync(launcher, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const code = await mainWith({ fs: { rename: async (a, b) => { fs.rmSync(launcher, { force: true }); return realFs.rename(a, b); } } }, [...s.args('--status-mif', 'ZTICache.mif', '--launch', launcher)], rt(s.dir, { version: '9.8.7' }));
    expect(code).toBe(ExitCode.LAUNCH_FAILED);
    const mif = fs.readFileSync(mifOf(s), 'latin1');
    expect(mif).toMatch(/VALUE = "LAUNCH_FAILED \(allow the launcher, run again\): /);
    expect(mif).toMatch(/NAME = "Version"\r\n {6}ID = 3\r\n(?:.*\r\n){3}.*VALUE = "1\.0"/);
  });
});
