// A signing that never ends, and a build stopped while it signs (README, Signing). A time-stamping
// service that accepts the connection and never answers (a proxy or firewall that swallows it)
// would make osslsigncode, which has no time-out, and with it the build wait for ever: the build
// stops it after ZTICACHE_SIGN_TIMEOUT seconds, in one line, leaving no exe. Stopped as an admin
// would (Ctrl+C: SIGINT to the build's process group) while it waits, the build leaves no
// zticache.exe of an earlier build, no .sha256, and no file holding the .pfx password
// (scripts/lib/abort.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, buildExe, canSign, filesUnder, pfx, silentService } from './sign-helpers.js';
import { ROOT, needs } from '../helpers/fixtures.js';

let dir: string;
let cert: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-ts-'));
  if (canSign) cert = pfx(dir, 'good');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ready = (ctx: { skip(note?: string): void }) => needs(ctx, canSign && fs.existsSync(path.join(ROOT, 'dist', 'zticache.cjs')), 'openssl, osslsigncode and npm run build');

describe('a time-stamping service that never answers', () => {
  it('the build stops by itself with one line and no exe', async (ctx) => {
    if (!ready(ctx)) return;
    const tsa = await silentService();
    const out = path.join(dir, 'out-wait');
    const b = buildExe(out, { ZTICACHE_SIGN_PFX: cert, ZTICACHE_SIGN_PASSWORD: PASSWORD, ZTICACHE_SIGN_TIMESTAMP_URL: tsa.url, ZTICACHE_SIGN_TIMEOUT: '10', TMPDIR: fs.mkdtempSync(path.join(dir, 'tmp-')) });
    try {
      // generous: a time-stamp answers in seconds; a build that waits for it must give up on its own
      const ceiling = new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 150_000).unref());
      const r = await Promise.race([b.exited, ceiling]);
      expect(r, `after 150 s the build ${r === 'still waiting' ? 'still waits for the time-stamping service' : 'ended'}: ${b.stderr()}`).not.toBe('still waiting');
      const lines = b.stderr().trim().split('\n').filter(Boolean);
      expect({ code: (r as { code: number }).code, lines: lines.length, exe: fs.existsSync(path.join(out, 'zticache.exe')) }, b.stderr()).toEqual({ code: 1, lines: 1, exe: false });
      expect(lines[0]).toBe(`zticache build: cannot sign koffi.node: osslsigncode did not finish within 10 s (does the time-stamping service ${tsa.url} answer?); ZTICACHE_SIGN_TIMEOUT sets the limit`);
    } finally {
      b.kill();
      tsa.close();
    }
  }, 200_000);

  it('stopped with Ctrl+C while it waits: no unsigned exe from an earlier build is left, nor the password in a file', async (ctx) => {
    if (!ready(ctx)) return;
    const tsa = await silentService();
    const out = path.join(dir, 'out-stopped');
    fs.mkdirSync(out, { recursive: true });
    // an earlier, unsigned build in the same place
    fs.writeFileSync(path.join(out, 'zticache.exe'), 'MZ an earlier unsigned build');
    fs.writeFileSync(path.join(out, 'zticache.exe.sha256'), '0000  zticache.exe\n');
    const tmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
    const b = buildExe(out, { ZTICACHE_SIGN_PFX: cert, ZTICACHE_SIGN_PASSWORD: PASSWORD, ZTICACHE_SIGN_TIMESTAMP_URL: tsa.url, TMPDIR: tmp });
    try {
      // signing has begun (osslsigncode asks the service), or the build ended first
      await Promise.race([tsa.connected, b.exited]);
      b.kill('SIGINT'); // Ctrl+C at the terminal: the whole foreground process group
      await b.exited;
      const passwordFiles = filesUnder(tmp).filter((f) => fs.readFileSync(path.join(tmp, f)).includes(PASSWORD));
      expect({ exe: fs.existsSync(path.join(out, 'zticache.exe')), sha256: fs.existsSync(path.join(out, 'zticache.exe.sha256')), passwordFiles })
        .toEqual({ exe: false, sha256: false, passwordFiles: [] });
    } finally {
      b.kill();
      tsa.close();
    }
  }, 120_000);
});
