// The documented exit codes: ONE table, from which the ExitCode constants, `--help` and the
// README's table come (a unit test keeps the README equal to it). OSDLaunch.exe's codes (0, 1,
// 3010, 0x8007xxxx, ...) are passed through unchanged; zticache's own are 900000001-900000099.
// Why those: the SMS/ConfigMgr console and CMTrace's error lookup render an exit code through
// FormatMessage, so 9001-9018 read as DNS errors ("DNS server failure") and any small number may
// be some system message. Every number from 2^29 to 2^30-1 has bit 29 (0x20000000) set, the bit
// Windows reserves for application-defined codes in Win32 errors, HRESULTs and NTSTATUS alike: no
// system message table claims one. Nine digits starting with 9000000 stay easy to read out of a
// status message and to search for; a test checks them against the Windows SDK's winerror.h.

const table = [
  ['USAGE', 900000001, 'Bad or unknown command-line arguments.'],
  ['SOURCE_MISSING', 900000002, 'The source folder does not exist or cannot be read.'],
  ['SOURCE_NOT_FOLDER', 900000003, 'The source is not a folder.'],
  ['SOURCE_EMPTY', 900000004, 'The source folder holds no files (the message says when an earlier run already staged them).'],
  ['SOURCE_HAS_LINK', 900000005, 'The package contains a symbolic link, junction or device, or the source itself is a link.'],
  ['OVERLAP', 900000006, 'The target is inside the source, or the source inside the target (compared by file identity, not spelling).'],
  ['TARGET_UNSAFE', 900000007, 'The target is a volume root, a link or junction, not a folder, or an existing folder zticache did not make and may not replace; nothing was changed.'],
  ['NO_SPACE', 900000008, 'Not enough free space on the target volume (bytes needed and free are in the message).'],
  ['JOURNAL_CONFLICT', 900000009, 'A staging journal is unreadable, or records an unfinished staging of another source or into a folder that was replaced; nothing was deleted.'],
  ['STAGE_FAILED', 900000010, 'Moving or copying failed after retries (the message names the step and the file); run again to finish.'],
  ['GUARD_FAILED', 900000011, 'A staged file could not be held open; the launcher was not started.'],
  ['VERIFY_FAILED', 900000012, 'Staged content differs from the inventory or manifest; the launcher was not started.'],
  ['LAUNCHER_MISSING', 900000013, 'The launcher is not a file of the package (or an existing program outside it), or this computer cannot start it (not executable; on Windows not a program it runs: empty, text, a DLL, another machine type); nothing was changed.'],
  ['LAUNCH_FAILED', 900000014, 'The launcher could not be started.'],
  ['MANIFEST_UNREADABLE', 900000015, 'The manifest cannot be read or parsed, or is not a regular file.'],
  ['RUN_IN_PROGRESS', 900000016, 'Another zticache run holds the lock (its process ID is in the message); nothing was changed.'],
  ['STATE_UNSAFE', 900000017, 'The state folder (%ProgramData%\\zticache) is a link, or was not made by SYSTEM, administrators or this user; nothing was changed.'],
  ['MANIFEST_NOT_WRITTEN', 900000018, '`zticache manifest` could not read a package file or write the manifest (the message names the file); the package is unchanged.'],
  ['WINDOWS_LAYER_FAILED', 900000019, 'The Windows layer (koffi.node, which the exe carries and keeps in %LOCALAPPDATA%\\zticache\\native of SYSTEM for SYSTEM and elevated administrators, else of the account running it) could not be written, checked or loaded; the message names the file and what to do; nothing was changed. The one failure that reaches neither the log nor the event log (both go through that layer): the console, the exit code and, with --status-mif, the status MIF.'],
  ['SOURCE_IS_VOLUME_ROOT', 900000020, 'The source is the root of a volume: it is never moved (everything else on the drive would go with it); give the package folder, or --mode copy; nothing was changed.'],
  ['SMS_PROVIDER_UNAVAILABLE', 900000021, '`zticache util`: the SMS provider could not be reached or read (server unreachable, access denied, not an SMS provider: no root\\sms); the message names the WMI error and its HRESULT; nothing was changed.'],
  ['SMS_OBJECT_NOT_FOUND', 900000022, '`zticache util`: the advertisement, program or package named does not exist on the site, or is being deleted (ActionInProgress 3); nothing was changed.'],
  ['SMS_CHANGE_REFUSED', 900000023, '`zticache util`: the provider refused the first write (Put_); the message names the WMI error and the provider\'s own reason (SWbemLastError); nothing was changed. A refusal after a write is SMS_FAILED_AFTER_WRITE.'],
  ['CLIENT_CACHE_UNAVAILABLE', 900000024, '`zticache cache-size`: the ConfigMgr client cache cannot be read or changed (not a ConfigMgr client, not elevated, or the size was refused); the message names the error, and where the size was set before the failure (read back failed, or another size taken), the size before and after.'],
  ['STOPPED', 900000025, 'zticache was asked to stop (Ctrl+C, Ctrl+Break, SIGTERM) before its launcher started; what was staged is kept, and the next run finishes it.'],
  ['NAME_UNUSABLE', 900000026, 'The package holds a name the target cannot hold (Windows: a colon, a backslash, a vertical bar, one of < > " ? *, a control character, or over 255 characters); the message names it; nothing was changed.'],
  ['NAME_CLASH', 900000027, 'Two entries of the package are one name on the target (Windows compares names without case, by its own table); the message names both; nothing was changed.'],
  ['SHORT_NAME_CLASH', 900000028, 'An entry of the package is named like the 8.3 short name the target volume may give another entry (ABCDEF~1.TXT beside ABCDEFGHIJ.txt); the message names both; nothing was changed.'],
  ['SMS_NOT_OSD_PROGRAM', 900000029, '`zticache util`: the program runs neither osdlaunch.exe nor zticache.exe, or its package is not an OS package, so its command line would be lost (the message shows it); nothing was changed; /force changes it anyway.'],
  ['SELFTEST_FAILED', 900000030, '`zticache selftest`: at least one check FAILed on this machine; the table says which and why, and with --status-mif the MIF carries the first.'],
  ['SOURCE_MIXED', 900000031, 'A rerun found the cache folder holding part of the package an earlier run staged beside content that differs from it: neither that package nor a whole new version; nothing was changed.'],
  ['CACHE_TOO_SMALL', 900000032, '`zticache check`: the ConfigMgr client cache is smaller than the package, so the client cannot keep it (or download it again); raise it with `zticache cache-size` or Client Settings; nothing was changed.'],
  ['SMS_STAGER_NOT_IN_SOURCE', 900000035, '`zticache util /enable:true`: zticache.exe is not in the package source, so every client would fail to start the program (looked at before any write); nothing was changed; add it and update the distribution points, or /force writes anyway.'],
  ['SMS_OBJECT_CHANGED', 900000036, '`zticache util`: another writer changed an object zticache util had read (each is read again just before the first write); the message names the object and what changed; nothing was changed: run it again to decide on what the site holds now.'],
  ['SMS_FAILED_AFTER_WRITE', 900000037, '`zticache util`: a change was written to the site (or may have been: a write without an answer), then a later step failed (the next write refused or changed by another writer, or the report); the message says what was written, the state of the site and the command that undoes it.'],
  ['SMS_COLLECTION_EXISTS', 900000040, '`zticache util /collection`: a collection of that name exists (its ID is in the message); nothing was changed; give another name, or /force creates another beside it.'],
  ['SMS_PACKAGE_SIZE_UNKNOWN', 900000041, '`zticache util /collection`: the site does not know the package\'s size yet (PackageSize 0), from which the free-space threshold comes; nothing was changed; update the package\'s distribution points, then run it again.'],
  ['SMS_ADVERTISEMENT_DOWNLOADS', 900000042, '`zticache util /enable:false` on a program: an advertisement that runs it has download and execute on (its ID is in the message), so with the program back on osdlaunch.exe every client would run OSDLaunch.exe from its cache, the state the document warns of; nothing was changed; turn download off on it first (the message prints the command).'],
  ['SOURCE_NOT_CACHED', 900000043, '`zticache check`: the package folder it read is on the network (a UNC path or a network drive: the check ran from a distribution point), not in this client\'s cache, so it proves nothing about this client; nothing was changed; advertise the check with download and execute.'],
  ['INTERNAL', 900000099, 'Unexpected internal error (a bug); details are in the log.'],
] as const;

