// The manifest's edges that stage-parts.test.ts's parsing tests leave: where a byte-order mark,
// a comment or an anchor counts, the line a refusal names, the escaped form only where a name
// needs it, and `zticache manifest`'s writer (the manifest itself left out, --what-if writes
// nothing, a failed write leaves no half file).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { decodeManifest, hashFile, manifestLine, parseManifest, writeManifest } from '../../../src/plan/manifest.js';
import { makeTree, tempDir } from '../../helpers/fixtures.js';
import { rejection, thrown } from '../../helpers/seams.js';
import { posixNames, winNames } from '../../helpers/names.js';

const p = path.posix;
const h = 'a'.repeat(64);

describe('parseManifest', () => {
  it('two lines name one file exactly when the target\'s names say so: KELVIN SIGN and k are two files on NTFS, A and a one', () => {
    const w = path.win32;
    expect(parseManifest(`${h}  \u212a.txt\n${'b'.repeat(64)}  k.txt\n`, 'm', w, winNames)).toHaveLength(2);
    expect(() => parseManifest(`${h}  A.txt\n${'b'.repeat(64)}  a.txt\n`, 'm', w, winNames)).toThrow(/gives a\.txt two different hashes/);
    expect(parseManifest(`${h}  A.txt\n${'b'.repeat(64)}  a.txt\n`, 'm', p, posixNames)).toHaveLength(2);
  });

  it('skips comment lines (starting with #) and blank ones (spaces too), but keeps a name that ends with one; a BOM counts only at the start', () => {
    expect(parseManifest(`# made by hand\n  \t\n${h}  notes#\n${h}  \uFEFFodd\n`, 'm', p, posixNames)).toStrictEqual([{ hash: h, rel: 'notes#' }, { hash: h, rel: '\uFEFFodd' }]);
  });

  it('refuses a line with anything before the hash, or a lone carriage return in it, naming the line and the manifest', () => {
    let e = thrown(() => parseManifest(`${h}  ok\nx${h}  a.txt\n`, '/pkg/zticache.sha256', p, posixNames));
    expect(e.exitCode).toBe(ExitCode.MANIFEST_UNREADABLE);
    expect(e.message).toBe(`the manifest /pkg/zticache.sha256 line 2 is not "<sha256>  <path>": x${h}  a.txt`);
    expect(e.path).toBe('/pkg/zticache.sha256');
    e = thrown(() => parseManifest(`${h}  a.txt\rb.txt\n`, 'm', p, posixNames));
    expect(e.message).toMatch(/^the manifest m line 1 is not/);
  });

  it('shows at most 120 characters of a bad line', () => {
    const e = thrown(() => parseManifest(`bad ${'x'.repeat(300)}`, 'm', p, posixNames));
    expect(e.message).toBe(`the manifest m line 1 is not "<sha256>  <path>": bad ${'x'.repeat(116)}`);
  });

  it('names the line of a path outside the package; a colon inside a POSIX name is no drive', () => {
    const e = thrown(() => parseManifest(`${h}  a\n${h}  b\n${h}  /etc/passwd\n`, 'm', p, posixNames));
    expect(e.exitCode).toBe(ExitCode.MANIFEST_UNREADABLE);
    expect(e.message).toBe('the manifest m line 3 names a path outside the package: /etc/passwd');
    expect(e.path).toBe('m');
    expect(parseManifest(`${h}  dir/a:b\n`, 'm', p, posixNames)).toStrictEqual([{ hash: h, rel: 'dir/a:b' }]);
  });

  it('a file given two hashes is refused with the manifest as its path', () => {
    const e = thrown(() => parseManifest(`${h}  a\n${'b'.repeat(64)}  a\n`, 'm', p, posixNames));
    expect(e.exitCode).toBe(ExitCode.MANIFEST_UNREADABLE);
    expect(e.path).toBe('m');
  });
});

describe('decodeManifest', () => {
  it('takes UTF-16 only from a whole byte-order mark: one byte of it is not enough', () => {
    expect(decodeManifest(Buffer.from([0xff, 0x61, 0x62]), 'm')).toBe('\uFFFDab');
    expect(decodeManifest(Buffer.from([0x61, 0xfe, 0x62]), 'm')).toBe('a\uFFFDb');
    expect(decodeManifest(Buffer.from([0xfe, 0x61, 0x62]), 'm')).toBe('\uFFFDab');
    expect(decodeManifest(Buffer.from([0x61, 0xff, 0x62]), 'm')).toBe('a\uFFFDb');
  });

  it('refuses UTF-16 without a mark with the manifest as its path', () => {
    const e = thrown(() => decodeManifest(Buffer.from('ab', 'utf16le'), '/pkg/m'));
    expect(e.exitCode).toBe(ExitCode.MANIFEST_UNREADABLE);
    expect(e.path).toBe('/pkg/m');
  });
});

