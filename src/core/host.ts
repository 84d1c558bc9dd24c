// How files and processes behave on the host, as far as the flow must know: one object, the
// POSIX rules until the Windows platform puts Windows' in place when it is chosen at start-up
// (platform/win32/platform.ts). The steps read these rules; none of them asks which system it
// runs on, so Windows and POSIX stay two whole strategies chosen once.

export interface HostRules {
  /** file IDs are 64-bit NTFS IDs, beyond a double's 53 bits: read with a bigint stat */
  bigFileIds: boolean;
  /**
   * a birth time is part of an identity: ext4 hands a deleted file's inode number to the next file
   * made; NTFS file IDs carry a sequence number, and a creation time there is settable by the owner
   */
  birthTimeInIds: boolean;
  /** the copy keeps the source's last-write time (CopyFileW does; libuv's POSIX copy does not) */
  copyKeepsTime: boolean;
  /** a stop request while the launcher runs is passed on to it (POSIX); a console's Ctrl+C reaches it on Windows by itself */
  passStopToLauncher: boolean;
}

export const POSIX_HOST: Readonly<HostRules> = { bigFileIds: false, birthTimeInIds: true, copyKeepsTime: false, passStopToLauncher: true };
export const WINDOWS_HOST: Readonly<HostRules> = { bigFileIds: true, birthTimeInIds: false, copyKeepsTime: true, passStopToLauncher: false };

/** The rules in force. */
export const host: HostRules = { ...POSIX_HOST };

/** Puts a platform's rules in force (once, when the platform is chosen). */
export function useHost(rules: Readonly<HostRules>): void {
  Object.assign(host, rules);
}
