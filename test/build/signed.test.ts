// A signed build, as an organisation makes one (docs/security.md, "Signing"): a throwaway self-signed
// code-signing certificate (openssl), ZTICACHE_SIGN_PFX and ZTICACHE_SIGN_PASSWORD. osslsigncode
// then verifies zticache.exe and the koffi.node it carries against that certificate, and the
// koffi.node the exe writes out at run time is that very signed file; the signed exe still stages
// and launches under Wine. A build asked to sign that cannot fails in one line and leaves no exe.
import { execa, execaSync } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/fixtures.js';
import { Wine, haveWine, readLaunchReport } from '../wine/harness.js';
// @ts-expect-error: a build script, plain JavaScript
import { peChecksum, recordedChecksum } from '../../scripts/lib/pe.mjs';
// @ts-expect-error: a build script, plain JavaScript
import { signFile, signingFromEnv } from '../../scripts/lib/sign.mjs';

const have = (tool: string) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode === 0;
const tools = have('openssl') && have('osslsigncode');
if (!tools && process.env.CI === 'true') throw new Error('CI=true and openssl or osslsigncode is missing: .ci/run installs them');
const wineToo = tools && haveWine();

const BUILD = path.join(ROOT, 'scripts', 'build-exe.mjs');
const NO_SIGNING = { ZTICACHE_SIGN_PFX: '', ZTICACHE_SIGN_PASSWORD: '', ZTICACHE_SIGN_TIMESTAMP_URL: '', ZTICACHE_SIGN_COMMAND: '' };
const PASSWORD = 'throwaway "password" with spaces';

/** A self-signed code-signing certificate, its key, and both in a .pfx, in dir. */
async function throwawayCertificate(dir: string) {
  await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=zticache CI throwaway signing', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=codeSigning']);
  await execa('openssl', ['pkcs12', '-export', '-inkey', path.join(dir, 'key.pem'), '-in', path.join(dir, 'cert.pem'), '-out', path.join(dir, 'signing.pfx'), '-passout', `pass:${PASSWORD}`]);
  return { cert: path.join(dir, 'cert.pem'), pfx: path.join(dir, 'signing.pfx') };
}

const verify = (file: string, cert: string) => execaSync('osslsigncode', ['verify', '-CAfile', cert, '-in', file], { reject: false, all: true });
const build = (out: string, env: Record<string, string>) => execa(process.execPath, [BUILD, '--out', out], { cwd: ROOT, reject: false, all: true, env: { ...NO_SIGNING, ...env } });

