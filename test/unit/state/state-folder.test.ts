// The state folder's opening, over a recording Places and over the real POSIX one: its parent is
// created only when this run may change things, the folder itself is made private or, under
// --what-if, never made; every refusal of the place is STATE_UNSAFE with the refused component,
// and the parent is released whatever happens.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { PlaceError, placeReason, type HeldFolder, type Places } from '../../../src/places/places.js';
import { posixPlaces } from '../../../src/platform/posix/places.js';
import { openStateFolder, untrustedState } from '../../../src/state/state-folder.js';
import { tempDir } from '../../helpers/fixtures.js';
import { thrown } from '../../helpers/seams.js';

const p = path.posix;

/** A Places that records what it was asked, and whose folder() answers with `answer`. */
function recording(answer: () => HeldFolder) {
  const calls: string[] = [];
  const places: Places = {
    createdAs: '(test)',
    openFolder(dir, opts) {
      calls.push(`open ${dir} create=${opts?.create}`);
      return {
        path: dir,
        created: false,
        folder: (name, how, access) => {
          calls.push(`folder ${name} ${how} ${access}`);
          return answer();
        },
        release: () => void calls.push('release parent'),
      } as HeldFolder;
    },
  };
  return { places, calls };
}

describe('openStateFolder', () => {
  const held = { path: '/var/lib/zticache' } as HeldFolder;

  it('creates the parent and a private folder when this run may change things; releases the parent', () => {
    const r = recording(() => held);
    expect(openStateFolder(r.places, '/var/lib/zticache', p)).toBe(held);
    expect(r.calls).toEqual(['open /var/lib create=true', 'folder zticache either private', 'release parent']);
  });

  it('under --what-if creates nothing, and a missing folder is no error', () => {
    const r = recording(() => held);
    expect(openStateFolder(r.places, '/var/lib/zticache', p, true)).toBe(held);
    expect(r.calls).toEqual(['open /var/lib create=false', 'folder zticache existing private', 'release parent']);
    const gone = recording(() => {
      throw new PlaceError(`/var/lib/zticache ${placeReason('ENOENT')}`, '/var/lib/zticache', 'ENOENT');
    });
    expect(openStateFolder(gone.places, '/var/lib/zticache', p, true)).toBeUndefined();
    expect(gone.calls.at(-1)).toBe('release parent');
  });

  it('a refused place is STATE_UNSAFE with the refused component, its cause and Windows error, under --what-if too', () => {
    for (const readOnly of [false, true]) {
      const cause = new PlaceError(`C:\\ProgramData\\zticache ${placeReason('ELOOP')}`, 'C:\\ProgramData\\zticache', 'ELOOP', 4394);
      const r = recording(() => {
        throw cause;
      });
      const e = thrown(() => openStateFolder(r.places, 'C:\\ProgramData\\zticache', path.win32, readOnly));
      expect(e).toBeInstanceOf(ZtiError);
      expect(e.exitCode).toBe(ExitCode.STATE_UNSAFE);
      expect(e.message).toBe(`the state folder C:\\ProgramData\\zticache cannot be used: ${cause.message}; zticache keeps its journals only in a folder of its own, nothing was changed`);
      expect(e.path).toBe('C:\\ProgramData\\zticache');
      expect(e.cause).toBe(cause);
      expect(e.winError).toBe(4394);
      expect(r.calls.at(-1)).toBe('release parent');
    }
    // a missing folder is refused when this run must make it
    const gone = recording(() => {
      throw new PlaceError('gone', '/s', 'ENOENT');
    });
    expect(thrown(() => openStateFolder(gone.places, '/s', p)).exitCode).toBe(ExitCode.STATE_UNSAFE);
  });

  it('anything but a refused place (a bug) is passed on as it is', () => {
    const bug = new TypeError('not a place problem');
    const r = recording(() => {
      throw bug;
    });
    expect(thrown(() => openStateFolder(r.places, '/s', p))).toBe(bug);
  });

  it('over the real POSIX places: a link where the folder should be is refused, under --what-if too; the parent is made only outside it', () => {
    const d = tempDir('zti-sf-');
    expect(openStateFolder(posixPlaces, p.join(d, 'lib', 'zticache'), p, true)).toBeUndefined();
    expect(fs.existsSync(p.join(d, 'lib'))).toBe(false);
    const made = openStateFolder(posixPlaces, p.join(d, 'lib', 'zticache'), p)!;
    expect(made.created).toBe(true);
    made.release();
    expect(fs.statSync(p.join(d, 'lib', 'zticache')).mode & 0o777).toBe(0o700);
    fs.mkdirSync(p.join(d, 'elsewhere'));
    fs.symlinkSync(p.join(d, 'elsewhere'), p.join(d, 'lib', 'linked'));
    for (const readOnly of [false, true]) {
      const e = thrown(() => openStateFolder(posixPlaces, p.join(d, 'lib', 'linked'), p, readOnly));
      expect(e.exitCode).toBe(ExitCode.STATE_UNSAFE);
      expect(e.path).toBe(p.join(d, 'lib', 'linked'));
    }
  });
});

describe('untrustedState', () => {
  it('is STATE_UNSAFE naming the folder, what was found and the way out', () => {
    const e = untrustedState('/var/lib/zticache', 'belongs to user 1000');
    expect(e.exitCode).toBe(ExitCode.STATE_UNSAFE);
    expect(e.path).toBe('/var/lib/zticache');
    expect(e.message).toBe('the state folder /var/lib/zticache belongs to user 1000: a standard user may have created it, so its journals are not trusted. Delete it (an administrator) and run again; nothing was changed');
  });
});

describe('placeReason', () => {
  it('words each refusal once, for every caller', () => {
    expect(Object.fromEntries(['ELOOP', 'ENOTDIR', 'EISDIR', 'EFTYPE', 'EMLINK', 'EEXIST', 'EBUSY', 'EPERM', 'EACCES', 'ENOTEMPTY', 'EIO'].map((c) => [c, placeReason(c)]))).toStrictEqual({
      ELOOP: 'is a symbolic link or junction (zticache never writes through one)',
      ENOTDIR: 'is not a folder',
      EISDIR: 'is a folder',
      EFTYPE: 'is not a regular file',
      EMLINK: 'has other names (hard links): writing to it would write to another file',
      EEXIST: 'exists already (someone else created it)',
      EBUSY: 'is held open by another program',
      EPERM: 'cannot be removed (access denied, or held open by another program)',
      EACCES: 'cannot be removed (access denied, or held open by another program)',
      ENOTEMPTY: 'is still there after its removal (held open by another program? it goes when that program closes it)',
      EIO: 'cannot be opened (EIO)',
    });
    expect(new PlaceError('m', '/x', 'EIO').name).toBe('PlaceError');
  });
});
