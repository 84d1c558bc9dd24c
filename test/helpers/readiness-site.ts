// A made-up site for zticache util /readiness: one OS package of 1.5 GB, the document's
// collection of n clients (PC00000 ... named out of order, so the report's sort shows), the OS
// advertisement (start Friday 2026-12-11 22:00, mandatory Monday 06:00, each client's local time)
// and the check's (its program `zticache.exe check`), and every client's status from a fixed pattern, so a test computes each count
// by itself. Shared by the unit tests and bench/util-readiness.ts.
import { collectionWql } from '../../src/commands/util/collection.js';
import { memorySite, type MemorySite } from './sms-site.js';

/** the OS advertisement's LastState by client index (i % 8); undefined: no status row */
export const OS_PATTERN: Array<number | undefined> = [5, 6, 8, 9, 13, 11, undefined, 6];
/** the check advertisement's row by client index (i % 5): LastState, LastExecutionResult; undefined: no row */
export const CHECK_PATTERN: Array<[number, string] | undefined> = [
  [13, '0'],
  [11, 'NOT READY XXX00001: CACHE_TOO_SMALL: the client cache (250 MB at C:\\Windows\\ccmcache) is smaller than the package (1.5 GB)'],
  [11, '900000012'],
  undefined,
  [13, 'READY XXX00001: 812 files, 1.5 GB, 812 hashes checked, 40 GB free'],
];
export const clientName = (i: number) => `PC${String((i * 7919) % 100000).padStart(5, '0')}`;

export function readinessSite(n: number, o: { check?: boolean } = {}): MemorySite {
  const site = memorySite({
    packages: [{ PackageID: 'XXX00001', Name: 'XP Master', ImageFlags: 1, PackageSize: 1.5 * 1024 * 1024 }],
    programs: [
      { PackageID: 'XXX00001', ProgramName: 'Install XP', CommandLine: 'zticache.exe /status-mif:ZTICache.mif' },
      { PackageID: 'XXX00001', ProgramName: 'Check', CommandLine: 'zticache.exe check /status-mif:ZTICheck.mif' },
    ],
    collections: [{ CollectionID: 'MTN00100', Name: 'Deploy XP', CollectionRules: [{ __class: 'SMS_CollectionRuleQuery', RuleName: 'free space', QueryExpression: collectionWql(2048) }] }],
    adverts: [
      {
        AdvertisementID: 'XXX20001', PackageID: 'XXX00001', ProgramName: 'Install XP', CollectionID: 'MTN00100', RemoteClientFlags: 0x10,
        PresentTime: '20261211220000.000000+***', PresentTimeIsGMT: false, AssignedScheduleEnabled: true,
        AssignedSchedule: [{ __class: 'SMS_ST_NonRecurring', DayDuration: 0, HourDuration: 0, MinuteDuration: 0, IsGMT: false, StartTime: '20261214060000.000000+***' }],
      },
      { AdvertisementID: 'XXX20002', PackageID: 'XXX00001', ProgramName: 'Check', CollectionID: 'MTN00100', RemoteClientFlags: 0x10, PresentTime: '20261211220000.000000+***' },
    ],
  });
  for (let i = 0; i < n; i++) {
    site.members.push({ CollectionID: 'MTN00100', ResourceID: 1000 + i, Name: clientName(i) });
    const s = OS_PATTERN[i % 8];
    if (s !== undefined) site.statuses.push({ AdvertisementID: 'XXX20001', ResourceID: 1000 + i, LastState: s, LastExecutionResult: s === 11 ? '5' : '' });
    const c = CHECK_PATTERN[i % 5];
    if (o.check !== false && c) site.statuses.push({ AdvertisementID: 'XXX20002', ResourceID: 1000 + i, LastState: c[0], LastExecutionResult: c[1] });
  }
  // another collection's members, and a status of a client since taken out of the collection
  site.members.push({ CollectionID: 'SMS00001', ResourceID: 1, Name: 'SERVER1' });
  site.statuses.push({ AdvertisementID: 'XXX20001', ResourceID: 999999, LastState: 11, LastExecutionResult: '1' });
  return site;
}
