// The Windows places layer's decisions, on Linux, over a fake NtFiles: a small in-memory NTFS with
// handles, junctions (folders with a reparse point), hard links, read-only files and delete-on-close.
// What the real calls do (NtCreateFile relative to a handle, the DACLs, sharing) is proven on the
// built exe under Wine (test/wine/); what is decided over them is proven here, and every handle
// opened is checked to be closed again.
import { describe, expect, it } from 'vitest';
import { READABLE_FILE_SDDL, STATE_SDDL, TARGET_SDDL } from '../../../../src/platform/win32/advapi32.js';
import { splitWindowsPath, windowsPlaces, type NtFiles } from '../../../../src/platform/win32/places.js';
import { placeRefusal } from '../../../helpers/seams.js';

const DIR = 0x10;
const REPARSE = 0x400;
const READONLY = 0x1;
const NORMAL = 0x80;
const FILE_DIRECTORY_FILE = 0x1;
const FILE_NON_DIRECTORY_FILE = 0x40;
const FILE_OPEN = 1;
const FILE_CREATE = 2;
const FILE_OPEN_REPARSE_POINT = 0x200000;

interface Node {
  id: number;
  attributes: number;
  children?: Map<string, Node>;
  names: number;
  data: Buffer;
  owner: string;
  sddl?: string;
  pending?: boolean;
  parent?: Node;
  name: string;
  /** the Win32 error its delete fails with (a file held open by another program) */
  deleteFails?: number;
  /** a junction's target: an open without FILE_OPEN_REPARSE_POINT lands there, as NT's reparse does */
  target?: string;
}

