// Command line -> Args. Three spellings of every option are accepted, because zticache replaces a
// WSH script and admins carry their habits over: `--name value`, `--name=value` and `/name:value`
// (booleans: `--what-if`, `/what-if`). A token is only read as a WSH switch when its name is a known
// option, so POSIX paths such as /tmp/pkg stay plain arguments. Everything after `--` goes to the
// launcher untouched.

import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import type { Mode } from '../core/types.js';
import { MANIFEST_NAME } from './defaults.js';
import { deviceName } from '../names/windows.js';
import { DEFAULT_EVENT_SOURCE, DEFAULT_LAUNCHER, DEFAULT_MIF_VERSION, DEFAULT_PARALLEL, DEFAULT_SCRATCH_MB } from './defaults.js';


export interface Args {
  command: 'run' | 'manifest' | 'util' | 'cache-size' | 'selftest' | 'check' | 'help' | 'version';
  source?: string;
  target?: string;
  launch?: string;
  launchArgs: string[];
  mode: Mode;
  log?: string;
  manifest?: string;
  /** `zticache manifest DIR [--out FILE]` */
  manifestDir?: string;
  out?: string;
  whatIf: boolean;
  /** Diagnostics only: stage and launch without holding the files. */
  guard: boolean;
  eventSource?: string;
  /** Files copied at once (copy mode). */
  parallel?: number;
  /** zticache's state folder (journals, lock) instead of %ProgramData%\zticache */
  stateDir?: string;
  /** `zticache util`: ZTICacheUtil.vbs's arguments */
  server?: string;
  package?: string;
  program?: string;
  advertisement?: string;
  enable?: boolean;
  /** `zticache util /force`: change a program or package that is not zticache's or not an OS package */
  force: boolean;
  /** `zticache util /readiness`: who is ready before the mandatory time */
  readiness: boolean;
  /** `zticache util /readiness /check-advertisement:ID`: the advertisement of `zticache check` */
  checkAdvertisement?: string;
  /** `zticache util /collection:NAME /package:ID`: create the document's collection */
  collection?: string;
  /** `zticache util /readiness --json` or `--csv`; `zticache selftest --json`: the checks as JSON on standard output instead of the table */
  json: boolean;
  csv: boolean;
  /** `zticache util`: the bandwidth the schedule check measures the window against, in Mbit/s */
  bandwidthMbps?: number;
  /** `zticache util`: working hours, Monday to Friday, local time */
  workHours?: { from: number; to: number };
  /** `zticache selftest --package-size MB`: does a package of this size fit */
  packageSize?: number;
  /** `zticache selftest --keep`: leave the sandbox */
  keep: boolean;
  /** `zticache check --scratch-mb MB`: room the OS install needs beside the package (the document's 500 MB) */
  scratchMb?: number;
  /** `zticache cache-size MB` */
  cacheMb?: string;
  /** the program status MIF written on a failure before the launcher: its name in %windir%, and what the Reporting tab matches */
  statusMif?: string;
  mifPublisher?: string;
  mifProduct?: string;
  mifVersion?: string;
  /** what the command line did that the log should warn about (an option given twice) */
  warnings: string[];
}

/**
 * Every option, once: the parser takes the names from here, `--help` and the README's table are
 * rendered from it (a test keeps the README equal). `value` is the placeholder of a valued option.
 */
