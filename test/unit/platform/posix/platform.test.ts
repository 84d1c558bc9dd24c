// Where a folder is on POSIX (posixPlatform.locate): by the file system that holds it as opened,
// however its path is spelled: a network file system is remote, a read-only mount read-only.
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NETWORK_FILE_SYSTEMS, posixPlatform } from '../../../../src/platform/posix/platform.js';
import { tempDir } from '../../../helpers/fixtures.js';

afterEach(() => vi.restoreAllMocks());

describe('where a folder is on POSIX', () => {
  it('on a network file system (NFS, SMB, CIFS, SMB2, AFS, Coda, Ceph, 9P) it is remote; on any other fixed', () => {
    const d = tempDir('zti-locate-');
    expect(posixPlatform.locate(d)).toEqual({ medium: 'fixed' });
    const real = fs.statfsSync;
    for (const type of [0x6969, 0x517b, 0xff534d42, 0xfe534d42, 0x5346414f, 0x73757245, 0x00c36400, 0x01021997]) {
      vi.spyOn(fs, 'statfsSync').mockImplementation(((p: string) => ({ ...real(p), type })) as typeof fs.statfsSync);
      expect(posixPlatform.locate(d), type.toString(16)).toEqual({ medium: 'remote' });
    }
    expect(NETWORK_FILE_SYSTEMS.size).toBe(8);
    vi.spyOn(fs, 'statfsSync').mockImplementation(((p: string) => ({ ...real(p), type: 0xef53 })) as typeof fs.statfsSync);
    expect(posixPlatform.locate(d)).toEqual({ medium: 'fixed' });
  });

  it('a read-only mount is read-only before anything else', () => {
    vi.spyOn(fs, 'accessSync').mockImplementation(() => { throw Object.assign(new Error('ro'), { code: 'EROFS' }); });
    expect(posixPlatform.locate(tempDir('zti-locate-'))).toEqual({ medium: 'readonly' });
  });
});
