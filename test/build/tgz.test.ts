// The build's own tarball reader (scripts/lib/tgz.mjs: no `tar` on the host, which a Windows build
// cannot count on): npm's packages come out whole, long names (pax and GNU headers) included,
// executables stay executable, and no entry lands outside the folder it is extracted to.
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
// @ts-expect-error: a build script, plain JavaScript
import { extractTgz } from '../../scripts/lib/tgz.mjs';

/** One ustar header (and its data, padded) for `name`. */
function entry(name: string, data: Buffer, type = '0', mode = 0o644): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write(mode.toString(8).padStart(7, '0'), 100);
  h.write(data.length.toString(8).padStart(11, '0'), 124);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

describe('extractTgz', () => {
  for (const format of ['pax', 'gnu'] as const) {
    it(`extracts what tar packs in ${format} format: nested folders, a name past 100 characters, an executable`, async () => {
      const src = tempDir('zti-tgz-');
      const long = path.join('package', 'a'.repeat(60), `${'b'.repeat(120)}.txt`); // a name ustar's 100 + 155 split cannot hold
      fs.mkdirSync(path.join(src, path.dirname(long)), { recursive: true });
      fs.writeFileSync(path.join(src, long), 'deep');
      fs.mkdirSync(path.join(src, 'package', 'bin'));
      fs.writeFileSync(path.join(src, 'package', 'bin', 'node'), '#!/bin/sh\n', { mode: 0o755 });
      const tgz = path.join(tempDir('zti-tgz-'), 'p.tgz');
      await execa('tar', [`--format=${format}`, '-czf', tgz, '-C', src, 'package']);
      const out = tempDir('zti-tgz-');
      extractTgz(tgz, out);
      expect(fs.readFileSync(path.join(out, long), 'utf8')).toBe('deep');
      expect(fs.statSync(path.join(out, 'package', 'bin', 'node')).mode & 0o111).not.toBe(0);
    });
  }

  it('refuses an entry that would land outside the folder, and writes nothing there', () => {
    const dir = tempDir('zti-tgz-');
    const tgz = path.join(dir, 'evil.tgz');
    fs.writeFileSync(tgz, zlib.gzipSync(Buffer.concat([entry('package/ok.txt', Buffer.from('ok')), entry('package/../../escaped.txt', Buffer.from('x')), Buffer.alloc(1024)])));
    const out = path.join(dir, 'out');
    expect(() => extractTgz(tgz, out)).toThrow(/package\/\.\.\/\.\.\/escaped\.txt would land outside/);
    expect(fs.existsSync(path.join(dir, 'escaped.txt'))).toBe(false);
  });

  it('skips links and devices, which no npm package needs', () => {
    const dir = tempDir('zti-tgz-');
    const tgz = path.join(dir, 'links.tgz');
    fs.writeFileSync(tgz, zlib.gzipSync(Buffer.concat([entry('package/link', Buffer.alloc(0), '2'), entry('package/real.txt', Buffer.from('r')), Buffer.alloc(1024)])));
    extractTgz(tgz, path.join(dir, 'out'));
    expect(fs.readdirSync(path.join(dir, 'out', 'package'))).toEqual(['real.txt']);
  });
});
