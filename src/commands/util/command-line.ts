// The OS program's command line, as zticache util may change it: what it runs (the program part,
// quoted or not, any folder and case), its arguments, and what enabling or disabling makes of it.
// zticache owns only command lines that run zticache.exe (or the original ZTICache.vbs): enabling
// leaves one that already runs zticache.exe exactly as it is (any folder, any case, its
// arguments: `ZTICACHE.EXE /status-mif:ZTICache.mif` is not rewritten, a Put_ that changed
// nothing zticache owns), moves osdlaunch.exe's arguments behind `--` (zticache passes them on),
// and disabling restores osdlaunch.exe with the arguments zticache passed on. What a disable
// cannot give back (ZTICache.vbs's `wscript //b ZTICache.vbs`, a folder before osdlaunch.exe) is
// told by undoes(): the undo of such a change names the command line to put back by hand. A
// program that runs neither is someone else's: it is changed only when the admin says so (/force).
// What a line runs is what Windows starts, never a name that appears somewhere in it: the program
// part (quoted; or unquoted, where CreateProcess reads `C:\Program Files\ZTICache\zticache.exe` up
// to the blank that makes it a path), or for wscript/cscript the script it runs. `cmd /c copy
// ZTICache.vbs ...` runs cmd.exe. An OSDLaunch.exe in a folder of the package (`"OSD Tools\
// osdlaunch.exe" /x`) is kept as zticache's --launch, so zticache.exe starts that one; and the
// `--` that ends zticache's own options is found as the C runtime splits the line (argv.ts), so a
// quoted value holding " -- " (`/mif-product:"XP -- Gold"`) is not taken for it.

import { parseArgs } from '../../cli/args.js';
import { splitWithPlaces } from './argv.js';

/** zticache-command: zticache.exe with a subcommand (check, cache-size, selftest, manifest, util): not the stager */
export type Runs = 'zticache' | 'zticache-command' | 'zticache-vbs' | 'osdlaunch' | 'other';

export interface CommandLine {
  /** the program part as written (quotes included) */
  program: string;
  /** the rest, as written, without the spaces that separate it */
  args: string;
  runs: Runs;
}

/** what a program (its file name, any case, .exe or not) is */
const PROGRAMS: Readonly<Record<string, Runs>> = {
  'zticache.exe': 'zticache', zticache: 'zticache', 'osdlaunch.exe': 'osdlaunch', osdlaunch: 'osdlaunch', 'zticache.vbs': 'zticache-vbs',
};
/** zticache.exe's subcommands (src/cli/args.ts): a line that starts with one does not stage */
const SUBCOMMANDS: ReadonlySet<string> = new Set(['check', 'cache-size', 'selftest', 'manifest', 'util']);
/** Windows Script Host: what it runs is its first argument that is not one of its own (//B, //nologo) */
const SCRIPT_HOSTS: ReadonlySet<string> = new Set(['wscript', 'wscript.exe', 'cscript', 'cscript.exe']);

