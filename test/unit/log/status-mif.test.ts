// The program status MIF: the fixed layout the ConfigMgr client reads, the 128-character
// description, ANSI, and written only when a run fails before its launcher.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ansi, statusMifText, writeStatusMif } from '../../../src/log/status-mif.js';
import type { HeldFolder, Places } from '../../../src/places/places.js';
import os from 'node:os';
import { makePackage, scene } from '../../helpers/fixtures.js';
import { mainWith, rt } from '../../helpers/seams.js';

const m = { file: 'C:\\Windows\\ZTICache.mif', publisher: 'Contoso', product: 'XP Master', version: '1.0' };

describe('the status MIF', () => {
  it('is the layout ISMIF32 writes: ComponentID, then InstallStatus Failed with the description', () => {
    const text = statusMifText(m, 'STAGE_FAILED: cannot copy C:\\pkg\\a "b".cab', new Date(2026, 10, 27, 13, 5, 9));
    const lines = text.split('\r\n');
    expect(lines.slice(0, 6)).toEqual(['START COMPONENT', '  NAME = "WORKSTATION"', '  START GROUP', '    NAME = "ComponentID"', '    ID = 1', '    CLASS = "DMTF|ComponentID|1.0"']);
    expect(text).toContain('      NAME = "Manufacturer"\r\n      ID = 1\r\n      ACCESS = READ-ONLY\r\n      STORAGE = SPECIFIC\r\n      TYPE = STRING(64)\r\n      VALUE = "Contoso"');
    expect(text).toContain('NAME = "Product"\r\n      ID = 2\r\n      ACCESS = READ-ONLY\r\n      STORAGE = SPECIFIC\r\n      TYPE = STRING(64)\r\n      VALUE = "XP Master"');
    expect(text).toContain('VALUE = "11/27/2026 13:05:09"');
    expect(text).toContain('    NAME = "InstallStatus"\r\n    ID = 2\r\n    CLASS = "MICROSOFT|JOBSTATUS|1.0"');
    expect(text).toContain('NAME = "Status"\r\n      ID = 1\r\n      ACCESS = READ-ONLY\r\n      STORAGE = SPECIFIC\r\n      TYPE = STRING(32)\r\n      VALUE = "Failed"');
    expect(text).toContain('TYPE = STRING(128)\r\n      VALUE = "STAGE_FAILED: cannot copy C:\\\\pkg\\\\a \\"b\\".cab"');
    expect(lines.at(-2)).toBe('END COMPONENT');
  });

  it('is, to the letter, the file ISMIF32 writes (CRLF lines)', () => {
    const attr = (name: string, id: number, size: number, value: string) => [
      '    START ATTRIBUTE', `      NAME = "${name}"`, `      ID = ${id}`, '      ACCESS = READ-ONLY', '      STORAGE = SPECIFIC', `      TYPE = STRING(${size})`, `      VALUE = "${value}"`, '    END ATTRIBUTE',
    ];
    expect(statusMifText(m, 'NO_SPACE: not enough free space', new Date(2026, 0, 2, 3, 4, 5))).toBe([
      'START COMPONENT', '  NAME = "WORKSTATION"',
      '  START GROUP', '    NAME = "ComponentID"', '    ID = 1', '    CLASS = "DMTF|ComponentID|1.0"',
      ...attr('Manufacturer', 1, 64, 'Contoso'), ...attr('Product', 2, 64, 'XP Master'), ...attr('Version', 3, 64, '1.0'),
      ...attr('Locale', 4, 16, ''), ...attr('Serial Number', 5, 64, ''), ...attr('Installation', 6, 64, '01/02/2026 03:04:05'),
      '  END GROUP',
      '  START GROUP', '    NAME = "InstallStatus"', '    ID = 2', '    CLASS = "MICROSOFT|JOBSTATUS|1.0"',
      ...attr('Status', 1, 32, 'Failed'), ...attr('Description', 2, 128, 'NO_SPACE: not enough free space'),
      '  END GROUP', 'END COMPONENT', '',
    ].join('\r\n'));
    // a line break in a value would end the MIF's string: it is shown escaped, as in the log
    expect(statusMifText(m, 'a\r\nb', new Date())).toContain('VALUE = "a\\\\u000d\\\\u000ab"');
  });

  it('cuts the description to its 128 characters, and writes ANSI (what Latin-1 lacks becomes ?)', () => {
    const text = statusMifText(m, `VERIFY_FAILED: ${'x'.repeat(300)}`, new Date());
    const value = /NAME = "Description"[\s\S]*?VALUE = "(.*)"/.exec(text)![1]!;
    expect(value).toHaveLength(128);
    expect(ansi('C:\\Paket für Ü 日本').toString('latin1')).toBe('C:\\Paket für Ü ??');
    expect(ansi('ü')).toEqual(Buffer.from([0xfc]));
  });

  it('is written when a run fails before its launcher, with the error; never when the launcher ran, nor with --what-if', async () => {
    const s = scene();
    const mif = path.join(path.dirname(s.log), 'ZTICache.mif');
    // no package at all: SOURCE_MISSING
    expect(await mainWith({}, s.args('--status-mif', 'ZTICache.mif', '--mif-publisher', 'Contoso'), rt(s.dir))).toBe(ExitCode.SOURCE_MISSING);
    const text = fs.readFileSync(mif, 'latin1');
    expect(text).toContain('VALUE = "Contoso"');
    expect(text).toMatch(/VALUE = "SOURCE_MISSING \(check the cache folder, run again\): the source folder \//);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/Wrote the status MIF .*ZTICache\.mif \(Failed: SOURCE_MISSING/);

    fs.rmSync(mif);
    makePackage(s.source);
    expect(await mainWith({}, s.args('--status-mif', 'ZTICache.mif', '--what-if'), rt(s.dir))).toBe(0);
    expect(await mainWith({}, s.args('--status-mif', 'ZTICache.mif', '--', s.report, '3'), rt(s.dir))).toBe(3);
    expect(fs.existsSync(mif)).toBe(false);
  });

  it('is written for a command line refused once its options are whole (--log inside the package); not with --what-if', async () => {
    const s = scene();
    makePackage(s.source);
    const mif = path.join(path.dirname(s.log), 'ZTICache.mif');
    const inside = ['--log', path.join(s.source, 'OSD', 'zticache.log'), '--status-mif', 'ZTICache.mif'];
    expect(await mainWith({}, s.args(...inside, '--what-if'), rt(s.dir))).toBe(ExitCode.USAGE);
    expect(fs.existsSync(mif)).toBe(false);
    expect(await mainWith({}, s.args(...inside), rt(s.dir))).toBe(ExitCode.USAGE);
    expect(fs.readFileSync(mif, 'latin1')).toMatch(/VALUE = "USAGE \(fix the command line\): --log .*zticache\.log is inside the package/);
  });

  it('goes through places when it has them: the folder opened, the file rewritten there, the folder released, even when the write fails', () => {
    const calls: string[] = [];
    const places = (fail: boolean) => ({
      openFolder: (dir: string) => {
        calls.push(`open ${dir}`);
        return {
          rewriteFile: (name: string, data: Buffer) => {
            calls.push(`rewrite ${name} ${data.length}`);
            if (fail) throw new Error('ERROR_ACCESS_DENIED');
          },
          release: () => calls.push('release'),
        } as unknown as HeldFolder;
      },
    }) as unknown as Places;
    const file = { ...m, file: '/var/mif/ZTICache.mif' };
    const long = `STAGE_FAILED (run again): ${'y'.repeat(200)}`;
    expect(writeStatusMif(places(false), path.posix, file, long)).toBe(`Wrote the status MIF /var/mif/ZTICache.mif (Failed: ${long.slice(0, 128)})`);
    expect(calls).toEqual(['open /var/mif', `rewrite ZTICache.mif ${ansi(statusMifText(file, long, new Date())).length}`, 'release']);
    calls.length = 0;
    expect(writeStatusMif(places(true), path.posix, file, 'NO_SPACE: x')).toBe('cannot write the status MIF /var/mif/ZTICache.mif: ERROR_ACCESS_DENIED');
    expect(calls.at(-1)).toBe('release');
  });

  it('without places (the Windows layer failed) writes by name, but never through a link, over a folder or over a file with other names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-mif-'));
    try {
      const file = { ...m, file: path.join(dir, 'ZTICache.mif') };
      expect(writeStatusMif(undefined, path, file, 'WINDOWS_LAYER_FAILED: koffi')).toMatch(/^Wrote the status MIF .*ZTICache\.mif \(Failed: WINDOWS_LAYER_FAILED: koffi\)$/);
      expect(fs.readFileSync(file.file, 'latin1')).toContain('VALUE = "WINDOWS_LAYER_FAILED: koffi"');
      // an older MIF there is replaced
      expect(writeStatusMif(undefined, path, file, 'WINDOWS_LAYER_FAILED: second')).toMatch(/^Wrote/);
      expect(fs.readFileSync(file.file, 'latin1')).toContain('second');

      const victim = path.join(dir, 'victim.txt');
      fs.writeFileSync(victim, 'keep');
      const link = { ...m, file: path.join(dir, 'link.mif') };
      fs.symlinkSync(victim, link.file);
      expect(writeStatusMif(undefined, path, link, 'X')).toBe(`cannot write the status MIF ${link.file}: ${link.file} is a link; it was left as it is`);
      const hard = { ...m, file: path.join(dir, 'hard.mif') };
      fs.linkSync(victim, hard.file);
      expect(writeStatusMif(undefined, path, hard, 'X')).toBe(`cannot write the status MIF ${hard.file}: ${hard.file} is a file with other names; it was left as it is`);
      const folder = { ...m, file: path.join(dir, 'folder.mif') };
      fs.mkdirSync(folder.file);
      expect(writeStatusMif(undefined, path, folder, 'X')).toBe(`cannot write the status MIF ${folder.file}: ${folder.file} is not a plain file; it was left as it is`);
      expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
