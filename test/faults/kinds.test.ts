// A copy killed at each of its fault points, then resumed from a new version of the package in
// which a file became a folder and a folder became a file (a distribution point refreshed between
// the runs), then killed again and resumed from the first version: every resume finishes with the
// version it was given, byte for byte, and never ends INTERNAL (the plan met ENOTDIR once).
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { FAULTS_CLI, LAUNCHER, LAUNCHER_SOURCE, makeTree, readReport, snapshot, tempDir } from '../helpers/fixtures.js';

/** v1: `swap` a file, `back/` a folder; v2: `swap/` a folder, `back` a file. */
const VERSIONS = [
  { 'swap': 'swap was a file\n', 'back/inner.txt': 'back was a folder\n', 'back/deep/more.txt': 'more\n', 'keep.txt': 'stays\n', 'big.wim': Buffer.alloc(1_200_000, 1) },
  { 'swap/inner.txt': 'swap is a folder now\n', 'swap/deep/x.txt': 'x\n', 'back': 'back is a file now\n', 'keep.txt': 'stays\n', 'big.wim': Buffer.alloc(1_200_000, 2) },
] as const;

/** The package folder (the same folder, as a refresh on the distribution point keeps it) holds version v. */
function put(source: string, v: 0 | 1) {
  fs.mkdirSync(source, { recursive: true });
  for (const n of fs.readdirSync(source)) fs.rmSync(path.join(source, n), { recursive: true });
  makeTree(source, { ...VERSIONS[v] });
  fs.writeFileSync(path.join(source, LAUNCHER), LAUNCHER_SOURCE, { mode: 0o755 });
}

const run = (args: string[], killAt?: number) =>
  execa(process.execPath, [FAULTS_CLI, ...args], { reject: false, all: true, env: killAt ? { ZTICACHE_TEST_KILL_AT: String(killAt) } : { ZTICACHE_TEST_KILL_AT: 'count' } });

describe('a copy resumed after a file of the package became a folder, and back', () => {
  it('finishes from each of the copy\'s fault points, with the version it is given', async () => {
    const probe = tempDir('zti-kinds-');
    const args = (dir: string) => ['--state-dir', path.join(dir, 'state'), '--source', path.join(dir, 'src'), '--target', path.join(dir, 'MININT', 'PackageSource'), '--launch', LAUNCHER, '--mode', 'copy', '--', path.join(dir, 'report.json'), '0'];
    put(path.join(probe, 'src'), 0);
    const counted = await run(args(probe));
    expect(counted.exitCode, counted.all).toBe(0);
    const points = Number(/fault points reached: (\d+)/.exec(counted.all)?.[1]);
    expect(points).toBeGreaterThan(5);
    for (let k = 1; k <= points; k++) {
      const dir = tempDir('zti-kinds-');
      const src = path.join(dir, 'src');
      const target = path.join(dir, 'MININT', 'PackageSource');
      put(src, 0);
      const first = await run(args(dir), k);
      expect(first.signal, `point ${k}: ${first.all}`).toBe('SIGKILL');
      put(src, 1);
      const second = await run(args(dir), k); // killed again at the same point, if it gets there
      if (second.signal !== 'SIGKILL') {
        expect(second.exitCode, `point ${k}, v2: ${second.all}`).toBe(0);
        expect(snapshot(target), `point ${k}, v2`).toEqual(snapshot(src));
      }
      put(src, 0);
      const third = await run(args(dir));
      expect(third.exitCode, `point ${k}, back to v1: ${third.all}`).toBe(0);
      expect(third.all).not.toMatch(new RegExp(`exit ${ExitCode.INTERNAL}`));
      expect(snapshot(target), `point ${k}, back to v1`).toEqual(snapshot(src));
      expect(readReport(path.join(dir, 'report.json'))?.files).toEqual(Object.fromEntries(Object.entries(snapshot(src))));
    }
  }, 600_000);
});
