// The smaller promises: manifests that round-trip every name sha256sum can write, a manifest that
// cannot hang a run, launcher command lines logged as Windows parses them, a stop request during
// launch that is logged and passed on, and the cross-volume count that counts real copies.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import {
  CLI, GATED_LAUNCHER, GATED_LAUNCHER_SOURCE, expectExit, makePackage, needs, readReport, scene, tempDir, waitFor, zticache, itProcess,
} from '../helpers/fixtures.js';

describe('manifests', () => {
  it('names with a backslash, a newline or a carriage return round-trip in sha256sum\'s escaped form', async () => {
    const s = scene();
    const odd = ['back\\slash.txt', 'new\nline.txt', 'sub/cr\rx.txt'];
    makePackage(s.source, Object.fromEntries(odd.map((n, i) => [n, `odd ${i}`])));
    const m = await zticache(['manifest', s.source]);
    expect(m.code, m.out).toBe(0);
    const text = fs.readFileSync(path.join(s.source, 'zticache.sha256'), 'utf8');
    expect(text).toMatch(/^\\[0-9a-f]{64} {2}back\\\\slash\.txt$/m);
    expect(text).toMatch(/^\\[0-9a-f]{64} {2}new\\nline\.txt$/m);
    const check = await execa('sha256sum', ['-c', '--strict', 'zticache.sha256'], { cwd: s.source, reject: false, all: true });
    expect(check.exitCode, check.all).toBe(0);
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Verified the SHA-256 of 9 files/);
    for (const n of odd) expect(readReport(s.report)!.files[n], n).toBeDefined();
  });

  it('a --manifest that is a FIFO is refused at once instead of hanging the run', async () => {
    const s = scene();
    makePackage(s.source);
    const fifo = path.join(s.dir, 'manifest.fifo');
    await execa('mkfifo', [fifo]);
    const r = await zticache(s.args('--manifest', fifo, '--', s.report, '0'));
    expectExit(r, ExitCode.MANIFEST_UNREADABLE);
    expect(r.out).toMatch(/the manifest .*manifest\.fifo is not a regular file/);
    expect(fs.existsSync(s.target)).toBe(false);
  });
});

describe('the launcher', () => {
  it('its command line is logged quoted as Windows parses it', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--', s.report, '0', 'with space', 'say "hi"', ''));
    expect(r.code, r.out).toBe(0);
    expect(readReport(s.report)!.args).toEqual(['with space', 'say "hi"', '']);
    expect(fs.readFileSync(s.log, 'utf8')).toContain(`Running ${path.join(s.target, 'launch.js')} ${s.report} 0 "with space" "say \\"hi\\"" ""`);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    itProcess(`${signal} to zticache while the launcher runs: logged, passed on, exit 128 + the signal`, async () => {
      const s = scene();
      makePackage(s.source);
      fs.writeFileSync(path.join(s.source, GATED_LAUNCHER), GATED_LAUNCHER_SOURCE, { mode: 0o755 });
      const run = execa(process.execPath, [CLI, ...s.args('--launch', GATED_LAUNCHER, '--', s.report, '0', path.join(s.dir, 'never'))], { reject: false, all: true });
      await waitFor('the launcher to start', () => fs.existsSync(`${s.report}.started`));
      run.kill(signal);
      const r = await run;
      const n = signal === 'SIGTERM' ? 15 : 2;
      expect(r.exitCode, r.all).toBe(128 + n);
      const log = fs.readFileSync(s.log, 'utf8');
      expect(log).toMatch(new RegExp(`zticache was asked to stop \\(${signal}\\) while gated\\.sh runs: passed on to it`));
      expect(log).toMatch(new RegExp(`Return code from gated\\.sh = ${128 + n} .*\\(killed by ${signal}\\)`));
    });
  }
});

describe('moves across volumes', () => {
  it('the summary counts the files really copied', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
    makePackage(source);
    const r = await zticache([...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Move: 0 entries renamed, 6 moved across volumes \(6 files copied\)/);
  });
});

