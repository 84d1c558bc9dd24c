// Issue 40 (found by an attack), `util /readiness` (counts by LastState correct, "status rows for machines not
// in the collection") and the schedule check's member count. On SMS 2003 and ConfigMgr 2007 (the
// document's sites) an advertisement reaches the members of its collection's SUBCOLLECTIONS too
// (SMS_Advertisement.IncludeSubCollection, on by default; SMS_CollectToSubCollect links them).
// How it breaks: readiness() takes the clients from SMS_FullCollectionMembership of the one
// collection only and never reads IncludeSubCollection or the links. Every client of a
// subcollection (the pilot group an admin hung under the deployment collection) is missing from
// the counts, the at-risk list and the CSV, its bytes are missing from the schedule check, and its
// status rows are dismissed as belonging "to clients no longer in collection": a failed pilot
// machine that will run the OS program at the mandatory time is reported nowhere.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);

describe('/readiness of an advertisement that includes subcollections', () => {
  it('counts the subcollection\'s members, whose status rows are the advertisement\'s', () => {
    const site = readinessSite(10);
    site.adverts.find((a) => a.AdvertisementID === 'XXX20001')!.IncludeSubCollection = true;
    site.collections.push({ CollectionID: 'MTN00200', Name: 'Deploy XP - pilot', CollectionRules: [] });
    site.links.push({ parentCollectionID: 'MTN00100', subCollectionID: 'MTN00200' });
    for (let i = 0; i < 5; i++) {
      site.members.push({ CollectionID: 'MTN00200', ResourceID: 5000 + i, Name: `PILOT${i}` });
      site.statuses.push({ AdvertisementID: 'XXX20001', ResourceID: 5000 + i, LastState: 11, LastExecutionResult: '1' });
    }
    const r = readiness(site, { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW });
    const pilots = r.clients.filter((c) => c.name.startsWith('PILOT'));
    expect({ members: r.collection.members, pilots: pilots.length, failed: r.states.failed! >= 5 }).toEqual({ members: 15, pilots: 5, failed: true });
  });
});

describe('/readiness of an advertisement that excludes subcollections', () => {
  it('counts only the collection\'s own members, and does not read the links', () => {
    const site = readinessSite(10);
    site.adverts.find((a) => a.AdvertisementID === 'XXX20001')!.IncludeSubCollection = false;
    site.collections.push({ CollectionID: 'MTN00200', Name: 'Deploy XP - pilot', CollectionRules: [] });
    site.links.push({ parentCollectionID: 'MTN00100', subCollectionID: 'MTN00200' });
    site.members.push({ CollectionID: 'MTN00200', ResourceID: 5000, Name: 'PILOT0' });
    const r = readiness(site, { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW });
    expect(r.collection.members).toBe(10);
    expect(site.queries.some((q) => /SMS_CollectToSubCollect/.test(q))).toBe(false);
  });

  it('links that loop are followed once', () => {
    const site = readinessSite(3);
    site.collections.push({ CollectionID: 'MTN00200', Name: 'loop', CollectionRules: [] });
    site.links.push({ parentCollectionID: 'MTN00100', subCollectionID: 'MTN00200' }, { parentCollectionID: 'MTN00200', subCollectionID: 'MTN00100' });
    site.members.push({ CollectionID: 'MTN00200', ResourceID: 6000, Name: 'LOOP0' });
    const r = readiness(site, { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW });
    expect(r.collection.members).toBe(4);
    expect(r.notes.some((n) => n.includes('MTN00200'))).toBe(true);
  });
});
