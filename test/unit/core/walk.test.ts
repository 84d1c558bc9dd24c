// The walk: name order by UTF-16 code unit (the journal's and the inventory's order, the same on
// every host), parents before children, and an entry that vanishes between the listing and its
// lstat is named with the path it had.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { byName, nodeWalk } from '../../../src/core/walk.js';
import { tempDir } from '../../helpers/fixtures.js';

describe('the walk', () => {
  it('orders names by code unit: upper case before lower, and equal names as equal', () => {
    expect(byName('a', 'b')).toBe(-1);
    expect(byName('b', 'a')).toBe(1);
    expect(byName('a', 'a')).toBe(0);
    expect(['b', 'a', 'B', 'é', '_', 'A'].sort(byName)).toEqual(['A', 'B', '_', 'a', 'b', 'é']);
  });

  it('lists a folder whole in name order, then its subfolders depth first: parents before their children, with sizes', () => {
    const dir = tempDir('zti-walk-');
    for (const f of ['b/z.txt', 'b/a/x.txt', 'a.txt', 'C.txt']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), f);
    }
    const seen: string[] = [];
    nodeWalk(path, dir, (rel, kind, size) => void seen.push(`${rel} ${kind} ${size}`));
    expect(seen).toEqual(['C.txt file 5', 'a.txt file 5', 'b dir 0', 'b/a dir 0', 'b/z.txt file 7', 'b/a/x.txt file 9']);
  });

  it('an entry gone between the listing and its lstat is SOURCE_MISSING naming that entry', () => {
    const dir = tempDir('zti-walk-');
    fs.writeFileSync(path.join(dir, 'gone.cab'), 'x');
    const lstat = vi.spyOn(fs, 'lstatSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    });
    try {
      let caught: unknown;
      try {
        nodeWalk(path, dir, () => {});
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ exitCode: ExitCode.SOURCE_MISSING, message: `cannot read ${path.join(dir, 'gone.cab')}`, path: path.join(dir, 'gone.cab'), syscallCode: 'ENOENT' });
    } finally {
      lstat.mockRestore();
    }
  });
});
