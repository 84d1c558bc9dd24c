// The names authority (src/names/): what a name is on the target, decided once. Windows' rules
// over an upcase table (the tests build one from JavaScript's one-to-one capitals; the exe reads
// Windows' own from ntdll), POSIX's as bytes, the 8.3 alias shapes, and the plan's look at a
// whole package: every refusal names both names.
import { describe, expect, it } from 'vitest';
import { checkNames } from '../../../src/names/check.js';
import { sameName, splitRel } from '../../../src/names/names.js';
import { couldBeAlias, isPlainShortName, looksLikeAlias } from '../../../src/names/short-names.js';
import { windowsNames, makesShortNames } from '../../../src/names/windows.js';
import { posixNames, simpleUpcase, winNames, winNamesNo83 } from '../../helpers/names.js';

const KELVIN = '\u212a';
const OHM = '\u2126';
const CAPITAL_SHARP_S = '\u1e9e';
const inv = (dirs: string[], files: string[]) => ({ dirs, files: files.map((rel) => ({ rel })) });

describe('Windows names: one name when NTFS says so', () => {
  it('folds case one UTF-16 unit at a time, as the upcase table does', () => {
    expect(winNames.key('OSD/Custom/a.Cab')).toBe('OSD/CUSTOM/A.CAB');
    expect(sameName(winNames, 'Sub/Setup.EXE', 'sub/setup.exe')).toBe(true);
    expect(sameName(winNames, '\u00e9t\u00e9.txt', '\u00c9T\u00c9.TXT')).toBe(true);
    expect(sameName(winNames, '\u03c9.txt', '\u03a9.txt')).toBe(true); // omega and capital omega
  });

  it('keeps apart what toLowerCase() folds together: the KELVIN SIGN and k, OHM SIGN and omega, ẞ and ß', () => {
    expect(sameName(winNames, `${KELVIN}.txt`, 'k.txt')).toBe(false);
    expect(sameName(winNames, `${KELVIN}.txt`, 'K.txt')).toBe(false);
    expect(`${KELVIN}.txt`.toLowerCase()).toBe('k.txt'); // what the old key did
    expect(sameName(winNames, `${OHM}.txt`, '\u03c9.txt')).toBe(false);
    expect(sameName(winNames, `${CAPITAL_SHARP_S}.txt`, '\u00df.txt')).toBe(false);
    expect(sameName(winNames, 'stra\u00dfe', 'STRASSE')).toBe(false); // ß has no one-unit capital
  });

  it('compares units beyond the BMP (surrogate pairs) as they are, as NTFS does', () => {
    const lower = '\u{10428}.txt'; // DESERET SMALL LONG I
    const upper = '\u{10400}.txt'; // DESERET CAPITAL LONG I
    expect('\u{10428}'.toUpperCase()).toBe('\u{10400}'); // JavaScript folds them
    expect(sameName(winNames, lower, upper)).toBe(false);
    expect(winNames.key(lower)).toBe('\u{10428}.TXT');
  });

  it('maps every unit through the table it was given, the ASCII fast way included', () => {
    const t = simpleUpcase();
    t[0x61] = 0x61; // a table where "a" has no capital: the ASCII shortcut must not be taken
    t[0xe9] = 0x45; // and é is compared as E
    const odd = windowsNames({ upcase: (u) => t[u]!, shortNames: false });
    expect(odd.key('abc')).toBe('aBC');
    expect(odd.key('\u00e9x')).toBe('EX');
    expect(winNames.key('\u00e9x/b')).toBe('\u00c9X/B');
    expect(winNames.key('\u00c9X')).toBe('\u00c9X'); // nothing to change: the same string
  });

  it('asks the table only for what ASCII cannot answer: an ASCII name costs no call into the table (ntdll on Windows)', () => {
    const t = simpleUpcase();
    let calls = 0;
    const counted = windowsNames({ upcase: (u) => (calls++, t[u]!), shortNames: false });
    expect(calls).toBe(0x80); // the table's ASCII part, checked once
    calls = 0;
    expect(counted.key('OSD/Setup.EXE')).toBe('OSD/SETUP.EXE');
    expect(calls).toBe(0);
    expect(counted.key('caf\u00e9')).toBe('CAF\u00c9');
    expect(calls).toBe(4);
  });

  it('refuses what a Windows name cannot hold, naming the character', () => {
    for (const c of ['<', '>', ':', '"', '\\', '|', '?', '*']) expect(winNames.unholdable(`a${c}b.txt`), c).toBe(`it holds "${c}", which a Windows file name cannot hold`);
    expect(winNames.unholdable('a\nb')).toBe('it holds the control character U+000A, which a Windows file name cannot hold');
    expect(winNames.unholdable('a\rb')).toMatch(/U\+000D/);
    expect(winNames.unholdable('a\u001fb')).toMatch(/U\+001F/);
    expect(winNames.unholdable('x'.repeat(256))).toBe('it is 256 characters long; a Windows file name holds at most 255');
    for (const ok of ['x'.repeat(255), 'a b.txt', '.hidden', 'caf\u00e9', 'a\u007fb', 'ABCDEF~1.TXT', 'CON', 'name.']) expect(winNames.unholdable(ok), ok).toBeUndefined();
  });

  it('stages, and calls awkward, what only \\\\?\\ paths reach: a trailing period or space, device names', () => {
    expect(winNames.awkward('name.')).toBe('it ends with a period or a space');
    expect(winNames.awkward('name ')).toBe('it ends with a period or a space');
    for (const d of ['CON', 'con', 'nul.txt', 'Aux.tar.gz', 'COM1', 'lpt9.log', 'COM\u00b9', 'CONIN$', 'PRN .txt', 'PRN   .txt']) expect(winNames.awkward(d), d).toMatch(/is a reserved device name$/);
    expect(winNames.awkward('nul.txt')).toBe('NUL is a reserved device name');
    for (const ok of ['CONSOLE', 'con-x.txt', 'COM10', 'LPT', 'a.b', 'xcon', 'P RN.txt', 'C ON']) expect(winNames.awkward(ok), ok).toBeUndefined();
  });

  it('says in words what it compares by', () => {
    expect(winNames.description).toBe("Windows: names compared through the system's upcase table, 8.3 short names made");
    expect(winNamesNo83.description).toBe("Windows: names compared through the system's upcase table");
    expect(winNames.shortNames).toBe(true);
    expect(winNamesNo83.shortNames).toBe(false);
  });
});

