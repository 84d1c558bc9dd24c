// The Windows guard, the same contract as platform/posix/guard.ts with the protection POSIX cannot give:
// every file is opened with CreateFileW(GENERIC_READ, FILE_SHARE_READ) and every folder with
// FILE_SHARE_READ|FILE_SHARE_WRITE, never FILE_SHARE_DELETE; VERIFY then reads every file's ID,
// size and time by listing each held folder through the guard's own handle (one enumeration per
// folder: a GetFileInformationByHandle per file cost 0.35 ms each under Wine, 3.4 s at 10,000). While the handles are held, other
// processes can read and run the files (OSDLaunch.exe itself included) but cannot delete, rename
// or overwrite them, nor remove or rename the folders. Node's fs.open cannot do this: libuv always
// shares DELETE. Raw HANDLEs also avoid the C runtime's ~8,192-descriptor limit. zticache's own
// log needs no hold here: its own handle (platform/win32/places.ts) does not share DELETE either, and the
// journal lives in %ProgramData%\zticache, out of the cleanup's way.

import { holdFailure, type Guard, type Held, type HoldRequest } from '../../guard/guard.js';
import { enumerationWalk, type Enumerate } from './enumerate.js';
import { FILE_SHARE_READ, FILE_SHARE_WRITE, longPath, type Kernel32 } from './kernel32.js';

export function windowsGuard(k32: Kernel32, dirs: Pick<Enumerate, 'list' | 'listHandle'>): Guard {
  return {
    description: 'CreateFileW share-read handles (files cannot be deleted, renamed or changed while held)',
    protects: true,
    closedByExit: true,
    holdAll(req: HoldRequest): Held {
      const handles: number[] = [];
      /** the held folders by the path they were asked by, for VERIFY's walk */
      const folders = new Map<string, number>();
      const release = () => {
        folders.clear();
        while (handles.length) k32.close(handles.pop()!);
      };
      const hold = (p: string, share: number): number => {
        const h = k32.openShared(longPath(p), share);
        if (typeof h === 'number') {
          handles.push(h);
          return h;
        }
        release();
        throw holdFailure(p, undefined, h.error);
      };
      for (const d of req.dirs) folders.set(d, hold(d, FILE_SHARE_READ | FILE_SHARE_WRITE));
      let files = 0;
      for (const f of req.files) {
        hold(f, FILE_SHARE_READ);
        files++;
      }
      // a held folder is listed through its own handle (what is listed is what is held); a folder
      // the guard does not hold (a stray found there) by its path
      const walk = enumerationWalk((dir) => {
        const h = folders.get(dir);
        return h === undefined ? dirs.list(dir) : dirs.listHandle(h);
      });
      return { files, dirs: folders.size, walk, release };
    },
  };
}
