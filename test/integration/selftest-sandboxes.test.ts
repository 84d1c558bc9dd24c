// Attack on issue 34, guarantee 6 (`zticache selftest` ... leaves no sandbox behind for good, and the
// next selftest removes earlier sandboxes it can prove are its own):
// - two selftests at once (an admin runs one by hand while the pilot program runs it): the second
//   takes the first one's live sandbox for the leftover of a stopped selftest ("proven" by the
//   identity the first recorded) and removes it under it; the first then FAILs with a raw ENOENT,
//   SELFTEST_FAILED on a machine where nothing is wrong;
// - a selftest killed on a machine whose state folder cannot be used (the very machines a selftest
//   is run on) leaves its sandbox with no record: the next selftest, the state folder fixed, neither
//   removes nor mentions it, so it stays for good.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { CLI, itProcess, tempDir, waitFor } from '../helpers/fixtures.js';

/** zticache selftest as a process of its own; its output so far, its sandbox once it named it, its end. */
function selftest(stateDir: string) {
  const child = spawn(process.execPath, [CLI, 'selftest', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, sandbox: () => /zticache selftest in (\S+)/.exec(out)?.[1], ended };
}

/** Whether the state folder's record of selftest sandboxes lists `box` (false while it is being written). */
function recordLists(state: string, box: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(state, 'selftest-sandboxes.json'), 'utf8')) as { path?: string }[]).some((r) => r.path === box);
  } catch {
    return false;
  }
}

describe('zticache selftest and the sandboxes of other selftests', () => {
  itProcess('a second selftest started while the first runs does not remove the first one\'s sandbox; the first does not FAIL for it', async () => {
    const state = path.join(tempDir(), 'state');
    fs.mkdirSync(state, { mode: 0o700 });
    const first = selftest(state);
    // the first has made its sandbox and recorded it: hold it there (a slow machine). Not its package:
    // that is in the cache folder for milliseconds only, before the staging moves it
    await waitFor('the first selftest\'s sandbox, recorded', () => {
      const box = first.sandbox();
      return box !== undefined && fs.existsSync(box) && recordLists(state, box);
    });
    first.child.kill('SIGSTOP');
    const box = first.sandbox()!;
    let second: ReturnType<typeof selftest>;
    try {
      second = selftest(state);
      await second.ended;
    } finally {
      first.child.kill('SIGCONT');
    }
    const r1 = await first.ended;
    expect(second.out()).not.toContain(`Removed ${box}`);
    expect(r1.code, first.out()).toBe(0); // not SELFTEST_FAILED
    expect(first.out()).toMatch(/: \d+ PASS, 0 FAIL, /);
    expect(fs.existsSync(box)).toBe(false);
  }, 120_000);

  itProcess('a selftest killed while the state folder cannot be used leaves no sandbox for good: the next one removes it or names it', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    fs.writeFileSync(state, 'a file where the state folder should be'); // STATE_UNSAFE: the selftest FAILs it and goes on
    const first = selftest(state);
    await waitFor('the selftest\'s sandbox', () => {
      const box = first.sandbox();
      return box !== undefined && fs.existsSync(box);
    });
    first.child.kill('SIGKILL');
    await first.ended;
    const box = first.sandbox()!;
    expect(first.out()).toContain(`STATE_UNSAFE`);
    try {
      // the admin fixes the state folder, as the FAIL said, and runs selftest again
      fs.rmSync(state);
      fs.mkdirSync(state, { mode: 0o700 });
      const next = selftest(state);
      const r = await next.ended;
      expect(r.code, next.out()).toBe(0);
      expect(!fs.existsSync(box) || next.out().includes(box), `${box} is left, and the next selftest says nothing of it:\n${next.out()}`).toBe(true);
    } finally {
      fs.rmSync(box, { recursive: true, force: true });
    }
  }, 120_000);
});
