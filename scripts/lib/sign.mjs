// Authenticode signing in the build, asked for by the environment:
//   ZTICACHE_SIGN_PFX            a .pfx (PKCS#12) holding the code-signing key and certificate;
//   ZTICACHE_SIGN_PASSWORD       its password (handed to osslsigncode in a file, never on a command line);
//   ZTICACHE_SIGN_TIMESTAMP_URL  optional: an RFC 3161 time-stamping service, so the signature
//                                outlives the certificate;
// or, for a key that never leaves a certificate store or an HSM (signtool on Windows):
//   ZTICACHE_SIGN_COMMAND        a command line the build runs with the file's path appended; it
//                                must sign that file in place (docs/security.md, "Signing").
//   ZTICACHE_SIGN_TIMEOUT        optional: seconds one signing may take (default 120), time-stamp included.
// A PFX is signed with osslsigncode (Debian's package; builds exist for Windows too): SHA-256
// digest, the file's description "zticache". Before that its certificate is read (openssl) and must
// be valid now and allowed to sign code (extended key usage codeSigning): a build that signs with
// an expired or a TLS certificate makes a signature Windows rejects, as good as none for an
// allow-list. Each signed file is checked for an attached signature afterwards and gets its PE
// checksum set (the checksum is outside what Authenticode hashes); the signed file replaces the
// unsigned one by a rename, so a stopped build never leaves a file half written. A tool that does
// not finish in time (osslsigncode waits for a time-stamping service for ever) is stopped. A build
// that is asked to sign and cannot throws SignError: one line, and no unsigned file left where the
// signed one was expected. The password goes to the tools in a file of a private temporary folder,
// removed when the step ends or the build is stopped (abort.mjs).
import { spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onStop, stopWithBuild } from './abort.mjs';
import { isSigned, setPeChecksum } from './pe.mjs';

export class SignError extends Error {}

/** What the environment asks for: undefined (do not sign), or how to sign. Throws SignError when it asks for something impossible. */
export function signingFromEnv(env = process.env) {
  const pfx = env.ZTICACHE_SIGN_PFX;
  const command = env.ZTICACHE_SIGN_COMMAND;
  if (pfx && command) throw new SignError('ZTICACHE_SIGN_PFX and ZTICACHE_SIGN_COMMAND are both set: choose one');
  if (command) return { command, timeoutSeconds: timeoutFrom(env) };
  if (!pfx) {
    for (const v of ['ZTICACHE_SIGN_PASSWORD', 'ZTICACHE_SIGN_TIMESTAMP_URL']) {
      if (env[v]) throw new SignError(`${v} is set but ZTICACHE_SIGN_PFX is not: set the .pfx to sign with, or unset ${v} to build unsigned`);
    }
    return undefined;
  }
  if (!fs.existsSync(pfx) || !fs.statSync(pfx).isFile()) throw new SignError(`ZTICACHE_SIGN_PFX names ${pfx}, which is not a file`);
  const url = env.ZTICACHE_SIGN_TIMESTAMP_URL;
  if (url && !/^https?:\/\/\S+$/.test(url)) throw new SignError(`ZTICACHE_SIGN_TIMESTAMP_URL is not an http(s) URL: ${url}`);
  return { pfx: path.resolve(pfx), password: env.ZTICACHE_SIGN_PASSWORD ?? '', timestampUrl: url, timeoutSeconds: timeoutFrom(env) };
}

const DEFAULT_TIMEOUT_SECONDS = 120;

function timeoutFrom(env) {
  const t = env.ZTICACHE_SIGN_TIMEOUT;
  if (t === undefined || t === '') return DEFAULT_TIMEOUT_SECONDS;
  if (!/^\d+$/.test(t) || Number(t) < 1) throw new SignError(`ZTICACHE_SIGN_TIMEOUT is not a number of seconds: ${t}`);
  return Number(t);
}

/** The tool's own first words on why (osslsigncode: "Failed to parse PKCS#12 file: x.pfx (Wrong password?)"), not OpenSSL's error stack. */
function reason(err) {
  const lines = (s) => String(s ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^[0-9A-F]+:error:/.test(l));
  return lines(err.stderr)[0] ?? lines(err.stdout).pop() ?? err.message;
}

/**
 * Runs `cmd` (a program and its arguments, or with `shell` a command line), output collected; stopped
 * with the build, and after `seconds`. Rejects with { code, stderr, stdout, timedOut } or the spawn error.
 */
