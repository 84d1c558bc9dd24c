// POSIX guard: read-only descriptors on every staged file and folder. On POSIX an open file can
// still be unlinked, so this protects nothing; it exists so the flow is the same on every platform
// and the Windows guard (src/win32/guard.ts) can be swapped in. Running out of descriptors is not
// an error here, since holding gives no protection anyway.

import fs from 'node:fs';
import { errnoOf } from '../errors.js';
import { holdFailure, type Guard, type Held, type HoldRequest } from './guard.js';

export const posixGuard: Guard = {
  description: 'read-only descriptors (POSIX cannot block deletion of an open file)',
  protects: false,
  holdAll(req: HoldRequest): Held {
    const fds: number[] = [];
    let exhausted = false;
    const release = () => {
      while (fds.length) fs.closeSync(fds.pop()!);
    };
    const hold = (p: string) => {
      if (exhausted) return;
      try {
        fds.push(fs.openSync(p, 'r'));
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'EMFILE' || code === 'ENFILE') {
          exhausted = true;
          return;
        }
        release();
        throw holdFailure(p, code, undefined, err);
      }
    };
    for (const d of req.dirs) hold(d);
    for (const f of req.files) hold(f);
    let kept = 0;
    for (const k of req.keep ?? []) {
      try {
        fds.push(fs.openSync(k, 'r'));
        kept++;
      } catch {
        /* best effort */
      }
    }
    return { files: req.files.length, dirs: req.dirs.length, kept, release };
  },
};
