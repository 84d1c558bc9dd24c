// Issue 40 (found by an attack), the schedule check in util's report: "the collection's member count and what
// that means (bytes to move, the average rate the window needs)", and /readiness "members listed
// twice". SMS_FullCollectionMembership is keyed by CollectionID, ResourceID AND SiteCode, so in a
// hierarchy one computer appears once per site (and a resource with a direct and a query rule can
// be listed twice on older sites). /readiness dedupes members by ResourceID; collectionFacts(),
// which the report's schedule check uses, counts rows. The same collection then has 10 members in
// /readiness and 20 in `zticache util`'s schedule check, whose bytes to move and needed rate are
// doubled and whose "does NOT fit" is wrong.
import { describe, expect, it } from 'vitest';
import { collectionFacts } from '../../../src/commands/util/collection-facts.js';
import { readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);

describe('members listed twice', () => {
  it('count once in the report\'s schedule check, as in /readiness', () => {
    const site = readinessSite(10);
    const twice = site.members.filter((m) => m.CollectionID === 'MTN00100').map((m) => ({ ...m, SiteCode: 'CHI' }));
    site.members.push(...twice);
    const r = readiness(site, { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW });
    expect(r.collection.members).toBe(10);
    const facts = collectionFacts(site, ['MTN00100']);
    expect(facts.get('MTN00100')!.members).toBe(r.collection.members);
  });
});
