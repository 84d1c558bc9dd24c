// Issue 40 (found by an attack), `util /readiness --json` ("--json and CSV ... carry" what the report says)
// and "time zones/UTC flags in WMI datetimes". An SMS time without an offset and IsGMT false (the
// console's default, the made-up site's "Monday 06:00") is each CLIENT's wall clock: the text
// report says "Mon 2026-12-14 06:00 (each client's local time)". How it breaks: the JSON document
// turns it into an absolute instant with the SITE SERVER's zone (`"mandatory":
// "2026-12-14T05:00:00.000Z"` on a server in Berlin) and drops the flag, in `mandatory`, in the
// schedule's `start` / `mandatory`, and in `leftMs`. A script (or an admin in another zone) that
// reads the document gets a deadline that is right only for clients in the server's zone, and
// nothing in it says so: the JSON and the text disagree on what the time means.
import { afterEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../src/commands/util/readiness.js';
import { readinessJson, readinessLines } from '../../../src/commands/util/readiness-output.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const tz = process.env.TZ;
afterEach(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

describe('/readiness --json with an advertisement in each client\'s local time', () => {
  it('says, as the text does, that the times are each client\'s local time', () => {
    process.env.TZ = 'Europe/Berlin'; // the site server's zone
    const r = readiness(readinessSite(3), { advertisement: 'XXX20001', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: new Date(Date.UTC(2026, 11, 9, 11)) });
    expect(readinessLines(r).join('\n')).toMatch(/Mandatory time: Mon 2026-12-14 06:00 \(each client's local time\)/);
    const json = readinessJson(r);
    const j = JSON.parse(json);
    // held: the wall-clock time as written (no zone), or a flag saying it is the clients' local time
    const wallClock = j.mandatory === '2026-12-14T06:00:00' || /2026-12-14T06:00(:00)?(\.000)?"/.test(json);
    const flagged = /local/i.test(JSON.stringify({ mandatory: j.mandatory, schedule: j.schedule }));
    expect({ mandatory: j.mandatory, carriesClientLocal: wallClock || flagged }).toEqual({ mandatory: j.mandatory, carriesClientLocal: true });
  });
});
