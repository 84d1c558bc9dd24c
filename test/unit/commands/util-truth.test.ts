// zticache util tells the site's truth (issue 35, tried as an attacker would): the copy written is
// the one got last, right before its Put_; a Put_ without an answer is read again, never called
// "nothing was changed"; every SMS_FAILED_AFTER_WRITE names its undo, and the undo gives the site
// back; what a command line runs is what Windows starts; the report counts only what it would
// have shown. Each case here failed on the code before its fix.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { forCmd, fromCmd, PERCENT_NOTE, quoteKeepingPercent, splitCommandLine, utilCommandLine } from '../../../src/commands/util/undo.js';
import { ComError } from '../../../src/core/automation.js';
import { runUtil } from '../../../src/commands/util/util.js';
import { ZtiError } from '../../../src/core/errors.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { codeName, snapshot, util, xpSite } from '../../helpers/util-site.js';

describe('the copy written is got last, right before its Put_ (lost update)', () => {
  /**
   * Another admin's Put_ of `cls` (its Comment) that lands at the first Get of another object after
   * zticache got `cls` again to write it, before any Put_: returns whether that window existed.
   */
  function otherAdmin(s: ReturnType<typeof xpSite>, cls: string, change: () => void): () => boolean {
    let regot = 0;
    let fired = false;
    s.onGet = (path) => {
      if (path.startsWith(cls)) regot++;
      else if (regot >= 2 && s.puts.length === 0 && !fired) {
        fired = true;
        change();
      }
    };
    return () => fired;
  }

  it('disabling: another admin changes the advertisement\'s comment while zticache re-reads the program before writing the advertisement: kept, or refused', async () => {
    const s = xpSite('zticache.exe', 0x10);
    const fired = otherAdmin(s, 'SMS_Advertisement', () => void (s.adverts[0]!.Comment = 'moved to Friday (admin2)'));
    const r = await util(s, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false });
    if (!fired()) return; // no round trip between the Get of the copy written and its Put_
    if (r.code === 'SUCCESS') expect(s.adverts[0]!.Comment, `exit 0, and the other admin's comment is gone\n${r.out}`).toBe('moved to Friday (admin2)');
    else expect(r.msg).toMatch(/changed/);
  });

  it('enabling: another admin changes the program\'s comment while zticache re-reads the package before writing the program: kept, or refused', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    const fired = otherAdmin(s, 'SMS_Program', () => void (s.programs[0]!.Comment = 'needs the SP3 driver pack (admin2)'));
    const r = await util(s, { advertisement: 'XXX20001', enable: true });
    if (!fired()) return;
    if (r.code === 'SUCCESS') expect(s.programs[0]!.Comment, `exit 0, and the other admin's comment is gone\n${r.out}`).toBe('needs the SP3 driver pack (admin2)');
    else expect(r.msg).toMatch(/changed/);
  });

  it('the object written is the last got before each Put_', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    const before: string[] = [];
    const put = s.get.bind(s);
    s.get = (path) => {
      const o = put(path);
      return { ...o, put: () => { before.push(`${s.gets.at(-1)!.split('.')[0]} -> ${path.split('.')[0]}`); return o.put(); } };
    };
    expect((await util(s, { advertisement: 'XXX20001', enable: true })).code).toBe('SUCCESS');
    expect(before).toEqual(['SMS_Program -> SMS_Program', 'SMS_Advertisement -> SMS_Advertisement']);
  });
});

