// Attack on issue 34, guarantee 1: after a complete move the cache folder is spent (empty, or only
// zticache). What an admin or Windows adds to it later is read as "a new version", which then
// replaces the staged package although it is nowhere near whole:
// - an empty "New Text Document.txt" made in the spent folder, with a launcher outside the package
//   (a documented --launch: "an absolute path outside it"): the staged package is removed and the
//   launcher runs on that one empty file;
// - a package that ships its own desktop.ini: Explorer rewriting desktop.ini in the spent folder
//   makes every rerun of a complete staging LAUNCHER_MISSING (the "lower" symptom, still there
//   when the shell file is also a package file).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { LAUNCHER, LAUNCHER_SOURCE, expectExit, makePackage, readReport, scene, snapshot, zticache } from '../helpers/fixtures.js';

describe('a spent cache folder that gains a file after a complete staging', () => {
  it('an empty file added by hand is not a new version: the staged package stays, the launcher never runs on that file alone', async () => {
    const s = scene();
    makePackage(s.source);
    fs.rmSync(path.join(s.source, LAUNCHER)); // the launcher is an existing program outside the package
    const launcher = path.join(s.dir, 'tools', 'start.js');
    fs.mkdirSync(path.dirname(launcher));
    fs.writeFileSync(launcher, LAUNCHER_SOURCE, { mode: 0o755 });
    const args = (...more: string[]) => ['--source', s.source, '--target', s.target, ...s.stateArgs, '--launch', launcher, ...more, '--', s.report, '0'];
    expectExit(await zticache(args()), 0);
    expect(fs.readdirSync(s.source)).toEqual([]);
    const staged = snapshot(s.target);

    fs.writeFileSync(path.join(s.source, 'New Text Document.txt'), '');
    const r = await zticache(args());
    const now = snapshot(s.target);
    for (const rel of Object.keys(staged)) expect(now[rel], `${rel} (existed only in the target)\n${r.out}`).toBeDefined();
    expect(Object.keys(readReport(s.report)!.files).length, r.out).toBeGreaterThanOrEqual(Object.keys(staged).length);
  });

  it('a package with its own desktop.ini: the shell rewriting desktop.ini in the spent folder does not make the rerun LAUNCHER_MISSING', async () => {
    const s = scene();
    makePackage(s.source, { 'desktop.ini': '[.ShellClassInfo]\r\nIconResource=setup.ico,0\r\n' });
    expectExit(await zticache(s.args('--', s.report, '0')), 0);
    expect(fs.readdirSync(s.source)).toEqual([]);
    const staged = snapshot(s.target);

    // Explorer writes its own desktop.ini into the folder it shows (the package's went to PackageSource)
    fs.writeFileSync(path.join(s.source, 'desktop.ini'), '[ViewState]\r\nMode=\r\nVid=\r\n');
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.out).not.toContain(`[exit ${ExitCode.LAUNCHER_MISSING}]`);
    expectExit(r, 0);
    expect(snapshot(s.target)).toEqual(staged);
    expect(readReport(s.report)!.runs).toBe(2);
  });
});
