// Real files in real temp folders, and the built CLI as a real child process.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, it, vi } from 'vitest';
import { main, VERSION } from '../../src/cli.js';
import { journalFileFor, readJournal } from '../../src/plan/journal.js';
import type { Log } from '../../src/log/logger.js';
import { posixNames } from '../../src/names/posix.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'zticache.cjs');
/** The crash suite's own bundle: the same code with its fault points compiled in (src/core/fault-points.ts). */
export const FAULTS_CLI = path.join(ROOT, 'dist', 'test', 'zticache-faults.cjs');

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'zti-', base = os.tmpdir()): string {
  const d = fs.mkdtempSync(path.join(base, prefix));
  made.push(d);
  return d;
}

/** Creates files (content) and empty folders (value null) under root. */
export function makeTree(root: string, spec: Record<string, string | Buffer | null>): void {
  for (const [rel, content] of Object.entries(spec)) {
    const abs = path.join(root, rel);
    if (content === null) fs.mkdirSync(abs, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
  }
}

/**
 * A stand-in for OSDLaunch.exe: writes what it saw (working directory, every file with its
 * SHA-256, its arguments) to the file named by its first argument, then exits with the code in its
 * second argument.
 */
export const LAUNCHER_SOURCE = `#!/usr/bin/env node
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const [report, code] = process.argv.slice(2);
const files = {};
(function walk(d, rel) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const r = rel ? rel + '/' + e.name : e.name;
    if (e.isDirectory()) walk(path.join(d, e.name), r);
    else files[r] = crypto.createHash('sha256').update(fs.readFileSync(path.join(d, e.name))).digest('hex');
  }
})(process.cwd(), '');
let runs = 0;
try { runs = JSON.parse(fs.readFileSync(report, 'utf8')).runs; } catch {}
fs.writeFileSync(report, JSON.stringify({ cwd: process.cwd(), files, args: process.argv.slice(4), runs: runs + 1 }));
process.exit(Number(code ?? 0));
`;

export const LAUNCHER = 'launch.js';

/** A package: a few files at three depths, an empty folder, and the test launcher. */
export function makePackage(root: string, extra: Record<string, string | Buffer | null> = {}): void {
  makeTree(root, {
    'setup.cab': Buffer.alloc(70_000, 7),
    'readme.txt': 'package readme\n',
    'OSD/Custom/osd.xml': '<osd/>',
    'OSD/Custom/Deep/Deeper/driver.inf': 'driver',
    'Images/image.wim': Buffer.alloc(300_000, 1),
    'Empty': null,
    ...extra,
  });
  fs.writeFileSync(path.join(root, LAUNCHER), LAUNCHER_SOURCE, { mode: 0o755 });
}

/** rel path -> sha256 of every file under dir. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(d, e.name);
      if (e.isSymbolicLink()) out[r] = `link -> ${fs.readlinkSync(abs)}`;
      else if (e.isDirectory()) walk(abs, r);
      else out[r] = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    }
  };
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) out['.'] = `link -> ${fs.readlinkSync(dir)}`;
  else if (st?.isDirectory()) walk(dir, '');
  else if (st) out['.'] = createHash('sha256').update(fs.readFileSync(dir)).digest('hex');
  return out;
}

export interface LauncherReport {
  cwd: string;
  files: Record<string, string>;
  args: string[];
  runs: number;
}

export function readReport(file: string): LauncherReport | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as LauncherReport) : undefined;
}

export interface CliResult {
  /** the exit code as a POSIX parent sees it (the low 8 bits) */
  code?: number;
  /** stdout and stderr, interleaved */
  out: string;
}

/** The built CLI as the OSD program would run it: a child process. */
export async function zticacheProcess(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd: opts.cwd ?? ROOT, all: true });
  return { code: r.exitCode, out: r.all ?? '' };
}

/**
 * The same command line through main() in this process, with what it writes to stdout and stderr
 * captured and its code cut to what a POSIX parent sees: the mutated src/ StrykerJS puts in place is
 * what runs (a child process runs dist/, which no mutant reaches). One run at a time.
 */
