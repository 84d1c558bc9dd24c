// How every run ends in its log, word for word: the start line with the command, the summary line
// (the outcome, the exit code in decimal and hex, what was planned, the time) at the level the
// outcome deserves, and the peak memory. A review of ZTICache.log on 10,000 clients reads these
// lines first. (The same lines as events: the Wine suite, where the event log exists.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { VERSION } from '../../src/core/version.js';
import { escapeRegExp as esc, expectExit, makePackage, scene, zticache } from '../helpers/fixtures.js';

/** The CMTrace entries of a log: text and type (1 information, 2 warning, 3 error). */
function entries(file: string) {
  return [...fs.readFileSync(file, 'utf8').matchAll(/<!\[LOG\[(.*?)\]LOG\]!><time="[^"]*" date="[^"]*" component="ZTICache" context="" type="(\d)"/g)].map((m) => ({ text: m[1]!, type: Number(m[2]) }));
}

async function timed(args: string[]) {
  const t0 = Date.now();
  const r = await zticache(args);
  return { ...r, wall: (Date.now() - t0) / 1000 };
}

/** The summary line's parts, and the entries after it. */
function summary(file: string) {
  const all = entries(file);
  const i = all.findIndex((e) => e.text.startsWith('zticache finished in '));
  expect(i, 'a summary line').toBeGreaterThanOrEqual(0);
  const m = /^zticache finished in (\d+\.\d) s: (.*); exit code (\d+) \((0x[0-9A-F]{8})\); (.*)$/.exec(all[i]!.text);
  expect(m, all[i]!.text).not.toBeNull();
  return { type: all[i]!.type, seconds: Number(m![1]), outcome: m![2], code: Number(m![3]), hex: m![4], size: m![5], after: all.slice(i + 1), all };
}

describe('the last lines of a run', () => {
  it('a run that launched and got 0: information, the files and bytes of the plan, its time; then the peak memory', async () => {
    const s = scene();
    makePackage(s.source);
    const args = s.args('--', s.report, '0');
    const r = await timed(args);
    expectExit(r, 0);
    const e = summary(s.log);
    expect([e.type, e.outcome, e.code, e.hex]).toEqual([1, 'succeeded (the launcher returned 0: success)', 0, '0x00000000']);
    // what was planned, as the plan's own line says it
    const planned = /^Package: (\d+) files, \d+ folders, (.*) \(\d+ bytes\)$/.exec(e.all.find((x) => x.text.startsWith('Package: '))!.text)!;
    expect(e.size).toBe(`${planned[1]} files, ${planned[2]}`);
    expect(e.seconds).toBeLessThanOrEqual(r.wall + 0.05);
    // the first line names this version, this process and the command as given; Node and its
    // memory settings are the environment's own line
    expect(e.all[0]!.text).toMatch(new RegExp(`^zticache ${esc(VERSION)} started \\(pid \\d+\\): ${esc(args.join(' '))}$`));
    expect(e.all.filter((x) => x.text.startsWith('Environment: ')).map((x) => x.text)).toEqual([expect.stringMatching(new RegExp(`^Environment: Node\\.js ${esc(process.version)} on linux `))]);
    const memory = /^Peak memory: (\d+\.\d) MB$/.exec(e.after.at(-1)!.text);
    expect(memory, e.after.at(-1)!.text).not.toBeNull();
    expect(Number(memory![1])).toBeGreaterThan(1);
    expect(Number(memory![1])).toBeLessThan(100_000); // MB, not KB
  });

  it('a launcher that returned another code: a warning, with the code in decimal and hex', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--', s.report, '42'));
    expect(r.code).toBe(42);
    const e = summary(s.log);
    expect([e.type, e.outcome, e.code, e.hex]).toEqual([2, 'the launcher returned 42', 42, '0x0000002A']);
  });

  it("a run that failed before its launcher: an error naming zticache's own code; 'nothing planned' when no plan was made", async () => {
    const s = scene();
    const r = await zticache(s.args());
    expectExit(r, ExitCode.SOURCE_MISSING);
    const e = summary(s.log);
    expect([e.type, e.outcome, e.code, e.hex, e.size]).toEqual([3, 'failed, SOURCE_MISSING', ExitCode.SOURCE_MISSING, '0x35A4E902', 'nothing planned']);
    // failed after the plan (a file that does not match its manifest): what the plan counted
    const t = scene();
    makePackage(t.source);
    expect((await zticache(['manifest', t.source])).code).toBe(0);
    fs.writeFileSync(path.join(t.source, 'readme.txt'), 'tampered\n');
    expectExit(await zticache(t.args('--', t.report, '0')), ExitCode.VERIFY_FAILED);
    const f = summary(t.log);
    expect([f.type, f.outcome]).toEqual([3, 'failed, VERIFY_FAILED']);
    expect(f.size).toMatch(/^\d+ files, [\d.]+ [KMG]?B$/);
  });
});
