// Shared by the tests of a signing that must refuse or stop cleanly: throwaway certificates made
// with openssl (expired, or for TLS servers), the build run as a child in a process group of its
// own (so a test can stop it as Ctrl+C would, and clean up after), a time-stamping service that
// never answers.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../helpers/fixtures.js';

export const have = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
export const canSign = have('openssl') && have('osslsigncode');
if (!canSign && process.env.CI === 'true') throw new Error('CI=true and openssl or osslsigncode is missing');

export const PASSWORD = 'throwaway-37';

/**
 * A .pfx in `dir` named `name`: an RSA key and a self-signed certificate with the given extended key
 * usage, valid from `start` to `end` (openssl ca's YYYYMMDDHHMMSSZ) or for 30 days from now.
 */
export function pfx(dir: string, name: string, opts: { eku?: string; start?: string; end?: string } = {}): string {
  const eku = opts.eku ?? 'codeSigning';
  const key = path.join(dir, `${name}.key`);
  const crt = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=${eku}\n`);
  if (opts.start || opts.end) {
    const ca = path.join(dir, `${name}-ca`);
    fs.mkdirSync(path.join(ca, 'new'), { recursive: true });
    fs.writeFileSync(path.join(ca, 'index.txt'), '');
    fs.writeFileSync(path.join(ca, 'serial'), '01\n');
    const cnf = path.join(ca, 'ca.cnf');
    fs.writeFileSync(cnf, `[ca]\ndefault_ca=c\n[c]\ndir=${ca}\ndatabase=$dir/index.txt\nnew_certs_dir=$dir/new\nserial=$dir/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n`);
    const csr = path.join(dir, `${name}.csr`);
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=zticache test ${name}`], { stdio: 'ignore' });
    execFileSync('openssl', ['ca', '-batch', '-config', cnf, '-selfsign', '-keyfile', key, '-in', csr, '-out', crt,
      '-startdate', opts.start ?? '20200101000000Z', '-enddate', opts.end ?? '20200201000000Z', '-extfile', ext], { stdio: 'ignore' });
  } else {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '30',
      '-subj', `/CN=zticache test ${name}`, '-extensions', 'v3', '-config', writeReqConfig(dir, name, eku)], { stdio: 'ignore' });
  }
  const out = path.join(dir, `${name}.pfx`);
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', out, '-passout', `pass:${PASSWORD}`], { stdio: 'ignore' });
  return out;
}

function writeReqConfig(dir: string, name: string, eku: string): string {
  const f = path.join(dir, `${name}-req.cnf`);
  fs.writeFileSync(f, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=${eku}\n`);
  return f;
}

export interface Build {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  /** stops the whole process group (the build and what it started) */
  kill: (signal?: NodeJS.Signals) => void;
}

/** `node scripts/build-exe.mjs --out <out>` with `env` added, in a process group of its own. */
export function buildExe(out: string, env: Record<string, string>): Build {
  let err = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'build-exe.mjs'), '--out', out], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
  });
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child, exited, stderr: () => err,
    kill: (signal = 'SIGKILL') => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* gone */
      }
    },
  };
}

/** An RFC 3161 time-stamping service that accepts connections and never answers. `connected` resolves at the first one. */
export async function silentService(): Promise<{ url: string; connected: Promise<void>; close: () => void }> {
  const sockets = new Set<net.Socket>();
  let onConnect!: () => void;
  const connected = new Promise<void>((r) => (onConnect = r));
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onConnect();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    connected,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** The files under `dir`, recursively (paths relative to it). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}
