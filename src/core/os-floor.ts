// The oldest Windows zticache.exe runs on, checked by zticache itself, first thing. Node checks too
// (below Windows 8.1 / Server 2012 R2 it exits 216 before any script runs), but Node skips its check
// when NODE_SKIP_PLATFORM_CHECK=1 is in the environment (a machine-wide variable legacy Node
// applications on Windows 7/8 are installed with), and Windows 8.1 passes it although Node 22
// supports neither it nor Server 2012 R2. So the floor is zticache's own, Node 22's: Windows 10 /
// Server 2016 (10.0), read from os.release() (RtlGetVersion: the real version, whatever the exe's
// manifest says). Below it: exit 216, Node's own code (ERROR_EXE_MACHINE_TYPE_MISMATCH), with or
// without that variable, before anything is read or written.

/** Node's exit code below its floor, kept for ours: one code for "this Windows is too old" */
export const BELOW_FLOOR_EXIT = 216;
/** Windows 10 / Server 2016 are 10.0: every Windows from them on has a major version of 10 or more */
const FLOOR_MAJOR = 10;

/** The one-line reason this computer is below the floor, or undefined when it is not (or is not Windows). */
export function belowFloor(platform: NodeJS.Platform, release: string): string | undefined {
  if (platform !== 'win32') return undefined;
  if ((Number.parseInt(release, 10) || 0) >= FLOOR_MAJOR) return undefined;
  return `zticache: this is Windows ${release}; zticache.exe runs on Windows 10 / Windows Server 2016 or later (x64) only, whatever NODE_SKIP_PLATFORM_CHECK says; nothing was read or changed (exit ${BELOW_FLOOR_EXIT}); keep ZTICache.vbs on this computer`;
}