describe('POSIX names: a name is its bytes', () => {
  it('folds nothing and holds any name a listing returns', () => {
    expect(sameName(posixNames, 'A.txt', 'a.txt')).toBe(false);
    expect(posixNames.key('OSD/A.Cab')).toBe('OSD/A.Cab');
    for (const ok of ['a:b.txt', 'back\\slash', 'a?b', 'a\nb', 'CON', 'x.']) {
      expect(posixNames.unholdable(ok), ok).toBeUndefined();
      expect(posixNames.awkward(ok), ok).toBeUndefined();
    }
    expect(posixNames.unholdable('a/b')).toMatch(/"\/" or NUL/);
    expect(posixNames.unholdable('a\0b')).toMatch(/"\/" or NUL/);
    expect(posixNames.shortNames).toBe(false);
    expect(posixNames.description).toBe('POSIX: a name is its bytes');
  });
});

describe('8.3 short names: which real name could be another\'s alias', () => {
  it('knows the shapes every generator keeps: NTFS ~N, NTFS hash, Wine hash', () => {
    expect(couldBeAlias('ABCDEF~1.TXT', 'ABCDEFGHIJ.TXT')).toBe(true);
    expect(couldBeAlias('ABCDEF~2.TXT', 'ABCDEFGHIJ.TXT')).toBe(true);
    expect(couldBeAlias('AB12F4~1.TXT', 'ABCDEFGHIJ.TXT')).toBe(true); // the hash form after four
    expect(couldBeAlias('ABCD~XYZ.TXT', 'ABCDEFGHIJ.TXT')).toBe(true); // Wine's
    expect(couldBeAlias('PROGRA~1', 'PROGRAM FILES')).toBe(true); // the space is left out
    expect(couldBeAlias('MICROS~1.MAN', 'MICROSOFT.VC80.CRT.MANIFEST')).toBe(true); // inner periods left out, the extension cut to three
    expect(couldBeAlias('A_B~1.TXT', 'A+B LONG NAME.TXT')).toBe(true); // + becomes _
    expect(couldBeAlias('A~1', 'ALONGNAME')).toBe(true);
    expect(couldBeAlias('AB~1.TXT', 'A B LONG NAME.TXT')).toBe(true); // spaces left out before the first two are taken
    expect(couldBeAlias('A_LO~QZT.TXT', 'A LONG NAME FOR THE PROBE.TXT')).toBe(true); // Wine makes a space an underscore (seen by zticache selftest)
    expect(couldBeAlias('AX~1.TXT', 'A LONG NAME.TXT')).toBe(false);
    expect(couldBeAlias('HIDDEN~1.TXT', '..HIDDENFILE.TXT')).toBe(true); // leading periods left out
    expect(couldBeAlias('AB~1', 'AB.C.D.E')).toBe(false); // the extension is after the last period: E
  });

  it('is not fooled by names of another start, extension or shape', () => {
    expect(couldBeAlias('XYCDEF~1.TXT', 'ABCDEFGHIJ.TXT')).toBe(false);
    expect(couldBeAlias('ABCDEF~1.DOC', 'ABCDEFGHIJ.TXT')).toBe(false);
    expect(couldBeAlias('ABCDEF~1', 'ABCDEFGHIJ.TXT')).toBe(false);
    expect(couldBeAlias('ABCDEF1.TXT', 'ABCDEFGHIJ.TXT')).toBe(false); // no ~
    expect(couldBeAlias('~ABCDEF.TXT', 'ABCDEFGHIJ.TXT')).toBe(false); // ~ first
    expect(couldBeAlias('ABCDEF~.TXT', 'ABCDEFGHIJ.TXT')).toBe(false); // nothing after ~
    expect(couldBeAlias('ABCDEFG~1.TXT', 'ABCDEFGHIJ.TXT')).toBe(false); // nine characters: not 8.3
    expect(couldBeAlias('ABCDEF~1.TEXT', 'ABCDEFGHIJ.TEXT')).toBe(false); // a four-letter extension: not 8.3
    expect(couldBeAlias('ABCDEF~1.TXT', 'ABCDEF~1.TXT')).toBe(false); // itself
    expect(couldBeAlias('AB~1.', 'ABCDEFGHIJ')).toBe(false); // an empty extension after a period is no 8.3 name
  });

  it('tells the names that get no alias (valid 8.3 in capitals) and the ones that may', () => {
    for (const plain of ['README.TXT', 'SETUP', 'A.B', 'ABCDEF~1.TXT', 'X_Y-Z.$$$']) expect(isPlainShortName(plain), plain).toBe(true);
    for (const long of ['readme.txt', 'ReadMe.TXT', 'ABCDEFGHI.TXT', 'A.TEXT', 'A B.TXT', 'A.B.C', 'CAF\u00c9.TXT', '', 'A+B.TXT']) expect(isPlainShortName(long), long).toBe(false);
    expect(looksLikeAlias('ABCDEF~1.TXT')).toBe(true);
    for (const not of ['ABCDEF1.TXT', '~1.TXT', 'AB~', 'ABCDEFGHI~1', 'A~1.ABCD']) expect(looksLikeAlias(not), not).toBe(false);
  });
});

