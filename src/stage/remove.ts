// Removing a tree zticache may remove (an old target, a source entry already copied across
// volumes, a half-written copy): depth first, one entry at a time, never through a link (a link
// or junction is removed as a link; what it points to is never touched). Unlike fs.rm it retries a
// file held for a moment (an antivirus scan: EBUSY, or EPERM/EACCES on Windows) with zticache's
// own backoff, logged, instead of fs.rm's internal retries per parent, which under Wine took 52 s
// to give up on one held file; and the error it raises carries the path of the very file that
// could not be removed.

import fs from 'node:fs';
import path from 'node:path';
import { errnoOf } from '../core/errors.js';
import { faultPoint } from '../core/fault-points.js';
import { retryPolicy, TRANSIENT_RENAME_ERRORS, withRetry, type OnRetry, type RetryPolicy } from './retry.js';

export interface RemoveOptions {
  retry?: RetryPolicy;
  onRetry?: OnRetry;
}

/** Removes p and everything under it; a missing p is not an error. */
export async function removeTree(p: string, opts: RemoveOptions = {}): Promise<void> {
  const retry = retryPolicy;
  const attempt = (fn: () => void) => withRetry(async () => fn(), retry, opts.onRetry, TRANSIENT_RENAME_ERRORS);

  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory() || st.isSymbolicLink()) {
    await attempt(() => unlinkFile(p));
    return;
  }
  // post-order without recursion: a folder is removed after everything in it
  const stack: Array<{ dir: string; listed: boolean }> = [{ dir: p, listed: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (!top.listed) {
      top.listed = true;
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(top.dir, { withFileTypes: true });
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT') throw err;
      }
      for (const e of entries) {
        const child = path.join(top.dir, e.name);
        if (e.isDirectory() && !e.isSymbolicLink()) stack.push({ dir: child, listed: false });
        else {
          await attempt(() => unlinkFile(child));
          faultPoint('one file of a tree removed');
        }
      }
      continue;
    }
    stack.pop();
    await attempt(() => removeDir(top.dir));
    faultPoint('one folder of a tree removed');
  }
}

function unlinkFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT') return;
    if (code === 'EPERM' || code === 'EACCES') {
      // a read-only file on Windows: clear the attribute, then one more try
      try {
        fs.chmodSync(file, 0o666);
        fs.unlinkSync(file);
        return;
      } catch {
        /* report the first error */
      }
    }
    throw err;
  }
}

function removeDir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT') return;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw stillThere(dir, err as NodeJS.ErrnoException);
    throw err;
  }
}

/**
 * A folder whose files were all removed and that is still not empty: on Windows, a file another
 * program holds open with FILE_SHARE_DELETE stays listed until that program closes it. The error
 * names what is still there (the admin must know which program to close), not just the folder.
 */
function stillThere(dir: string, err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  let left: string[] = [];
  try {
    left = fs.readdirSync(dir);
  } catch {
    /* name the folder then */
  }
  if (!left.length) return err;
  const first = path.join(dir, left[0]!);
  const more = left.length > 1 ? ` and ${left.length - 1} more` : '';
  const e: NodeJS.ErrnoException = new Error(`${dir} is not empty: ${first}${more} is still there (held open by another program? it goes when that program closes it)`);
  e.code = err.code;
  e.path = first;
  return e;
}
