// Issue 40 (found by an attack), "time zones/UTC flags in WMI datetimes": an SMS time with no offset and IsGMT
// false is each client's own wall clock ("10:00 means 10:00 wherever a client is"). How it breaks:
// parseWmiTime() builds it as an instant in the SITE SERVER's zone (new Date(y, m, d, h, ...)), so
// a wall-clock time that does not exist in that zone, one in its spring-forward gap, is moved an
// hour: the advertisement's "Sun 2027-03-28 02:30" (each client's local time) is shown as 03:30 on
// a server in Berlin, and the window is measured an hour short. Clients in a zone without that
// change (or the admin's own reading of the console) run it at 02:30. The same wall clock read
// on a server in UTC shows 02:30: the report depends on where it runs, for a time that has no zone.
import { afterEach, describe, expect, it } from 'vitest';
import { checkSchedule, DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { parseWmiTime, showTime } from '../../../src/commands/util/wmi-time.js';

const tz = process.env.TZ;
afterEach(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

describe('an SMS time in each client\'s local time, read on a server whose clock skips it', () => {
  it('shows the wall clock the advertisement holds, and measures the window in wall-clock time', () => {
    process.env.TZ = 'Europe/Berlin';
    const start = parseWmiTime('20270327220000.000000+***')!; // Saturday 22:00
    const mandatory = parseWmiTime('20270328023000.000000+***')!; // Sunday 02:30, in Berlin's gap
    expect(showTime(mandatory)).toBe("Sun 2027-03-28 02:30 (each client's local time)");
    const c = checkSchedule({ advertisementId: 'XXX20001', times: { start, mandatory }, workHours: DEFAULT_WORK_HOURS });
    expect(c.lines).toContain('Window:            4 h 30 min');
  });
});
