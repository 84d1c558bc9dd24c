// "A build that is asked to sign and cannot fails with a one-line error, never a silently unsigned
// exe" (issue 37), for a certificate no Windows accepts for code: expired, or one whose extended
// key usage is not code signing. Signed with it, the exe would carry a signature that `osslsigncode
// verify` (and WDAC, AppLocker, Get-AuthenticodeSignature) reject, which for an allow-list is the
// same as unsigned; scripts/lib/sign.mjs reads the certificate first (certificateProblem). Each case
// runs the real build (scripts/build-exe.mjs --out <temp>): one line naming why, and no exe.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, buildExe, canSign, pfx } from './sign-helpers.js';
import { ROOT, needs } from '../helpers/fixtures.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-cert-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function buildWith(pfxFile: string, tag: string) {
  const out = path.join(dir, `out-${tag}`);
  const b = buildExe(out, { ZTICACHE_SIGN_PFX: pfxFile, ZTICACHE_SIGN_PASSWORD: PASSWORD, TMPDIR: fs.mkdtempSync(path.join(dir, 'tmp-')) });
  try {
    const { code } = await b.exited;
    return { code, lines: b.stderr().trim().split('\n').filter(Boolean), exe: fs.existsSync(path.join(out, 'zticache.exe')) };
  } finally {
    b.kill();
  }
}

describe('signing with a certificate that cannot sign code', () => {
  it('an expired code-signing certificate: one line, no exe', async (ctx) => {
    if (!needs(ctx, canSign && fs.existsSync(path.join(ROOT, 'dist', 'zticache.cjs')), 'openssl, osslsigncode and npm run build')) return;
    const r = await buildWith(pfx(dir, 'expired', { start: '20200101000000Z', end: '20200201000000Z' }), 'expired');
    expect({ code: r.code, exe: r.exe, oneLine: r.lines.length === 1 && r.lines[0]!.startsWith('zticache build: ') }, r.lines.join('\n'))
      .toEqual({ code: 1, exe: false, oneLine: true });
    expect(r.lines[0]).toMatch(/^zticache build: cannot sign koffi\.node: the certificate CN=zticache test expired expired on Feb  1 00:00:00 2020 GMT$/);
  }, 300_000);

  it('a certificate for TLS servers (extended key usage serverAuth, not codeSigning): one line, no exe', async (ctx) => {
    if (!needs(ctx, canSign && fs.existsSync(path.join(ROOT, 'dist', 'zticache.cjs')), 'openssl, osslsigncode and npm run build')) return;
    const r = await buildWith(pfx(dir, 'server', { eku: 'serverAuth' }), 'server');
    expect({ code: r.code, exe: r.exe, oneLine: r.lines.length === 1 && r.lines[0]!.startsWith('zticache build: ') }, r.lines.join('\n'))
      .toEqual({ code: 1, exe: false, oneLine: true });
    expect(r.lines[0]).toBe('zticache build: cannot sign koffi.node: the certificate CN=zticache test server is not for code signing (extended key usage: 1.3.6.1.5.5.7.3.1; Windows needs codeSigning, 1.3.6.1.5.5.7.3.3)');
  }, 300_000);
});
