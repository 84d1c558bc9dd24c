// Picks the Platform for this process once, at start-up. The Windows one (src/win32/) loads koffi
// and kernel32; it is imported only on Windows so the rest runs anywhere.

import { posixPlatform, type Platform } from './platform.js';

export async function loadPlatform(platform: NodeJS.Platform, _eventSource?: string): Promise<Platform> {
  if (platform === 'win32') {
    // The Windows layer (share-mode guard, GetDriveTypeW, ReportEventW) is not built yet: until then
    // Windows runs with the portable pieces, which do not protect the files.
    return posixPlatform;
  }
  return posixPlatform;
}
