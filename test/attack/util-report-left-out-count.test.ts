// Issue 35: the report "leaves out objects being deleted (ActionInProgress 3) and says how many".
// The count is taken over every program and advertisement of the site (one query per class, all
// of them), not over those the OS report would have shown: a site deleting a hundred Office
// advertisements is told "Left out, being deleted by the site: 100 advertisements" under a report
// of OS packages none of which is being deleted.
import { expect, it } from 'vitest';
import { util, xpSite } from './site.js';

it('objects of packages that are not OS packages, being deleted, are not counted as left out of the OS report', async () => {
  const s = xpSite('zticache.exe', 0x10);
  s.packages.push({ PackageID: 'XXX00077', Name: 'Office 2003', PkgSourcePath: '\\\\srv\\pkgs\\office', ImageFlags: 0, ActionInProgress: 0 });
  s.programs.push({ PackageID: 'XXX00077', ProgramName: 'Per-system', CommandLine: 'setup.exe /qb', ActionInProgress: 3 });
  for (let i = 0; i < 100; i++) s.adverts.push({ AdvertisementID: `XXX3${String(i).padStart(4, '0')}`, PackageID: 'XXX00077', ProgramName: 'Per-system', RemoteClientFlags: 0x10, ActionInProgress: 3 });
  const r = await util(s, {});
  expect(r.code).toBe('SUCCESS');
  expect(r.out).toMatch(/OS Advertisement ID: +XXX20001/);
  expect(r.out).not.toMatch(/Left out, being deleted/);
});
