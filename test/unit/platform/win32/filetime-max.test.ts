// Attack on issue 34, guarantee 2 ("every FILETIME a volume can hold, 1601..30828, copies on
// Windows"): where a copy did not keep its source's time (a share or redirector that does not), the
// time is set afterwards from the walk's reading. That reading goes through a Number of
// milliseconds, and the way back (filetimeOf) rounds the last FILETIMEs of the range
// (0x7FFFFFFFFFFFFE00 and up, 30828-09-14 02:48:05.47758) to 2^63, which SetFileTime refuses
// (a FILETIME is at most 0x7FFFFFFFFFFFFFFF): such a file fails STAGE_FAILED on every run.
import { describe, expect, it } from 'vitest';
import { filetimeOf } from '../../../../src/platform/win32/file-stat.js';
import { filetimeMs } from '../../../../src/platform/win32/file-info.js';

const MAX = 0x7fffffffffffffffn;

describe('filetimeOf(filetimeMs(ft)) for the last FILETIMEs a volume can hold', () => {
  for (const ft of [MAX, MAX - 100n, MAX - 511n]) {
    it(`0x${ft.toString(16)} is written back as a FILETIME SetFileTime takes (at most 0x7FFFFFFFFFFFFFFF), within a millisecond`, () => {
      const buf = Buffer.alloc(8);
      buf.writeBigUInt64LE(ft);
      const back = filetimeOf(filetimeMs(buf, 0));
      expect(back <= MAX, `0x${back.toString(16)}`).toBe(true);
      expect(ft - back < 10000n && back - ft < 10000n).toBe(true);
    });
  }
});