describe('a Put_ without an answer is read again: never "nothing was changed" while the site holds the change', () => {
  /** Put_ calls (1-based) that fail with `hresult`, after the provider wrote (landed) or not */
  function dropping(s: ReturnType<typeof xpSite>, at: number, o: { landed: boolean; hresult?: number; error?: ComError; rereadFails?: boolean; other?: () => void }) {
    const get = s.get.bind(s);
    let puts = 0;
    s.get = (path) => {
      const obj = get(path);
      return {
        ...obj,
        put: () => {
          if (++puts !== at) return obj.put();
          if (o.landed) obj.put();
          o.other?.();
          if (o.rereadFails) s.get = () => { throw new ComError('SWbemServices.Get', 0x800706ba); };
          throw o.error ?? new ComError('SWbemObject.Put_()', o.hresult ?? 0x800706be);
        },
      };
    };
  }

  it('the first Put_ lands, then its reply is lost (RPC_S_CALL_FAILED): not "nothing was changed"', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    dropping(s, 1, { landed: true });
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(s.programs[0]!.CommandLine, 'the provider wrote it').toBe('zticache.exe');
    expect(r.code, r.msg).toBe('SMS_FAILED_AFTER_WRITE');
    expect(r.msg).not.toMatch(/nothing was changed/);
    expect(r.msg).toBe('zticache util: writing program Install XP of package XXX00001 back (Put_) got no answer: SWbemObject.Put_() failed: RPC_S_CALL_FAILED (0x800706BE); '
      + 'read again, it holds the change: the provider wrote it and its answer was lost; written: the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe". '
      + 'The site is consistent: the program runs zticache.exe, which works whether the advertisement downloads or runs from the distribution point (zticache.exe copies the package from there). '
      + 'Run it again to finish, or undo what was written with: zticache util /package:XXX00001 /program:"Install XP" /enable:false');
  });

  it('no answer, and read again it holds what it held: SMS_CHANGE_REFUSED, nothing was changed, said how it is known', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    dropping(s, 1, { landed: false });
    const r = await util(s, { advertisement: 'XXX20001', enable: true });
    expect(r.code).toBe('SMS_CHANGE_REFUSED');
    expect(r.msg).toBe('zticache util: writing program Install XP of package XXX00001 back (Put_) got no answer: SWbemObject.Put_() failed: RPC_S_CALL_FAILED (0x800706BE); read again, it holds what it held: nothing of it was written; nothing was changed');
    expect(s.programs[0]!.CommandLine).toBe('osdlaunch.exe');
  });

  it('no answer, and reading it again fails: the site may hold it, consistent either way, the undo named', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    dropping(s, 2, { landed: true, rereadFails: true });
    const r = await util(s, { advertisement: 'XXX20001', enable: true });
    expect(r.code).toBe('SMS_FAILED_AFTER_WRITE');
    expect(r.msg).toBe('zticache util: writing advertisement XXX20001 back (Put_) got no answer: SWbemObject.Put_() failed: RPC_S_CALL_FAILED (0x800706BE); '
      + 'whether the provider wrote it is not known: reading it again failed (SWbemServices.Get failed: RPC_S_SERVER_UNAVAILABLE (0x800706BA)). '
      + 'The site may hold download and execute on for advertisement XXX20001: RemoteClientFlags 8 (0x8: RUN_FROM_LOCAL_DISPPOINT) -> 16 (0x10: DOWNLOAD_FROM_LOCAL_DISPPOINT). '
      + 'Written before it: the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe". '
      + 'The site is consistent either way (the writes go in the order that never leaves an advertisement downloading onto osdlaunch.exe): see it with zticache util (no arguments), then run this command again to finish, '
      + 'or undo what was (or may have been) written with: zticache util /advertisement:XXX20001 /enable:false; with: zticache util /package:XXX00001 /program:"Install XP" /enable:false');
  });

  it('no answer to the first Put_, and another writer changed it since: not known, nothing else said written', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    dropping(s, 1, { landed: false, other: () => void (s.programs[0]!.CommandLine = 'osdlaunch.exe /y') });
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(r.code).toBe('SMS_FAILED_AFTER_WRITE');
    expect(r.msg).toContain('whether the provider wrote it is not known: read again, it holds "osdlaunch.exe /y", neither what it held nor what zticache util wrote (another writer). The site may hold the command line');
    expect(r.msg).not.toContain('Written before it');
  });

  it('a refusal WMI or the provider answered (a WBEM_E_* error, or the provider\'s reason) is not read again', async () => {
    for (const hresult of [0x80041003, 0x80041001]) {
      const s = xpSite('osdlaunch.exe', 0x08);
      dropping(s, 1, { landed: false, hresult });
      const gets = () => s.gets.length;
      const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
      expect(r.code).toBe('SMS_CHANGE_REFUSED');
      expect(r.msg).toMatch(/back \(Put_\) was refused: .*; nothing was changed$/);
      expect(s.gets.at(-1), `${gets()} gets`).toMatch(/^SMS_Program/); // the Get before the Put_, none after
      expect(s.gets.filter((g) => g.startsWith('SMS_Program'))).toHaveLength(2);
    }
    // the provider's own reason on another HRESULT: answered too
    const s = xpSite('osdlaunch.exe', 0x08);
    dropping(s, 1, { landed: false, error: new ComError('SWbemObject.Put_()', 0x800706be, undefined, { className: 'SMS_ExtendedStatus', description: 'busy', statusCode: 0x800706be }) });
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(r.code).toBe('SMS_CHANGE_REFUSED');
    expect(r.msg).toMatch(/back \(Put_\) was refused: .*busy/);
    expect(s.gets.filter((g) => g.startsWith('SMS_Program'))).toHaveLength(2);
  });
});