function fakeNt() {
  let ids = 100;
  const node = (name: string, attributes: number, parent?: Node, extra: Partial<Node> = {}): Node => {
    const n: Node = { id: ++ids, name, attributes, names: 1, data: Buffer.alloc(0), owner: 'S-1-5-18', parent, ...extra };
    if (attributes & DIR && !(attributes & REPARSE)) n.children = new Map();
    if (parent) parent.children!.set(name.toLowerCase(), n);
    return n;
  };
  const root = node('C:\\', DIR);
  const handles = new Map<number, Node>();
  let nextHandle = 1000;
  const open = (n: Node) => (handles.set(++nextHandle, n), nextHandle);
  const calls: string[] = [];
  const failing: Partial<Record<'create' | 'info' | 'write' | 'list' | 'truncate' | 'fileId' | 'owner' | 'flush', number>> = {};
  /** the Win32 errors the next renames fail with, one each (a reader holding the old file: 5) */
  const renameFails: number[] = [];
  const at = (h: number) => {
    const n = handles.get(h);
    if (!n) throw new Error(`handle ${h} is not open`);
    return n;
  };
  const nt: NtFiles = {
    openRoot: (r) => (r === 'C:\\' ? open(root) : { error: 3 }),
    create(rootH, name, _access, _share, disposition, options, sddl) {
      const dir = at(rootH);
      if (failing.create) return { error: failing.create };
      calls.push(`create ${name} ${disposition}${sddl ? ` ${sddl === TARGET_SDDL ? 'target-acl' : sddl === STATE_SDDL ? 'state-acl' : sddl}` : ''}`);
      if (!dir.children) return { error: 267 };
      let n = dir.children.get(name.toLowerCase());
      if (n?.pending) return { error: 5 };
      if (n && disposition === FILE_CREATE) return { error: 183 };
      if (!n) {
        if (disposition === FILE_OPEN) return { error: 2 };
        n = node(name, options & FILE_DIRECTORY_FILE ? DIR : NORMAL, dir, { sddl });
        return { handle: open(n), created: true };
      }
      // a junction is followed unless it is opened as itself
      if (n.target !== undefined && !(options & FILE_OPEN_REPARSE_POINT)) n = find(n.target)!;
      if (options & FILE_DIRECTORY_FILE && !(n.attributes & DIR)) return { error: 267 };
      if (options & FILE_NON_DIRECTORY_FILE && n.attributes & DIR) return { error: 5 };
      return { handle: open(n), created: false };
    },
    info: (h) => (failing.info ? { error: failing.info } : { attributes: at(h).attributes, links: at(h).names }),
    write(h, data) {
      if (failing.write) return { error: failing.write };
      const n = at(h);
      n.data = Buffer.concat([n.data, data]);
      return data.length;
    },
    list: (h) => (failing.list ? { error: failing.list } : [...at(h).children!.values()].filter((c) => !c.pending).map((c) => ({ name: c.name, attributes: c.attributes }))),
    markDeleted(h) {
      const n = at(h);
      if (n.deleteFails) return n.deleteFails;
      if (n.attributes & READONLY) return 5;
      if (n.children && [...n.children.values()].some((c) => !c.pending)) return 145;
      n.pending = true;
      return 0;
    },
    flush: (h) => (calls.push(`flush ${at(h).name}`), failing.flush ?? 0),
    renameInto(h, rootH, name) {
      const n = at(h);
      const dir = at(rootH);
      const fails = renameFails.shift();
      if (fails) return fails;
      const there = dir.children!.get(name.toLowerCase());
      if (there && there.attributes & DIR) return 5; // a folder is never replaced
      calls.push(`rename ${n.name} -> ${name}`);
      n.parent!.children!.delete(n.name.toLowerCase());
      n.name = name;
      n.parent = dir;
      dir.children!.set(name.toLowerCase(), n);
      return 0;
    },
    truncate: (h) => (failing.truncate ? failing.truncate : ((at(h).data = Buffer.alloc(0)), 0)),
    setAttributes: (h, a) => (calls.push(`setAttributes ${at(h).name}`), (at(h).attributes = a), 0),
    fileId: (h) => (failing.fileId ? { error: failing.fileId } : { serial: 7, index: BigInt(at(h).id) + (1n << 40n) }),
    owner: (h) => (failing.owner ? { error: failing.owner } : at(h).owner),
    dacl: (h) => at(h).sddl ?? 'D:AI(A;ID;FA;;;WD)',
    close(h) {
      const n = at(h);
      handles.delete(h);
      // delete on close: gone when its last handle closes
      if (n.pending && ![...handles.values()].includes(n)) n.parent?.children!.delete(n.name.toLowerCase());
    },
  };
  const find = (p: string): Node | undefined => {
    let cur: Node | undefined = root;
    for (const name of splitWindowsPath(p).names) cur = cur?.children?.get(name.toLowerCase());
    return cur;
  };
  const mk = (p: string, attributes = DIR, extra: Partial<Node> = {}) => {
    const { names } = splitWindowsPath(p);
    let cur = root;
    for (const name of names.slice(0, -1)) cur = cur.children!.get(name.toLowerCase()) ?? node(name, DIR, cur);
    return node(names.at(-1)!, attributes, cur, extra);
  };
  return { nt, places: windowsPlaces(nt), handles, calls, failing, renameFails, find, mk };
}

describe('the security descriptors zticache creates its folders with, ACE by ACE', () => {
  /** (type;flags;rights;;;who) of a DACL in SDDL */
  const aces = (sddl: string) => [...sddl.matchAll(/\((\w+);(\w*);(\w+);;;(\w+)\)/g)].map(([, type, flags, rights, who]) => ({ type, flags, rights, who }));
  it('PackageSource: protected, SYSTEM and Administrators full control, Users read and execute only, inherited by all it holds', () => {
    expect(TARGET_SDDL.startsWith('D:P(')).toBe(true);
    expect(aces(TARGET_SDDL)).toEqual([
      { type: 'A', flags: 'OICI', rights: 'FA', who: 'SY' },
      { type: 'A', flags: 'OICI', rights: 'FA', who: 'BA' },
      { type: 'A', flags: 'OICI', rights: '0x1200a9', who: 'BU' }, // FILE_GENERIC_READ | FILE_GENERIC_EXECUTE
    ]);
    expect(TARGET_SDDL).toBe(`D:P${aces(TARGET_SDDL).map((a) => `(${a.type};${a.flags};${a.rights};;;${a.who})`).join('')}`);
  });
  it('the state folder: protected, SYSTEM and Administrators only, nothing for Users', () => {
    expect(STATE_SDDL.startsWith('D:P(')).toBe(true);
    expect(aces(STATE_SDDL)).toEqual([
      { type: 'A', flags: 'OICI', rights: 'FA', who: 'SY' },
      { type: 'A', flags: 'OICI', rights: 'FA', who: 'BA' },
    ]);
    expect(STATE_SDDL).toBe(`D:P${aces(STATE_SDDL).map((a) => `(${a.type};${a.flags};${a.rights};;;${a.who})`).join('')}`);
  });
});

