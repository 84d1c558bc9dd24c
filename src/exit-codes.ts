// The documented exit codes, one table. zticache's own failures use 9001-9099 so an admin can tell
// them from OSDLaunch.exe's codes (0, 1, 3010, 0x8007xxxx, ...), which are passed through unchanged.
// The same table is printed by `--help` and copied into README.md (a unit test keeps them equal).

export const ExitCode = {
  /** Bad or unknown command-line arguments. */
  USAGE: 9001,
  /** The source folder does not exist. */
  SOURCE_MISSING: 9002,
  /** The source is not a folder (a file, a device, ...). */
  SOURCE_NOT_FOLDER: 9003,
  /** The source folder holds no files. */
  SOURCE_EMPTY: 9004,
  /** The package contains a symbolic link or junction, or the source itself is one. */
  SOURCE_HAS_LINK: 9005,
  /** The target is inside the source, or the source is inside the target. */
  OVERLAP: 9006,
  /** The target, or a folder above it that zticache would create or write in, is a link, a junction or not a folder. */
  TARGET_UNSAFE: 9007,
  /** Not enough free space on the target volume for a copy. */
  NO_SPACE: 9008,
  /** A staging journal is unreadable or belongs to another source; nothing was deleted. */
  JOURNAL_CONFLICT: 9009,
  /** Moving or copying failed (after retries); the journal lets the next run finish the job. */
  STAGE_FAILED: 9010,
  /** A staged file or folder could not be held open; the launcher was not started. */
  GUARD_FAILED: 9011,
  /** The staged content does not match the inventory or the manifest; the launcher was not started. */
  VERIFY_FAILED: 9012,
  /** The launcher (OSDLaunch.exe by default) is not in the package; nothing was changed. */
  LAUNCHER_MISSING: 9013,
  /** The launcher exists but could not be started. */
  LAUNCH_FAILED: 9014,
  /** The manifest given with --manifest cannot be read or parsed. */
  MANIFEST_UNREADABLE: 9015,
  /** An unexpected internal error (a bug): the message and stack are in the log. */
  INTERNAL: 9099,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per code, for --help and the README. */
export const exitCodeTable: ReadonlyArray<{ code: number; name: string; meaning: string }> = [
  { code: 0, name: 'SUCCESS', meaning: 'The launcher ran and returned 0 (any other launcher code is passed through unchanged, all 32 bits).' },
  { code: ExitCode.USAGE, name: 'USAGE', meaning: 'Bad or unknown command-line arguments.' },
  { code: ExitCode.SOURCE_MISSING, name: 'SOURCE_MISSING', meaning: 'The source folder does not exist.' },
  { code: ExitCode.SOURCE_NOT_FOLDER, name: 'SOURCE_NOT_FOLDER', meaning: 'The source is not a folder.' },
  { code: ExitCode.SOURCE_EMPTY, name: 'SOURCE_EMPTY', meaning: 'The source folder holds no files.' },
  { code: ExitCode.SOURCE_HAS_LINK, name: 'SOURCE_HAS_LINK', meaning: 'The package contains a symbolic link or junction (or is one).' },
  { code: ExitCode.OVERLAP, name: 'OVERLAP', meaning: 'The target is inside the source, or the source inside the target.' },
  { code: ExitCode.TARGET_UNSAFE, name: 'TARGET_UNSAFE', meaning: 'The target or its parent is a link, a junction or not a folder; nothing is written through it.' },
  { code: ExitCode.NO_SPACE, name: 'NO_SPACE', meaning: 'Not enough free space on the target volume (bytes needed and free are in the message).' },
  { code: ExitCode.JOURNAL_CONFLICT, name: 'JOURNAL_CONFLICT', meaning: 'A staging journal is unreadable or belongs to another source; nothing was deleted.' },
  { code: ExitCode.STAGE_FAILED, name: 'STAGE_FAILED', meaning: 'Moving or copying failed after retries; run again to finish (the journal keeps what was done).' },
  { code: ExitCode.GUARD_FAILED, name: 'GUARD_FAILED', meaning: 'A staged file could not be held open; the launcher was not started.' },
  { code: ExitCode.VERIFY_FAILED, name: 'VERIFY_FAILED', meaning: 'Staged content differs from the inventory or manifest; the launcher was not started.' },
  { code: ExitCode.LAUNCHER_MISSING, name: 'LAUNCHER_MISSING', meaning: 'The launcher is not in the package; nothing was changed.' },
  { code: ExitCode.LAUNCH_FAILED, name: 'LAUNCH_FAILED', meaning: 'The launcher could not be started.' },
  { code: ExitCode.MANIFEST_UNREADABLE, name: 'MANIFEST_UNREADABLE', meaning: 'The manifest cannot be read or parsed.' },
  { code: ExitCode.INTERNAL, name: 'INTERNAL', meaning: 'Unexpected internal error (a bug); details are in the log.' },
];

/** POSIX only: a launcher killed by a signal makes zticache exit 128 + the signal number, as shells do. */
export const SIGNAL_EXIT_BASE = 128;