export const OPTIONS = [
  { name: 'source', value: 'DIR', default: 'the folder of `zticache.exe`', help: 'the package (required when run through `node`)' },
  { name: 'target', value: 'DIR', default: '`%SystemDrive%\\MININT\\PackageSource`', help: 'where the package is staged (required on POSIX)' },
  { name: 'launch', value: 'FILE', default: `\`${DEFAULT_LAUNCHER}\``, help: 'program to run: relative to the target, in the package by any path, or an absolute path outside it; arguments after `--`' },
  { name: 'mode', value: 'auto|move|copy', default: '`auto`', help: 'auto: move when local, copy from a UNC path, network, removable, CD-ROM or read-only drive; `move` from those is refused. On a stuck move, `copy` finishes it as a copy' },
  { name: 'log', value: 'FILE', default: '`%SystemDrive%\\MININT\\SMSOSD\\OSDLOGS\\ZTICache.log`', help: 'CMTrace log, appended, outside the source and the target (POSIX: `<target>/../SMSOSD/OSDLOGS/ZTICache.log`)' },
  { name: 'manifest', value: 'FILE', default: `\`${MANIFEST_NAME}\` in the package, if present`, help: 'SHA-256 manifest every file must match' },
  { name: 'event-source', value: 'NAME', default: `\`${DEFAULT_EVENT_SOURCE}\``, help: 'Application event log source' },
  { name: 'parallel', value: 'N', default: String(DEFAULT_PARALLEL), help: 'files copied or hashed at once (1 to 64)' },
  { name: 'state-dir', value: 'DIR', default: '`%ProgramData%\\zticache` (POSIX: `/var/lib/zticache`)', help: 'journals and the run lock; only SYSTEM and administrators (root) may write there' },
  { name: 'status-mif', value: 'NAME', default: '', help: 'on a failure before the launcher starts, write the program status MIF `%windir%\\NAME` (POSIX: in the default log folder, wherever --log points) with the one-line error, for the ConfigMgr console' },
  { name: 'mif-publisher', value: 'TEXT', default: '`zticache`', help: 'the status MIF\'s Manufacturer (the package\'s Reporting tab: Publisher)' },
  { name: 'mif-product', value: 'TEXT', default: '`zticache`', help: 'the status MIF\'s Product (Reporting tab: Name)' },
  { name: 'mif-version', value: 'TEXT', default: `\`${DEFAULT_MIF_VERSION}\``, help: 'the status MIF\'s Version (Reporting tab: Version); fixed, so that a newer zticache.exe still matches' },
  { name: 'out', value: 'FILE', default: '`DIR\\zticache.sha256`', help: '`zticache manifest DIR` only: where to write the manifest' },
  { name: 'server', value: 'NAME', default: 'this computer', help: '`zticache util` only: the SMS provider server' },
  { name: 'package', value: 'ID', default: '', help: '`zticache util` only: the OS package (with `--program`)' },
  { name: 'program', value: 'NAME', default: '', help: '`zticache util` only: the OS program of that package' },
  { name: 'advertisement', value: 'ID', default: '', help: '`zticache util` only: the OS advertisement' },
  { name: 'enable', value: 'true|false', default: '', help: '`zticache util` only: download and execute on (the program runs zticache.exe) or off (osdlaunch.exe); `yes`/`no` too' },
  { name: 'readiness', default: '', help: '`zticache util` only: with `--advertisement`, its collection\'s clients counted by state, the check\'s READY / NOT READY by reason, the mandatory time and the time left, the schedule check, and the clients at risk by name; reads only' },
  { name: 'check-advertisement', value: 'ID', default: '', help: '`zticache util --readiness` only: the advertisement of `zticache check`, whose results say which clients hold the package intact' },
  { name: 'json', default: '', help: '`zticache util` and `zticache selftest`: the util report (or `--readiness`\'s), or every selftest check with its status and evidence, as one JSON document on standard output instead of the table, and on a usage error or failure a document with exitCode, name, wayOut and message (the log\'s lines go to standard error)' },
  { name: 'csv', default: '', help: '`zticache util --readiness` only: the report as CSV, one row a client, for a spreadsheet' },
  { name: 'collection', value: 'NAME', default: '', help: '`zticache util` only: with `--package`, create the document\'s collection: Windows 10 x64 or later (what zticache.exe runs on) with more free space on the system drive than the package plus `--scratch-mb`; `--what-if` prints its WQL' },
  { name: 'bandwidth-mbps', value: 'N', default: '', help: '`zticache util` only: the rate the network can give the download, in Mbit/s: the schedule check says whether the window fits' },
  { name: 'work-hours', value: 'HH-HH', default: '`08-18`', help: '`zticache util` only: working hours, Monday to Friday, local time: a start time inside them is warned of' },
  { name: 'package-size', value: 'MB', default: '', help: '`zticache selftest` only: check that a package of this size fits in the client cache and on PackageSource\'s volume' },
  { name: 'keep', default: '', help: '`zticache selftest` only: leave its sandbox folder for a look (it is removed otherwise)' },
  { name: 'scratch-mb', value: 'MB', default: String(DEFAULT_SCRATCH_MB), help: '`zticache check` and `zticache util`: room the OS install needs on PackageSource\'s volume beside the package (the document\'s scratch space); util adds it to the collection\'s free-space threshold' },
  { name: 'force', default: '', help: '`zticache util` only: also change a program that runs neither osdlaunch.exe nor zticache.exe, or a package that is not an OS package (its command line is overwritten)' },
  { name: 'what-if', default: '', help: 'print the plan, change nothing, exit 0 (or the refusal\'s code)' },
  { name: 'no-guard', default: '', help: 'diagnostics only: do not hold the staged files open' },
  { name: 'help', default: '', help: 'this text, with the exit codes (also `/?`)' },
  { name: 'version', default: '', help: 'the version' },
] as const satisfies ReadonlyArray<{ name: string; value?: string; default: string; help: string }>;

