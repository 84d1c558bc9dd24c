// Issue 40 (found by an attack), `util /readiness`: "the check's LastExecutionResult (its READY / NOT READY
// MIF text) counted by reason", a client READY only when the check hashed its copy.
// How it breaks: checkReason() takes a READY line (or exit code 0) as READY whatever the check's
// LastState says. LastExecutionResult is the LAST finished execution's result and stays on the
// status row while the client is downloading the package again (a new source version sent to the
// distribution points: the check advertisement's state goes back to "download in progress"),
// waiting or running it, or after the new attempt failed before it ran (a download that did not
// fit the cache: LastState failed, no new result). Such a client's cache holds content the check
// never hashed, yet it is counted READY and, with the OS advertisement at "download complete",
// left off the at-risk list.
import { describe, expect, it } from 'vitest';
import { checkReason, readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);
const OLD_READY = 'READY XXX00001: 812 files, 1.5 GB, 812 hashes checked, 40 GB free';

describe('a READY left over from the check\'s previous execution', () => {
  for (const state of ['download in progress', 'waiting', 'running', 'failed'] as const) {
    it(`is not READY while the check's state is "${state}"`, () => {
      expect(checkReason({ state, result: OLD_READY })).not.toBe('READY');
      expect(checkReason({ state, result: '0' })).not.toBe('READY');
    });
  }

  it('a client whose check is downloading the package again is at risk, not ready', () => {
    const site = readinessSite(8);
    // client 1000+1: OS advertisement "download complete" (pattern index 1); its check row: downloading again, last result READY
    const row = site.statuses.find((s) => s.AdvertisementID === 'XXX20002' && s.ResourceID === 1001)!;
    row.LastState = 5;
    row.LastExecutionResult = OLD_READY;
    const r = readiness(site, { advertisement: 'XXX20001', checkAdvertisement: 'XXX20002', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW });
    const c = r.clients.find((x) => x.resourceId === 1001)!;
    expect(c.state).toBe('download complete');
    expect({ check: c.check, atRisk: c.atRisk }).not.toEqual({ check: 'READY', atRisk: false });
  });
});
