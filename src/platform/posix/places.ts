// Places on POSIX (places.ts says why): Node has no openat(), but on Linux a path through
// /proc/self/fd/N is one: the kernel resolves N to the very folder that descriptor holds, never by
// its name again, so `/proc/self/fd/N/name` with O_NOFOLLOW opens `name` in that folder and refuses
// a link there (ELOOP). Each component is opened so from the one above, starting at "/", and fstat
// of the descriptor says what was opened. Folders are created as root's, mode 755 (700 private).
// Linux only: zticache's product is Windows, and POSIX is where its logic is tested; without
// /proc there is no safe walk, so openFolder refuses to work at all rather than go by name.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errnoOf } from '../../core/errors.js';
import { faultPoint } from '../../core/fault-points.js';
import type { FileId } from '../../state/identity.js';
import { asideName, PlaceError, placeReason, type AppendFile, type FolderAccess, type HeldFolder, type Places } from '../../places/places.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK } = fs.constants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
/** O_NONBLOCK: a FIFO planted under the name must not block the open (no reader: ENXIO) */
const APPEND_FLAGS = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK;


function fail(what: string, err: unknown): never {
  if (err instanceof PlaceError) throw err; // already worded for its own place ("not a name", "released")
  const code = errnoOf(err) ?? 'EIO';
  // O_NOFOLLOW on a link gives ELOOP; O_DIRECTORY on a file gives ENOTDIR
  throw new PlaceError(`${what} ${placeReason(code)}`, what, code);
}

export class PosixFolder implements HeldFolder {
  constructor(readonly path: string, private fd: number | undefined, readonly created: boolean) {}

