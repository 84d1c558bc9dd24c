// The defaults of the command line, each defined once: the options (cli/options.ts) apply them,
// --help and the README's table show them (cli/args.ts), and the steps that need a name use it
// (the manifest's, plan/). In a module of their own, so that the parser and the options need not
// import each other.

export const DEFAULT_LAUNCHER = 'OSDLaunch.exe';
export const DEFAULT_EVENT_SOURCE = 'WSH';
export const DEFAULT_PARALLEL = 4;
export const LOG_NAME = 'ZTICache.log';
/** the state folder's name under %ProgramData% */
export const STATE_NAME = 'zticache';
/** where zticache.exe keeps its native module, under %LOCALAPPDATA%\zticache (platform/win32/load-native.ts) */
export const NATIVE_NAME = 'native';
/** POSIX has no %ProgramData%: a root-owned folder of the kind /var/lib holds */
export const POSIX_STATE_DIR = '/var/lib/zticache';
/** the manifest zticache looks for at the top of a package, and `zticache manifest` writes */
export const MANIFEST_NAME = 'zticache.sha256';
/** `zticache check`: the scratch space the OS install needs beside the package, in MB (the document's "about 500 MB") */
export const DEFAULT_SCRATCH_MB = 500;
/**
 * The status MIF's Version: fixed, so that upgrading zticache.exe never breaks the match with the
 * package's Reporting tab (enter it there as Version)
 */
export const DEFAULT_MIF_VERSION = '1.0';
