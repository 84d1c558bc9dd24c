// Progress on a clock the test turns: a log line per interval (also from synchronous loops, through
// tick), rate and ETA from the bytes so far, a bar redrawn in place on a terminal and ended with a
// newline, nothing drawn where there is no terminal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../../src/stage/progress.js';
import { memoryLog } from '../../helpers/fixtures.js';

const MB = 1048576;
afterEach(() => vi.useRealTimers());

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const terminal = () => {
  const writes: string[] = [];
  return { writes, tty: { isTTY: true, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream };
};

describe('progress', () => {
  it('rate and ETA come from the bytes so far; nothing done yet is an unknown ETA', () => {
    const c = clock();
    const p = new Progress('Copied', 100 * MB, 10, memoryLog(), { now: c.now });
    c.advance(10_000);
    expect(p.line()).toBe('Copied 0 B of 100.0 MB, 0 of 10 files, 0.0 MB/s, ETA unknown');
    p.add(20 * MB, 2);
    expect(p.line()).toBe('Copied 20.0 MB of 100.0 MB, 2 of 10 files, 2.0 MB/s, ETA 0:40');
    p.add(80 * MB, 8);
    expect(p.line()).toBe('Copied 100.0 MB of 100.0 MB, 10 of 10 files, 10.0 MB/s, ETA 0:00');
  });

  it("a resumed copy: an earlier run's complete files are out of this run's totals and rate, said apart (issue 39 attack)", () => {
    const c = clock();
    const p = new Progress('Copied', 100 * MB, 10, memoryLog(), { now: c.now });
    p.kept(60 * MB, 6);
    c.advance(10_000);
    p.add(20 * MB, 2);
    expect(p.line()).toBe('Copied 20.0 MB of 40.0 MB, 2 of 4 files, 2.0 MB/s, ETA 0:10; 6 files (60.0 MB) already complete from an earlier run');
    p.kept(1 * MB, 1);
    expect(p.line()).toMatch(/; 7 files \(61\.0 MB\) already complete/);
  });

  it('tick logs once an interval has passed since the last line, not before', () => {
    const c = clock();
    const log = memoryLog();
    const p = new Progress('Moved', 10 * MB, 4, log, { now: c.now, intervalMs: 1000 });
    p.add(MB, 1);
    c.advance(999);
    p.tick();
    expect(log.lines).toEqual([]);
    c.advance(1);
    p.tick();
    expect(log.lines).toEqual(['info: Moved 1.00 MB of 10.0 MB, 1 of 4 files, 1.0 MB/s, ETA 0:09']);
    c.advance(500);
    p.tick();
    expect(log.lines).toHaveLength(1);
    c.advance(500);
    p.tick();
    expect(log.lines).toHaveLength(2);
  });

  it('the timer logs every interval (5 s unless told), and stops', () => {
    vi.useFakeTimers();
    const log = memoryLog();
    const p = new Progress('Copied', MB, 1, log).start();
    vi.advanceTimersByTime(4999);
    expect(log.lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log.lines).toHaveLength(1);
    p.stop();
    vi.advanceTimersByTime(20_000);
    expect(log.lines).toHaveLength(1);
  });

  it('stop gives the seconds and the MB/s of what was added', () => {
    const c = clock();
    const p = new Progress('Copied', 10 * MB, 2, memoryLog(), { now: c.now });
    p.add(10 * MB, 2);
    c.advance(4000);
    expect(p.stop()).toEqual({ seconds: 4, mbps: 2.5 });
    const q = new Progress('Copied', 0, 0, memoryLog(), { now: clock().now });
    expect(q.stop()).toEqual({ seconds: 0, mbps: 0 });
  });

  it('on a terminal a bar is redrawn in place at most every 200 ms, and ended with a newline', () => {
    vi.useFakeTimers();
    const c = clock();
    const t = terminal();
    const p = new Progress('Copied', 4 * MB, 4, memoryLog(), { now: c.now, tty: t.tty }).start();
    p.add(MB, 1);
    vi.advanceTimersByTime(200);
    expect(t.writes).toHaveLength(1);
    expect(t.writes[0]).toMatch(/^\r\[#{8}\.{22}\]  25% Copied 1\.00 MB of 4\.00 MB, 1 of 4 files, .*\x1b\[K$/);
    // from a synchronous loop: drawn when 200 ms passed since the last bar
    c.advance(100);
    p.tick();
    expect(t.writes).toHaveLength(2);
    c.advance(100);
    p.tick();
    expect(t.writes).toHaveLength(2);
    c.advance(100);
    p.add(3 * MB, 3);
    p.tick();
    expect(t.writes).toHaveLength(3);
    expect(t.writes[2]).toMatch(/^\r\[#{30}\] 100% /);
    p.stop();
    expect(t.writes.slice(-2)).toEqual([expect.stringMatching(/^\r\[#{30}\] 100% /), '\n']);
    vi.advanceTimersByTime(1000);
    expect(t.writes).toHaveLength(5);
  });

  it('an empty package is a full bar; no terminal, no bar', () => {
    const t = terminal();
    const p = new Progress('Copied', 0, 0, memoryLog(), { now: clock().now, tty: t.tty }).start();
    p.stop();
    expect(t.writes).toEqual([expect.stringMatching(/^\r\[#{30}\] 100% /), '\n']);
    const notTty = { isTTY: false, write: () => { throw new Error('no bar without a terminal'); } } as unknown as NodeJS.WriteStream;
    const q = new Progress('Copied', MB, 1, memoryLog(), { now: clock().now, tty: notTty }).start();
    q.tick();
    q.stop();
  });

  it('a large file not created yet counts nothing; its bytes so far fill the bar', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-progress-'));
    try {
      const dst = path.join(dir, 'image.wim');
      const t = terminal();
      const p = new Progress('Copied', 4 * MB, 1, memoryLog(), { now: clock().now, tty: t.tty });
      p.begin(dst);
      expect(p.line()).toMatch(/^Copied 0 B of 4\.00 MB/);
      fs.writeFileSync(dst, Buffer.alloc(2 * MB));
      p.add(MB, 0);
      p.start();
      p.stop();
      expect(t.writes[0]).toMatch(/^\r\[#{23}\.{7}\]  75% /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
