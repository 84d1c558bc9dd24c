// The Wine harness: one prefix per suite run, one persistent wineserver (Debian's wrapper would
// otherwise start and stop one for every process), the C helpers built with mingw-w64, and a way to
// run the real dist/zticache.exe that sees its full 32-bit exit code (through relay.exe) and its
// output (in files: node.exe dies at start when its stdio is a Unix pipe).
import { execa, execaSync } from 'execa';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, mountTmpfs } from '../helpers/fixtures.js';

export const EXE = path.join(ROOT, 'dist', 'zticache.exe');
const HELPERS = path.join(ROOT, 'test', 'wine', 'helpers');
/** the ProgIDs helpers/fakesms.c serves, and its CLSIDs */
const FAKES = [
  ['WbemScripting.SWbemLocator', '{5A1E0001-2D6F-4C6E-9A11-7A6361636865}'],
  ['UIResource.UIResourceMgr', '{5A1E0002-2D6F-4C6E-9A11-7A6361636865}'],
  ['WbemScripting.SWbemLastError', '{5A1E0003-2D6F-4C6E-9A11-7A6361636865}'],
] as const;

/** gcc for Linux builds helpers/neveranswer.c, the share that never answers (an LD_PRELOAD library) */
export function haveGcc(): boolean {
  return execaSync('sh', ['-c', 'command -v gcc'], { reject: false }).exitCode === 0;
}

export function haveWine(): boolean {
  for (const tool of ['wine', 'wineserver', 'x86_64-w64-mingw32-gcc']) {
    if (execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode !== 0) return false;
  }
  return true;
}

export class Wine {
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly bin: string;
  private n = 0;