describe('the plan\'s look at a package\'s names', () => {
  it('finds a name the target cannot hold, with why', () => {
    const r = checkNames(winNames, inv(['sub'], ['sub/a:b.txt', 'ok.txt', 'x?.txt']));
    expect(r.problems).toEqual([
      { kind: 'unholdable', rel: 'sub/a:b.txt', why: 'it holds ":", which a Windows file name cannot hold' },
      { kind: 'unholdable', rel: 'x?.txt', why: 'it holds "?", which a Windows file name cannot hold' },
    ]);
    expect(checkNames(posixNames, inv(['sub'], ['sub/a:b.txt'])).problems).toEqual([]);
  });

  it('finds two names that are one, folders before files, and names both', () => {
    expect(checkNames(winNames, inv([], ['A.txt', 'a.txt'])).problems).toEqual([{ kind: 'clash', rel: 'a.txt', other: 'A.txt' }]);
    expect(checkNames(winNames, inv(['Sub', 'sub'], ['Sub/x', 'sub/y'])).problems).toEqual([{ kind: 'clash', rel: 'sub', other: 'Sub' }]);
    expect(checkNames(winNames, inv(['data'], ['DATA'])).problems).toEqual([{ kind: 'clash', rel: 'DATA', other: 'data' }]);
    expect(checkNames(winNames, inv(['d'], ['d/A.txt', 'D/a.txt'])).problems).toEqual([{ kind: 'clash', rel: 'D/a.txt', other: 'd/A.txt' }]);
    expect(checkNames(winNames, inv([], [`${KELVIN}.txt`, 'k.txt', 'K.txt'])).problems).toEqual([{ kind: 'clash', rel: 'K.txt', other: 'k.txt' }]);
    expect(checkNames(posixNames, inv([], ['A.txt', 'a.txt'])).problems).toEqual([]);
  });

  it('finds a name shaped like another entry\'s alias in the same folder, where the volume makes them', () => {
    const pkg = inv(['sub'], ['sub/ABCDEFGHIJ.txt', 'sub/abcdef~1.txt', 'ABCDEF~2.TXT', 'other/ABCDEFGHIJ.txt']);
    expect(checkNames(winNames, pkg).problems).toEqual([{ kind: 'short-name', rel: 'sub/abcdef~1.txt', other: 'sub/ABCDEFGHIJ.txt' }]);
    expect(checkNames(winNamesNo83, pkg).problems).toEqual([]);
    expect(checkNames(posixNames, pkg).problems).toEqual([]);
    // an alias-shaped name beside only plain 8.3 names clashes with nothing: those get no alias
    expect(checkNames(winNames, inv([], ['ABCDEF~1.TXT', 'ABCDEFGH.TXT'])).problems).toEqual([]);
    // a folder's long name counts as well
    expect(checkNames(winNames, inv(['Program Files', 'PROGRA~1'], [])).problems).toEqual([{ kind: 'short-name', rel: 'PROGRA~1', other: 'Program Files' }]);
  });

  it('lists the awkward names it lets through', () => {
    expect(checkNames(winNames, inv(['d.'], ['d./CON', 'ok'])).awkward).toEqual([
      { rel: 'd.', why: 'it ends with a period or a space' },
      { rel: 'd./CON', why: 'CON is a reserved device name' },
    ]);
    expect(checkNames(posixNames, inv(['d.'], ['d./CON'])).awkward).toEqual([]);
  });

  it('splits a package path into its folder and its name', () => {
    expect(splitRel('a/b/c.txt')).toEqual({ parent: 'a/b', name: 'c.txt' });
    expect(splitRel('c.txt')).toEqual({ parent: '', name: 'c.txt' });
  });
});

