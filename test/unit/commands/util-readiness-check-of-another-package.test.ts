// Issue 40 (found by an attack), `util /readiness /check-advertisement:ID`: "the check's READY / NOT READY
// counted by reason", READY meaning the client holds THIS package, hash-checked.
// How it breaks: readiness() reads the check advertisement's PackageID and never compares it with
// the OS advertisement's. A check advertisement of another package (an admin's typo, the check
// program of last year's image, a second OS package advertised to the same collection) counts
// every client READY for the OS package and takes them off the at-risk list, with no note and no
// refusal: the report says "all ready" for a package no client ever hashed. (The collection
// mismatch and download-off cases already get a note; the package mismatch gets nothing.)
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);
const opts = { advertisement: 'XXX20001', checkAdvertisement: 'XXX20002', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW };

describe('/readiness with a check advertisement of another package', () => {
  it('is refused or at least said: READY of package YYY00009 is not READY of XXX00001', () => {
    const site = readinessSite(20);
    site.packages.push({ PackageID: 'YYY00009', Name: 'Office', ImageFlags: 0, PackageSize: 1024 });
    const chk = site.adverts.find((a) => a.AdvertisementID === 'XXX20002')!;
    chk.PackageID = 'YYY00009';
    let r;
    try {
      r = readiness(site, opts);
    } catch {
      return; // a refusal holds the guarantee
    }
    const said = r.notes.some((n) => n.includes('YYY00009'));
    // every client whose only evidence is another package's READY must not count as ready for this one
    const readyOnOthersWord = r.clients.filter((c) => !c.atRisk && c.check === 'READY' && c.state === 'download complete');
    expect({ said, readyOnOthersWord: said ? 0 : readyOnOthersWord.length }).toEqual({ said: true, readyOnOthersWord: 0 });
  });
});
