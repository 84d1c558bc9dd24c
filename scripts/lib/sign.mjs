// Authenticode signing in the build, asked for by the environment:
//   ZTICACHE_SIGN_PFX            a .pfx (PKCS#12) holding the code-signing key and certificate;
//   ZTICACHE_SIGN_PASSWORD       its password (handed to osslsigncode in a file, never on a command line);
//   ZTICACHE_SIGN_TIMESTAMP_URL  optional: an RFC 3161 time-stamping service, so the signature
//                                outlives the certificate;
// or, for a key that never leaves a certificate store or an HSM (signtool on Windows):
//   ZTICACHE_SIGN_COMMAND        a command line the build runs with the file's path appended; it
//                                must sign that file in place (docs/security.md, "Signing").
// A PFX is signed with osslsigncode (Debian's package; builds exist for Windows too): SHA-256
// digest, the file's description "zticache". Each signed file is checked for an attached signature
// afterwards and gets its PE checksum set (the checksum is outside what Authenticode hashes). A
// build that is asked to sign and cannot throws SignError: one line, and no unsigned file left
// where the signed one was expected.
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSigned, setPeChecksum } from './pe.mjs';

export class SignError extends Error {}

/** What the environment asks for: undefined (do not sign), or how to sign. Throws SignError when it asks for something impossible. */
export function signingFromEnv(env = process.env) {
  const pfx = env.ZTICACHE_SIGN_PFX;
  const command = env.ZTICACHE_SIGN_COMMAND;
  if (pfx && command) throw new SignError('ZTICACHE_SIGN_PFX and ZTICACHE_SIGN_COMMAND are both set: choose one');
  if (command) return { command };
  if (!pfx) {
    for (const v of ['ZTICACHE_SIGN_PASSWORD', 'ZTICACHE_SIGN_TIMESTAMP_URL']) {
      if (env[v]) throw new SignError(`${v} is set but ZTICACHE_SIGN_PFX is not: set the .pfx to sign with, or unset ${v} to build unsigned`);
    }
    return undefined;
  }
  if (!fs.existsSync(pfx) || !fs.statSync(pfx).isFile()) throw new SignError(`ZTICACHE_SIGN_PFX names ${pfx}, which is not a file`);
  const url = env.ZTICACHE_SIGN_TIMESTAMP_URL;
  if (url && !/^https?:\/\/\S+$/.test(url)) throw new SignError(`ZTICACHE_SIGN_TIMESTAMP_URL is not an http(s) URL: ${url}`);
  return { pfx: path.resolve(pfx), password: env.ZTICACHE_SIGN_PASSWORD ?? '', timestampUrl: url };
}

/** The tool's own first words on why (osslsigncode: "Failed to parse PKCS#12 file: x.pfx (Wrong password?)"), not OpenSSL's error stack. */
function reason(err) {
  const lines = (s) => String(s ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^[0-9A-F]+:error:/.test(l));
  return lines(err.stderr)[0] ?? lines(err.stdout).pop() ?? err.message;
}

/** Signs `file` in place as `signing` says; then it must carry a signature, and its PE checksum is set. */
export function signFile(file, signing) {
  const name = path.basename(file);
  if (signing.command) {
    try {
      execSync(`${signing.command} "${file}"`, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new SignError(`cannot sign ${name}: ZTICACHE_SIGN_COMMAND failed: ${reason(err)}`);
    }
  } else {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zticache-sign-'));
    try {
      const pass = path.join(tmp, 'pass');
      fs.writeFileSync(pass, signing.password, { mode: 0o600 });
      const out = path.join(tmp, name);
      const args = ['sign', '-pkcs12', signing.pfx, '-readpass', pass, '-h', 'sha256', '-n', 'zticache',
        ...(signing.timestampUrl ? ['-ts', signing.timestampUrl] : []), '-in', file, '-out', out];
      try {
        execFileSync('osslsigncode', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        if (err.code === 'ENOENT') throw new SignError(`cannot sign ${name}: osslsigncode is not installed (Debian: apt-get install osslsigncode; on Windows see docs/security.md, "Signing", for signtool)`);
        throw new SignError(`cannot sign ${name}: osslsigncode: ${reason(err)}`);
      }
      fs.copyFileSync(out, file);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const buf = fs.readFileSync(file);
  if (!isSigned(buf)) throw new SignError(`cannot sign ${name}: the signing step ended without attaching a signature`);
  setPeChecksum(buf);
  fs.writeFileSync(file, buf);
}