describe('opening a folder by handle, one component at a time', () => {
  it('creates what is missing with the protected ACL, keeps what exists, and holds only the last', () => {
    const f = fakeNt();
    expect(f.places.createdAs).toBe(`with a protected ACL: SYSTEM and Administrators: full control; Users: read and execute; nothing inherited from above (${TARGET_SDDL})`);
    f.mk('C:\\MININT');
    const held = f.places.openFolder('C:\\MININT\\SMSOSD\\OSDLOGS', { create: true });
    expect(held.path).toBe('C:\\MININT\\SMSOSD\\OSDLOGS');
    expect(f.calls).toEqual(['create MININT 3 target-acl', 'create SMSOSD 3 target-acl', 'create OSDLOGS 3 target-acl']);
    expect(f.find('C:\\MININT')!.sddl).toBeUndefined();
    expect(f.find('C:\\MININT\\SMSOSD')!.sddl).toBe(TARGET_SDDL);
    expect(f.handles.size).toBe(1);
    held.release();
    held.release();
    expect(f.handles.size).toBe(0);
  });

  it('without create, a missing component is ENOENT naming it; a file on the way is not a folder', () => {
    const f = fakeNt();
    const e = placeRefusal(() => f.places.openFolder('C:\\MININT\\PackageSource'));
    expect(e).toMatchObject({ code: 'ENOENT', path: 'C:\\MININT', winError: 2 });
    expect(f.calls).toEqual(['create MININT 1']);
    f.mk('C:\\MININT', NORMAL);
    const n = placeRefusal(() => f.places.openFolder('C:\\MININT\\PackageSource', { create: true }));
    expect(n).toMatchObject({ code: 'ENOTDIR', path: 'C:\\MININT', winError: 267 });
    expect(n.message).toBe('C:\\MININT is not a folder');
    expect(f.handles.size).toBe(0);
  });

  it('a junction anywhere on the way is refused as itself (ELOOP), never followed', () => {
    const f = fakeNt();
    f.mk('C:\\Windows\\System32');
    f.mk('C:\\MININT', DIR | REPARSE);
    const e = placeRefusal(() => f.places.openFolder('C:\\MININT\\SMSOSD', { create: true }));
    expect(e).toMatchObject({ code: 'ELOOP', path: 'C:\\MININT' });
    expect(e.message).toBe('C:\\MININT is a symbolic link or junction (zticache never writes through one)');
    expect(f.handles.size).toBe(0);
    f.mk('C:\\Data\\link', DIR | REPARSE);
    expect(placeRefusal(() => f.places.openFolder('C:\\Data\\link')).code).toBe('ELOOP');
    expect(f.handles.size).toBe(0);
  });

  it('a volume that cannot be opened is named with its error', () => {
    const f = fakeNt();
    expect(placeRefusal(() => f.places.openFolder('E:\\x'))).toMatchObject({ code: 'ENOENT', path: 'E:\\', winError: 3 });
  });

  it('a folder whose attributes cannot be read is refused with the Win32 error', () => {
    const f = fakeNt();
    f.mk('C:\\MININT');
    f.failing.info = 1117;
    expect(placeRefusal(() => f.places.openFolder('C:\\MININT'))).toMatchObject({ code: 'Windows error 1117', winError: 1117 });
    expect(f.handles.size).toBe(0);
  });
});

