// Args + the machine -> Options: every default decided in one place. Windows defaults follow OSD
// (%SystemDrive%\MININT\PackageSource, OSDLaunch.exe, logs in MININT\SMSOSD\OSDLOGS); POSIX has no
// such convention, so there --target is required. The source defaults to the folder of the running
// executable only when zticache is the packaged .exe: run through node, that folder is node's.

import path from 'node:path';
import type { Args } from './args.js';
import type { Mode } from '../core/types.js';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import type { StatusMif } from '../log/status-mif.js';
import { DEFAULT_EVENT_SOURCE, DEFAULT_LAUNCHER, DEFAULT_PARALLEL, LOG_NAME, NATIVE_NAME, POSIX_STATE_DIR, STATE_NAME, DEFAULT_MIF_VERSION } from './defaults.js';

export interface Runtime {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  execPath: string;
  /** true when running as the single executable (node's SEA) */
  packaged: boolean;
  cwd: string;
  /** the script node runs (dist/zticache.cjs) when not packaged */
  scriptPath?: string;
  /** zticache's own version (the log's first line) */
  version?: string;
}

export interface Options {
  source: string;
  target: string;
  /** absolute path of the program to run once staged */
  launcher: string;
  launchArgs: string[];
  mode: Mode;
  log: string;
  manifest?: string;
  whatIf: boolean;
  guard: boolean;
  eventSource: string;
  parallel: number;
  /**
   * zticache.exe itself when it runs packaged: where it is inside the source is decided by the
   * plan, by identity; that entry is copied, never moved (the SMS client expects it in its cache)
   */
  runningExe?: string;
  /** zticache's state folder: the journals and the run lock (only SYSTEM and administrators may write it) */
  stateDir: string;
  /**
   * true when the target is the default %SystemDrive%\MININT\PackageSource: only there is an
   * existing target that zticache did not make replaced (what ZTICache.vbs did); elsewhere it is refused
   */
  targetIsDefault: boolean;
  /** path flavour of the platform, so Windows rules can be tested on Linux */
  path: path.PlatformPath;
  /** --status-mif: where and with which names a failure before the launcher is reported */
  statusMif?: StatusMif;
}


export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Where the log goes: --log, else OSD's log folder (Windows: %SystemDrive%\MININT\SMSOSD\OSDLOGS;
 * POSIX: beside the target, so undefined until the target is known). Also asked before the
 * options are whole, so that a failed command line is logged too.
 */
export function logPath(rt: Runtime, log: string | undefined, target?: string): string | undefined {
  const p = pathFor(rt.platform);
  if (log !== undefined) return p.resolve(rt.cwd, log);
  if (rt.platform === 'win32') return p.join(`${rt.env.SystemDrive || rt.env.SYSTEMDRIVE || 'C:'}\\`, 'MININT', 'SMSOSD', 'OSDLOGS', LOG_NAME);
  return target === undefined ? undefined : p.join(p.dirname(target), 'SMSOSD', 'OSDLOGS', LOG_NAME);
}

/**
 * The source and the target a command line names, each as far as it can be known: given, or the
 * default (the exe's folder; Windows' PackageSource). Also asked of a command line that is refused
 * otherwise, so that its log goes only where a normal run's log could.
 */
export function placesOf(args: Pick<Args, 'source' | 'target'> | undefined, rt: Runtime): { source?: string; target?: string } {
  const p = pathFor(rt.platform);
  const source = args?.source !== undefined ? p.resolve(rt.cwd, args.source) : rt.packaged ? p.dirname(rt.execPath) : undefined;
  const target = args?.target !== undefined ? p.resolve(rt.cwd, args.target)
    : rt.platform === 'win32' ? p.join(`${rt.env.SystemDrive || rt.env.SYSTEMDRIVE || 'C:'}\\`, 'MININT', 'PackageSource') : undefined;
  return { source, target };
}

/** zticache's state folder: --state-dir, else %ProgramData%\\zticache (POSIX: /var/lib/zticache). */
export function stateDirOf(args: Pick<Args, 'stateDir'>, rt: Runtime): string {
  const p = pathFor(rt.platform);
  if (args.stateDir !== undefined) return p.resolve(rt.cwd, args.stateDir);
  if (rt.platform !== 'win32') return POSIX_STATE_DIR;
  const systemDrive = rt.env.SystemDrive || rt.env.SYSTEMDRIVE || 'C:';
  return p.join(rt.env.ProgramData || rt.env.PROGRAMDATA || rt.env.ALLUSERSPROFILE || `${systemDrive}\\ProgramData`, STATE_NAME);
}

/**
 * Where zticache.exe keeps its native module: %LOCALAPPDATA%\zticache\native, in the profile of
 * the account running it (SYSTEM's: C:\Windows\System32\config\systemprofile\AppData\Local),
 * which nobody but that account, SYSTEM and administrators can write, whoever made the folder
 * (platform/win32/load-native.ts says why not the state folder). Without %LOCALAPPDATA%,
 * %USERPROFILE%\AppData\Local; without either, undefined: the loader asks Windows for the
 * profile. POSIX: undefined (there is no native module).
 */
export function nativeDirOf(rt: Runtime): string | undefined {
  if (rt.platform !== 'win32') return undefined;
  const p = path.win32;
  const local = rt.env.LOCALAPPDATA || (rt.env.USERPROFILE ? p.join(rt.env.USERPROFILE, 'AppData', 'Local') : undefined);
  return local && p.isAbsolute(local) ? p.join(local, STATE_NAME, NATIVE_NAME) : undefined;
}

export function resolveOptions(args: Args, rt: Runtime): Options {
  const p = pathFor(rt.platform);
  const windows = rt.platform === 'win32';
  const systemDrive = rt.env.SystemDrive || rt.env.SYSTEMDRIVE || 'C:';

  const { source, target } = placesOf(args, rt);
  if (source === undefined) throw new ZtiError(ExitCode.USAGE, '--source is required when zticache runs through node (the default is the folder of zticache.exe)');
  if (target === undefined) throw new ZtiError(ExitCode.USAGE, '--target is required on this platform (the Windows default is %SystemDrive%\\MININT\\PackageSource)');

  const log = logPath(rt, args.log, target)!;

  const stateDir = stateDirOf(args, rt);

  const statusMif: StatusMif | undefined = args.statusMif === undefined ? undefined : {
    file: p.join(windows ? rt.env.windir || rt.env.SystemRoot || rt.env.SYSTEMROOT || `${systemDrive}\\Windows` : p.dirname(logPath(rt, undefined, target)!), args.statusMif),
    publisher: args.mifPublisher ?? 'zticache',
    product: args.mifProduct ?? 'zticache',
    version: args.mifVersion ?? DEFAULT_MIF_VERSION,
  };

  return {
    statusMif,
    source,
    target,
    launcher: p.resolve(target, args.launch ?? DEFAULT_LAUNCHER),
    launchArgs: args.launchArgs,
    mode: args.mode,
    log,
    manifest: args.manifest === undefined ? undefined : p.resolve(rt.cwd, args.manifest),
    whatIf: args.whatIf,
    guard: args.guard,
    eventSource: args.eventSource ?? DEFAULT_EVENT_SOURCE,
    parallel: args.parallel ?? DEFAULT_PARALLEL,
    runningExe: rt.packaged ? rt.execPath : undefined,
    stateDir,
    targetIsDefault: args.target === undefined,
    path: p,
  };
}
