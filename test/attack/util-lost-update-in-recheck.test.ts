// Issue 35, optimistic writes: "right before each Put_, every object the decision rests on is got
// again by its path ... The change is made on that fresh copy, so what another admin changed
// elsewhere in it (the schedule, the comment) is kept, never written over". The fresh copy of the
// object to write is got FIRST of all the objects re-read, and the others are got after it: each
// of those Gets is a provider round trip during which another admin's Put_ of the object about to
// be written lands on the site and is then written over with zticache's stale copy, exit 0, nothing
// said (the late re-read compares only the properties zticache read). The README's accepted window
// is only "between that last Get and the Put_".
import { expect, it } from 'vitest';
import { util, xpSite } from './site.js';

it('disabling: another admin changes the advertisement\'s comment while zticache re-reads the program before writing the advertisement: kept, or refused', async () => {
  const s = xpSite('zticache.exe', 0x10);
  const gets: string[] = [];
  s.onGet = (path) => {
    gets.push(path);
    // the re-read before the first Put_: the advertisement (the copy to write) was got again just now
    const advGets = gets.filter((g) => g.startsWith('SMS_Advertisement')).length;
    if (advGets === 2 && path.startsWith('SMS_Program') && s.adverts[0]!.Comment === 'as set up') s.adverts[0]!.Comment = 'moved to Friday (admin2)';
  };
  const r = await util(s, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false });
  // the other admin's Put_ landed between zticache's Get of the advertisement and its Put_
  if (r.code === 'SUCCESS') expect(s.adverts[0]!.Comment, `exit 0, and the other admin's comment is gone\n${r.out}`).toBe('moved to Friday (admin2)');
  else expect(r.msg).toMatch(/changed/);
});

it('enabling: another admin changes the program\'s comment while zticache re-reads the package before writing the program: kept, or refused', async () => {
  const s = xpSite('osdlaunch.exe', 0x08);
  const gets: string[] = [];
  s.onGet = (path) => {
    gets.push(path);
    const progGets = gets.filter((g) => g.startsWith('SMS_Program')).length;
    if (progGets === 2 && path.startsWith('SMS_Package') && s.programs[0]!.Comment === 'as set up') s.programs[0]!.Comment = 'needs the SP3 driver pack (admin2)';
  };
  const r = await util(s, { advertisement: 'XXX20001', enable: true });
  if (r.code === 'SUCCESS') expect(s.programs[0]!.Comment, `exit 0, and the other admin's comment is gone\n${r.out}`).toBe('needs the SP3 driver pack (admin2)');
  else expect(r.msg).toMatch(/changed/);
});
