// Attack on issue 38 (a head read of each journal in the state folder; hashFile's one open): a FIFO
// where a journal or a listed file should be blocks open(2) until a writer comes, on the main
// thread, where not even SIGTERM's handler runs; a device reads forever. A run and `zticache check`
// must refuse or pass over them, naming them, within a generous ceiling (a hang is killed at it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { CLI, ROOT, expectExit, itProcess, makePackage, scene } from '../helpers/fixtures.js';

/** the built CLI, killed at a ceiling no healthy run comes near */
async function bounded(args: string[]) {
  const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd: ROOT, all: true, timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.exitCode, out: r.all ?? '', hung: r.timedOut };
}
const mkfifo = (file: string) => {
  if (spawnSync('mkfifo', [file]).status !== 0) throw new Error(`mkfifo ${file} failed`);
};

describe('a FIFO or a device where zticache reads a file', () => {
  itProcess('a FIFO named like a journal in the state folder is passed over: the run ends, and stages', async () => {
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(s.state, { recursive: true });
    mkfifo(path.join(s.state, 'journal-0000000000000000.json'));
    const r = await bounded(s.args('--', s.report, '0'));
    expect(r.hung, `the run hung on the FIFO\n${r.out}`).toBe(false);
    expectExit(r, 0);
  }, 120_000);

  itProcess('`zticache check` refuses a FIFO or a link to a device in place of a staged file, naming it', async () => {
    const s = scene();
    makePackage(s.source);
    expectExit(await bounded(['manifest', s.source]), 0);
    expectExit(await bounded(s.args('--', s.report, '0')), 0); // moved: the check now reads the target
    const check = ['check', '--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs];
    const listed = path.join(s.target, 'readme.txt');
    fs.rmSync(listed);
    mkfifo(listed);
    let r = await bounded(check);
    expect(r.hung, `check hung on the FIFO\n${r.out}`).toBe(false);
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/NOT READY.*cannot read readme\.txt/);
    fs.rmSync(listed);
    fs.symlinkSync('/dev/zero', listed);
    r = await bounded(check);
    expect(r.hung, `check read /dev/zero forever\n${r.out}`).toBe(false);
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/NOT READY.*cannot read readme\.txt/);
  }, 240_000);
});
