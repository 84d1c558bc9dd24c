// The built CLI, run as the OSD program runs it, on real trees: staged, guarded, verified,
// launched, and the launcher's exit code passed through.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { CLI, LAUNCHER, expectExit, makePackage, readReport, scene, snapshot, tempDir, zticache, itProcess } from '../helpers/fixtures.js';

describe('staging a package and running the launcher', () => {
  it('moves a local package (same volume: renamed), runs the launcher in the target and exits with its code', async () => {
    const s = scene();
    makePackage(s.source);
    const before = snapshot(s.source);
    const inodeBefore = fs.statSync(path.join(s.source, 'Images/image.wim')).ino;

    const r = await zticache(s.args('--', s.report, '0', 'extra arg'));
    expect(r.code, r.out).toBe(0);

    expect(fs.readdirSync(s.source)).toEqual([]); // moved, not copied
    expect(snapshot(s.target)).toEqual(before);
    expect(fs.statSync(path.join(s.target, 'Images/image.wim')).ino).toBe(inodeBefore); // a rename: no bytes copied
    expect(fs.statSync(path.join(s.target, 'Empty')).isDirectory()).toBe(true);
    const rep = readReport(s.report)!;
    expect(rep.cwd).toBe(s.target);
    expect(rep.files).toEqual(before); // the launcher saw every file, with the right content
    expect(rep.args).toEqual(['extra arg']);
    expect(r.out).toMatch(/same volume: rename/);
  });

  it.each([1, 42])('passes the launcher exit code %i through', async (code) => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--', s.report, String(code)));
    expect(r.code).toBe(code);
    expect(readReport(s.report)!.runs).toBe(1);
    expect(fs.readFileSync(s.log, 'utf8')).toContain(`Return code from ${LAUNCHER} = ${code}`);
  });

  it('moves across file systems (EXDEV): copy, check, delete, nothing lost', async () => {
    if (!fs.existsSync('/dev/shm')) throw new Error('this test needs /dev/shm, a tmpfs separate from /tmp');
    const s = scene(); // target under /tmp
    const shm = tempDir('zti-src-', '/dev/shm');
    const source = path.join(shm, 'pkg');
    makePackage(source);
    expect(fs.statSync(shm).dev).not.toBe(fs.statSync(s.dir).dev);
    const before = snapshot(source);
    const mtime = fs.statSync(path.join(source, 'readme.txt')).mtimeMs;

    const r = await zticache([...s.stateArgs, '--source', source, '--target', s.target, '--launch', LAUNCHER, '--', s.report, '0']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Action: move \(.*; across volumes: copied, checked, then deleted from the source\)/);
    expect(fs.readdirSync(source)).toEqual([]);
    expect(snapshot(s.target)).toEqual(before);
    expect(Math.abs(fs.statSync(path.join(s.target, 'readme.txt')).mtimeMs - mtime)).toBeLessThan(1);
    expect(readReport(s.report)!.files).toEqual(before);
  });

  it('copy mode leaves the source intact and copies hidden and read-only files with their times', async () => {
    const s = scene();
    makePackage(s.source, { '.hidden': 'dot file', 'OSD/readonly.ini': 'ro' });
    fs.chmodSync(path.join(s.source, 'OSD/readonly.ini'), 0o444);
    const old = new Date('2007-06-01T12:00:00Z');
    fs.utimesSync(path.join(s.source, 'setup.cab'), old, old);
    const before = snapshot(s.source);

    const r = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(snapshot(s.source)).toEqual(before);
    expect(snapshot(s.target)).toEqual(before);
    expect(fs.statSync(path.join(s.target, 'setup.cab')).mtime.toISOString()).toBe(old.toISOString());
    expect(fs.statSync(path.join(s.target, 'OSD/readonly.ini')).mode & 0o777).toBe(0o444);
    expect(r.out).toMatch(/Copy: 8 files copied, 0 already complete/);
  });

  it('writes a CMTrace log with what the original logged, plus timings and bytes', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--', s.report, '3'));
    expect(r.code, r.out).toBe(3);
    const log = fs.readFileSync(s.log, 'utf8');
    const lines = log.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(/^<!\[LOG\[.*\]LOG\]!><time="\d\d:\d\d:\d\d\.\d{3}[+-]\d+" date="\d\d-\d\d-\d{4}" component="ZTICache" context="" type="[123]" thread="\d+" file="">$/);
    for (const want of [/Moving folder .*OSD/, /Files in .* folder: 6/, /Opening .* files/, /Setting working directory to/, /Running .*launch\.js/, /Return code from launch\.js = 3/, /Staged 6 files .* into .* in [\d.]+ s: 6 moved/, /bytes/]) {
      expect(log).toMatch(want);
    }
    expect(lines.find((l) => l.includes('Return code'))).toContain('type="2"'); // non-zero: a warning
  });

  it('a second run from the emptied cache folder launches the staged package again, deleting nothing', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    const staged = snapshot(s.target);
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/already staged by an earlier run/);
    expect(snapshot(s.target)).toEqual(staged);
    expect(readReport(s.report)!.runs).toBe(2);
  });

  it('run from PackageSource itself (source == target): verifies and launches, deletes nothing', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    const staged = snapshot(s.target);
    const r = await zticache([...s.stateArgs, '--source', s.target, '--target', s.target, '--launch', LAUNCHER, '--', s.report, '5']);
    expect(r.code, r.out).toBe(5);
    expect(r.out).toMatch(/runs from the target itself/);
    expect(snapshot(s.target)).toEqual(staged);
  });

  it('a restaged package replaces an old, finished PackageSource that zticache staged; part of one in the moved package\'s own cache folder never does', async () => {
    const s = scene();
    makePackage(s.source, { 'old-only.txt': 'from the last OS package' });
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    // the next package, dropped into the folder the last one was moved out of: without old-only.txt
    // it is not whole by the record, and PackageSource holds what exists nowhere else: kept
    makePackage(s.source, { 'new.txt': 'new' });
    expectExit(await zticache(s.args('--', s.report, '0')), ExitCode.SOURCE_MIXED);
    expect(snapshot(s.target)['old-only.txt']).toBeDefined();
    // the next advertisement's package, downloaded as the client does: into a cache folder of its own
    fs.rmSync(s.source, { recursive: true });
    makePackage(s.source, { 'new.txt': 'new' });
    const before = snapshot(s.source);
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/will be removed first \(made by zticache \(identity volume \d+, file \d+(, born \d+)? recorded in/);
    expect(snapshot(s.target)).toEqual(before);
  });

  it('--what-if prints the plan and changes nothing', async () => {
    const s = scene();
    makePackage(s.source);
    const before = snapshot(s.source);
    const r = await zticache(s.args('--what-if', '--', s.report, '0'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Action: move/);
    expect(r.out).toMatch(/nothing was changed/);
    expect(snapshot(s.source)).toEqual(before);
    expect(fs.existsSync(s.minint)).toBe(false);
    expect(readReport(s.report)).toBeUndefined();
  });
});