const fileName = (p: string) => p.replace(/"/g, '').split(/[\\/]/).pop()!.toLowerCase();
const known = (p: string): Runs | undefined => (Object.hasOwn(PROGRAMS, fileName(p)) ? PROGRAMS[fileName(p)] : undefined);

/**
 * The program part of a line and the rest. Unquoted, CreateProcess tries each blank in turn
 * (`C:\Program`, then `C:\Program Files\ZTICache\zticache.exe`): a first word without an extension
 * is read on to a zticache.exe or osdlaunch.exe in a folder, through words that are not switches
 * (/, -) or other paths (a colon, a leading backslash), and never past a word with an extension
 * (a program of its own that Windows would start).
 */
function programPart(s: string): { program: string; rest: string } {
  if (s.startsWith('"')) {
    const m = /^("[^"]*"?)(.*)$/s.exec(s)!;
    return { program: m[1]!, rest: m[2]! };
  }
  const first = /^\S*/.exec(s)![0];
  if (known(first) === undefined && !/\.[^.\\/]+$/.test(first)) {
    const words = /\s+(\S+)/gy;
    words.lastIndex = first.length;
    for (let w = words.exec(s); w; w = words.exec(s)) {
      const word = w[1]!;
      if (/^[-/\\]/.test(word) || word.includes(':')) break;
      const program = s.slice(0, words.lastIndex);
      if (known(program) !== undefined) return { program, rest: s.slice(words.lastIndex) };
      if (/\.[^.\\/]+$/.test(word)) break;
    }
  }
  return { program: first, rest: s.slice(first.length) };
}

export function parseCommandLine(line: string): CommandLine {
  const { program, rest } = programPart(line.trimStart());
  const args = rest.trim();
  let runs = known(program) ?? 'other';
  if (runs === 'other' && SCRIPT_HOSTS.has(fileName(program))) {
    const script = splitWithPlaces(args).find((a) => !a.value.startsWith('//'));
    if (script && known(script.value) === 'zticache-vbs') runs = 'zticache-vbs';
  }
  // zticache.exe stages only without a subcommand: a first argument that is one (`check`,
  // `cache-size 2000`, `selftest`, `manifest DIR`, any case, as zticache reads it) makes the line
  // a read-only or planning program of its own that no /enable may rewrite
  if (runs === 'zticache' && SUBCOMMANDS.has(splitWithPlaces(args)[0]?.value.toLowerCase() ?? '')) runs = 'zticache-command';
  return { program, args, runs };
}

/** Whether a line runs `zticache.exe check` (any folder, any case): the one program whose exit code and MIF say READY. */
export const runsCheck = (line: string): boolean => {
  const c = parseCommandLine(line);
  return c.runs === 'zticache-command' && splitWithPlaces(c.args)[0]?.value.toLowerCase() === 'check';
};

export const ENABLED_PROGRAM = 'zticache.exe';
export const DISABLED_PROGRAM = 'osdlaunch.exe';

/** A path to a program, as the program part of a line or an argument: quoted where a blank is in it (no quote is in a path, and it ends in a file name, never a backslash). */
const quotedPath = (path: string) => (/\s/.test(path) ? `"${path}"` : path);

/**
 * A zticache.exe line's own part: the launcher it starts where that is an OSDLaunch.exe in a
 * folder (--launch), and the text after the argument `--` (what it passes on), as written.
 */
function zticacheLine(args: string): { launcher?: string; passed: string } {
  const parts = splitWithPlaces(args);
  const end = parts.findIndex((a) => a.value === '--');
  const passed = end >= 0 && end + 1 < parts.length ? args.slice(parts[end + 1]!.start) : '';
  let launch: string | undefined;
  try {
    launch = parseArgs(parts.map((a) => a.value)).launch; // it stops at the --
  } catch {
    launch = undefined; // not a line zticache.exe would take: no launcher of its own to give back
  }
  const launcher = launch !== undefined && known(launch) === 'osdlaunch' && /[\\/]/.test(launch) ? launch : undefined;
  return { launcher, passed };
}

/**
 * What download and execute on (enable) or off makes of a command line: the new one, or undefined
 * for one zticache does not own. A zticache.exe subcommand line (the check, cache-size, selftest)
 * is zticache's but not the stager: both ways it is left exactly as it is (the check advertisement
 * is turned on and off by its flags alone; it must never become osdlaunch.exe, the OS install).
 */
export function rewriteCommandLine(line: string, enable: boolean): string | undefined {
  const c = parseCommandLine(line);
  const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
  if (c.runs === 'zticache-command') return line;
  if (enable) {
    if (c.runs === 'zticache') return line;
    if (c.runs === 'osdlaunch') {
      // an OSDLaunch.exe in a folder: zticache.exe starts that one (it looks at the top of the package otherwise)
      const path = c.program.replace(/"/g, '');
      const launch = /[\\/]/.test(path) ? `--launch ${quotedPath(path)}` : '';
      return join(ENABLED_PROGRAM, launch, c.args ? `-- ${c.args}` : '');
    }
    if (c.runs === 'zticache-vbs') return ENABLED_PROGRAM;
    return undefined;
  }
  if (c.runs === 'osdlaunch') return line;
  if (c.runs === 'zticache') {
    const z = zticacheLine(c.args);
    return join(z.launcher !== undefined ? quotedPath(z.launcher) : DISABLED_PROGRAM, z.passed);
  }
  if (c.runs === 'zticache-vbs') return DISABLED_PROGRAM;
  return undefined;
}

/** What the forced change writes over a command line zticache does not own. */
export const forcedCommandLine = (enable: boolean): string => (enable ? ENABLED_PROGRAM : DISABLED_PROGRAM);

/** Whether the opposite /enable gives `before` back from `after`, exactly: the undo a command can promise. */
export const undoes = (before: string, after: string, enable: boolean): boolean => rewriteCommandLine(after, !enable) === before;