describe.skipIf(!tools)('a signed build (ZTICACHE_SIGN_PFX)', () => {
  let dir: string;
  let out: string;
  let cert: string;
  let pfx: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'zticache.cjs'))) throw new Error('dist/zticache.cjs is missing: run npm run build first');
    dir = tempDir('zti-signed-');
    ({ cert, pfx } = await throwawayCertificate(dir));
    out = path.join(dir, 'out');
    const r = await build(out, { ZTICACHE_SIGN_PFX: pfx, ZTICACHE_SIGN_PASSWORD: PASSWORD });
    if (r.exitCode !== 0) throw new Error(`the signed build failed:\n${r.all}`);
  }, 240_000);

  it('zticache.exe verifies against the certificate, with a correct PE checksum', () => {
    const r = verify(path.join(out, 'zticache.exe'), cert);
    expect(r.all).toMatch(/Signature verification: ok/);
    expect(r.all).toMatch(/Subject: \/CN=zticache CI throwaway signing/);
    expect(r.all).toMatch(/Message digest algorithm\s*: SHA256/);
    expect(r.all).not.toMatch(/invalid PE checksum/);
    expect(r.exitCode).toBe(0);
    const bytes = fs.readFileSync(path.join(out, 'zticache.exe'));
    expect(recordedChecksum(bytes)).toBe(peChecksum(bytes));
  });

  it('the koffi.node it carries was signed before it became an asset: it verifies, and those very bytes are inside the exe', () => {
    const koffi = path.join(out, 'sea', 'koffi.node');
    expect(verify(koffi, cert).all).toMatch(/Signature verification: ok/);
    expect(fs.readFileSync(path.join(out, 'zticache.exe')).indexOf(fs.readFileSync(koffi))).toBeGreaterThan(0);
  });

  it('the control: against another certificate neither verifies', async () => {
    const other = await throwawayCertificate(tempDir('zti-other-'));
    for (const f of [path.join(out, 'zticache.exe'), path.join(out, 'sea', 'koffi.node')]) {
      const r = verify(f, other.cert);
      expect(r.exitCode, f).not.toBe(0);
      expect(r.all, f).not.toMatch(/Signature verification: ok/);
    }
  });

  it('can be checked by rebuilding: unsigned, with its koffi.node (--koffi-node), the build is the signed exe with its signature removed', async () => {
    const again = path.join(dir, 'again');
    const r = await execa(process.execPath, [BUILD, '--out', again, '--koffi-node', path.join(out, 'sea', 'koffi.node')], { cwd: ROOT, all: true, env: NO_SIGNING });
    expect(r.all).toMatch(/built .*zticache\.exe \(8\d\.\d MB, unsigned/);
    const stripped = path.join(dir, 'stripped.exe');
    await execa('osslsigncode', ['remove-signature', '-in', path.join(out, 'zticache.exe'), '-out', stripped]);
    expect(fs.readFileSync(path.join(again, 'zticache.exe')).equals(fs.readFileSync(stripped))).toBe(true);
  }, 180_000);

  it('--koffi-node takes only the pinned koffi.node plus a signature: unsigned, or one byte changed, is refused', async () => {
    const unsigned = path.join(ROOT, '.cache', 'npm', '_koromix_koffi-win32-x64_3.3.4', 'package', 'win32_x64', 'koffi.node');
    const changed = path.join(dir, 'changed.node');
    const bytes = fs.readFileSync(path.join(out, 'sea', 'koffi.node'));
    bytes[4096] = bytes[4096]! ^ 1;
    fs.writeFileSync(changed, bytes);
    for (const [file, why] of [[unsigned, 'is not signed'], [changed, "is not @koromix/koffi-win32-x64@3.3.4's koffi.node with a signature added"]] as const) {
      const r = await execa(process.execPath, [BUILD, '--out', path.join(dir, 'refused'), '--koffi-node', file], { cwd: ROOT, reject: false, all: true, env: NO_SIGNING });
      expect(r.exitCode).toBe(1);
      expect(r.all).toBe(`zticache build: failed: --koffi-node ${file} ${why}`);
    }
  }, 60_000);

  it('the .sha256 beside it is the signed file\'s', () => {
    const sha = createHash('sha256').update(fs.readFileSync(path.join(out, 'zticache.exe'))).digest('hex');
    expect(fs.readFileSync(path.join(out, 'zticache.exe.sha256'), 'utf8')).toBe(`${sha}  zticache.exe\n`);
  });

  describe.skipIf(!wineToo)('under Wine', () => {
    let wine: Wine;
    beforeAll(async () => {
      wine = new Wine();
      await wine.start();
    }, 120_000);
    afterAll(async () => {
      await wine?.stop();
    });

    it('the signed exe stages and launches, and the koffi.node it writes out verifies against the certificate', async () => {
      const cache = wine.host('C:\\ccmcache\\SIGNED01');
      fs.mkdirSync(cache, { recursive: true });
      fs.writeFileSync(path.join(cache, 'setup.cab'), Buffer.alloc(10_000, 7));
      fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(cache, 'OSDLaunch.exe'));
      fs.copyFileSync(path.join(out, 'zticache.exe'), path.join(cache, 'zticache.exe'));
      const r = await wine.run('C:\\ccmcache\\SIGNED01\\zticache.exe', ['--', 'C:\\MININT', 'C:\\report.txt', '3010']);
      expect(r.code, r.out).toBe(3010);
      expect(readLaunchReport(wine.host('C:\\report.txt'))?.complete).toBe(true);
      const written = /Native module written to (\S+koffi\.node)/.exec(r.out)?.[1];
      expect(written, r.out).toBeDefined();
      const extracted = wine.host(written!);
      expect(verify(extracted, cert).all).toMatch(/Signature verification: ok/);
      expect(fs.readFileSync(extracted).equals(fs.readFileSync(path.join(out, 'sea', 'koffi.node')))).toBe(true);
    }, 120_000);
  });
});

describe.skipIf(!tools)('ZTICACHE_SIGN_COMMAND: a key in a certificate store or an HSM (signtool /sha1 ... on Windows)', () => {
  it('runs the command with the file appended, then sees the signature and sets the PE checksum', async () => {
    const dir = tempDir('zti-command-');
    const { cert, pfx } = await throwawayCertificate(dir);
    fs.writeFileSync(path.join(dir, 'pass'), PASSWORD);
    // a stand-in for `signtool sign /fd SHA256 /sha1 <thumbprint>`: signs its last argument in place
    const script = path.join(dir, 'sign.sh');
    fs.writeFileSync(script, `osslsigncode sign -pkcs12 '${pfx}' -readpass '${path.join(dir, 'pass')}' -h sha256 -in "$1" -out "$1.signed" >/dev/null && mv "$1.signed" "$1"\n`);
    const file = path.join(dir, 'with spaces', 'koffi.node');
    fs.mkdirSync(path.dirname(file));
    fs.copyFileSync(path.join(ROOT, 'dist', 'sea', 'koffi.node'), file);
    await signFile(file, signingFromEnv({ ZTICACHE_SIGN_COMMAND: `sh '${script}'` }));
    expect(verify(file, cert).all).toMatch(/Signature verification: ok/);
    const bytes = fs.readFileSync(file);
    expect(recordedChecksum(bytes)).toBe(peChecksum(bytes));
  });
});