  constructor() {
    this.prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-wine-'));
    this.bin = path.join(this.prefix, 'helpers');
    this.env = { WINEPREFIX: this.prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    this.shm = fs.mkdtempSync(path.join('/dev/shm', 'zti-wine-'));
    this.drives = {
      C: path.join(this.prefix, 'drive_c'), D: path.join(this.prefix, 'cdrom'), N: path.join(this.prefix, 'share'),
      M: path.join(this.shm, 'm'), S: path.join(this.shm, 's'), T: path.join(this.prefix, 'tvol'),
    };
  }

  get driveC(): string {
    return path.join(this.prefix, 'drive_c');
  }

  /**
   * Drives on tmpfs, which keeps any file time (ext4 none before 1901): M: a network drive, S: a
   * fixed one, and T: a fixed one on a tmpfs of its own (another volume than S:, when this machine
   * lets root mount one; `volumes` says whether it did).
   */
  private readonly shm: string;
  private unmountT?: () => void;
  /** T: is another volume than S: (a tmpfs mounted for it) */
  volumes = false;
  private readonly drives: Record<string, string>;

  async start(): Promise<void> {
    const opts = { env: this.env, stdio: 'ignore' as const };
    execa('wineserver', ['-p'], { ...opts, detached: true }).catch(() => {});
    await execa('wineboot', ['-i'], opts);
    await execa('winecfg', ['-v', 'win10'], opts); // Wine 8 says Windows 7 by default; Node 22 refuses it
    // drive N: is a "network" drive, as a mapped share would be; D: a CD-ROM; M:, S: and T: on tmpfs
    fs.mkdirSync(this.drives.T!);
    this.unmountT = mountTmpfs(this.drives.T!, '1g'); // the copy of zticache.exe (85 MB) that stays in the cache goes there too
    this.volumes = this.unmountT !== undefined;
    for (const [letter, type] of [['N', 'network'], ['D', 'cdrom'], ['M', 'network'], ['S', 'hd'], ['T', 'hd']] as const) {
      fs.mkdirSync(this.drives[letter]!, { recursive: true });
      fs.symlinkSync(this.drives[letter]!, path.join(this.prefix, 'dosdevices', `${letter.toLowerCase()}:`));
      await execa('wine', ['reg', 'add', 'HKLM\\Software\\Wine\\Drives', '/v', `${letter.toLowerCase()}:`, '/d', type, '/f'], opts);
    }
    // drive types are read when the server starts: restart it
    await execa('wineserver', ['-k'], { ...opts, reject: false });
    await execa('wineserver', ['-w'], { ...opts, reject: false });
    execa('wineserver', ['-p'], { ...opts, detached: true }).catch(() => {});
    fs.mkdirSync(this.bin);
    await Promise.all([
      ...['osdlaunch', 'relay', 'hold', 'planted', 'shortpath', 'sddl', 'runline'].map((c) =>
        execa('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-municode', '-D__USE_MINGW_ANSI_STDIO=1', '-o', path.join(this.bin, `${c}.exe`), path.join(HELPERS, `${c}.c`), '-ladvapi32'])),
      // the COM test doubles: an in-process server, registered by registerFakes()
      execa('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-shared', '-o', path.join(this.bin, 'fakesms.dll'), path.join(HELPERS, 'fakesms.c'), '-lole32', '-loleaut32', '-luuid']),
      // a share that never answers: for the wine processes of a run, not for the wineserver
      ...(haveGcc() ? [execa('gcc', ['-O2', '-Wall', '-shared', '-fPIC', '-o', path.join(this.bin, 'neveranswer.so'), path.join(HELPERS, 'neveranswer.c'), '-ldl'])] : []),
    ]);
  }

  /** ProgID -> the CLSID Wine had for it, while the fakes stand in */
  private saved = new Map<string, string | undefined>();

  /**
   * Registers helpers/fakesms.dll under the real ProgIDs (WbemScripting.SWbemLocator,
   * UIResource.UIResourceMgr). Wine 8 does not read per-user classes for a ProgID, so the machine's
   * are changed; unregisterFakes() gives Wine's own SWbemLocator back.
   */
  async registerFakes(): Promise<void> {
    const dll = Wine.z(path.join(this.bin, 'fakesms.dll'));
    for (const [progId, clsid] of FAKES) {
      // reg.exe's output to a file: a Windows program's standard handles must not be Unix pipes here
      const out = path.join(this.prefix, `reg-${progId}.txt`);
      const fd = fs.openSync(out, 'w');
      try {
        await new Promise<void>((resolve) => {
          spawn('wine', ['reg', 'query', `HKLM\\Software\\Classes\\${progId}\\CLSID`, '/ve'], { env: { ...process.env, ...this.env }, stdio: ['ignore', fd, 'ignore'] })
            .on('error', () => resolve()).on('exit', () => resolve());
        });
      } finally {
        fs.closeSync(fd);
      }
      this.saved.set(progId, /\{[0-9A-Fa-f-]+\}/.exec(fs.readFileSync(out, 'utf8'))?.[0]);
      const key = `HKLM\\Software\\Classes\\CLSID\\${clsid}\\InprocServer32`;
      await this.reg(['add', key, '/ve', '/d', dll, '/f']);
      await this.reg(['add', key, '/v', 'ThreadingModel', '/d', 'Apartment', '/f']);
      await this.reg(['add', `HKLM\\Software\\Classes\\${progId}\\CLSID`, '/ve', '/d', clsid, '/f']);
    }
  }

  async unregisterFakes(): Promise<void> {
    for (const [progId, clsid] of FAKES) {
      const original = this.saved.get(progId);
      if (original) await this.reg(['add', `HKLM\\Software\\Classes\\${progId}\\CLSID`, '/ve', '/d', original, '/f']);
      else await this.reg(['delete', `HKLM\\Software\\Classes\\${progId}`, '/f']).catch(() => {});
      await this.reg(['delete', `HKLM\\Software\\Classes\\CLSID\\${clsid}`, '/f']).catch(() => {});
    }
  }

  private async reg(args: string[]): Promise<void> {
    await execa('wine', ['reg', ...args], { env: this.env, stdio: 'ignore' });
  }

  async stop(): Promise<void> {
    await execa('wineserver', ['-k'], { env: this.env, reject: false });
    this.unmountT?.();
    fs.rmSync(this.prefix, { recursive: true, force: true });
    fs.rmSync(this.shm, { recursive: true, force: true });
  }

  /** Linux path of a Windows path on C:, D: (the CD-ROM), N: or M: (network drives), S: or T: (fixed, on tmpfs) */
  host(win: string): string {
    const m = /^([CDNMST]):\\?(.*)$/i.exec(win);
    if (!m) throw new Error(`not a path on a drive of the harness: ${win}`);
    return path.join(this.drives[m[1]!.toUpperCase()]!, ...m[2]!.split('\\').filter(Boolean));
  }

  /**
   * A cache folder `win` as the SMS client leaves it: `files` (package-relative, `/` between
   * folders), the stand-in OSDLaunch.exe, and the real zticache.exe at `exeRel`. Returns its Linux path.
   */
  cachedPackage(win: string, files: Record<string, string>, exeRel = 'zticache.exe'): string {
    const dir = this.host(win);
    fs.mkdirSync(dir, { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    fs.copyFileSync(path.join(this.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    fs.mkdirSync(path.dirname(path.join(dir, exeRel)), { recursive: true });
    fs.copyFileSync(EXE, path.join(dir, exeRel));
    return dir;
  }

  /** zticache.exe copied to C:\tools, as an admin runs it from outside the cache folder; its Windows path. */
  toolsExe(): string {
    fs.mkdirSync(this.host('C:\\tools'), { recursive: true });
    fs.copyFileSync(EXE, this.host('C:\\tools\\zticache.exe'));
    return 'C:\\tools\\zticache.exe';
  }

  /** Windows path (Z:) of a Linux path */
  static z(linux: string): string {
    return 'Z:' + linux.replace(/\//g, '\\');
  }

  /** Starts a Windows program and leaves it running (output discarded). */
  spawnBackground(program: string, args: string[], env: Record<string, string> = {}) {
    const child = spawn('wine', [program, ...args], { env: { ...process.env, ...this.env, ...env }, stdio: 'ignore', cwd: this.prefix });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    return { child, exited };
  }

  /**
   * Runs a Windows program through relay.exe; returns its full exit code and its output. With
   * `events`, Wine's trace of the event-log calls is captured as well (WINEDEBUG=fixme+advapi,
   * trace+eventlog, stderr to its own file: Wine's RegisterEventSourceW and ReportEventW are stubs
   * that store nothing, so their arguments are what Wine can show; it prints an event's text on the
   * trace, warn or err channel by its type).
   */
  async run(program: string, args: string[], opts: { cwd?: string; events?: boolean; env?: Record<string, string> } = {}): Promise<{ code: number; out: string; events: EventTrace }> {
    const files = this.runFiles();
    const fd = fs.openSync(files.out, 'w');
    const efd = opts.events ? fs.openSync(files.err, 'w') : fd;
    const env = { ...process.env, ...this.env, ...(opts.events ? { WINEDEBUG: 'fixme+advapi,trace+eventlog,warn+eventlog' } : {}), ...opts.env };
    try {
      // plain spawn: execa takes no raw descriptors, and the output must go to a file, not a pipe
      await new Promise<void>((resolve, reject) => {
        spawn('wine', [path.join(this.bin, 'relay.exe'), Wine.z(files.code), program, ...args], {
          env, stdio: ['ignore', fd, efd], cwd: opts.cwd ?? this.prefix,
        }).on('error', reject).on('exit', () => resolve());
      });
    } finally {
      fs.closeSync(fd);
      if (efd !== fd) fs.closeSync(efd);
    }
    return this.runResult(files, opts.events === true);
  }

  /**
   * Runs a Windows program through relay.exe in a console, as an admin runs it at a command
   * prompt: wine on a terminal (util-linux's script gives it one) makes a Unix console, whose
   * Ctrl+C (the byte 0x03 typed into the terminal) Wine turns into a console control event for
   * every process on it. Output and exit code as run() gives them; `out()` reads the output so far.
   */
  runInConsole(program: string, args: string[], opts: { env?: Record<string, string> } = {}) {
    const files = this.runFiles();
    const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = ['wine', path.join(this.bin, 'relay.exe'), Wine.z(files.code), program, ...args].map(sq).join(' ') + ` >${sq(files.out)} 2>&1`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...this.env, ...opts.env }, stdio: ['pipe', 'ignore', 'ignore'], cwd: this.prefix });
    const done = new Promise<void>((resolve, reject) => child.on('error', reject).on('exit', () => resolve()));
    return {
      out: () => (fs.existsSync(files.out) ? fs.readFileSync(files.out, 'utf8') : ''),
      ctrlC: () => child.stdin.write('\x03'),
      result: done.then(() => {
        child.stdin.end();
        return this.runResult(files, false);
      }),
    };
  }

  private runFiles() {
    const tag = `${process.pid}-${++this.n}`;
    return { out: path.join(this.prefix, `out-${tag}.txt`), err: path.join(this.prefix, `err-${tag}.txt`), code: path.join(this.prefix, `code-${tag}.txt`) };
  }

  private runResult(files: ReturnType<Wine['runFiles']>, events: boolean): { code: number; out: string; events: EventTrace } {
    const err = events ? fs.readFileSync(files.err, 'utf8') : '';
    const out = fs.readFileSync(files.out, 'utf8') + err.split('\n').filter((l) => !/^[0-9a-f]{4}:(fixme|trace|warn|err):/.test(l)).join('\n');
    if (!fs.existsSync(files.code)) throw new Error(`relay wrote no exit code; output:\n${out}`);
    return { code: Number(fs.readFileSync(files.code, 'utf8').trim()), out, events: parseEventTrace(err) };
  }
}

/** The event-log calls Wine traced: the sources registered, and each event's type, ID, string count and text. */
export interface EventTrace {
  sources: string[];
  events: Array<{ type: number; id: number; strings: number; text: string }>;
}

export function parseEventTrace(stderr: string): EventTrace {
  const t: EventTrace = { sources: [], events: [] };
  for (const line of stderr.split('\n')) {
    let m = /fixme:advapi:RegisterEventSourceW \(.*?,L"(.*)"\)/.exec(line);
    if (m) t.sources.push(m[1]!);
    m = /fixme:advapi:ReportEventW \([0-9A-Fa-f]+,0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),[0-9A-Fa-f]+,0x([0-9a-f]+),/.exec(line);
    if (m) t.events.push({ type: parseInt(m[1]!, 16), id: parseInt(m[3]!, 16), strings: parseInt(m[4]!, 16), text: '' });
    m = /(?:trace|warn|err):eventlog:ReportEventW L"(.*)"(?:\.\.\.)?$/.exec(line); // Wine cuts a long string, ending it with "...
    if (m && t.events.length) t.events[t.events.length - 1]!.text = m[1]!.replace(/\\\\/g, '\\');
  }
  return t;
}

/** What the fake OSDLaunch.exe reported. */
export interface LaunchReport {
  cwd: string;
  deleted: string[];
  kept: Array<{ path: string; error: number }>;
  read: Map<string, { size: number; fnv: string }>;
  readFailed: string[];
  complete: boolean;
}

export function readLaunchReport(file: string): LaunchReport | undefined {
  if (!fs.existsSync(file)) return undefined;
  const r: LaunchReport = { cwd: '', deleted: [], kept: [], read: new Map(), readFailed: [], complete: false };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [kind, p, a, b] = line.split('\t');
    const plain = (p ?? '').replace(/^\\\\\?\\/, '');
    if (kind === 'cwd') r.cwd = plain;
    else if (kind === 'deleted') r.deleted.push(plain);
    else if (kind === 'kept') r.kept.push({ path: plain, error: Number(a) });
    else if (kind === 'read') r.read.set(plain, { size: Number(a), fnv: b! });
    else if (kind === 'readfail') r.readFailed.push(plain);
    else if (kind === 'end') r.complete = true;
  }
  return r;
}

/** FNV-1a 64 of a file, as the fake launcher computes it. */
export function fnv1a64(buf: Buffer): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of buf) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