export function run(cmd, args, { seconds, shell = false, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = stopWithBuild(spawn(cmd, args, { shell, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = seconds ? setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, seconds * 1000) : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) resolve({ stdout, stderr });
      else reject(Object.assign(new Error(`${cmd} ended with ${signal ?? `exit code ${code}`}`), { code, signal, stdout, stderr, timedOut }));
    });
  });
}

const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/**
 * The certificate the .pfx signs with (the one its key belongs to), read with openssl, and why it
 * cannot sign code now, or undefined when it can: valid at `now`, extended key usage codeSigning.
 */
export async function certificateProblem(signing, passFile, now = new Date()) {
  const read = (legacy) => run('openssl', ['pkcs12', '-in', signing.pfx, '-clcerts', '-nokeys', '-passin', `file:${passFile}`, ...(legacy ? ['-legacy'] : [])], { seconds: signing.timeoutSeconds });
  let pem;
  try {
    pem = (await read(false)).stdout;
  } catch (err) {
    if (err.code === 'ENOENT') return 'openssl, which reads the certificate before signing, is not installed (Debian: apt-get install openssl)';
    try {
      pem = (await read(true)).stdout; // a .pfx of an older tool (RC2): OpenSSL 3 reads it only so
    } catch {
      return `the .pfx ${signing.pfx} cannot be read: ${reason(err)}`;
    }
  }
  const block = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!block) return `the .pfx ${signing.pfx} holds no certificate for its key`;
  const cert = new X509Certificate(block);
  const subject = cert.subject.replace(/\n/g, ', ');
  if (now < new Date(cert.validFrom)) return `the certificate ${subject} is not valid before ${cert.validFrom}`;
  if (now > new Date(cert.validTo)) return `the certificate ${subject} expired on ${cert.validTo}`;
  const usage = cert.keyUsage; // the extended key usages (OIDs)
  if (!usage?.includes(CODE_SIGNING)) return `the certificate ${subject} is not for code signing (extended key usage: ${usage?.length ? usage.join(', ') : 'none'}; Windows needs codeSigning, ${CODE_SIGNING})`;
  return undefined;
}

/** Signs `file` in place as `signing` says; then it must carry a signature, and its PE checksum is set. */
export async function signFile(file, signing) {
  const name = path.basename(file);
  const seconds = signing.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const late = (tool) => `cannot sign ${name}: ${tool} did not finish within ${seconds} s${signing.timestampUrl ? ` (does the time-stamping service ${signing.timestampUrl} answer?)` : ''}; ZTICACHE_SIGN_TIMEOUT sets the limit`;
  // the signed copy is made beside the file and renamed over it: never half written
  const ext = path.extname(name);
  const signed = path.join(path.dirname(file), `${path.basename(name, ext)}.signing-${randomBytes(4).toString('hex')}${ext}`);
  const forget = onStop(() => fs.rmSync(signed, { force: true }));
  try {
    if (signing.command) {
      fs.copyFileSync(file, signed);
      try {
        await run(`${signing.command} "${signed}"`, [], { shell: true, seconds });
      } catch (err) {
        throw new SignError(err.timedOut ? late('ZTICACHE_SIGN_COMMAND') : `cannot sign ${name}: ZTICACHE_SIGN_COMMAND failed: ${reason(err)}`);
      }
    } else {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zticache-sign-')); // 0700
      const forgetTmp = onStop(() => fs.rmSync(tmp, { recursive: true, force: true }));
      try {
        const pass = path.join(tmp, 'pass');
        fs.writeFileSync(pass, signing.password, { mode: 0o600 });
        const problem = await certificateProblem(signing, pass);
        if (problem) throw new SignError(`cannot sign ${name}: ${problem}`);
        const args = ['sign', '-pkcs12', signing.pfx, '-readpass', pass, '-h', 'sha256', '-n', 'zticache',
          ...(signing.timestampUrl ? ['-ts', signing.timestampUrl] : []), '-in', file, '-out', signed];
        try {
          await run('osslsigncode', args, { seconds });
        } catch (err) {
          if (err.code === 'ENOENT') throw new SignError(`cannot sign ${name}: osslsigncode is not installed (Debian: apt-get install osslsigncode; on Windows see docs/security.md, "Signing", for signtool)`);
          throw new SignError(err.timedOut ? late('osslsigncode') : `cannot sign ${name}: osslsigncode: ${reason(err)}`);
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
        forgetTmp();
      }
    }
    const buf = fs.readFileSync(signed);
    if (!isSigned(buf)) throw new SignError(`cannot sign ${name}: the signing step ended without attaching a signature`);
    setPeChecksum(buf);
    fs.writeFileSync(signed, buf);
    fs.renameSync(signed, file);
  } finally {
    fs.rmSync(signed, { force: true });
    forget();
  }
}
