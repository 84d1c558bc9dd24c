// Issue 35: "the printed undo, pasted into cmd.exe, undoes" (names holding %, among others). The
// undo line quotes a name for the C runtime and carets cmd.exe's metacharacters, but leaves
// %NAME% as it is: cmd.exe expands a defined variable at its prompt, inside quotes or not, so for
// a program named `XP %PATH% build` or `%OS%` the pasted line looks for another program and fails
// (SMS_OBJECT_NOT_FOUND). The usual way out at a prompt is a caret outside quotes (%^OS%: cmd.exe
// finds no variable "^OS", then drops the caret), and the message does not even warn; the
// README's "check the line before running it" is not in it. Run as the exe runs, under
// Wine, against helpers/fakesms.c, the undo pasted through helpers/runline.c (cmd.exe /d /c).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { EXE, Wine, haveWine } from './harness.js';

const SITE = 'C:\\fakesite.txt';
const xp = (name: string) => [
  'SMS_Package|PackageID=XXX00001|Name=XP Master|ImageFlags=#1|PkgSourcePath=C:\\pkgsrc',
  `SMS_Program|PackageID=XXX00001|ProgramName=${name}|CommandLine=osdlaunch.exe`,
  `SMS_Advertisement|AdvertisementID=XXX20001|PackageID=XXX00001|ProgramName=${name}|RemoteClientFlags=#8`,
];
const rows = (t: string) => t.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l && !l.startsWith('!'));

describe.skipIf(!haveWine())('zticache util\'s printed undo, pasted at cmd.exe, for names holding %', () => {
  let wine: Wine;
  let exe: string;
  beforeAll(async () => {
    if (!fs.existsSync(EXE)) throw new Error(`${EXE} is missing: run npm run build first`);
    wine = new Wine();
    await wine.start();
    await wine.registerFakes();
    fs.mkdirSync(wine.host('C:\\ccmcache\\ABC00001'), { recursive: true });
    fs.copyFileSync(EXE, wine.host('C:\\ccmcache\\ABC00001\\zticache.exe'));
    exe = 'C:\\ccmcache\\ABC00001\\zticache.exe';
    fs.mkdirSync(wine.host('C:\\pkgsrc'), { recursive: true });
    fs.writeFileSync(wine.host('C:\\pkgsrc\\zticache.exe'), 'MZ');
  }, 300_000);
  afterAll(async () => {
    await wine?.unregisterFakes();
    await wine?.stop();
  }, 120_000);

  for (const name of ['XP %PATH% build', '%OS%']) {
    it(`the second write refused for program "${name}": the undo printed, pasted, gives the site back`, async () => {
      fs.writeFileSync(wine.host(SITE), ['!denyput:2', ...xp(name)].join('\n') + '\n');
      const before = fs.readFileSync(wine.host(SITE), 'utf8');
      const r = await wine.run(exe, ['util', '/advertisement:XXX20001', '/enable:true']);
      expect(r.code, r.out).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
      expect(rows(fs.readFileSync(wine.host(SITE), 'utf8')), 'the program was written').not.toEqual(rows(before));
      const undo = /undo what was written with: (zticache util .*?) \[exit/.exec(r.out)?.[1];
      // no command offered for such a name: then it must say what to put back by hand
      if (undo === undefined) return expect(r.out).toMatch(/by hand/);
      fs.writeFileSync(wine.host('C:\\undo.txt'), undo!, 'utf8');
      const u = await wine.run(path.join(wine.bin, 'runline.exe'), ['C:\\undo.txt', exe]);
      expect(u.code, `${undo}\n${u.out}`).toBe(0);
      expect(rows(fs.readFileSync(wine.host(SITE), 'utf8'))).toEqual(rows(before));
    }, 120_000);
  }
});