type OptionRow = (typeof OPTIONS)[number];
type ValueOption = Extract<OptionRow, { value: string }>['name'];
type FlagOption = Exclude<OptionRow['name'], ValueOption>;
const valueOptions: readonly string[] = OPTIONS.filter((o) => 'value' in o).map((o) => o.name);
const flagOptions: readonly string[] = OPTIONS.filter((o) => !('value' in o)).map((o) => o.name);

/** Every command's usage line, as --help and docs/command-line.md show them (a test holds them equal). */
export const USAGE_LINES: readonly string[] = [
  'zticache [options] [-- launcher arguments]',
  'zticache manifest DIR [--out FILE]',
  'zticache util [/server:NAME] [/package:ID /program:NAME] [/advertisement:ID] [/enable:true|false] [/force] [/what-if]',
  'zticache cache-size [MB] [/what-if]',
  'zticache selftest [--package-size MB] [--status-mif NAME] [--keep] [--json]',
  'zticache check [--source DIR] [--manifest FILE] [--scratch-mb MB] [--status-mif NAME]',
];
const usageOf = (command: string): string => `usage: ${USAGE_LINES.find((l) => l.startsWith(`zticache ${command} `))}`;

/** The option as the README's table shows it: `--name VALUE`. */
export function optionSpelling(o: OptionRow): string {
  return 'value' in o ? `--${o.name} ${o.value}` : `--${o.name}`;
}
const isValueOption = (n: string): n is ValueOption => valueOptions.includes(n);
const isFlagOption = (n: string): n is FlagOption => flagOptions.includes(n);

function usage(message: string): ZtiError {
  return new ZtiError(ExitCode.USAGE, `${message} (see zticache --help)`);
}

/** Splits one token into an option name and an inline value, or returns undefined for a plain argument. */
function splitOption(token: string): { name: string; value?: string; spelled: string } | undefined {
  let m = /^--([a-zA-Z][\w-]*)(?:=(.*))?$/s.exec(token);
  if (m) return { name: m[1]!.toLowerCase(), value: m[2], spelled: `--${m[1]}` };
  if (token === '/?' || token === '-?' || token === '-h') return { name: 'help', spelled: token };
  m = /^\/([a-zA-Z][\w-]*)(?::(.*))?$/s.exec(token);
  if (m) return { name: m[1]!.toLowerCase(), value: m[2], spelled: `/${m[1]}` };
  if (/^-[a-zA-Z]/.test(token)) return { name: token.slice(1).toLowerCase(), spelled: token };
  return undefined;
}

export function parseArgs(argv: readonly string[]): Args {
  const { args, error } = parseArgsLeniently(argv);
  if (error) throw error;
  return args;
}

/**
 * The command line read as far as it can be: the first refusal (what parseArgs throws) and what
 * every other token said. A refused command line is still a run to record and a --json to answer
 * in JSON: the command and its --state-dir, --json, --what-if are known though one option is not.
 */