describe('every SMS_FAILED_AFTER_WRITE names its undo', () => {
  it('the report fails after both writes: the message names the command that undoes them', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    s.failEnumAt = { cls: 'SMS_Advertisement', n: 1 };
    const r = await util(s, { advertisement: 'XXX20001', enable: true });
    expect(r.code).toBe('SMS_FAILED_AFTER_WRITE');
    expect(r.msg).toContain('zticache util /advertisement:XXX20001 /enable:false');
    expect(r.msg).toContain('zticache util /package:XXX00001 /program:"Install XP" /enable:false');
  });
});

describe('the printed undo gives the site back', () => {
  it('disable /advertisement alone, the read after the write fails: the printed undo gives the site back', async () => {
    // download and execute on while the program runs osdlaunch.exe: the admin turns download off
    const s = xpSite('osdlaunch.exe /x', 0x10 | 0x20);
    let advGets = 0;
    s.onGet = (path) => {
      if (path.startsWith('SMS_Advertisement') && ++advGets === 3) throw new ComError(`SWbemServices.Get(${path})`, 0x800706ba);
    };
    const r = await util(s, { advertisement: 'XXX20001', enable: false });
    expect(r.code, r.msg).toBe('SMS_FAILED_AFTER_WRITE');
    s.onGet = undefined;
    // /enable:true would also point the program at zticache.exe: no command, what to put back by hand
    expect(/with: zticache util/.test(r.msg), r.msg).toBe(false);
    expect(r.msg).toMatch(/by hand: set RemoteClientFlags of advertisement XXX20001 back to 48 in the console \(zticache util \/enable:true would also point its program \("osdlaunch\.exe \/x"\) at zticache\.exe\)$/);
    // where the program runs zticache.exe, the command is given, and run it gives the site back
    const z = xpSite('zticache.exe', 0x10 | 0x20);
    const was = snapshot(z);
    advGets = 0;
    z.onGet = (path) => {
      if (path.startsWith('SMS_Advertisement') && ++advGets === 3) throw new ComError(`SWbemServices.Get(${path})`, 0x800706ba);
    };
    const zr = await util(z, { advertisement: 'XXX20001', enable: false });
    z.onGet = undefined;
    const undo = /with: (zticache util .*?)(?:;|$)/.exec(zr.msg)?.[1];
    expect(undo, zr.msg).toBe('zticache util /advertisement:XXX20001 /enable:true');
    const a = parseArgs(splitCommandLine(fromCmd(undo!)).slice(1));
    const u = await util(z, { server: a.server, advertisement: a.advertisement, package: a.package, program: a.program, enable: a.enable, force: a.force });
    expect(u.code, u.msg).toBe('SUCCESS');
    expect(snapshot(z)).toEqual(was);
  });
});