describe('whether the target volume makes 8.3 aliases (NtfsDisable8dot3NameCreation)', () => {
  it('1: none; 0, unset and 2 (per volume, not read): every volume, the safe side', () => {
    for (const root of ['C:\\', 'D:\\', '\\\\srv\\share\\']) {
      expect(makesShortNames(1, root, 'C:'), root).toBe(false);
      for (const setting of [0, undefined, 2, 7]) expect(makesShortNames(setting, root, 'C:'), `${setting} ${root}`).toBe(true);
    }
  });

  it('3: the system volume only, whatever the spelling of its root or of the system drive', () => {
    for (const root of ['C:\\', 'C:', 'c:\\', '\\\\?\\C:\\', '\\\\.\\c:\\', 'C:/']) {
      for (const system of ['C:', 'c:', 'C:\\']) expect(makesShortNames(3, root, system), `${root} on ${system}`).toBe(true);
    }
    for (const root of ['D:\\', '\\\\?\\D:\\', 'd:']) expect(makesShortNames(3, root, 'C:'), root).toBe(false);
    expect(makesShortNames(3, 'D:\\', 'D:')).toBe(true);
  });

  it('3 with a volume or system drive it cannot tell (a share, no SystemDrive): counted as making them', () => {
    expect(makesShortNames(3, '\\\\srv\\share\\', 'C:')).toBe(true);
    expect(makesShortNames(3, '\\\\?\\Volume{1234}\\', 'C:')).toBe(true);
    expect(makesShortNames(3, 'D:\\', undefined)).toBe(true);
  });
});
