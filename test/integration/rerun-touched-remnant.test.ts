// Attack on issue 34, guarantee 1 ("a rerun decides from the journal ... nothing is ever lost"):
// the README's own way out for a stuck move (`--mode copy`) leaves the stuck file in the cache
// folder as the journal's "kept" remnant. When that one kept file is later touched (an antivirus
// or backup agent resets its last-write time) or replaced by the admin (a fixed OSDLaunch), the
// rerun takes the cache folder's single file for "a new version", removes the staged
// PackageSource (whose other files exist nowhere else: they were moved out of the cache) and
// launches on that one file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { LAUNCHER, LAUNCHER_SOURCE, expectExit, makePackage, makeTree, readReport, scene, snapshot, zticache } from '../helpers/fixtures.js';

const chattr = (flag: '+i' | '-i', file: string) => spawnSync('chattr', [flag, file]).status === 0;

/** A package whose move got stuck on its launcher, finished by `--mode copy` as the README says. */
async function stuckThenCopied(layout: 'package' | 'launcher last') {
  const s = scene();
  if (layout === 'package') makePackage(s.source);
  else {
    // every other top-level entry sorts before the launcher: the move renames them, then stops on it
    makeTree(s.source, { 'AutoRun.inf': 'autorun', 'Boot/boot.wim': Buffer.alloc(90_000, 2), 'drivers/net.inf': 'net' });
    fs.writeFileSync(path.join(s.source, LAUNCHER), LAUNCHER_SOURCE, { mode: 0o755 });
  }
  const launcher = path.join(s.source, LAUNCHER);
  // a file the move cannot rename (as a scanner holding OSDLaunch.exe would make it)
  if (!chattr('+i', launcher)) throw new Error('chattr +i is needed for this test (root on ext4/tmpfs with CAP_LINUX_IMMUTABLE)');
  try {
    const stuck = await zticache(s.args('--', s.report, '0'));
    expectExit(stuck, ExitCode.STAGE_FAILED);
    const copied = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
    expectExit(copied, 0);
  } finally {
    chattr('-i', launcher);
  }
  const again = await zticache(s.args('--', s.report, '0'));
  expectExit(again, 0); // already staged: the journal's remnant is recognised
  expect(again.out).toMatch(/Nothing to stage: already staged/);
  return { s, launcher, staged: snapshot(s.target) };
}

/** Whatever the rerun decides, the files that exist only in the target are still there, and no launch saw fewer. */
function expectNothingLost(s: ReturnType<typeof scene>, staged: Record<string, string>, out: string) {
  const now = snapshot(s.target);
  for (const rel of Object.keys(staged)) expect(now[rel], `${rel} (existed only in the target)\n${out}`).toBeDefined();
  const rep = readReport(s.report)!;
  expect(Object.keys(rep.files).length, `the launcher ran on ${Object.keys(rep.files).join(', ')}\n${out}`).toBeGreaterThanOrEqual(Object.keys(staged).length);
}

describe('a rerun after the --mode copy way out, when the kept remnant is touched', () => {
  it('an antivirus resets the last-write time of the kept files: the staged package is not removed, the launcher never runs on them alone', async () => {
    const { s, staged } = await stuckThenCopied('package');
    const kept = fs.readdirSync(s.source);
    expect(kept).toContain(LAUNCHER); // the stuck launcher and what sorts after it were copied and kept
    const t = new Date('2020-01-01T00:00:00Z');
    for (const name of kept) fs.utimesSync(path.join(s.source, name), t, t); // time only: same bytes, same files
    const r = await zticache(s.args('--', s.report, '0'));
    expectNothingLost(s, staged, r.out);
    expect(r.out).not.toMatch(/Removing the old/);
  }, 120_000);

  it('the admin drops a fixed launcher into the spent cache folder: one file is not a whole new version, nothing staged is deleted', async () => {
    const { s, launcher, staged } = await stuckThenCopied('launcher last');
    expect(fs.readdirSync(s.source)).toEqual([LAUNCHER]);
    fs.rmSync(launcher);
    fs.writeFileSync(launcher, `${fs.readFileSync(path.join(s.target, LAUNCHER), 'utf8')}\n// fixed build\n`, { mode: 0o755 });
    const r = await zticache(s.args('--', s.report, '0'));
    expectNothingLost(s, staged, r.out);
    expect(r.out).not.toMatch(/Removing the old/);
  }, 120_000);
});