describe('the error contract of zticache manifest', () => {
  it('an --out that cannot be written is one line with its own code, not a stack', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(['manifest', s.source, '--out', path.join(s.dir, 'missing', 'folder', 'x.sha256')]);
    expectExit(r, ExitCode.MANIFEST_NOT_WRITTEN);
    expect(r.out).toMatch(/cannot write the manifest .*x\.sha256 \(ENOENT\)/);
    expect(r.out).not.toMatch(/\n\s+at /);
  });

  itProcess('a package file that cannot be read names the file, with its own code, not a stack', async (ctx) => {
    // root reads everything: the run is made as nobody, on a file only root may read
    const setpriv = spawnSync('setpriv', ['--version']).status === 0;
    if (!needs(ctx, setpriv && process.getuid?.() === 0, 'root and setpriv (util-linux)')) return;
    const s = scene();
    makePackage(s.source, { 'OSD/secret.bin': 'x' });
    fs.chmodSync(path.join(s.source, 'OSD/secret.bin'), 0o000);
    fs.chmodSync(s.dir, 0o777);
    const out = path.join(s.dir, 'out.sha256');
    const r = await asNobody(s.dir, ['manifest', s.source, '--out', out]);
    expectExit({ code: r.exitCode, out: r.all ?? '' }, ExitCode.MANIFEST_NOT_WRITTEN);
    expect(r.all).toMatch(/cannot read .*OSD\/secret\.bin to hash it .*\(EACCES\)/);
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('a run without the rights the state folder needs', () => {
  itProcess('says it is a permission problem (STATE_UNSAFE), not a damaged journal', async (ctx) => {
    const setpriv = spawnSync('setpriv', ['--version']).status === 0;
    if (!needs(ctx, setpriv && process.getuid?.() === 0, 'root and setpriv (util-linux)')) return;
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(s.state, { mode: 0o755 }); // root's, readable, not writable by others
    const r = await asNobody(s.dir, s.args('--what-if'));
    expectExit({ code: r.exitCode, out: r.all ?? '' }, ExitCode.STATE_UNSAFE);
    expect(r.all).toMatch(/belongs to user 0 and this run \(user 65534\) may not write in it: a permission problem, not a damaged journal/);
  });
});

describe('a run asked to stop before its launcher', () => {
  itProcess('SIGTERM during staging: the log and the summary say how it ended, with its own code; the next run finishes', async () => {
    let stopped = false;
    for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
      const s = scene();
      const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
      makePackage(source, { 'Images/a.wim': Buffer.alloc(40 << 20, 1), 'Images/b.wim': Buffer.alloc(40 << 20, 2) });
      const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--status-mif', 'ZTICache.mif', '--', s.report, '0'];
      const run = execa(process.execPath, [CLI, ...args], { reject: false, all: true });
      await waitFor('staging to begin', () => fs.existsSync(s.target));
      run.kill('SIGTERM');
      const r = await run;
      if (readReport(s.report)) continue; // staging was over before the signal: try again
      stopped = true;
      expectExit({ code: r.exitCode, out: r.all ?? '' }, ExitCode.STOPPED);
      const log = fs.readFileSync(s.log, 'utf8');
      expect(log).toMatch(/zticache was asked to stop \(SIGTERM\) before its launcher started: stopped; what was staged is kept/);
      expect(log).toMatch(/zticache finished in .*: failed, STOPPED; exit code 900000025/);
      // a stop before the launcher is a failure before the launcher: the console learns it from the MIF
      const mif = path.join(path.dirname(s.log), 'ZTICache.mif');
      expect(fs.readFileSync(mif, 'latin1')).toMatch(/VALUE = "STOPPED \(run again\): zticache was asked to stop \(SIGTERM\) before its launcher started/);
      expect(log).toContain(`Wrote the status MIF ${mif} (Failed: STOPPED (run again): `);
      fs.rmSync(mif);
      const again = await zticache(args);
      expect(again.code, again.out).toBe(0);
      expect(readReport(s.report)!.runs).toBe(1);
      expect(fs.existsSync(mif)).toBe(false); // a run that launched writes none
    }
    expect(stopped).toBe(true);
  });
});

/**
 * The built CLI run as user nobody: a copy of it in `dir` (the checkout may sit in a folder only
 * root can enter, as mktemp makes them), with `dir` and its parents open to others.
 */
function asNobody(dir: string, args: string[]) {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o005);
  const cli = path.join(dir, 'zticache.cjs');
  fs.copyFileSync(CLI, cli);
  fs.chmodSync(cli, 0o644);
  return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, ...args], { reject: false, all: true });
}

describe('an option given twice', () => {
  it('the last one counts, and the log says so, as a warning', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--parallel', '2', '/parallel:3', '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/<!\[LOG\[\/parallel is given more than once: the last one, "3", is used\]LOG\]!>.*type="2"/);
  });
});