describe('a held folder', () => {
  it('new means created here: one that exists is someone else\'s (EEXIST); private folders get the state ACL', () => {
    const f = fakeNt();
    f.mk('C:\\MININT\\PackageSource');
    const parent = f.places.openFolder('C:\\MININT');
    expect(placeRefusal(() => parent.folder('packagesource', 'new'))).toMatchObject({ code: 'EEXIST', path: 'C:\\MININT\\packagesource', winError: 183 });
    const made = parent.folder('Other', 'new');
    expect(made.created).toBe(true);
    const state = parent.folder('zticache', 'either', 'private');
    expect(f.find('C:\\MININT\\zticache')!.sddl).toBe(STATE_SDDL);
    const again = parent.folder('ZTICACHE', 'either', 'private');
    expect(again.created).toBe(false);
    const existing = parent.folder('Other', 'existing');
    expect(f.calls.at(-1)).toBe('create Other 1');
    for (const h of [made, state, again, existing, parent]) h.release();
    expect(f.handles.size).toBe(0);
  });

  it('a name that is not one plain component is refused before any call', () => {
    const f = fakeNt();
    const parent = f.places.openFolder('C:\\');
    const before = f.calls.length;
    for (const bad of ['', '.', '..', 'a\\b', 'a/b']) expect(placeRefusal(() => parent.folder(bad, 'either')).code, bad).toBe('EINVAL');
    expect(f.calls.length).toBe(before);
    parent.release();
  });

  it('its identity and owner come from the handle; a released folder is used no more', () => {
    const f = fakeNt();
    const n = f.mk('C:\\ProgramData\\zticache', DIR, { owner: 'S-1-5-21-1-2-3-1001' });
    const held = f.places.openFolder('C:\\ProgramData\\zticache');
    expect(held.id()).toEqual({ dev: '7', ino: String(BigInt(n.id) + (1n << 40n)) });
    expect(held.owner()).toBe('S-1-5-21-1-2-3-1001');
    f.failing.owner = 5;
    expect(placeRefusal(() => held.owner())).toMatchObject({ code: 'EPERM', winError: 5 });
    f.failing.fileId = 6;
    expect(placeRefusal(() => held.id())).toMatchObject({ code: 'Windows error 6', winError: 6 });
    held.release();
    expect(placeRefusal(() => held.id()).code).toBe('EBADF');
    expect(placeRefusal(() => held.folder('x', 'either')).code).toBe('EBADF');
  });
});

describe('files in a held folder', () => {
  it('append creates the file and adds to it; after close nothing is written', () => {
    const f = fakeNt();
    const logs = f.places.openFolder('C:\\Logs', { create: true });
    const a = logs.appendFile('ZTICache.log');
    a.write('one\n');
    a.write('two\n');
    a.close();
    a.write('three\n');
    a.close();
    expect(f.find('C:\\Logs\\ZTICache.log')!.data.toString()).toBe('one\ntwo\n');
    const b = logs.appendFile('ztICACHE.log');
    b.write('again\n');
    b.close();
    expect(f.find('C:\\Logs\\ZTICache.log')!.data.toString()).toBe('one\ntwo\nagain\n');
    logs.release();
    expect(f.handles.size).toBe(0);
  });

  it('a hard link, a file link and a folder by that name are refused, each as what it is', () => {
    const f = fakeNt();
    f.mk('C:\\Logs\\linked.log', NORMAL, { names: 2 });
    f.mk('C:\\Logs\\link.log', NORMAL | REPARSE);
    f.mk('C:\\Logs\\folder.log');
    const logs = f.places.openFolder('C:\\Logs');
    expect(placeRefusal(() => logs.appendFile('linked.log'))).toMatchObject({ code: 'EMLINK', path: 'C:\\Logs\\linked.log' });
    expect(placeRefusal(() => logs.appendFile('link.log'))).toMatchObject({ code: 'ELOOP', path: 'C:\\Logs\\link.log' });
    expect(placeRefusal(() => logs.rewriteFile('folder.log', Buffer.from('x')))).toMatchObject({ code: 'EPERM', winError: 5 });
    f.failing.info = 1117;
    expect(placeRefusal(() => logs.appendFile('new.log'))).toMatchObject({ code: 'EIO', winError: 1117 });
    delete f.failing.info;
    logs.release();
    expect(f.handles.size).toBe(0);
  });

  it('a failed write is an error naming the file and the Win32 code', () => {
    const f = fakeNt();
    const logs = f.places.openFolder('C:\\Logs', { create: true });
    const a = logs.appendFile('ZTICache.log');
    f.failing.write = 112;
    const e = placeRefusal(() => a.write('x'));
    expect(e).toMatchObject({ code: 'EIO', winError: 112, path: 'C:\\Logs\\ZTICache.log' });
    expect(e.message).toBe('cannot write C:\\Logs\\ZTICache.log (Windows error 112)');
    a.close();
    logs.release();
  });

  it('rewrite replaces the whole content; its failures are named', () => {
    const f = fakeNt();
    const w = f.places.openFolder('C:\\Windows', { create: true });
    w.rewriteFile('status.mif', Buffer.from('a long first text'));
    w.rewriteFile('status.mif', Buffer.from('short'));
    expect(f.find('C:\\Windows\\status.mif')!.data.toString()).toBe('short');
    f.failing.truncate = 19;
    expect(placeRefusal(() => w.rewriteFile('status.mif', Buffer.from('x')))).toMatchObject({ code: 'Windows error 19', winError: 19 });
    delete f.failing.truncate;
    f.failing.write = 112;
    expect(placeRefusal(() => w.rewriteFile('status.mif', Buffer.from('x')))).toMatchObject({ winError: 112 });
    w.release();
    expect(f.handles.size).toBe(0);
  });
});

