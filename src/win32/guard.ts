// The Windows guard, the same contract as guard/posix.ts with the protection POSIX cannot give:
// every file is opened with CreateFileW(GENERIC_READ, FILE_SHARE_READ) and every folder with
// FILE_SHARE_READ|FILE_SHARE_WRITE, never FILE_SHARE_DELETE, and each file's ID, size and time are
// read from its handle (GetFileInformationByHandle) for VERIFY. While the handles are held, other
// processes can read and run the files (OSDLaunch.exe itself included) but cannot delete, rename
// or overwrite them, nor remove or rename the folders. Node's fs.open cannot do this: libuv always
// shares DELETE. Raw HANDLEs also avoid the C runtime's ~8,192-descriptor limit. zticache's own
// log needs no hold here: its own handle (win32/places.ts) does not share DELETE either, and the
// journal lives in %ProgramData%\zticache, out of the cleanup's way.

import { holdFailure, type FileFacts, type Guard, type Held, type HoldRequest } from '../guard/guard.js';
import { FILE_SHARE_READ, FILE_SHARE_WRITE, longPath, type Kernel32 } from './kernel32.js';

export function windowsGuard(k32: Kernel32): Guard {
  return {
    description: 'CreateFileW share-read handles (files cannot be deleted, renamed or changed while held)',
    protects: true,
    closedByExit: true,
    holdAll(req: HoldRequest): Held {
      const handles: number[] = [];
      const facts: FileFacts[] = [];
      const release = () => {
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
      let dirs = 0;
      for (const d of req.dirs) {
        hold(d, FILE_SHARE_READ | FILE_SHARE_WRITE);
        dirs++;
      }
      for (const f of req.files) {
        // what VERIFY compares, from the handle just taken: the file held is the file checked
        const r = k32.facts(hold(f, FILE_SHARE_READ));
        if ('error' in r) {
          release();
          throw holdFailure(f, undefined, r.error);
        }
        facts.push(r);
      }
      return { files: facts.length, dirs, facts, release };
    },
  };
}