describe.skipIf(!tools)('a build asked to sign that cannot: one line, and no exe left', () => {
  let dir: string;
  let pfx: string;
  beforeAll(async () => {
    dir = tempDir('zti-unsignable-');
    ({ pfx } = await throwawayCertificate(dir));
  });

  /** Builds into a folder that holds an exe from an earlier build: a failed signed build must not leave it looking like its result. */
  async function failing(env: Record<string, string>) {
    const out = tempDir('zti-unsigned-out-');
    fs.writeFileSync(path.join(out, 'zticache.exe'), 'an earlier, unsigned build');
    fs.writeFileSync(path.join(out, 'zticache.exe.sha256'), 'x  zticache.exe\n');
    const r = await build(out, env);
    return { ...r, out, lines: r.all!.trim().split('\n') };
  }

  it('a wrong password: OpenSSL\'s own reason, in one line', async () => {
    const r = await failing({ ZTICACHE_SIGN_PFX: pfx, ZTICACHE_SIGN_PASSWORD: 'wrong' });
    expect(r.exitCode).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^zticache build: cannot sign koffi\.node: the \.pfx .*signing\.pfx cannot be read: .*password/i)]);
    expect(fs.existsSync(path.join(r.out, 'zticache.exe'))).toBe(false);
    expect(fs.existsSync(path.join(r.out, 'zticache.exe.sha256'))).toBe(false);
  }, 60_000);

  it('a time-stamping service that does not answer fails the build instead of leaving the signature without a time stamp', async () => {
    const r = await failing({ ZTICACHE_SIGN_PFX: pfx, ZTICACHE_SIGN_PASSWORD: PASSWORD, ZTICACHE_SIGN_TIMESTAMP_URL: 'http://127.0.0.1:9/' });
    expect(r.exitCode).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^zticache build: cannot sign koffi\.node: osslsigncode: /)]);
    expect(fs.existsSync(path.join(r.out, 'zticache.exe'))).toBe(false);
  }, 60_000);

  it('a .pfx that is not there, a password or time-stamp URL without a .pfx, a URL that is not one, and both ways of signing at once', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ZTICACHE_SIGN_PFX: path.join(dir, 'missing.pfx') }, /^zticache build: ZTICACHE_SIGN_PFX names .*missing\.pfx, which is not a file$/],
      [{ ZTICACHE_SIGN_PASSWORD: PASSWORD }, /^zticache build: ZTICACHE_SIGN_PASSWORD is set but ZTICACHE_SIGN_PFX is not: /],
      [{ ZTICACHE_SIGN_TIMESTAMP_URL: 'http://ts.example/' }, /^zticache build: ZTICACHE_SIGN_TIMESTAMP_URL is set but ZTICACHE_SIGN_PFX is not: /],
      [{ ZTICACHE_SIGN_PFX: pfx, ZTICACHE_SIGN_TIMESTAMP_URL: 'ts.example' }, /^zticache build: ZTICACHE_SIGN_TIMESTAMP_URL is not an http\(s\) URL: ts\.example$/],
      [{ ZTICACHE_SIGN_PFX: pfx, ZTICACHE_SIGN_COMMAND: 'true' }, /^zticache build: ZTICACHE_SIGN_PFX and ZTICACHE_SIGN_COMMAND are both set: choose one$/],
    ];
    for (const [env, line] of cases) {
      const r = await failing(env);
      expect(r.exitCode, JSON.stringify(env)).toBe(1);
      expect(r.lines, JSON.stringify(env)).toEqual([expect.stringMatching(line)]);
      expect(fs.existsSync(path.join(r.out, 'zticache.exe')), JSON.stringify(env)).toBe(false);
    }
  }, 60_000);

  it('a ZTICACHE_SIGN_COMMAND that fails, or that succeeds without signing, is refused', async () => {
    let r = await failing({ ZTICACHE_SIGN_COMMAND: 'sh -c "echo no certificate in the store >&2; exit 3"' });
    expect(r.lines).toEqual(['zticache build: cannot sign koffi.node: ZTICACHE_SIGN_COMMAND failed: no certificate in the store']);
    r = await failing({ ZTICACHE_SIGN_COMMAND: 'true' });
    expect(r.lines).toEqual(['zticache build: cannot sign koffi.node: the signing step ended without attaching a signature']);
    expect(fs.existsSync(path.join(r.out, 'zticache.exe'))).toBe(false);
  }, 60_000);
});
