// zticache's own floor (Windows 10 / Server 2016), checked whatever NODE_SKIP_PLATFORM_CHECK says.
// Under Wine, test/wine/native.test.ts runs the exe as Windows 8 with that variable set.
import { describe, expect, it } from 'vitest';
import { BELOW_FLOOR_EXIT, belowFloor } from '../../../src/core/os-floor.js';

describe('the oldest Windows zticache runs on', () => {
  it('Windows 10 / Server 2016 and later pass (10.0 and anything newer)', () => {
    for (const release of ['10.0.14393', '10.0.17763', '10.0.26100', '10.1.0', '11.0.1']) expect(belowFloor('win32', release), release).toBeUndefined();
  });

  it('Windows 8.1 / Server 2012 R2 and older are below it: one line naming the version and the way out', () => {
    for (const release of ['6.3.9600', '6.2.9200', '6.1.7601', '5.1.2600', '9.9.0', '']) {
      expect(belowFloor('win32', release), release).toMatch(/^zticache: this is Windows .*; zticache\.exe runs on Windows 10 \/ Windows Server 2016 or later \(x64\) only, whatever NODE_SKIP_PLATFORM_CHECK says; nothing was read or changed \(exit 216\); keep ZTICache\.vbs on this computer$/);
    }
    expect(belowFloor('win32', '6.2.9200')).toContain('this is Windows 6.2.9200;');
  });

  it("exits 216, Node's own code below its floor", () => {
    expect(BELOW_FLOOR_EXIT).toBe(216);
  });

  it('is no matter elsewhere', () => {
    expect(belowFloor('linux', '5.10.0')).toBeUndefined();
    expect(belowFloor('darwin', '6.0.0')).toBeUndefined();
  });
});
