// POSIX guard: read-only descriptors on every staged file and folder. On POSIX an open file can
// still be unlinked, so this protects nothing; it exists so the flow is the same on every platform
// and the Windows guard (src/win32/guard.ts) can be swapped in. Running out of descriptors is not
// an error here, since holding gives no protection anyway: it holds what the descriptor limit
// allows, less some headroom for the rest of the run.

import fs from 'node:fs';
import { errnoOf } from '../errors.js';
import { holdFailure, type Guard, type Held, type HoldRequest } from './guard.js';

const HEADROOM = 256;

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
          // leave room for verifying, logging and starting the launcher
          for (let i = 0; i < HEADROOM && fds.length; i++) fs.closeSync(fds.pop()!);
          exhausted = true;
          return;
        }
        release();
        throw holdFailure(p, code, undefined, err);
      }
    };
    // folders first, then files; past the descriptor limit the rest is only counted
    let dirsAsked = 0;
    let filesAsked = 0;
    for (const d of req.dirs) {
      hold(d);
      dirsAsked++;
    }
    for (const f of req.files) {
      hold(f);
      filesAsked++;
    }
    const held = fds.length;
    const dirs = Math.min(dirsAsked, held);
    const files = held - dirs;
    let ownFiles = 0;
    for (const k of req.ownFiles ?? []) {
      try {
        fds.push(fs.openSync(k, 'r'));
        ownFiles++;
      } catch {
        /* best effort */
      }
    }
    return { files, dirs, ownFiles, notHeld: dirsAsked + filesAsked - held, release };
  },
};
