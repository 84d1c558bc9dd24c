// Picks the Platform for this process once, at start-up. The Windows one (src/platform/win32/) loads koffi
// and binds kernel32/advapi32; it is imported only on Windows, so the rest runs anywhere.

import { nativeDirOf, systemNativeDirOf, type Runtime } from '../cli/options.js';
import { type Platform } from './platform.js';
import { posixPlatform } from './posix/platform.js';

/** `whatIf`: loading changes nothing but the native module it must load (other versions' stay) */
export async function loadPlatform(rt: Runtime, eventSource: string, o: { whatIf?: boolean } = {}): Promise<Platform> {
  if (rt.platform !== 'win32') return posixPlatform;
  const { windowsPlatform } = await import('./win32/platform.js');
  return windowsPlatform({
    packaged: rt.packaged, scriptPath: rt.scriptPath, nativeRoot: nativeDirOf(rt), systemNativeRoot: systemNativeDirOf(rt),
    systemDrive: rt.env.SystemDrive ?? rt.env.SYSTEMDRIVE, eventSource, whatIf: o.whatIf,
  });
}