describe('manifestLine', () => {
  it('writes plain names as sha256sum does, and escapes only names with a backslash or a line break', () => {
    expect(manifestLine(h, 'sub/a b.txt')).toBe(`${h}  sub/a b.txt\n`);
    expect(manifestLine(h, 'a\\b\nc\rd')).toBe(`\\${h}  a\\\\b\\nc\\rd\n`);
  });
});

describe('writeManifest', () => {
  it('hashes every file in name order, leaving out the manifest itself when it lies in the folder', async () => {
    const dir = tempDir('zti-man-');
    makeTree(dir, { 'b.txt': 'bb', 'a/x.cab': 'xxx', 'zticache.sha256': 'an older manifest' });
    const out = p.join(dir, 'zticache.sha256');
    expect(await writeManifest(p, dir, out, 2)).toStrictEqual({ file: out, files: 2, bytes: 5 });
    const hx = await hashFile(p.join(dir, 'a/x.cab'));
    const hb = await hashFile(p.join(dir, 'b.txt'));
    expect(fs.readFileSync(out, 'utf8')).toBe(`${hx}  a/x.cab\n${hb}  b.txt\n`);
    expect(fs.readdirSync(dir).sort()).toEqual(['a', 'b.txt', 'zticache.sha256']);
  });

  it('a manifest written elsewhere lists every file of the folder', async () => {
    const dir = tempDir('zti-man-');
    makeTree(dir, { 'pkg/zticache.sha256': 'a file of the package after all' });
    const out = p.join(dir, 'zticache.sha256');
    expect(await writeManifest(p, p.join(dir, 'pkg'), out, 2)).toStrictEqual({ file: out, files: 1, bytes: 31 });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^[0-9a-f]{64} {2}zticache\.sha256\n$/);
  });

  it('--what-if counts and writes nothing', async () => {
    const dir = tempDir('zti-man-');
    makeTree(dir, { 'a.txt': 'a' });
    const out = p.join(dir, 'zticache.sha256');
    expect(await writeManifest(p, dir, out, 2, true)).toStrictEqual({ file: out, files: 1, bytes: 1 });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['a.txt']);
  });

  it('a manifest that cannot be written is MANIFEST_NOT_WRITTEN, naming it, and leaves no half file', async () => {
    const dir = tempDir('zti-man-');
    makeTree(dir, { 'a.txt': 'a' });
    fs.mkdirSync(p.join(dir, 'out.sha256')); // a folder where the manifest should go: the rename fails
    const out = p.join(dir, 'out.sha256');
    const e = await rejection(writeManifest(p, dir, out, 2));
    expect(e.exitCode).toBe(ExitCode.MANIFEST_NOT_WRITTEN);
    expect(e.message).toBe(`cannot write the manifest ${out}`);
    expect(e.path).toBe(out);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.txt', 'out.sha256']);
  });
});

describe('hashFile', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const openFds = () => fs.readdirSync('/proc/self/fd').length;

  it('gives the SHA-256 of the whole file read whole (up to 1 MiB) or streamed (larger), through one open that is closed either way', async () => {
    const dir = tempDir();
    const sizes = [0, 16, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5];
    const before = openFds();
    for (const n of sizes) {
      const bytes = Buffer.alloc(n);
      for (let i = 0; i < n; i++) bytes[i] = (i * 31 + n) & 0xff;
      const f = p.join(dir, `f${n}.bin`);
      fs.writeFileSync(f, bytes);
      expect(await hashFile(f), `${n} bytes`).toBe(sha(bytes));
    }
    expect(openFds()).toBe(before);
  });

  it('an unreadable file rejects with its error and leaves nothing open', async () => {
    const dir = tempDir();
    const before = openFds();
    expect(await rejection(hashFile(p.join(dir, 'gone.bin')))).toMatchObject({ code: 'ENOENT' });
    expect(await rejection(hashFile(dir))).toMatchObject({ code: 'EISDIR' });
    expect(openFds()).toBe(before);
  });
});