describe('the printed undo is not expanded by cmd.exe (names holding %)', () => {
  /** the line as cmd.exe at its prompt (no variable's name ends in a caret), the C runtime and zticache's parser hand it on */
  const back = (line: string) => parseArgs(splitCommandLine(fromCmd(line)).slice(1));

  it('each part between the % of a name is quoted, so a quote follows every %, and the line reads back as the name', () => {
    expect(utilCommandLine({ package: 'X', program: 'XP %PATH% build', enable: false })).toBe('zticache util /package:X /program:"XP "%"PATH"%" build" /enable:false');
    expect(utilCommandLine({ package: 'X', program: '%OS%', enable: false })).toBe('zticache util /package:X /program:""%"OS"%"" /enable:false');
    expect(quoteKeepingPercent('a b')).toBe('"a b"');
    expect(quoteKeepingPercent('ab')).toBe('ab');
    expect(quoteKeepingPercent('%')).toBe('""%""');
    expect(quoteKeepingPercent('a\\%b')).toBe('"a\\\\"%"b"');
    expect(forCmd('a%b "c%d"')).toBe('a%b "c%d"');
    for (const program of ['XP %PATH% build', '%OS%', '50%', '%', '%%', 'a%b%c%d', 'x y\\%z', 'R&D %x% "q"', '% lead', 'trail %', 'Déploiement %USERNAME%']) {
      const line = utilCommandLine({ server: 'S%1', package: 'P%X%', program, enable: true });
      expect(line, program).toBeDefined();
      const a = back(line!);
      expect([a.server, a.package, a.program, a.enable], line).toEqual(['S%1', 'P%X%', program, true]);
    }
  });

  it('fromCmd refuses a line where a pair of % could name a variable: what it hands on depends on the environment', () => {
    expect(() => fromCmd('zticache util /program:"XP %PATH% build"')).toThrow(/cmd\.exe may expand %PATH%/);
    expect(() => fromCmd('a %"x"% b %y% c')).toThrow(/may expand % b %/);
    expect(() => fromCmd('a ^%x^%')).toThrow(/may expand %x\^%/);
    expect(() => fromCmd('a %x"% b')).toThrow(/may expand %x"%/);
    expect(fromCmd('a %"x"% b')).toBe('a %"x"% b');
    expect(fromCmd('one % only ^&')).toBe('one % only &');
  });

  it('the second write refused for program "XP %PATH% build": the undo printed gives the site back, and the note says it is for the prompt', async () => {
    const s = xpSite('osdlaunch.exe', 0x08);
    s.programs[0]!.ProgramName = 'XP %PATH% build';
    s.adverts[0]!.ProgramName = 'XP %PATH% build';
    const before = snapshot(s);
    s.refusePutAt = [2];
    const r = await util(s, { advertisement: 'XXX20001', enable: true });
    expect(r.code).toBe('SMS_FAILED_AFTER_WRITE');
    expect(r.out.split('\n').at(-1)).toBe(PERCENT_NOTE);
    const undo = /undo what was written with: (zticache util .*)$/.exec(r.msg)?.[1];
    expect(undo).toBe('zticache util /package:XXX00001 /program:"XP "%"PATH"%" build" /enable:false');
    s.refusePutAt = undefined;
    const a = back(undo!);
    expect((await util(s, { package: a.package, program: a.program, enable: a.enable })).code).toBe('SUCCESS');
    expect(snapshot(s)).toEqual(before);
    // no % in the names: no note
    const plain = xpSite('osdlaunch.exe', 0x08);
    plain.refusePutAt = [2];
    expect((await util(plain, { advertisement: 'XXX20001', enable: true })).out).not.toContain(PERCENT_NOTE);
  });
});

describe('what a command line runs is what Windows starts', () => {
  for (const line of [
    'cmd.exe /c copy /y ZTICache.vbs C:\\MININT\\',
    'xcopy.exe \\\\srv\\scripts\\ZTICache.vbs C:\\MININT\\ /y',
    'setup.exe /qb /log:C:\\Logs\\zticache.vbs.log',
  ]) {
    it(`a program that runs ${line.split(' ')[0]} (ZTICache.vbs only an argument) is refused without /force: ${line}`, async () => {
      const s = xpSite(line, 0x08);
      const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
      expect(s.programs[0]!.CommandLine, r.out).toBe(line);
      expect(r.code).toBe('SMS_NOT_OSD_PROGRAM');
    });
  }

  it('disabling `zticache.exe /mif-product:"XP -- Gold" -- /x` gives osdlaunch.exe /x', async () => {
    const line = 'zticache.exe /mif-product:"XP -- Gold" -- /x';
    // what zticache.exe itself passes on to the launcher from this line
    expect(parseArgs(splitCommandLine(line).slice(1)).launchArgs).toEqual(['/x']);
    const s = xpSite(line, 0x08);
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.code, r.msg).toBe('SUCCESS');
    expect(s.programs[0]!.CommandLine, r.out).toBe('osdlaunch.exe /x');
  });

  it('enabling `"OSD Tools\\osdlaunch.exe" /x` writes a line whose zticache.exe starts that OSDLaunch.exe, and the undo gives it back', async () => {
    const line = '"OSD Tools\\osdlaunch.exe" /x';
    const s = xpSite(line, 0x08);
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(r.code, r.msg).toBe('SUCCESS');
    const now = String(s.programs[0]!.CommandLine);
    const a = parseArgs(splitCommandLine(now).slice(1));
    expect(a.launch?.toLowerCase(), `written: ${now}`).toBe('osd tools\\osdlaunch.exe');
    expect(a.launchArgs).toEqual(['/x']);
    expect(r.out).not.toContain('will not give');
    expect((await util(s, { package: 'XXX00001', program: 'Install XP', enable: false })).code).toBe('SUCCESS');
    expect(s.programs[0]!.CommandLine).toBe(line);
  });

  it('a program that runs `C:\\Program Files\\ZTICache\\zticache.exe --source .` is zticache\'s: enabling leaves it, exit 0, and the report says cache enabled', async () => {
    const line = 'C:\\Program Files\\ZTICache\\zticache.exe --source .';
    const s = xpSite(line, 0x10);
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(r.code, r.msg).toBe('SUCCESS');
    expect(s.programs[0]!.CommandLine).toBe(line);
    expect(r.out).toMatch(/OS Program cache enabled: True/);
    expect(r.out).not.toMatch(/^Warning: zticache\.exe must be enabled/m);
  });
});

