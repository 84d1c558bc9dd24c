// Awkward but valid packages: every one is staged whole, in both modes, and the launcher sees it
// all. (Invalid input, refused with a documented code and nothing changed, is in
// test/integration/refusals.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { expectExit, makePackage, readReport, scene, snapshot, zticache } from '../helpers/fixtures.js';

const longDir = Array.from({ length: 8 }, (_, i) => `a fairly long folder name number ${i}`).join('/');
const awkward: Record<string, string | Buffer | null> = {
  'name with  spaces.txt': 'spaces',
  'ünïcødé – ファイル.txt': 'non-ascii',
  'trailing dot.': 'dot',
  'trailing space ': 'space',
  '-starts with a dash': 'dash',
  [`${longDir}/end of a long path.txt`]: 'long',
  'zero.bin': Buffer.alloc(0),
  'Empty Folder': null,
  'Nested/Empty/Deeper': null,
  '.hidden': 'hidden',
};

function dirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      walk(path.join(d, e.name), r);
    }
  };
  walk(root, '');
  return out.sort();
}

describe.each(['move', 'copy'])('awkward names and shapes (%s)', (mode) => {
  it('are staged whole: spaces, non-ASCII, trailing dots and spaces, long paths, 0-byte files, empty folders, hidden and read-only files', async () => {
    const s = scene();
    makePackage(s.source, awkward);
    fs.chmodSync(path.join(s.source, '.hidden'), 0o444);
    expect(path.join(s.target, longDir).length).toBeGreaterThan(260);
    const files = snapshot(s.source);
    const folders = dirs(s.source);
    const r = await zticache(s.args('--mode', mode, '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(snapshot(s.target)).toEqual(files);
    expect(dirs(s.target)).toEqual(folders);
    expect(readReport(s.report)!.files).toEqual(files);
    expect(fs.statSync(path.join(s.target, '.hidden')).mode & 0o777).toBe(0o444);
    if (mode === 'copy') expect(snapshot(s.source)).toEqual(files);
  });
});

describe('verification of the shape', () => {
  it('an empty folder missing from a staged package fails verification', async () => {
    const s = scene();
    makePackage(s.source, { 'Keep/Me': null });
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.rmSync(s.report);
    fs.rmdirSync(path.join(s.target, 'Keep/Me'));
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/does not match the package inventory: missing folder: Keep\/Me\./);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('a stray program file in PackageSource fails verification, even on a rerun that tolerates the launcher\'s logs', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.rmSync(s.report);
    fs.writeFileSync(path.join(s.target, 'planted.exe'), 'not from the package');
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/not in the package: planted\.exe/);
    expect(readReport(s.report)).toBeUndefined();
  });
});
