// Where zticache.exe keeps koffi.node, decided here on real files (POSIX paths; node:fs calls are
// the same on Windows): written once per version, kept while it is the module the exe carries,
// rewritten the moment it is not, never written or read through a link; other versions' folders
// removed through the places layer. Under Wine, test/wine/exe.test.ts runs the exe on the real
// folder (nothing added to PendingFileRenameOperations, a second run rewrites nothing).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlaceError, type HeldFolder, type Places } from '../../../../src/places/places.js';
import { posixPlaces } from '../../../../src/platform/posix/places.js';
import { placeWhereSafe, placeNativeModule, removeOtherVersions } from '../../../../src/platform/win32/load-native.js';
import { tempDir } from '../../../helpers/fixtures.js';

const p = path.posix;
const MODULE = randomBytes(64 * 1024);
const SHA = createHash('sha256').update(MODULE).digest('hex');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

afterEach(() => {
  vi.restoreAllMocks();
});

function root() {
  return p.join(tempDir('zti-native-'), 'AppData', 'Local', 'zticache', 'native');
}

describe('placeNativeModule: root\\<SHA-256>\\koffi.node holds exactly the module the exe carries', () => {
  it('the first run writes it, in a folder named by its SHA-256, creating the folders above; nothing else is left there', () => {
    const r = root();
    const placed = placeNativeModule(MODULE, r, p);
    expect(placed).toEqual({ file: p.join(r, SHA, 'koffi.node'), sha256: SHA, wrote: true });
    expect(fs.readFileSync(placed.file).equals(MODULE)).toBe(true);
    expect(fs.readdirSync(p.join(r, SHA))).toEqual(['koffi.node']);
    expect(fs.readdirSync(r)).toEqual([SHA]);
  });

  it('a second run finds it and writes nothing: the same file, untouched', () => {
    const r = root();
    const first = placeNativeModule(MODULE, r, p);
    const before = fs.statSync(first.file, { bigint: true });
    const second = placeNativeModule(MODULE, r, p);
    expect(second).toEqual({ ...first, wrote: false });
    const after = fs.statSync(second.file, { bigint: true });
    expect([after.ino, after.mtimeNs, after.ctimeNs]).toEqual([before.ino, before.mtimeNs, before.ctimeNs]);
  });

  for (const [what, change] of [
    ['replaced by another DLL of the same size', (f: string) => fs.writeFileSync(f, randomBytes(MODULE.length))],
    ['cut short', (f: string) => fs.truncateSync(f, 1000)],
    ['emptied', (f: string) => fs.writeFileSync(f, '')],
    ['one byte changed', (f: string) => {
      const b = fs.readFileSync(f);
      b[b.length - 1] ^= 1;
      fs.writeFileSync(f, b);
    }],
  ] as const) {
    it(`a koffi.node ${what} is rewritten before it is loaded`, () => {
      const r = root();
      const { file } = placeNativeModule(MODULE, r, p);
      change(file);
      const again = placeNativeModule(MODULE, r, p);
      expect(again.wrote).toBe(true);
      expect(sha(fs.readFileSync(file))).toBe(SHA);
      expect(fs.readdirSync(p.dirname(file))).toEqual(['koffi.node']);
    });
  }

  it('another version goes into a folder of its own, beside the first', () => {
    const r = root();
    const other = randomBytes(1000);
    placeNativeModule(MODULE, r, p);
    const b = placeNativeModule(other, r, p);
    expect(b.file).toBe(p.join(r, sha(other), 'koffi.node'));
    expect(fs.readdirSync(r).sort()).toEqual([SHA, sha(other)].sort());
  });

  it('a link in place of the version folder is refused, and nothing is written or read through it', () => {
    const r = root();
    const elsewhere = tempDir('zti-elsewhere-');
    fs.mkdirSync(r, { recursive: true });
    fs.symlinkSync(elsewhere, p.join(r, SHA));
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(PlaceError);
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/native\/[0-9a-f]{64} is a symbolic link or junction .*; delete it and run again/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    // even when the folder it points to holds the right module: it is never loaded from there
    fs.writeFileSync(p.join(elsewhere, 'koffi.node'), MODULE);
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/symbolic link or junction/);
  });

  it('a link in place of the zticache folder above the root is refused: nothing written or loaded through it, even where it points to the very module', () => {
    const r = root();
    const elsewhere = tempDir('zti-elsewhere-');
    fs.mkdirSync(p.dirname(p.dirname(r)), { recursive: true });
    fs.symlinkSync(elsewhere, p.dirname(r));
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/zticache is a symbolic link or junction/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    // whoever made the link put the right module there first: the SHA-256 check would pass, the place is not zticache's
    placeNativeModule(MODULE, p.join(elsewhere, 'native'), p);
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/zticache is a symbolic link or junction/);
  });

  it('a file where the zticache folder goes is refused', () => {
    const r = root();
    fs.mkdirSync(p.dirname(p.dirname(r)), { recursive: true });
    fs.writeFileSync(p.dirname(r), 'a file');
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/zticache is not a folder/);
    expect(fs.readFileSync(p.dirname(r), 'utf8')).toBe('a file');
  });

  it('a link in place of the root is refused', () => {
    const r = root();
    const elsewhere = tempDir('zti-elsewhere-');
    fs.mkdirSync(p.dirname(r), { recursive: true });
    fs.symlinkSync(elsewhere, r);
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/native is a symbolic link or junction/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('a link in place of koffi.node is refused, and the file it points to is neither read as the module nor written', () => {
    const r = root();
    const target = p.join(tempDir('zti-elsewhere-'), 'real.dll');
    fs.writeFileSync(target, MODULE);
    fs.mkdirSync(p.join(r, SHA), { recursive: true });
    fs.symlinkSync(target, p.join(r, SHA, 'koffi.node'));
    const err = (() => {
      try {
        placeNativeModule(MODULE, r, p);
      } catch (e) {
        return e as PlaceError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('ELOOP');
    expect(err?.path).toBe(p.join(r, SHA, 'koffi.node'));
    expect(fs.readFileSync(target).equals(MODULE)).toBe(true);
  });

  it('a folder where koffi.node goes, and a file where a folder goes, are refused, naming them; nothing is removed', () => {
    const r = root();
    fs.mkdirSync(p.join(r, SHA, 'koffi.node', 'inside'), { recursive: true });
    expect(() => placeNativeModule(MODULE, r, p)).toThrow(/koffi\.node is not a regular file/);
    expect(fs.existsSync(p.join(r, SHA, 'koffi.node', 'inside'))).toBe(true);

    const r2 = root();
    fs.mkdirSync(r2, { recursive: true });
    fs.writeFileSync(p.join(r2, SHA), 'a file');
    expect(() => placeNativeModule(MODULE, r2, p)).toThrow(new RegExp(`${SHA} is not a folder`));
    expect(fs.readFileSync(p.join(r2, SHA), 'utf8')).toBe('a file');

    const r3 = root();
    fs.mkdirSync(p.dirname(r3), { recursive: true });
    fs.writeFileSync(r3, 'a file');
    expect(() => placeNativeModule(MODULE, r3, p)).toThrow(/native is not a folder/);
  });

  /** the PlaceError placeNativeModule throws (the test fails when it throws anything else, or nothing) */
  function refusal(r: string): PlaceError {
    try {
      placeNativeModule(MODULE, r, p);
    } catch (err) {
      if (err instanceof PlaceError) return err;
      throw err;
    }
    throw new Error('placeNativeModule did not refuse');
  }
  const errno = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

  it('a root that cannot be read or created is named with the reason and the error code', () => {
    const file = p.join(tempDir('zti-native-'), 'a-file');
    fs.writeFileSync(file, '');
    let err = refusal(p.join(file, 'zticache', 'native'));
    expect(err.message).toMatch(/^the native module's .*a-file\/zticache cannot be read \(ENOTDIR: /);
    expect([err.code, err.path]).toEqual(['ENOTDIR', p.join(file, 'zticache')]);

    const r = root();
    fs.mkdirSync(p.dirname(p.dirname(r)), { recursive: true }); // the profile's AppData\Local
    vi.spyOn(fs, 'mkdirSync').mockImplementation(() => {
      throw errno('EACCES', 'EACCES: permission denied, mkdir');
    });
    err = refusal(r);
    expect(err.message).toBe(`the native module's ${p.dirname(r)} cannot be created (EACCES: EACCES: permission denied, mkdir)`);
    expect(err.code).toBe('EACCES');
  });

  it("a profile folder that is missing and cannot be created is named (the folder above zticache's)", () => {
    const r = root();
    vi.spyOn(fs, 'mkdirSync').mockImplementation(() => {
      throw errno('EACCES', 'EACCES: permission denied, mkdir');
    });
    const err = refusal(r);
    expect(err.message).toBe(`the native module's ${p.dirname(p.dirname(r))} cannot be created (EACCES: EACCES: permission denied, mkdir)`);
    expect([err.code, err.path]).toEqual(['EACCES', p.dirname(p.dirname(r))]);
  });

  it('a koffi.node that cannot be looked at is named, never taken for missing and written over', () => {
    const r = root();
    placeNativeModule(MODULE, r, p);
    const lstat = fs.lstatSync;
    vi.spyOn(fs, 'lstatSync').mockImplementation(((f: fs.PathLike, o?: fs.StatSyncOptions) => {
      if (String(f).endsWith('koffi.node')) throw errno('EACCES', 'EACCES: permission denied, lstat');
      return lstat(f, o);
    }) as typeof fs.lstatSync);
    const write = vi.spyOn(fs, 'writeFileSync');
    const err = refusal(r);
    expect(err.message).toBe(`the native module's ${p.join(r, SHA, 'koffi.node')} cannot be read (EACCES: EACCES: permission denied, lstat)`);
    expect(write).not.toHaveBeenCalled();
  });

  it('an error without a code is EIO', () => {
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw errno(undefined, 'the disk went away');
    });
    const err = refusal(root());
    expect(err.message).toMatch(/koffi\.node cannot be written \(EIO: the disk went away\)$/);
    expect(err.code).toBe('EIO');
  });

  it('a write that fails is named, and leaves no temporary file', () => {
    const r = root();
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    const err = refusal(r);
    expect(err.message).toMatch(/the native module's .*koffi\.node cannot be written \(EACCES: EACCES: permission denied\)$/);
    expect(err.code).toBe('EACCES');
    expect(fs.readdirSync(p.join(r, SHA))).toEqual([]);
  });

  it('the new file is created, never written through something already at its name (a link planted there)', () => {
    const r = root();
    const outside = p.join(tempDir('zti-elsewhere-'), 'victim.dll');
    fs.writeFileSync(outside, 'not zticache\'s');
    const write = fs.writeFileSync;
    vi.spyOn(fs, 'writeFileSync').mockImplementation(((f: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, o?: fs.WriteFileOptions) => {
      if (String(f).endsWith('.tmp')) fs.symlinkSync(outside, String(f)); // at the very name, just before the write
      return write(f, data, o);
    }) as typeof fs.writeFileSync);
    expect(refusal(r).message).toMatch(/koffi\.node cannot be written \(EEXIST/);
    expect(fs.readFileSync(outside, 'utf8')).toBe('not zticache\'s');
    expect(fs.readdirSync(p.join(r, SHA))).toEqual([]);
  });

  it('a run that loses the race to another writing the same module uses that one', () => {
    const r = root();
    const file = p.join(r, SHA, 'koffi.node');
    const rename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      rename(from, to); // the other run's file lands first, and is loaded there: this rename fails
      throw Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' });
    });
    expect(placeNativeModule(MODULE, r, p)).toEqual({ file, sha256: SHA, wrote: false });
    expect(fs.readdirSync(p.join(r, SHA))).toEqual(['koffi.node']);
  });

  it('what is read back after writing is compared again: a file changed meanwhile is not loaded', () => {
    const r = root();
    const read = fs.readFileSync;
    vi.spyOn(fs, 'readFileSync').mockImplementation(((f: fs.PathOrFileDescriptor, o?: unknown) => {
      const b = read(f, o as undefined) as Buffer;
      return String(f).endsWith('koffi.node') ? Buffer.concat([b, Buffer.from('x')]) : b;
    }) as typeof fs.readFileSync);
    const err = refusal(r);
    expect(err.message).toBe(`${p.join(r, SHA, 'koffi.node')} changed between writing and loading`);
    expect(err.code).toBe('EIO');
  });
});

describe("removeOtherVersions: other versions' folders go, through the places layer", () => {
  function versions(...names: string[]) {
    const r = root();
    for (const n of names) {
      fs.mkdirSync(p.join(r, n), { recursive: true });
      fs.writeFileSync(p.join(r, n, 'koffi.node'), n);
    }
    return r;
  }
  const old1 = 'a'.repeat(64);
  const old2 = 'b'.repeat(64);

  it("removes every other version's folder with its files, keeps the one in use, and says so", () => {
    const r = versions(SHA, old1, old2);
    const notes = removeOtherVersions(posixPlaces, r, SHA, p);
    expect(fs.readdirSync(r)).toEqual([SHA]);
    expect(notes).toEqual([
      `Removed ${p.join(r, old1)}: another zticache version's native module`,
      `Removed ${p.join(r, old2)}: another zticache version's native module`,
    ]);
  });

  it('touches nothing that is not named by a SHA-256: other names, upper case, 63 or 65 digits', () => {
    const keepThese = ['notes', 'A'.repeat(64), 'c'.repeat(63), 'd'.repeat(65), `${'e'.repeat(63)}g`];
    const r = versions(SHA, ...keepThese);
    expect(removeOtherVersions(posixPlaces, r, SHA, p)).toEqual([]);
    expect(fs.readdirSync(r).sort()).toEqual([SHA, ...keepThese].sort());
  });

  it('--what-if removes nothing and does not even ask the places layer; it says what it leaves', () => {
    const r = versions(SHA, old1);
    const places: Places = { createdAs: '', openFolder: () => { throw new Error('not asked'); } };
    expect(removeOtherVersions(places, r, SHA, p, true)).toEqual([`--what-if: ${p.join(r, old1)}, another zticache version's native module, is left for a run without --what-if`]);
    expect(fs.readdirSync(r).sort()).toEqual([SHA, old1].sort());
  });

  it('a version folder holding anything zticache does not put there is left, named; a temporary file of a write cut short goes with its module', () => {
    const r = versions(SHA, old1, old2);
    fs.writeFileSync(p.join(r, old1, 'notes.txt'), 'someone keeps this here');
    fs.writeFileSync(p.join(r, old2, 'koffi.node.1234-0a1b2c3d.tmp'), 'cut short');
    const notes = removeOtherVersions(posixPlaces, r, SHA, p);
    expect(fs.readdirSync(r).sort()).toEqual([SHA, old1].sort());
    expect(fs.readFileSync(p.join(r, old1, 'notes.txt'), 'utf8')).toBe('someone keeps this here');
    expect(notes).toEqual([
      `Left ${p.join(r, old1)}, named like another zticache version's native module folder: it holds notes.txt, which zticache does not put there`,
      `Removed ${p.join(r, old2)}: another zticache version's native module`,
    ]);
  });

  it('a version folder holding several such entries names the first and counts the rest; a file named like a version is left too', () => {
    const r = versions(SHA, old1);
    for (const n of ['a.txt', 'b.txt', 'c.txt']) fs.writeFileSync(p.join(r, old1, n), n);
    fs.writeFileSync(p.join(r, old2), 'a file, not a folder');
    const notes = removeOtherVersions(posixPlaces, r, SHA, p);
    expect(notes).toEqual([
      `Left ${p.join(r, old1)}, named like another zticache version's native module folder: it holds a.txt and 2 more, which zticache does not put there`,
      `Left ${p.join(r, old2)}, named like another zticache version's native module folder: it is not a folder, which zticache does not put there`,
    ]);
    expect(fs.readdirSync(r).sort()).toEqual([SHA, old1, old2].sort());
  });

  it('a version folder that cannot be listed is left to the places layer, which names why it cannot go', () => {
    const r = versions(SHA, old1);
    const readdir = fs.readdirSync;
    vi.spyOn(fs, 'readdirSync').mockImplementation(((d: fs.PathLike, o?: unknown) => {
      if (String(d) === p.join(r, old1)) throw Object.assign(new Error('EACCES: permission denied, scandir'), { code: 'EACCES' });
      return readdir(d, o as undefined);
    }) as typeof fs.readdirSync);
    expect(removeOtherVersions(posixPlaces, r, SHA, p)).toEqual([`Removed ${p.join(r, old1)}: another zticache version's native module`]);
  });

  it('a link named like a version is removed as itself; what it points to stays', () => {
    const r = versions(SHA);
    const elsewhere = tempDir('zti-elsewhere-');
    fs.writeFileSync(p.join(elsewhere, 'precious.txt'), 'keep');
    fs.symlinkSync(elsewhere, p.join(r, old1));
    removeOtherVersions(posixPlaces, r, SHA, p);
    expect(fs.readdirSync(r)).toEqual([SHA]);
    expect(fs.readFileSync(p.join(elsewhere, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it('nothing to do without a root or without other versions: the places layer is not even asked', () => {
    const places: Places = { createdAs: '', openFolder: () => { throw new Error('not asked'); } };
    expect(removeOtherVersions(places, p.join(tempDir('zti-native-'), 'missing'), SHA, p)).toEqual([]);
    expect(removeOtherVersions(places, versions(SHA), SHA, p)).toEqual([]);
  });

  /** posixPlaces, with removeTree failing for `busy` (a module loaded by a running zticache) and every release counted */
  function busyPlaces(busy: string) {
    const released: string[] = [];
    const places: Places = {
      createdAs: '',
      openFolder(dir, o) {
        const real = posixPlaces.openFolder(dir, o);
        const held: HeldFolder = Object.create(real);
        held.removeTree = (name: string) => {
          if (name === busy) throw new PlaceError(`${p.join(dir, name, 'koffi.node')} is held open by another program`, p.join(dir, name), 'EBUSY');
          real.removeTree(name);
        };
        held.release = () => {
          released.push(dir);
          real.release();
        };
        return held;
      },
    };
    return { places, released };
  }

  it('a version that cannot go yet (loaded by a running zticache) is left for a later run; the others still go; the root is let go', () => {
    const r = versions(SHA, old1, old2);
    const { places, released } = busyPlaces(old1);
    const notes = removeOtherVersions(places, r, SHA, p);
    expect(fs.readdirSync(r).sort()).toEqual([SHA, old1].sort());
    expect(notes[0]).toMatch(new RegExp(`^Left ${p.join(r, old1)}, another zticache version's native module, for a later run: .*is held open by another program$`));
    expect(notes[1]).toBe(`Removed ${p.join(r, old2)}: another zticache version's native module`);
    expect(released).toEqual([r]);
  });

  it('a root the places layer refuses (a link) is left whole, with the reason; it never throws', () => {
    const real = versions(SHA, old1);
    const link = p.join(tempDir('zti-native-'), 'native');
    fs.symlinkSync(real, link);
    const notes = removeOtherVersions(posixPlaces, link, SHA, p);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Native modules of other zticache versions left in .*native: .*symbolic link/);
    expect(fs.readdirSync(real).sort()).toEqual([SHA, old1].sort());
  });
});

describe("placeWhereSafe: SYSTEM's place when this process can use it, else the account's own", () => {
  /** SYSTEM's profile (its AppData\\Local there, as Windows always has it) and a user's */
  function profiles() {
    const top = tempDir('zti-profiles-');
    const system = p.join(top, 'systemprofile', 'AppData', 'Local');
    const own = p.join(top, 'ann', 'AppData', 'Local');
    fs.mkdirSync(system, { recursive: true });
    return { system, own, systemRoot: p.join(system, 'zticache', 'native'), ownRoot: p.join(own, 'zticache', 'native') };
  }

  it("uses SYSTEM's place when it can (SYSTEM, an elevated administrator): the account's own profile is never written or read", () => {
    const { systemRoot, ownRoot, own } = profiles();
    // a module of its own profile, where its unelevated processes can put anything
    fs.mkdirSync(p.join(ownRoot, SHA), { recursive: true });
    fs.writeFileSync(p.join(ownRoot, SHA, 'koffi.node'), 'planted by a medium-integrity process');
    const placed = placeWhereSafe(MODULE, systemRoot, ownRoot, p);
    expect(placed).toEqual({ file: p.join(systemRoot, SHA, 'koffi.node'), sha256: SHA, wrote: true, root: systemRoot });
    expect(fs.readFileSync(p.join(ownRoot, SHA, 'koffi.node'), 'utf8')).toBe('planted by a medium-integrity process');
    expect(fs.readdirSync(own)).toEqual(['zticache']);
  });

  it("denied SYSTEM's place (a standard user, an administrator not elevated): the account's own", () => {
    const { systemRoot, ownRoot, system } = profiles();
    const lstat = fs.lstatSync;
    vi.spyOn(fs, 'lstatSync').mockImplementation(((f: fs.PathLike, o?: fs.StatSyncOptions) => {
      if (String(f).startsWith(`${system}/`)) throw Object.assign(new Error('EACCES: permission denied, lstat'), { code: 'EACCES' });
      return lstat(f, o);
    }) as typeof fs.lstatSync);
    expect(placeWhereSafe(MODULE, systemRoot, ownRoot, p)).toMatchObject({ root: ownRoot, file: p.join(ownRoot, SHA, 'koffi.node') });
    expect(fs.readdirSync(system)).toEqual([]);
  });

  it("SYSTEM's place that can be looked at but not written (EPERM creating it): the account's own", () => {
    const { systemRoot, ownRoot, system } = profiles();
    const mkdir = fs.mkdirSync;
    vi.spyOn(fs, 'mkdirSync').mockImplementation(((f: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
      if (String(f).startsWith(system)) throw Object.assign(new Error('EPERM: operation not permitted, mkdir'), { code: 'EPERM' });
      return mkdir(f, o);
    }) as typeof fs.mkdirSync);
    expect(placeWhereSafe(MODULE, systemRoot, ownRoot, p).root).toBe(ownRoot);
  });

  it("without SYSTEM's profile folder (not Windows as it ships): the account's own, and SYSTEM's is not created", () => {
    const { ownRoot } = profiles();
    const missing = p.join(tempDir('zti-profiles-'), 'systemprofile', 'AppData', 'Local', 'zticache', 'native');
    expect(placeWhereSafe(MODULE, missing, ownRoot, p).root).toBe(ownRoot);
    expect(fs.existsSync(p.dirname(p.dirname(missing)))).toBe(false);
  });

  it("a link or a file in SYSTEM's place is refused, never a reason to load from the account's own profile", () => {
    const { systemRoot, ownRoot } = profiles();
    fs.symlinkSync(tempDir('zti-elsewhere-'), p.dirname(systemRoot));
    expect(() => placeWhereSafe(MODULE, systemRoot, ownRoot, p)).toThrow(/zticache is a symbolic link or junction/);
    expect(fs.existsSync(ownRoot)).toBe(false);
  });

  it("SYSTEM itself (its own profile is SYSTEM's place), or no SYSTEM's place: the one place, its errors as they are", () => {
    const { systemRoot, ownRoot } = profiles();
    expect(placeWhereSafe(MODULE, systemRoot, systemRoot, p).root).toBe(systemRoot);
    expect(placeWhereSafe(MODULE, undefined, ownRoot, p).root).toBe(ownRoot);
    const lonely = p.join(tempDir('zti-native-'), 'a-file');
    fs.writeFileSync(lonely, '');
    expect(() => placeWhereSafe(MODULE, undefined, p.join(lonely, 'zticache', 'native'), p)).toThrow(PlaceError);
  });

  it("SYSTEM's profile folder that is a file, not a folder: the account's own, and nothing is made under it", () => {
    const top = tempDir('zti-profiles-');
    const system = p.join(top, 'systemprofile', 'AppData', 'Local');
    fs.mkdirSync(p.dirname(system), { recursive: true });
    fs.writeFileSync(system, 'not a folder');
    const own = p.join(top, 'ann', 'AppData', 'Local', 'zticache', 'native');
    expect(placeWhereSafe(MODULE, p.join(system, 'zticache', 'native'), own, p).root).toBe(own);
    expect(fs.readFileSync(system, 'utf8')).toBe('not a folder');
  });
});