describe('the report counts only what it would have shown', () => {
  it('objects of packages that are not OS packages, being deleted, are not counted as left out of the OS report', async () => {
    const s = xpSite('zticache.exe', 0x10);
    s.packages.push({ PackageID: 'XXX00077', Name: 'Office 2003', PkgSourcePath: '\\\\srv\\pkgs\\office', ImageFlags: 0, ActionInProgress: 0 });
    s.programs.push({ PackageID: 'XXX00077', ProgramName: 'Per-system', CommandLine: 'setup.exe /qb', ActionInProgress: 3 });
    for (let i = 0; i < 100; i++) s.adverts.push({ AdvertisementID: `XXX3${String(i).padStart(4, '0')}`, PackageID: 'XXX00077', ProgramName: 'Per-system', RemoteClientFlags: 0x10, ActionInProgress: 3 });
    // a live program of a package the report does not show, its advertisements being deleted
    s.programs.push({ PackageID: 'XXX00077', ProgramName: 'Per-user', CommandLine: 'setup.exe /qb ALLUSERS=""', ActionInProgress: 0 });
    s.adverts.push({ AdvertisementID: 'XXX39999', PackageID: 'XXX00077', ProgramName: 'Per-user', RemoteClientFlags: 0x10, ActionInProgress: 3 });
    const r = await util(s, {});
    expect(r.code).toBe('SUCCESS');
    expect(r.out).toMatch(/OS Advertisement ID: +XXX20001/);
    expect(r.out).not.toMatch(/Left out, being deleted/);
    // of an OS program: counted
    s.adverts.push({ AdvertisementID: 'XXX29999', PackageID: 'XXX00001', ProgramName: 'Install XP ', RemoteClientFlags: 0x10, ActionInProgress: 3 });
    expect((await util(s, {})).out).toContain('Left out, being deleted by the site (ActionInProgress 3): 1 advertisement.');
  });
});

