// Issue 40 (found by an attack), `util /readiness /check-advertisement:ID`: READY counted from "the check's
// LastExecutionResult (its READY / NOT READY MIF text)". How it breaks: readiness() never looks at
// the program the check advertisement runs. An advertisement of the same package whose program is
// not `zticache.exe check` (README step 2's `zticache.exe cache-size 2000`, a second OS program,
// any program that exits 0) is accepted as the check: every client where it exited 0 is counted
// READY ("code 0 -> READY") and taken off the at-risk list, though nothing hashed anything.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/commands/util/readiness.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0);

describe('/readiness with a "check" advertisement whose program is not zticache check', () => {
  for (const line of ['zticache.exe cache-size 2000', 'cmd.exe /c exit 0']) {
    it(`${line}: its exit code 0 is not READY, or the report says so`, () => {
      const site = readinessSite(10);
      site.programs.find((p) => p.ProgramName === 'Check')!.CommandLine = line;
      let r;
      try {
        r = readiness(site, { advertisement: 'XXX20001', checkAdvertisement: 'XXX20002', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW });
      } catch {
        return; // a refusal holds
      }
      const said = r.notes.some((n) => /program|check/i.test(n) && /Check|zticache\.exe check|cache-size|cmd\.exe/.test(n));
      expect({ said, ready: said ? 0 : r.checks!.READY ?? 0 }).toEqual({ said: true, ready: 0 });
    });
  }
});