export function parseArgsLeniently(argv: readonly string[]): { args: Args; error?: unknown } {
  let error: unknown;
  const refuse = (f: () => void) => {
    try {
      f();
    } catch (err) {
      error ??= err;
    }
  };
  const args: Args = { command: 'run', launchArgs: [], mode: 'auto', whatIf: false, guard: true, force: false, keep: false, readiness: false, json: false, csv: false, warnings: [] };
  const positional: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      args.launchArgs = argv.slice(i + 1);
      break;
    }
    const opt = splitOption(token);
    // A "/word" that is not one of ours is a path (POSIX), not a switch.
    const known = opt !== undefined && (isValueOption(opt.name) || isFlagOption(opt.name));
    if (!opt || (token.startsWith('/') && !known && opt.value === undefined)) {
      positional.push(token);
      continue;
    }
    if (isFlagOption(opt.name)) {
      if (opt.value !== undefined) {
        error ??= usage(`${opt.spelled} takes no value`);
        continue;
      }
      if (opt.name === 'what-if') args.whatIf = true;
      else if (opt.name === 'no-guard') args.guard = false;
      else if (opt.name === 'force') args.force = true;
      else if (opt.name === 'keep') args.keep = true;
      else if (opt.name === 'readiness') args.readiness = true;
      else if (opt.name === 'json') args.json = true;
      else if (opt.name === 'csv') args.csv = true;
      else if (opt.name === 'help') args.command = 'help';
      else if (opt.name === 'version' && args.command !== 'help') args.command = 'version';
      continue;
    }
    if (!isValueOption(opt.name)) {
      error ??= usage(`unknown option ${opt.spelled}`);
      continue;
    }
    let value = opt.value;
    if (value === undefined) {
      // WSH form: the value is inline or there is none; the others take the next token.
      if (token.startsWith('/')) {
        error ??= usage(`${opt.spelled} needs a value (${opt.spelled}:VALUE)`);
        continue;
      }
      value = argv[++i];
      if (value === undefined || value === '--') {
        error ??= usage(`${opt.spelled} needs a value`);
        if (value === '--') i--; // the launcher's arguments still start there
        continue;
      }
    }
    if (value === '') {
      error ??= usage(`${opt.spelled} needs a non-empty value`);
      continue;
    }
    // "/source:C:\pkg\" /what-if: Windows reads \" as a quote inside the value, so the rest of
    // the command line became part of the path
    if (/" +[-/]/.test(value)) {
      error ??= usage(`${opt.spelled} "${value}" holds a quote followed by what looks like another option: a backslash right before a closing quote (C:\\pkg\\") makes Windows keep the quote and the rest of the line in the value; drop the trailing backslash or double it (C:\\pkg\\\\")`);
      continue;
    }
    // the last one counts, as in most tools, but never silently: the log says which was used
    if (seen.has(opt.name)) args.warnings.push(`${opt.spelled} is given more than once: the last one, "${value}", is used`);
    seen.add(opt.name);
    const [name, v, spelled] = [opt.name, value, opt.spelled];
    refuse(() => setValue(args, name, v, spelled));
  }
  refuse(() => checkCommand(args, positional));
  return error === undefined ? { args } : { args, error };
}

