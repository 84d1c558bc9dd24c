// last-run.json's record, made from how a run ended: one decision for the summary's words and the
// record's fields, every field present (null when unknown), written whole into the state folder.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { VERSION } from '../../../src/core/version.js';
import { posixPlaces } from '../../../src/platform/posix/places.js';
import { LAST_RUN_FILE, lastRunOf, outcomeOf, writeLastRun } from '../../../src/state/last-run.js';
import { tempDir } from '../../helpers/fixtures.js';

describe('how a run ended', () => {
  it('the launcher\'s success codes, its other codes, zticache\'s own, and an end without a launcher', () => {
    expect(outcomeOf(0, true)).toEqual({ succeeded: true, name: 'SUCCESS', words: 'succeeded (the launcher returned 0: success)', wayOut: null });
    expect(outcomeOf(1641, true)).toEqual({ succeeded: true, name: 'SUCCESS', words: 'succeeded (the launcher returned 1641: success, a restart was started (ERROR_SUCCESS_REBOOT_INITIATED))', wayOut: null });
    expect(outcomeOf(1, true)).toEqual({ succeeded: false, name: null, words: 'the launcher returned 1', wayOut: null });
    // a launcher that returns a number zticache also uses is still the launcher's
    expect(outcomeOf(ExitCode.NO_SPACE, true)).toEqual({ succeeded: false, name: null, words: `the launcher returned ${ExitCode.NO_SPACE}`, wayOut: null });
    expect(outcomeOf(ExitCode.NO_SPACE, false)).toEqual({ succeeded: false, name: 'NO_SPACE', words: 'failed, NO_SPACE', wayOut: 'free space, run again' });
    expect(outcomeOf(3010, false)).toEqual({ succeeded: false, name: null, words: 'ended with 3010', wayOut: null });
    expect(outcomeOf(0, false)).toEqual({ succeeded: true, name: 'SUCCESS', words: 'ended with 0', wayOut: null });
  });

  it('the record: every field, times in ISO and seconds, the code in hex, null for what the run never learned', () => {
    const r = lastRunOf({ started: Date.UTC(2026, 0, 2, 3, 4, 5, 6), ended: Date.UTC(2026, 0, 2, 3, 4, 17, 300), code: ExitCode.STOPPED, launcherReturned: false, message: 'stopped', command: '--source C:\\x' }, 42);
    expect(r).toStrictEqual({
      tool: 'zticache', format: 1, version: VERSION, pid: 42, command: '--source C:\\x',
      started: '2026-01-02T03:04:05.006Z', ended: '2026-01-02T03:04:17.300Z', seconds: 12.294,
      exitCode: ExitCode.STOPPED, exitCodeHex: '0x35A4E919', name: 'STOPPED', succeeded: false, outcome: 'failed, STOPPED', wayOut: 'run again', message: 'stopped',
      files: null, bytes: null, source: null, target: null, log: null,
    });
    const full = lastRunOf({ started: 0, ended: 1, code: 0xffffffff, launcherReturned: true, files: 0, bytes: 0, source: 'S', target: 'T', log: 'L', command: '' });
    expect(full).toMatchObject({ exitCode: 0xffffffff, exitCodeHex: '0xFFFFFFFF', files: 0, bytes: 0, source: 'S', target: 'T', log: 'L', message: null, seconds: 0.001 });
    expect(lastRunOf({ started: 0, ended: 0, code: 0, launcherReturned: true, command: '' }).pid).toBe(process.pid);
  });

  it('written whole into the state folder as indented JSON and a newline; a missing state folder is said, not made', () => {
    const d = tempDir();
    const state = path.join(d, 'state');
    const record = lastRunOf({ started: 0, ended: 1000, code: 0, launcherReturned: true, command: 'x' });
    expect(writeLastRun(posixPlaces, state, path.posix, record)).toBe(`Not writing ${state}/${LAST_RUN_FILE}: the state folder ${state} does not exist`);
    expect(fs.existsSync(state)).toBe(false);
    fs.mkdirSync(state, { mode: 0o700 });
    const fds = fs.readdirSync('/proc/self/fd').length;
    expect(writeLastRun(posixPlaces, state, path.posix, record)).toBe(`Wrote ${state}/${LAST_RUN_FILE}: exit code 0, succeeded (the launcher returned 0: success)`);
    expect(fs.readFileSync(path.join(state, LAST_RUN_FILE), 'utf8')).toBe(`${JSON.stringify(record, null, 2)}\n`);
    expect(fs.statSync(path.join(state, LAST_RUN_FILE)).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync('/proc/self/fd').length).toBe(fds); // the state folder is let go
  });
});