type Row = (typeof table)[number];
type Name = Row[0];

/**
 * Each code's way out in a few words, first in the status MIF's 128 characters (the console shows
 * no more), as in the README's table of what to do when a run fails; docs/way-out.md says it at length.
 */
const WAY_OUT: Readonly<Record<Name, string>> = {
  USAGE: 'fix the command line',
  SOURCE_MISSING: 'check the cache folder, run again',
  SOURCE_NOT_FOLDER: 'give the package folder',
  SOURCE_EMPTY: 'download the package again',
  SOURCE_HAS_LINK: 'remove the link from the package',
  OVERLAP: 'give a target outside the package',
  TARGET_UNSAFE: 'remove the named folder or give another',
  NO_SPACE: 'free space, run again',
  JOURNAL_CONFLICT: 'do what the log says, run again',
  STAGE_FAILED: 'run again',
  GUARD_FAILED: 'run again',
  VERIFY_FAILED: 'download the package again',
  LAUNCHER_MISSING: 'fix the launcher in the package',
  LAUNCH_FAILED: 'allow the launcher, run again',
  MANIFEST_UNREADABLE: 'fix the manifest in the package',
  RUN_IN_PROGRESS: 'wait for the other run',
  STATE_UNSAFE: 'an admin deletes the state folder',
  MANIFEST_NOT_WRITTEN: 'fix the named file, run again',
  WINDOWS_LAYER_FAILED: 'run zticache selftest',
  SOURCE_IS_VOLUME_ROOT: 'put the package in a folder',
  SMS_PROVIDER_UNAVAILABLE: 'check /server and your rights',
  SMS_OBJECT_NOT_FOUND: 'check the ID',
  SMS_CHANGE_REFUSED: 'check your rights on the site',
  CLIENT_CACHE_UNAVAILABLE: 'run elevated on a ConfigMgr client',
  STOPPED: 'run again',
  NAME_UNUSABLE: 'rename it in the package source',
  NAME_CLASH: 'rename one in the package source',
  SHORT_NAME_CLASH: 'rename one in the package source',
  SMS_NOT_OSD_PROGRAM: 'check the advertisement, or /force',
  SELFTEST_FAILED: 'fix what the check names',
  SOURCE_MIXED: 'clear the cache entry, download again',
  CACHE_TOO_SMALL: 'raise the client cache',
  SMS_STAGER_NOT_IN_SOURCE: 'add zticache.exe to the package',
  SMS_OBJECT_CHANGED: 'run the command again',
  SMS_FAILED_AFTER_WRITE: 'run again, or paste the undo',
  SMS_COLLECTION_EXISTS: 'give another name, or /force',
  SMS_PACKAGE_SIZE_UNKNOWN: 'update the distribution points',
  SMS_ADVERTISEMENT_DOWNLOADS: 'turn its download off first',
  SOURCE_NOT_CACHED: 'advertise the check to download first',
  INTERNAL: 'report it with the log',
};