/** The command word and the options that belong to one command only. */
function checkCommand(args: Args, positional: readonly string[]): void {

  const sub = positional[0]?.toLowerCase();
  if (sub === 'manifest') {
    if (args.command === 'run') args.command = 'manifest';
    if (positional.length !== 2 && args.command === 'manifest') throw usage(usageOf('manifest'));
    args.manifestDir = positional[1];
  } else if (sub === 'util') {
    if (args.command === 'run') args.command = 'util';
    if (positional.length > 1) throw usage(`unexpected argument "${positional[1]}" (zticache util takes only options: /server, /package, /program, /advertisement, /enable, /force, /readiness, /collection, ...)`);
  } else if (sub === 'selftest') {
    if (args.command === 'run') args.command = 'selftest';
    if (positional.length > 1) throw usage(usageOf('selftest'));
  } else if (sub === 'check') {
    if (args.command === 'run') args.command = 'check';
    if (positional.length > 1) throw usage(usageOf('check'));
  } else if (sub === 'cache-size') {
    if (args.command === 'run') args.command = 'cache-size';
    if (positional.length > 2) throw usage('usage: zticache cache-size [MB]');
    args.cacheMb = positional[1];
  } else if (positional.length > 0) {
    throw usage(`unexpected argument "${positional[0]}"`);
  }
  if (args.out !== undefined && args.command !== 'manifest') throw usage('--out belongs to "zticache manifest DIR"');
  const utilOnly = (['server', 'package', 'program', 'advertisement', 'enable', 'checkAdvertisement', 'collection', 'bandwidthMbps', 'workHours'] as const).find((k) => args[k] !== undefined)
    ?? (['force', 'readiness', 'csv'] as const).find((k) => args[k]);
  if (utilOnly && args.command !== 'util' && args.command !== 'help') throw usage(`--${utilOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} belongs to "zticache util"`);
  if (args.json && args.command !== 'util' && args.command !== 'selftest' && args.command !== 'help') throw usage('--json belongs to "zticache util" and "zticache selftest"');
  const selftestOnly = args.packageSize !== undefined ? 'package-size' : args.keep ? 'keep' : undefined;
  if (selftestOnly && args.command !== 'selftest' && args.command !== 'help') throw usage(`--${selftestOnly} belongs to "zticache selftest"`);
  if (args.scratchMb !== undefined && args.command !== 'check' && args.command !== 'util' && args.command !== 'help') throw usage('--scratch-mb belongs to "zticache check" and "zticache util"');
}

function setValue(args: Args, name: ValueOption, value: string, spelled: string): void {
  switch (name) {
    case 'mode': {
      // fixed choices are case-insensitive, as the option names are: /mode:Copy
      const mode = value.toLowerCase();
      if (mode !== 'auto' && mode !== 'move' && mode !== 'copy') throw usage(`${spelled} must be auto, move or copy, not "${value}"`);
      args.mode = mode;
      return;
    }
    case 'package-size': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw usage(`${spelled} must be a whole number of MB, not "${value}"`);
      args.packageSize = n;
      return;
    }
    case 'scratch-mb': {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n > 1_000_000) throw usage(`${spelled} must be a whole number of MB from 0 to 1000000, not "${value}"`);
      args.scratchMb = n;
      return;
    }
    case 'bandwidth-mbps': {
      const n = Number(value);
      if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 1_000_000) throw usage(`${spelled} must be a rate in Mbit/s above 0 (100, 1.5), not "${value}"`);
      args.bandwidthMbps = n;
      return;
    }
    case 'work-hours': {
      const m = /^(\d{1,2})-(\d{1,2})$/.exec(value);
      const from = Number(m?.[1]);
      const to = Number(m?.[2]);
      if (!m || from >= to || to > 24) throw usage(`${spelled} must be the hours work starts and ends, HH-HH from 00 to 24 (08-18), not "${value}"`);
      args.workHours = { from, to };
      return;
    }
    case 'check-advertisement':
      args.checkAdvertisement = value;
      return;
    case 'parallel': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw usage(`${spelled} must be a whole number from 1 to 64, not "${value}"`);
      args.parallel = n;
      return;
    }
    case 'event-source':
      args.eventSource = value;
      return;
    case 'state-dir':
      args.stateDir = value;
      return;
    case 'status-mif':
      if (/[\\/:]/.test(value)) throw usage(`${spelled} is a file name in %windir%, not a path: "${value}"`);
      // CON, NUL, COM1 ... name a device there, not a file (a file called CON would be made through \\?\)
      if (deviceName(value) !== undefined) throw usage(`${spelled} "${value}" is a reserved device name (${deviceName(value)}), not a file name: give a name such as ZTICache.mif`);
      args.statusMif = value;
      return;
    case 'mif-publisher':
      args.mifPublisher = value;
      return;
    case 'mif-product':
      args.mifProduct = value;
      return;
    case 'mif-version':
      args.mifVersion = value;
      return;
    case 'enable': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false' && v !== 'yes' && v !== 'no') throw usage(`${spelled} must be true, false, yes or no, not "${value}"`);
      args.enable = v === 'true' || v === 'yes';
      return;
    }
    default:
      args[name] = value;
  }
}