describe('a program goes back to osdlaunch.exe only where no advertisement downloads it', () => {
  const warned = (s: ReturnType<typeof xpSite>) => (Number(s.adverts[0]!.RemoteClientFlags) & 0x10) !== 0 && /osdlaunch/i.test(String(s.programs[0]!.CommandLine));

  it('disabling a program that a download-and-execute advertisement runs is refused before any write, naming it and the command that turns both off', async () => {
    const s = xpSite('zticache.exe', 0x10);
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.code).toBe('SMS_ADVERTISEMENT_DOWNLOADS');
    expect(ExitCode.SMS_ADVERTISEMENT_DOWNLOADS).toBe(900000042);
    expect(r.msg).toBe('zticache util: advertisement XXX20001 runs program Install XP of package XXX00001 with download and execute on: back on osdlaunch.exe, every client would run OSDLaunch.exe from its cache, '
      + 'which deletes the package under itself (the state the document warns of); nothing was changed: turn download and execute off on it first: zticache util /advertisement:XXX20001 /package:XXX00001 /program:"Install XP" /enable:false turns both off');
    expect(s.puts).toEqual([]);
    expect(warned(s)).toBe(false);
    // the command it prints does it
    expect((await util(s, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false })).code).toBe('SUCCESS');
    expect(s.puts).toEqual(['SMS_Advertisement', 'SMS_Program']);
    expect(s.programs[0]!.CommandLine).toBe('osdlaunch.exe');
  });

  it('every advertisement of the program counts (trailing blanks as the site compares), but one the site is deleting, one that runs from the distribution point, another program\'s, and the one this run turns off', async () => {
    const s = xpSite('zticache.exe', 0x08);
    s.adverts.push(
      { AdvertisementID: 'XXX20002', PackageID: 'XXX00001', ProgramName: 'Install XP ', RemoteClientFlags: 0x10, ActionInProgress: 0 },
      { AdvertisementID: 'XXX20003', PackageID: 'xxx00001', ProgramName: 'install xp', RemoteClientFlags: 0x30, ActionInProgress: 1 },
      { AdvertisementID: 'XXX20004', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: 0x10, ActionInProgress: 3 },
      { AdvertisementID: 'XXX20005', PackageID: 'XXX00001', ProgramName: 'Capture', RemoteClientFlags: 0x10, ActionInProgress: 0 },
      { AdvertisementID: 'XXX20006', PackageID: 'XXX00002', ProgramName: 'Install XP', RemoteClientFlags: 0x10, ActionInProgress: 0 },
    );
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.code).toBe('SMS_ADVERTISEMENT_DOWNLOADS');
    expect(r.msg).toMatch(/^zticache util: advertisements XXX20002, XXX20003 run program Install XP of package XXX00001 with download and execute on: .*turn download and execute off on each first \(zticache util \/advertisement:ID \/enable:false\), then run this again$/);
    expect(s.queries).toContain("select * from SMS_Advertisement where PackageID = 'XXX00001'");
    // the one this run turns off does not count
    s.adverts.splice(1, 2);
    s.adverts[0]!.RemoteClientFlags = 0x10;
    expect((await util(s, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false })).code).toBe('SUCCESS');
    expect(s.programs[0]!.CommandLine).toBe('osdlaunch.exe');
    // enabling, or a program already on osdlaunch.exe, does not look
    const q = s.queries.length;
    expect((await util(s, { package: 'XXX00001', program: 'Install XP', enable: false })).code).toBe('SUCCESS');
    expect(s.queries.slice(q).filter((w) => /where PackageID/.test(w))).toEqual([]);
  });

  it('another writer turns download on after the look: the program is not written (refused before it, or said after)', async () => {
    // gets: program (1), package (2); before the program's Put_ the advertisements are queried again
    const s = xpSite('zticache.exe', 0x08);
    s.onQuery = (wql, n) => {
      if (n === 2 && /where PackageID/.test(wql)) s.adverts[0]!.RemoteClientFlags = 0x10;
    };
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.code).toBe('SMS_OBJECT_CHANGED');
    expect(r.msg).toBe('zticache util: the advertisements of program Install XP of package XXX00001 changed after zticache util read them: XXX20001 now downloads and executes (download and execute turned on by another writer); nothing of it was written; nothing was changed: run it again to decide on what the site holds now');
    expect(s.puts).toEqual([]);
    const two = xpSite('zticache.exe', 0x08);
    two.adverts.push({ AdvertisementID: 'XXX20002', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: 0x08, ActionInProgress: 0 });
    two.onQuery = (wql, n) => {
      if (n === 2) for (const a of two.adverts) a.RemoteClientFlags = 0x10;
    };
    expect((await util(two, { package: 'XXX00001', program: 'Install XP', enable: false })).msg).toContain('changed after zticache util read them: XXX20001, XXX20002 now download and execute (download and execute turned on by another writer)');
    // after the write: said, never exit 0
    const late = xpSite('zticache.exe', 0x08);
    late.onQuery = (wql, n) => {
      if (n === 3 && /where PackageID/.test(wql)) late.adverts[0]!.RemoteClientFlags = 0x10;
    };
    const l = await util(late, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(l.code).toBe('SMS_FAILED_AFTER_WRITE');
    expect(l.msg).toContain('then the advertisements of program Install XP of package XXX00001 changed after zticache util read them: XXX20001 now downloads and executes');
    // the query failing at the first look: the provider's failure, named, nothing changed
    const first = xpSite('zticache.exe', 0x08);
    first.onQuery = (wql) => {
      throw new ComError(`ExecQuery(${wql})`, 0x80041003);
    };
    const fr = await util(first, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(fr.code).toBe('SMS_PROVIDER_UNAVAILABLE');
    expect(fr.msg).toMatch(/^zticache util: querying the advertisements of program Install XP of package XXX00001: ExecQuery.*WBEM_E_ACCESS_DENIED.*; nothing was changed$/);
    // the query failing again: the provider's failure, before the write nothing changed
    const failing = xpSite('zticache.exe', 0x08);
    failing.onQuery = (wql, n) => {
      if (n === 2) throw new ComError(`ExecQuery(${wql})`, 0x800706be);
    };
    const f = await util(failing, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(f.code).toBe('SMS_PROVIDER_UNAVAILABLE');
    expect(f.msg).toMatch(/^zticache util: querying the advertisements again: ExecQuery.*; nothing was changed$/);
  });

  it('two admins at once: /advertisement:ID /enable:true and /package /program /enable:false never both exit 0 on the warned state', async () => {
    const run = (s: ReturnType<typeof xpSite>, o: Record<string, unknown>) => {
      const res = { code: 'pending' };
      const p = runUtil({ whatIf: false, ...o }, { connect: () => s, out: () => {}, findStager: async () => true })
        .then(() => void (res.code = 'SUCCESS'), (e) => void (res.code = e instanceof ZtiError ? codeName(e.exitCode) : String(e)));
      return { res, p };
    };
    const seen: string[] = [];
    // the second admin's command runs whole (disabling never waits) at the nth Get of the first's
    for (let at = 1; at <= 16; at++) {
      const s = xpSite('osdlaunch.exe', 0x08);
      let b: ReturnType<typeof run> | undefined;
      s.onGet = (_path, n) => {
        if (b === undefined && n === at) b = run(s, { package: 'XXX00001', program: 'Install XP', enable: false });
      };
      const a = run(s, { advertisement: 'XXX20001', enable: true });
      await a.p;
      await b?.p;
      if (warned(s) && a.res.code === 'SUCCESS' && b?.res.code === 'SUCCESS') seen.push(`the second run at Get ${at}`);
    }
    expect(seen, 'both exit 0, the advertisement downloading onto osdlaunch.exe').toEqual([]);
  });
});