describe('replacing a file whole (last-run.json)', () => {
  it('writes a new file aside with its own DACL, flushes it, then renames it over the name by the folder\'s handle', () => {
    const f = fakeNt();
    const state = f.places.openFolder('C:\\ProgramData\\zticache', { create: true });
    state.replaceFile('last-run.json', Buffer.from('{"one":1}'), 'users-read');
    state.replaceFile('last-run.json', Buffer.from('{"two":2}'), 'users-read');
    const file = f.find('C:\\ProgramData\\zticache\\last-run.json')!;
    expect(file.data.toString()).toBe('{"two":2}');
    expect(file.sddl).toBe(READABLE_FILE_SDDL);
    expect([...f.find('C:\\ProgramData\\zticache')!.children!.keys()]).toEqual(['last-run.json']);
    const steps = f.calls.filter((c) => /last-run/.test(c));
    expect(steps.slice(0, 3)).toEqual([
      expect.stringMatching(new RegExp(`^create last-run\\.json\\.${process.pid}-[0-9a-f]{8}\\.tmp 2 D:P\\(A;;FA;;;SY\\)\\(A;;FA;;;BA\\)\\(A;;FR;;;BU\\)$`)),
      expect.stringMatching(/^flush last-run\.json\.\d+-[0-9a-f]{8}\.tmp$/),
      expect.stringMatching(/^rename last-run\.json\.\d+-[0-9a-f]{8}\.tmp -> last-run\.json$/),
    ]);
    // 'private' inherits the folder's DACL: no descriptor of its own
    state.replaceFile('private.json', Buffer.from('x'));
    expect(f.find('C:\\ProgramData\\zticache\\private.json')!.sddl).toBeUndefined();
    state.release();
    expect(f.handles.size).toBe(0);
  });

  it('a reader holding the old file is waited for; a refusal that lasts, a folder by that name, a failed write or flush: the old file stays, the one aside goes, the error names the file', () => {
    const f = fakeNt();
    const state = f.places.openFolder('C:\\S', { create: true });
    state.replaceFile('last-run.json', Buffer.from('old'), 'users-read');
    f.renameFails.push(5, 32);
    state.replaceFile('last-run.json', Buffer.from('new'), 'users-read');
    expect(f.find('C:\\S\\last-run.json')!.data.toString()).toBe('new');
    f.renameFails.push(...Array<number>(20).fill(5));
    expect(placeRefusal(() => state.replaceFile('last-run.json', Buffer.from('lost'), 'users-read'))).toMatchObject({ code: 'EPERM', winError: 5, path: 'C:\\S\\last-run.json' });
    f.renameFails.push(19);
    expect(placeRefusal(() => state.replaceFile('last-run.json', Buffer.from('lost'), 'users-read'))).toMatchObject({ winError: 19 });
    f.mk('C:\\S\\folder.json');
    expect(placeRefusal(() => state.replaceFile('folder.json', Buffer.from('lost')))).toMatchObject({ code: 'EPERM', path: 'C:\\S\\folder.json' });
    f.failing.write = 112;
    expect(placeRefusal(() => state.replaceFile('last-run.json', Buffer.from('lost')))).toMatchObject({ winError: 112 });
    delete f.failing.write;
    f.failing.flush = 1117;
    expect(placeRefusal(() => state.replaceFile('last-run.json', Buffer.from('lost')))).toMatchObject({ winError: 1117 });
    delete f.failing.flush;
    f.failing.create = 5;
    expect(placeRefusal(() => state.replaceFile('last-run.json', Buffer.from('lost')))).toMatchObject({ code: 'EPERM', path: expect.stringMatching(/^C:\\S\\last-run\.json\.\d+-[0-9a-f]{8}\.tmp$/) });
    delete f.failing.create;
    expect(f.find('C:\\S\\last-run.json')!.data.toString()).toBe('new');
    expect([...f.find('C:\\S')!.children!.keys()].sort()).toEqual(['folder.json', 'last-run.json']);
    state.release();
    expect(f.handles.size).toBe(0);
  });
});

