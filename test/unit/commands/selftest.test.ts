// zticache selftest's judgments over made-up evidence: each check FAILs when its evidence is
// wrong (a held file deleted, a link followed, a wider DACL, an event not found, a lost exit code,
// a package that does not fit), PASSes when it is right, and every SKIP says why.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/core/version.js';
import { codeInWords, firstFailure, resultJson, judgeDacl, modeInWords, judgeEvent, judgeFits, judgeGuard, judgeLink, judgeNames, judgeStart, resultTable } from '../../../src/commands/selftest/checks.js';

describe('zticache selftest: each check\'s judgment', () => {
  it('the guard: a held file deleted, nothing held, or one still there after release FAILs', () => {
    expect(judgeGuard({ held: 9, deletedWhileHeld: [], leftAfterRelease: [] })).toEqual({ status: 'PASS', evidence: '9 files and folders held: the cleanup deleted none of them; released, it deleted them all' });
    expect(judgeGuard({ held: 9, deletedWhileHeld: ['C:\\S\\MININT\\PackageSource\\setup.cab'], leftAfterRelease: [] })).toEqual({ status: 'FAIL', evidence: 'the cleanup deleted 1 held file or folder, first C:\\S\\MININT\\PackageSource\\setup.cab: the guard does not protect the package here' });
    expect(judgeGuard({ held: 0, deletedWhileHeld: [], leftAfterRelease: [] }).status).toBe('FAIL');
    expect(judgeGuard({ held: 9, deletedWhileHeld: [], leftAfterRelease: ['C:\\x'] })).toMatchObject({ status: 'FAIL', evidence: expect.stringContaining('released, the cleanup still could not delete C:\\x') });
  });

  it('a planted link: refused PASSes, followed FAILs, not makeable is a SKIP that says why', () => {
    expect(judgeLink('junction', { made: true, refused: true, how: 'ELOOP' })).toEqual({ status: 'PASS', evidence: 'a junction in the sandbox\'s MININT was refused, not followed: ELOOP' });
    expect(judgeLink('symbolic link', { made: true, refused: false, how: 'opened through it' })).toEqual({ status: 'FAIL', evidence: 'a symbolic link in the sandbox\'s MININT was followed: opened through it' });
    expect(judgeLink('junction', { made: false, why: 'POSIX has no junctions' })).toEqual({ status: 'SKIP', evidence: 'cannot make a junction here: POSIX has no junctions' });
  });

  it('a DACL read back: SYSTEM and Administrators may do anything; Users, Everyone and the like read at most', () => {
    // who may do what, in words, the SDDL after
    expect(judgeDacl('P', 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)')).toEqual({ status: 'PASS',
      evidence: 'P: users may read at most: SYSTEM and Administrators: full control; Users: read and execute; nothing inherited from above (D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU))' });
    expect(judgeDacl('S', 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)').evidence).toBe('S: users may read at most: SYSTEM and Administrators: full control; nothing inherited from above (D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA))');
    expect(judgeDacl('P', 'D:(A;OICI;FA;;;SY)(A;OICI;FA;;;S-1-5-21-0-0-0-1000)').status).toBe('PASS'); // Wine's
    for (const wide of ['(A;OICI;FA;;;BU)', '(A;OICI;0x1301bf;;;BU)', '(A;;FW;;;WD)', '(A;OICI;GA;;;AU)', '(A;;0x1200a9;;;BU)(A;;FA;;;IU)']) {
      const v = judgeDacl('P', `D:P(A;OICI;FA;;;SY)${wide}`);
      expect(v.status, wide).toBe('FAIL');
      expect(v.evidence, wide).toMatch(/lets users change what zticache keeps there: SYSTEM.*; nothing inherited from above \(D:P/);
    }
    expect(judgeDacl('P', 'D:P(A;OICI;FA;;;SY)(A;OICI;0x1301bf;;;BU)').evidence).toMatch(/^P: Users with modify lets users change/);
    expect(judgeDacl('P', 'D:P(D;OICI;FA;;;BU)(A;OICI;FA;;;SY)').status).toBe('PASS'); // a deny ACE takes nothing away from safety
    expect(judgeDacl('P', 'no descriptor').status).toBe('FAIL');
  });

  it('--json: every row in the table\'s order with its status and evidence, the counts, the code\'s name, the first failure', () => {
    const rows = [{ check: 'a', status: 'PASS', evidence: 'x' }, { check: 'b', status: 'FAIL', evidence: 'y' }, { check: 'c', status: 'SKIP', evidence: 'z' }, { check: 'd', status: 'FAIL', evidence: 'w' }] as const;
    const j = resultJson(rows, 900000030, 'C:\\zticache-selftest-1');
    expect(j).toStrictEqual({
      tool: 'zticache', command: 'selftest', version: VERSION, computer: os.hostname(), sandbox: 'C:\\zticache-selftest-1',
      exitCode: 900000030, name: 'SELFTEST_FAILED', pass: 1, fail: 2, skip: 1, firstFailure: { check: 'b', evidence: 'y' }, checks: rows.map((r) => ({ ...r })),
    });
    expect(resultJson([rows[0]], 0, 'S')).toMatchObject({ exitCode: 0, name: 'SUCCESS', pass: 1, fail: 0, skip: 0, firstFailure: null });
    expect(resultJson([], 7, 'S')).toMatchObject({ name: null, checks: [] });
  });

  it('POSIX modes in words', () => {
    expect(modeInWords(0o755)).toBe('its owner may change it, others may read (mode 755)');
    expect(modeInWords(0o700)).toBe('its owner may change it, nobody else may open it (mode 700)');
    expect(modeInWords(0o40775)).toBe('its owner may change it, others may change it too (mode 775)');
    expect(modeInWords(0o711)).toBe('its owner may change it, others may pass through (mode 711)');
    expect(modeInWords(0o704)).toBe('its owner may change it, others may read (mode 704)');
  });

  it('names: the plan must refuse what the volume folds together and alias-shaped names where aliases are made; POSIX keeps case apart', () => {
    expect(judgeNames({ alias: 'A_LO~QZT.TXT', caseless: true, caseAsTheVolume: true, aliasRefused: true }).status).toBe('PASS');
    expect(judgeNames({ caseless: false, caseAsTheVolume: true })).toEqual({ status: 'PASS', evidence: 'no 8.3 aliases are made; names are compared with case; the plan keeps names that differ only in case apart, as the volume does before any change' });
    expect(judgeNames({ caseless: true, caseAsTheVolume: false }).evidence).toMatch(/but the plan let two names that are one name here through/);
    expect(judgeNames({ caseless: false, caseAsTheVolume: false }).evidence).toMatch(/but the plan refused two names the volume keeps apart/);
    expect(judgeNames({ alias: 'A~1', caseless: true, caseAsTheVolume: true, aliasRefused: false }).status).toBe('FAIL');
  });

  it('the event: not written, not found, or come back otherwise FAILs; an event log that cannot be read is a SKIP with why', () => {
    const ok = { record: 4711, id: 0, type: 0, source: 'WSH' };
    expect(judgeEvent({ written: true, readBack: ok }, 'WSH')).toEqual({ status: 'PASS', evidence: 'record 4711 of the Application log: source WSH, event ID 0 = type 0' });
    expect(judgeEvent({ written: false, readBack: 'none' }, 'WSH').status).toBe('FAIL');
    expect(judgeEvent({ written: true, readBack: 'none' }, 'WSH')).toMatchObject({ status: 'FAIL', evidence: expect.stringMatching(/is not in the Application log/) });
    expect(judgeEvent({ written: true, readBack: { ...ok, source: 'Other' } }, 'WSH').status).toBe('FAIL');
    expect(judgeEvent({ written: true, readBack: { ...ok, id: 4 } }, 'WSH').status).toBe('FAIL');
    expect(judgeEvent({ written: true, readBack: { skip: 'Wine stores no events' } }, 'WSH')).toEqual({ status: 'SKIP', evidence: 'Wine stores no events' });
  });

  it('how it is started: every child must finish with its full exit code', () => {
    expect(judgeStart([{ how: 'CREATE_NO_WINDOW', code: 0xc0000005, want: 0xc0000005 }, { how: 'DETACHED_PROCESS', code: 3010, want: 3010 }])).toEqual({ status: 'PASS',
      evidence: 'CREATE_NO_WINDOW: returned 0xC0000005 (access violation) as expected; DETACHED_PROCESS: returned 3010 (success, a restart is required) as expected' });
    expect(judgeStart([{ how: 'CREATE_NO_WINDOW', code: 5, want: 0xc0000005 }])).toEqual({ status: 'FAIL', evidence: 'started CREATE_NO_WINDOW: returned 5, not the 0xC0000005 (access violation) it was told to return' });
    expect(codeInWords(0xc000013a)).toBe('0xC000013A (stopped by Ctrl+C)');
    expect(codeInWords(0x80000000)).toBe('0x80000000');
    expect(codeInWords(0x7fffffff)).toBe('2147483647');
    expect(codeInWords(0xc0000001)).toBe('0xC0000001');
    expect(judgeStart([{ how: 'DETACHED_PROCESS', want: 3010, error: 'CreateProcessW failed (Windows error 2)' }]).evidence).toBe('started DETACHED_PROCESS: CreateProcessW failed (Windows error 2)');
  });

  it('a package size against the client cache and PackageSource\'s volume', () => {
    const MB = 1048576;
    expect(judgeFits(undefined, { targetFree: 900 * MB }).status).toBe('PASS');
    expect(judgeFits(500, { cacheTotal: 1000 * MB, cacheFree: 100 * MB, targetFree: 900 * MB }).status).toBe('PASS');
    expect(judgeFits(1500, { cacheTotal: 1000 * MB, targetFree: 9000 * MB })).toEqual({ status: 'FAIL', evidence: 'a 1500 MB package is larger than the client cache (1000 MB)' });
    expect(judgeFits(1500, { targetFree: 900 * MB })).toEqual({ status: 'FAIL', evidence: 'a 1500 MB package is more than PackageSource\'s volume has free (900 MB)' });
    expect(judgeFits(1000, { cacheTotal: 1000 * MB, targetFree: 1000 * MB }).status).toBe('PASS');
  });

  it('the table: check, status, evidence in columns; the first failure is the one the MIF carries', () => {
    const results = [{ check: 'the guard', status: 'PASS' as const, evidence: 'ok' }, { check: 'names', status: 'FAIL' as const, evidence: 'bad' }, { check: 'events', status: 'FAIL' as const, evidence: 'worse' }];
    expect(resultTable(results)).toEqual(['check      status  evidence', 'the guard  PASS    ok', 'names      FAIL    bad', 'events     FAIL    worse']);
    expect(firstFailure(results)?.check).toBe('names');
    expect(firstFailure(results.slice(0, 1))).toBeUndefined();
  });
});