/** A code of zticache's own: its name and its way out (last-run.json carries them apart); undefined for any other code. */
export function codeInfo(code: number): { name: Name; wayOut: string } | undefined {
  const row = table.find((r) => r[1] === code);
  return row && { name: row[0], wayOut: WAY_OUT[row[0]] };
}

/** A code's name and its way out, as the status MIF starts: `NO_SPACE (free space, run again)`; undefined for a code not of zticache's. */
export function codeHeading(code: number): string | undefined {
  const info = codeInfo(code);
  return info && `${info.name} (${info.wayOut})`;
}

export const ExitCode = Object.fromEntries(table.map(([name, code]) => [name, code])) as { readonly [R in Row as R[0]]: R[1] };

export type ExitCode = Row[1];

/** One line per code, for --help and the README: SUCCESS first, then zticache's own. */
export const exitCodeTable: ReadonlyArray<{ code: number; name: 'SUCCESS' | Name; meaning: string }> = [
  { code: 0, name: 'SUCCESS', meaning: 'The launcher ran and returned 0 (any other launcher code is passed through unchanged, all 32 bits).' },
  ...table.map(([name, code, meaning]) => ({ code, name, meaning })),
];

/**
 * The launcher's codes that mean success, as Windows Installer and ConfigMgr count them: logged and
 * evented as Information, the run summed up as succeeded; each still passed through unchanged.
 */
export const LAUNCHER_SUCCESS: ReadonlyMap<number, string> = new Map([
  [0, 'success'],
  [3010, 'success, a restart is required (ERROR_SUCCESS_REBOOT_REQUIRED)'],
  [1641, 'success, a restart was started (ERROR_SUCCESS_REBOOT_INITIATED)'],
]);

/** POSIX only: a launcher killed by a signal makes zticache exit 128 + the signal number, as shells do. */
export const SIGNAL_EXIT_BASE = 128;