describe('removing a tree by handle', () => {
  it('removes files and folders depth first; a missing entry is nothing to do', () => {
    const f = fakeNt();
    f.mk('C:\\MININT\\PackageSource\\OSD\\deep\\a.inf', NORMAL);
    f.mk('C:\\MININT\\PackageSource\\setup.cab', NORMAL);
    f.mk('C:\\MININT\\PackageSource\\Empty');
    const parent = f.places.openFolder('C:\\MININT');
    parent.removeTree('PackageSource');
    expect(f.find('C:\\MININT\\PackageSource')).toBeUndefined();
    parent.removeTree('PackageSource');
    parent.removeTree('never');
    f.failing.create = 3; // a path not found: nothing to remove either
    parent.removeTree('x');
    f.failing.create = 5;
    expect(placeRefusal(() => parent.removeTree('x'))).toMatchObject({ code: 'EPERM', winError: 5 });
    delete f.failing.create;
    parent.release();
    expect(f.handles.size).toBe(0);
  });

  it('a junction inside is removed as itself: what it points to is never listed or touched', () => {
    const f = fakeNt();
    const victim = f.mk('C:\\Users\\admin\\Documents\\keep.docx', NORMAL);
    f.mk('C:\\MININT\\PackageSource\\to-docs', DIR | REPARSE, { target: 'C:\\Users\\admin\\Documents' });
    f.mk('C:\\MININT\\PackageSource\\file-link', NORMAL | REPARSE);
    const parent = f.places.openFolder('C:\\MININT');
    parent.removeTree('PackageSource');
    expect(f.find('C:\\MININT\\PackageSource')).toBeUndefined();
    expect(f.find('C:\\Users\\admin\\Documents\\keep.docx')).toBe(victim);
    // and a junction given as the tree itself
    f.mk('C:\\MININT\\j', DIR | REPARSE, { target: 'C:\\Users\\admin\\Documents' });
    parent.removeTree('j');
    expect(f.find('C:\\MININT\\j')).toBeUndefined();
    expect(f.find('C:\\Users\\admin\\Documents\\keep.docx')).toBe(victim);
    expect(f.find('C:\\Users\\admin\\Documents')).toBeDefined();
    parent.release();
  });

  it('a read-only file has the attribute cleared, keeping the others, and goes', () => {
    const f = fakeNt();
    const ro = f.mk('C:\\MININT\\PackageSource\\ro.ini', READONLY | 0x20);
    const only = f.mk('C:\\MININT\\PackageSource\\only.ini', READONLY);
    const parent = f.places.openFolder('C:\\MININT');
    parent.removeTree('PackageSource');
    expect(ro.attributes).toBe(0x20);
    expect(only.attributes).toBe(NORMAL);
    expect(f.find('C:\\MININT\\PackageSource')).toBeUndefined();
    parent.release();
  });

  it('a file held by another program stops the removal, named with its own path; so does a folder still not empty', () => {
    const f = fakeNt();
    f.mk('C:\\MININT\\PackageSource\\OSD\\held.log', NORMAL, { deleteFails: 32 });
    const parent = f.places.openFolder('C:\\MININT');
    const e = placeRefusal(() => parent.removeTree('PackageSource'));
    expect(e).toMatchObject({ code: 'EBUSY', path: 'C:\\MININT\\PackageSource\\OSD\\held.log', winError: 32 });
    expect(e.message).toBe('C:\\MININT\\PackageSource\\OSD\\held.log is held open by another program');
    expect(f.handles.size).toBe(1);
    expect(f.calls.filter((c) => c.startsWith('setAttributes'))).toEqual([]); // only a read-only file has its attributes touched
    // a delete that "succeeds" but leaves the name (FILE_SHARE_DELETE holder): the folder names it
    f.find('C:\\MININT\\PackageSource\\OSD\\held.log')!.deleteFails = undefined;
    const stays = f.find('C:\\MININT\\PackageSource\\OSD\\held.log')!;
    const realMark = f.nt.markDeleted;
    f.nt.markDeleted = (h) => (f.handles.get(h) === stays ? 0 : realMark(h));
    const left = placeRefusal(() => parent.removeTree('PackageSource'));
    expect(left).toMatchObject({ code: 'ENOTEMPTY', path: 'C:\\MININT\\PackageSource\\OSD\\held.log', winError: 145 });
    // what is left cannot be listed: the folder itself is named
    const realList = f.nt.list;
    let lists = 0;
    f.nt.list = (h) => (f.handles.get(h)?.name === 'OSD' && lists++ > 0 ? { error: 5 } : realList(h));
    expect(placeRefusal(() => parent.removeTree('PackageSource'))).toMatchObject({ code: 'ENOTEMPTY', path: 'C:\\MININT\\PackageSource\\OSD' });
    f.nt.list = realList;
    parent.release();
    expect(f.handles.size).toBe(0);
  });

  it('an entry that cannot be opened, examined or listed is named with its error', () => {
    const f = fakeNt();
    f.mk('C:\\MININT\\PackageSource\\a.txt', NORMAL);
    const parent = f.places.openFolder('C:\\MININT');
    f.failing.list = 5;
    expect(placeRefusal(() => parent.removeTree('PackageSource'))).toMatchObject({ code: 'EPERM', path: 'C:\\MININT\\PackageSource', winError: 5 });
    delete f.failing.list;
    f.failing.info = 1117;
    expect(placeRefusal(() => parent.removeTree('PackageSource'))).toMatchObject({ code: 'Windows error 1117', path: 'C:\\MININT\\PackageSource' });
    f.failing.info = 145;
    expect(placeRefusal(() => parent.removeTree('PackageSource'))).toMatchObject({ code: 'ENOTEMPTY', winError: 145 });
    f.failing.info = 32;
    expect(placeRefusal(() => parent.removeTree('PackageSource'))).toMatchObject({ code: 'EBUSY', winError: 32 });
    delete f.failing.info;
    f.find('C:\\MININT\\PackageSource')!.pending = true; // delete pending: opening it is access denied
    expect(placeRefusal(() => parent.removeTree('PackageSource'))).toMatchObject({ code: 'EPERM', winError: 5 });
    parent.release();
    expect(f.handles.size).toBe(0);
  });
});

