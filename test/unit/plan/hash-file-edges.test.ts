// Attack on issue 38's hashFile (one open, small files read whole): what it reads must be what the
// file holds to its end, and something that is not a plain file under a listed name is refused
// with its name, never waited on (a FIFO) or read forever (a device).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { hashFile } from '../../../src/plan/manifest.js';
import { tempDir } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/seams.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('hashFile reads the file to its end', () => {
  it('a small file that grows while it is read is hashed as it is at the end, as the stream did', async () => {
    const file = path.join(tempDir(), 'grows.bin');
    fs.writeFileSync(file, Buffer.alloc(1000, 1));
    const real = fs.readSync;
    let grown = false;
    // the first read of the file: another writer appends to it just then
    const spy = vi.spyOn(fs, 'readSync').mockImplementation(((...a: Parameters<typeof fs.readSync>) => {
      if (!grown) {
        grown = true;
        fs.appendFileSync(file, Buffer.alloc(500, 2));
      }
      return real(...a);
    }) as typeof fs.readSync);
    try {
      expect(await hashFile(file)).toBe(sha(fs.readFileSync(file)));
    } finally {
      spy.mockRestore();
    }
    expect(grown).toBe(true);
  });
});

describe('hashFile refuses what is not a plain file', () => {
  it('a device (here /dev/null, which reads as empty) is refused, not hashed as an empty file', async () => {
    expect(await rejection(hashFile('/dev/null'))).toMatchObject({ code: 'EFTYPE' });
  });
});