  /** the name inside this folder, as a path the kernel resolves through the descriptor */
  private at(name: string): string {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) throw new PlaceError(`${name} is not a name`, path.join(this.path, name), 'EINVAL');
    return `/proc/self/fd/${this.held()}/${name}`;
  }

  private held(): number {
    if (this.fd === undefined) throw new PlaceError(`${this.path} was released`, this.path, 'EBADF');
    return this.fd;
  }

  folder(name: string, how: 'new' | 'either' | 'existing', access: FolderAccess = 'users-read'): HeldFolder {
    const where = path.join(this.path, name);
    let created = false;
    if (how !== 'existing') {
      try {
        fs.mkdirSync(this.at(name), { mode: access === 'private' ? 0o700 : 0o755 });
        created = true;
      } catch (err) {
        if (errnoOf(err) !== 'EEXIST') fail(where, err);
        if (how === 'new') throw new PlaceError(`${where} ${placeReason('EEXIST')}`, where, 'EEXIST');
      }
    }
    let fd: number;
    try {
      fd = fs.openSync(this.at(name), DIR_FLAGS);
    } catch (err) {
      // O_DIRECTORY answers ENOTDIR for a link too; only to word the refusal, ask what it is
      const link = errnoOf(err) === 'ENOTDIR' && fs.lstatSync(this.at(name)).isSymbolicLink();
      fail(where, link ? Object.assign(new Error(), { code: 'ELOOP' }) : err);
    }
    return new PosixFolder(where, fd, created);
  }

  /** opens `name` with flags, refusing a link, a FIFO or device, and a file with other names */
  private openPlain(name: string, flags: number): number {
    const where = path.join(this.path, name);
    let fd: number;
    try {
      fd = fs.openSync(this.at(name), flags, 0o644);
    } catch (err) {
      fail(where, errnoOf(err) === 'ENXIO' ? Object.assign(new Error(), { code: 'EFTYPE' }) : err);
    }
    const st = fs.fstatSync(fd);
    const refused = !st.isFile() ? 'EFTYPE' : st.nlink > 1 ? 'EMLINK' : undefined;
    if (refused) {
      fs.closeSync(fd);
      throw new PlaceError(`${where} ${placeReason(refused)}`, where, refused);
    }
    return fd;
  }

  rewriteFile(name: string, data: Buffer): void {
    const fd = this.openPlain(name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK);
    try {
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
  }

  replaceFile(name: string, data: Buffer, access: FolderAccess = 'private'): void {
    const where = path.join(this.path, name);
    const aside = asideName(name, process.pid, randomBytes(4).toString('hex'));
    let fd: number;
    try {
      // O_EXCL with O_CREAT: a new file, never one that is there (a link included)
      fd = fs.openSync(this.at(aside), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    } catch (err) {
      fail(path.join(this.path, aside), err);
    }
    try {
      try {
        fs.fchmodSync(fd, access === 'users-read' ? 0o644 : 0o600); // whatever the umask
        fs.writeSync(fd, data);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      faultPoint('a file written aside, not yet renamed over its name', this.at(aside));
      fs.renameSync(this.at(aside), this.at(name));
    } catch (err) {
      this.unlink(this.at(aside), path.join(this.path, aside));
      fail(where, err);
    }
    fs.fsyncSync(this.held()); // the rename itself, on disk
  }

  appendFile(name: string): AppendFile {
    const fd = this.openPlain(name, APPEND_FLAGS);
    let open = true;
    return {
      write: (text) => void fs.writeSync(fd, text),
      close: () => {
        if (open) fs.closeSync(fd);
        open = false;
      },
    };
  }

  removeTree(name: string): void {
    const at = this.at(name);
    const where = path.join(this.path, name);
    const st = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!st) return;
    if (!st.isDirectory()) return this.unlink(at, where);
    let dir: PosixFolder;
    try {
      dir = this.folder(name, 'existing') as PosixFolder;
    } catch (err) {
      // swapped for a link after the lstat: the link goes, what it points to stays
      if (err instanceof PlaceError && err.code === 'ELOOP') return this.unlink(at, where);
      throw err;
    }
    try {
      for (const child of fs.readdirSync(dir.listing())) dir.removeTree(child);
    } finally {
      dir.release();
    }
    try {
      fs.rmdirSync(at); // a link swapped in meanwhile: ENOTDIR, never followed
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT') return;
      if (code === 'ENOTEMPTY') {
        const left = fs.readdirSync(at);
        const first = left.length ? path.join(where, left[0]!) : where;
        throw new PlaceError(`${first} ${placeReason('ENOTEMPTY')}`, first, 'ENOTEMPTY');
      }
      fail(where, err);
    }
  }

  private unlink(at: string, where: string): void {
    try {
      fs.unlinkSync(at);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') fail(where, err);
    }
  }

  /** this folder's listing, through its descriptor */
  private listing(): string {
    return `/proc/self/fd/${this.held()}`;
  }

  owner(): number {
    return fs.fstatSync(this.held()).uid;
  }

  access(): string {
    return `mode ${(fs.fstatSync(this.held()).mode & 0o777).toString(8)}`;
  }

  /** whether this process may create and remove entries in the held folder */
  writable(): boolean {
    try {
      fs.accessSync(`/proc/self/fd/${this.held()}`, fs.constants.W_OK | fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** permission bits of the held folder, from its descriptor */
  mode(): number {
    return fs.fstatSync(this.held()).mode & 0o7777;
  }

  id(): FileId {
    const st = fs.fstatSync(this.held(), { bigint: true });
    const id: FileId = { dev: st.dev.toString(), ino: st.ino.toString() };
    if (st.birthtimeNs > 0n) id.born = st.birthtimeNs.toString();
    return id;
  }

  release(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export const posixPlaces: Places = {
  createdAs: '(mode 755)',
  openFolder(dir, opts = {}) {
    if (!fs.existsSync('/proc/self/fd')) throw new PlaceError(`${dir} cannot be opened safely here: zticache's POSIX side needs Linux's /proc`, dir, 'ENOSYS');
    const abs = path.resolve(dir);
    const names = abs.split('/').filter(Boolean);
    let cur = new PosixFolder('/', fs.openSync('/', DIR_FLAGS), false);
    for (const name of names) {
      let next: PosixFolder;
      try {
        next = cur.folder(name, opts.create ? 'either' : 'existing') as PosixFolder;
      } finally {
        cur.release();
      }
      cur = next;
    }
    return cur;
  },
};
