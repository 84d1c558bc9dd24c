// Issue 40 (found by an attack), the schedule check: "warnings for ... a collection not limited by free space".
// How it breaks: a collection's membership is the UNION of its rules (SMS_CollectionRuleQuery and
// SMS_CollectionRuleDirect alike). freeSpaceLimit() takes the largest FreeSpace figure among the
// rules that name one and ignores every other rule, so the document's collection with one more
// rule added by an admin (a direct member, or a second query "all Windows 10 laptops") is taken
// as "limited to more than 2048 MB free" although the extra rule pulls in computers with no room
// at all: no collection-not-limited warning. The same with two free-space rules (> 100 and > 2048):
// the collection holds everything above 100 MB, and the check reports the 2048.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { collectionWql } from '../../../src/commands/util/collection.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);
const opts = { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW };
const warned = (site: ReturnType<typeof readinessSite>) => readiness(site, opts).schedule[0]!.warnings.filter((w) => w.kind === 'collection-not-limited');

describe('schedule check: a collection is the union of its rules', () => {
  it('sanity: the document\'s collection alone is not warned about', () => {
    expect(warned(readinessSite(10))).toEqual([]);
  });

  it('a direct membership rule beside the free-space rule: computers without room are in it, and the check must say so', () => {
    const site = readinessSite(10);
    site.collections[0]!.CollectionRules.push({ __class: 'SMS_CollectionRuleDirect', RuleName: 'PC-NO-ROOM', ResourceClassName: 'SMS_R_System', ResourceID: 424242 });
    expect(warned(site).length).toBe(1);
  });

  it('a second query rule without free space (all Windows 10 workstations): the collection is not limited by free space', () => {
    const site = readinessSite(10);
    site.collections[0]!.CollectionRules.push({ __class: 'SMS_CollectionRuleQuery', RuleName: 'all W10', QueryExpression: 'select SMS_R_System.ResourceId from SMS_R_System where SMS_R_System.OperatingSystemNameandVersion like "Microsoft Windows NT Workstation 10.%"' });
    expect(warned(site).length).toBe(1);
  });

  it('two free-space rules, > 100 MB and > 2048 MB: the collection admits 101 MB, less than the package needs', () => {
    const site = readinessSite(10);
    site.collections[0]!.CollectionRules.push({ __class: 'SMS_CollectionRuleQuery', RuleName: 'loose', QueryExpression: collectionWql(100) });
    expect(warned(site).length).toBe(1);
  });
});