describe('verification blocks the launch', () => {
  it('a manifest hash that does not match: exit VERIFY_FAILED, launcher not started', async () => {
    const s = scene();
    makePackage(s.source);
    const m = await zticache(['manifest', s.source]);
    expect(m.code, m.out).toBe(0);
    fs.writeFileSync(path.join(s.source, 'readme.txt'), 'tampered\n');
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/SHA-256 of readme\.txt/);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('a good manifest is verified, and the launcher runs', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(['manifest', s.source])).code).toBe(0);
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Verified the SHA-256 of 6 files/);
  });

  it('a staged file that changed size since staging: exit VERIFY_FAILED, launcher not started', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.rmSync(s.report);
    fs.truncateSync(path.join(s.target, 'Images/image.wim'), 1000);
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/size of Images\/image\.wim: 1000 bytes, expected 300000/);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('a staged file that vanished: exit VERIFY_FAILED, launcher not started', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.rmSync(s.report);
    fs.rmSync(path.join(s.target, 'OSD/Custom/Deep/Deeper/driver.inf'));
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(readReport(s.report)).toBeUndefined();
  });
});

describe('the manifest command', () => {
  it('writes a manifest that sha256sum -c accepts', async () => {
    const dir = tempDir();
    makePackage(dir, { 'name with spaces.txt': 'x', 'ünïcødé/fïle.txt': 'y' });
    const r = await zticache(['manifest', dir]);
    expect(r.code, r.out).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'zticache.sha256'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(8);
    expect(text).not.toContain('zticache.sha256');
    const { execa } = await import('execa');
    const check = await execa('sha256sum', ['-c', '--strict', 'zticache.sha256'], { cwd: dir, reject: false });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  });
});

describe('the launcher', () => {
  it('killed by a signal: exit 128 + signal number, logged', async () => {
    const s = scene();
    makePackage(s.source, { 'die.sh': '#!/bin/sh\nkill -9 $$\n' });
    fs.chmodSync(path.join(s.source, 'die.sh'), 0o755);
    const r = await zticache([...s.stateArgs, '--source', s.source, '--target', s.target, '--launch', 'die.sh']);
    expect(r.code).toBe(128 + 9);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/killed by SIGKILL/);
  });

  it('that is not executable: refused by the plan, nothing changed', async () => {
    const s = scene();
    makePackage(s.source, { 'OSDLaunch.exe': 'not a program' });
    fs.chmodSync(path.join(s.source, 'OSDLaunch.exe'), 0o644);
    const r = await zticache([...s.stateArgs, '--source', s.source, '--target', s.target]);
    expectExit(r, ExitCode.LAUNCHER_MISSING);
    expect(r.out).toMatch(/the launcher .*ABC00001\/OSDLaunch\.exe cannot be started on this computer: it is not executable \(EACCES\); nothing was changed/);
    expect(fs.existsSync(s.target)).toBe(false);
  });

  it('that cannot be started (its interpreter is missing): LAUNCH_FAILED with the path and the system error', async () => {
    const s = scene();
    makePackage(s.source, { 'OSDLaunch.exe': '#!/nonexistent/interpreter\n' });
    fs.chmodSync(path.join(s.source, 'OSDLaunch.exe'), 0o755);
    const r = await zticache([...s.stateArgs, '--source', s.source, '--target', s.target]);
    expectExit(r, ExitCode.LAUNCH_FAILED);
    expect(r.out).toMatch(/cannot start the launcher .*OSDLaunch\.exe \(ENOENT\)/);
  });
});

describe('progress', () => {
  itProcess('draws a progress bar on a terminal, and the log lines stay on lines of their own', async () => {
    const s = scene();
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`Files/f${i}.txt`] = `file ${i}\n`;
    makePackage(s.source, files);
    const { execa } = await import('execa');
    // `script` gives the CLI a pseudo-terminal, as an admin's console would
    const cmd = [process.execPath, CLI, ...s.args('--mode', 'copy', '--', s.report, '0')].map((a) => `'${a}'`).join(' ');
    const r = await execa('script', ['-qc', cmd, '/dev/null'], { reject: false });
    expect(r.exitCode, r.stdout).toBe(0);
    const frames = r.stdout.split('\r').filter((l) => l.startsWith('['));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatch(/^\[#{30}\] 100% Copied .* 306 of 306 files/);
    // every log line starts on a clean line
    expect(r.stdout).toMatch(/\r\x1b\[Kzticache: Copy: 306 files copied/);
  });
});