export async function zticacheInProcess(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  const chunks: string[] = [];
  const capture = (stream: NodeJS.WriteStream) => vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as NodeJS.WriteStream['write']);
  const spies = [capture(process.stdout), capture(process.stderr)];
  try {
    const code = await main(args, { platform: process.platform, env: process.env, execPath: process.execPath, packaged: false, cwd: opts.cwd ?? ROOT, version: VERSION });
    return { code: process.platform === 'win32' ? code : code & 0xff, out: chunks.join('') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/**
 * zticache as a test runs it: the built CLI in a child process, or, under `npm run mutate`
 * (ZTI_IN_PROCESS=1, set by vitest.mutate.config.ts), main() in this process. Tests that need a
 * process of their own (signals, two runs at once, another user) call zticacheProcess.
 */
export const zticache = process.env.ZTI_IN_PROCESS === '1' ? zticacheInProcess : zticacheProcess;

/**
 * A test whose every run of zticache is a process of its own (signals, runs started together,
 * another user, a pipe, a terminal): under `npm run mutate` it cannot see a mutant and only costs
 * time, so it is skipped there; the normal suite runs it.
 */
export const itProcess = process.env.ZTI_IN_PROCESS === '1' ? it.skip : it;

/** A layout like a client's: cache folder with the package, and MININT beside it. */
export function scene(base?: string) {
  const dir = tempDir('zti-', base);
  const source = path.join(dir, 'ccmcache', 'ABC00001');
  const minint = path.join(dir, 'MININT');
  const target = path.join(minint, 'PackageSource');
  const report = path.join(dir, 'report.json');
  const log = path.join(minint, 'SMSOSD', 'OSDLOGS', 'ZTICache.log');
  /** zticache's state folder for this scene (journals, lock): what %ProgramData%\zticache is on Windows */
  const state = path.join(dir, 'state');
  const stateArgs = ['--state-dir', state];
  const args = (...more: string[]) => ['--source', source, '--target', target, '--launch', LAUNCHER, ...stateArgs, ...more];
  /** this scene's journal, as zticache keeps it */
  const journal = () => readJournal(journalFileFor(path.posix, state, target), posixNames);
  return { dir, source, minint, target, report, log, state, stateArgs, args, journal };
}

/**
 * The exit code as this platform shows it: a POSIX parent sees only the low 8 bits, so zticache's
 * own codes (900000001-900000099) are also checked in full in the "[exit N]" the error line ends with.
 */
export function expectExit(r: { code?: number; out: string }, code: number): void {
  const shown = process.platform === 'win32' ? code : code & 0xff;
  if (r.code !== shown) throw new Error(`exit code ${r.code}, expected ${shown} (${code})\n${r.out}`);
  if (code >= 900000000 && !r.out.includes(`[exit ${code}]`)) throw new Error(`no "[exit ${code}]" in the output\n${r.out}`);
}

/** `text` as a regular expression that matches only itself (for a path or a version inside a pattern). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Waits until cond() is true, checking every 20 ms, failing after a generous ceiling (a loaded machine is slow, never wrong). */
export async function waitFor(what: string, cond: () => boolean, ceilingMs = 30_000): Promise<void> {
  const until = Date.now() + ceilingMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`waited ${ceilingMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A launcher that holds its run open: it writes `<report>.started`, waits until the file named by
 * its third argument exists, then does what launch.js does. Lets a test act while a run is at the
 * launch step, without sleeping.
 */
export const GATED_LAUNCHER = 'gated.sh';
export const GATED_LAUNCHER_SOURCE = `#!/bin/sh
: > "$1.started"
while [ ! -e "$3" ]; do sleep 0.02; done
exec node ./${LAUNCHER} "$1" "$2"
`;

/** A Log that keeps lines in memory, for tests that call one step directly. */
export function memoryLog(): Log & { lines: string[]; events: string[] } {
  const lines: string[] = [];
  /** the info lines that are also Application events */
  const events: string[] = [];
  return {
    lines,
    events,
    info: (m, o) => {
      lines.push(`info: ${m}`);
      if (o?.event) events.push(m);
    },
    warn: (m) => void lines.push(`warn: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
  };
}

/** true while some process has `arg` on its command line (Linux /proc): an orphaned launcher, say. */
export function processRunsWith(arg: string): boolean {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(arg)) return true;
    } catch {
      /* gone meanwhile */
    }
  }
  return false;
}

/**
 * A test that needs something of the machine (root's mount, objdump, ...): without it the test is
 * skipped with the reason on a developer's machine, and fails under CI=true, where a skip would
 * hide that the guarantee went unchecked.
 */
export function needs(ctx: { skip(note?: string): void }, have: boolean, what: string): boolean {
  if (have) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true and this test needs ${what}`);
  ctx.skip(`needs ${what}`);
  return false;
}

/** Mounts a fresh tmpfs on dir (a volume root of its own); returns its unmount, or undefined when this machine refuses. */
export function mountTmpfs(dir: string, size = '64m'): (() => void) | undefined {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (r.status !== 0) return undefined;
  return () => void spawnSync('umount', ['-l', dir]);
}
