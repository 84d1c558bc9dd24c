// last-run.json: every run that reaches its state folder says how it ended, in a file a script reads
// instead of CMTrace lines, replaced whole. After a success, a failure, a refused command line and
// a STOPPED run it holds that run; after a killed run (before its end, or in the very middle of
// writing the file) it holds the previous one, whole; --what-if and an unusable state folder leave
// it alone.
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import type { LastRun } from '../../src/state/last-run.js';
import { CLI, FAULTS_CLI, VERSION, expectExit, itProcess, makePackage, readReport, scene, tempDir, waitFor, zticache } from '../helpers/fixtures.js';

const lastRun = (state: string) => JSON.parse(fs.readFileSync(path.join(state, 'last-run.json'), 'utf8')) as LastRun;
/** what is in the state folder beside the journals, the lock and the key */
const asideFiles = (state: string) => fs.readdirSync(state).filter((n) => n.startsWith('last-run.json.'));

describe('last-run.json', () => {
  it('a success: the launcher\'s code and its name, the files and bytes, source, target, log, times and this version; readable by others', async () => {
    const s = scene();
    makePackage(s.source);
    const before = Date.now();
    // (POSIX passes on 8 bits of a launcher's code: 3010 and 1641 are proven under Wine)
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    const j = lastRun(s.state);
    expect(j).toMatchObject({
      tool: 'zticache', format: 1, version: VERSION, exitCode: 0, exitCodeHex: '0x00000000', name: 'SUCCESS', succeeded: true,
      outcome: 'succeeded (the launcher returned 0: success)', wayOut: null, message: null,
      files: 6, source: s.source, target: s.target, log: s.log, command: s.args('--', s.report, '0').join(' '),
    });
    expect(j.bytes).toBeGreaterThan(300_000);
    expect(Date.parse(j.started)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(j.ended)).toBeGreaterThanOrEqual(Date.parse(j.started));
    expect(j.seconds).toBe((Date.parse(j.ended) - Date.parse(j.started)) / 1000);
    expect(Object.keys(j)).toEqual(['tool', 'format', 'version', 'pid', 'command', 'started', 'ended', 'seconds', 'exitCode', 'exitCodeHex', 'name', 'succeeded', 'outcome', 'wayOut', 'message', 'files', 'bytes', 'source', 'target', 'log']);
    expect(fs.statSync(path.join(s.state, 'last-run.json')).mode & 0o777).toBe(0o644);
    expect(asideFiles(s.state)).toEqual([]);
    expect(r.out).toMatch(new RegExp(`Wrote ${s.state}/last-run\\.json: exit code 0, succeeded`));
  });

  it('a failure: zticache\'s code, its name, its way out and the message; a launcher\'s own failure code has no name', async () => {
    const s = scene();
    fs.mkdirSync(s.state);
    const r = await zticache(s.args()); // no package in the cache folder
    expectExit(r, ExitCode.SOURCE_MISSING);
    expect(lastRun(s.state)).toMatchObject({
      exitCode: ExitCode.SOURCE_MISSING, exitCodeHex: '0x35A4E902', name: 'SOURCE_MISSING', succeeded: false, outcome: 'failed, SOURCE_MISSING',
      wayOut: 'check the cache folder, run again', message: expect.stringContaining(s.source), files: null, bytes: null, source: s.source, target: s.target,
    });
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '1'))).code).toBe(1);
    expect(lastRun(s.state)).toMatchObject({ exitCode: 1, name: null, succeeded: false, outcome: 'the launcher returned 1', wayOut: null, message: null, files: 6 });
  });

  it('a refused command line, in the state folder it names; --what-if and a state folder others may write leave the record alone', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    const success = fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8');
    expect((await zticache(s.args('--what-if'))).code).toBe(0);
    expect(fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8')).toBe(success);
    // a --log inside the package: a whole command line, refused
    const refused = await zticache(s.args('--log', path.join(s.source, 'x.log')));
    expectExit(refused, ExitCode.USAGE);
    expect(lastRun(s.state)).toMatchObject({ exitCode: ExitCode.USAGE, name: 'USAGE', wayOut: 'fix the command line', message: expect.stringContaining('x.log'), files: null, source: s.source, target: s.target });
    // one the parser refuses is recorded too, in the state folder the rest of the line names (issue 39 attack)
    expectExit(await zticache(s.args('--parallel', '0')), ExitCode.USAGE);
    expect(lastRun(s.state)).toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining('--parallel') });
    const now = fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8');
    fs.chmodSync(s.state, 0o777);
    try {
      expectExit(await zticache(s.args('--', s.report, '0')), ExitCode.STATE_UNSAFE);
      expectExit(await zticache(s.args('--log', path.join(s.source, 'x.log'))), ExitCode.USAGE);
    } finally {
      fs.chmodSync(s.state, 0o700);
    }
    expect(fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8')).toBe(now);
  });

  itProcess('a STOPPED run: its own code, name and way out', async () => {
    let stopped = false;
    for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
      const s = scene();
      const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
      makePackage(source, { 'Images/a.wim': Buffer.alloc(40 << 20, 1), 'Images/b.wim': Buffer.alloc(40 << 20, 2) });
      const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'];
      const run = execa(process.execPath, [CLI, ...args], { reject: false, all: true });
      await waitFor('staging to begin', () => fs.existsSync(s.target));
      run.kill('SIGTERM');
      const r = await run;
      if (readReport(s.report)) continue; // staging was over before the signal: try again
      stopped = true;
      expectExit({ code: r.exitCode, out: r.all ?? '' }, ExitCode.STOPPED);
      expect(lastRun(s.state)).toMatchObject({
        exitCode: ExitCode.STOPPED, name: 'STOPPED', succeeded: false, wayOut: 'run again', files: 8, source,
        message: 'zticache was asked to stop (SIGTERM) before its launcher started: stopped; what was staged is kept, and the next run finishes it',
      });
    }
    expect(stopped).toBe(true);
  });

  itProcess('a killed run, during staging or in the very middle of writing the record: the previous record stays whole', async () => {
    const s = scene();
    makePackage(s.source);
    const agent = (killAt: string, ...more: string[]) => execa(process.execPath, [FAULTS_CLI, ...s.args(...more)], { reject: false, env: { ZTICACHE_TEST_KILL_AT: killAt }, all: true });
    // how many fault points a whole run passes: the last one is between writing the record aside and renaming it
    const counted = await agent('count', '--', s.report, '1');
    const points = Number(/fault points reached: (\d+)/.exec(counted.all ?? '')?.[1]);
    expect(points).toBeGreaterThan(1);
    const previous = fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8');
    expect(JSON.parse(previous)).toMatchObject({ exitCode: 1 });
    // a rerun (nothing left to stage) killed at its last point: the record written aside, cut to half, not renamed
    const rerun = await agent('count', '--', s.report, '0');
    const rerunPoints = Number(/fault points reached: (\d+)/.exec(rerun.all ?? '')?.[1]);
    const last = fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8');
    expect(JSON.parse(last)).toMatchObject({ exitCode: 0 });
    const killed = await agent(String(rerunPoints), '--', s.report, '3');
    expect(killed.signal, killed.all).toBe('SIGKILL');
    expect(killed.all).toMatch(/killed at fault point \d+: a file written aside, not yet renamed over its name/);
    expect(fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8')).toBe(last);
    const aside = asideFiles(s.state);
    expect(aside).toEqual([expect.stringMatching(/^last-run\.json\.\d+-[0-9a-f]{8}\.tmp$/)]);
    expect(() => JSON.parse(fs.readFileSync(path.join(s.state, aside[0]!), 'utf8'))).toThrow(); // half of a record, never read as one
    // killed at its first point: the record is the one before
    const early = await agent('1', '--', s.report, '4');
    expect(early.signal).toBe('SIGKILL');
    expect(fs.readFileSync(path.join(s.state, 'last-run.json'), 'utf8')).toBe(last);
    // the next whole run replaces it
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    expect(lastRun(s.state)).toMatchObject({ exitCode: 0, succeeded: true });
  });
});
