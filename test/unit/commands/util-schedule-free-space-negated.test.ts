// Issue 40 (found by an attack), the schedule check: "warnings for ... a collection not limited by free space".
// How it breaks: freeSpaceLimit() finds the figure with a regular expression over the rule's WQL
// (`LOGICAL_DISK.FreeSpace > N` anywhere in it) and never looks at what the comparison sits in. A
// rule that selects the computers WITHOUT room (`ResourceId not in (select ... where
// SMS_G_System_LOGICAL_DISK.FreeSpace > 2048)`, the usual WQL for "exclude those that have
// room", or a collection built to list the machines to clean up first) and a rule where the
// free-space term is one side of an OR (`FreeSpace > 2048 or Name like "LAB%"`) are both taken as
// "more than 2048 MB free": no warning, the line says the collection is limited.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);
const opts = { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW };

function withRule(wql: string) {
  const site = readinessSite(5);
  site.collections[0]!.CollectionRules = [{ __class: 'SMS_CollectionRuleQuery', RuleName: 'the rule', QueryExpression: wql }];
  const s = readiness(site, opts).schedule[0]!;
  const warned = s.warnings.some((w) => w.kind === 'collection-not-limited');
  const cannotTell = s.lines.some((l) => /Free-space limit:\s+cannot tell/.test(l));
  // held: warned, or "cannot tell"; broken: said limited, silently
  return { warnedOrCannotTell: warned || cannotTell, saysLimited: s.lines.some((l) => /Free-space limit:\s+more than/.test(l)) };
}

describe('a free-space figure that does not limit the collection', () => {
  it('NOT IN: the computers without 2 GB free', () => {
    expect(withRule('select SMS_R_System.ResourceId from SMS_R_System where SMS_R_System.ResourceId not in (select SMS_G_System_LOGICAL_DISK.ResourceID from SMS_G_System_LOGICAL_DISK where SMS_G_System_LOGICAL_DISK.DeviceID = "C:" and SMS_G_System_LOGICAL_DISK.FreeSpace > 2048)'))
      .toEqual({ warnedOrCannotTell: true, saysLimited: false });
  });

  it('OR: free space, or any lab machine', () => {
    expect(withRule('select SMS_R_System.ResourceId from SMS_R_System inner join SMS_G_System_LOGICAL_DISK on SMS_G_System_LOGICAL_DISK.ResourceID = SMS_R_System.ResourceId where SMS_G_System_LOGICAL_DISK.FreeSpace > 2048 or SMS_R_System.Name like "LAB%"'))
      .toEqual({ warnedOrCannotTell: true, saysLimited: false });
  });
});