describe('splitting a Windows path', () => {
  it('gives the volume root and the names below it, prefixes and ".." resolved', () => {
    expect(splitWindowsPath('C:\\MININT\\SMSOSD\\OSDLOGS')).toEqual({ root: 'C:\\', names: ['MININT', 'SMSOSD', 'OSDLOGS'] });
    expect(splitWindowsPath('\\\\?\\C:\\MININT\\..\\x')).toEqual({ root: 'C:\\', names: ['x'] });
    expect(splitWindowsPath('\\\\.\\C:\\x')).toEqual({ root: 'C:\\', names: ['x'] });
    expect(splitWindowsPath('\\\\srv\\share\\pkg')).toEqual({ root: '\\\\srv\\share\\', names: ['pkg'] });
    expect(splitWindowsPath('\\\\?\\UNC\\srv\\share\\pkg')).toEqual({ root: '\\\\srv\\share\\', names: ['pkg'] });
    expect(splitWindowsPath('\\\\.\\unc\\srv\\share\\pkg')).toEqual({ root: '\\\\srv\\share\\', names: ['pkg'] });
    expect(splitWindowsPath('E:\\')).toEqual({ root: 'E:\\', names: [] });
    expect(splitWindowsPath('C:/a//b/')).toEqual({ root: 'C:\\', names: ['a', 'b'] });
  });
});
