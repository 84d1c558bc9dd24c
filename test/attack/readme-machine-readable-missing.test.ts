// ATTACK (issue 39, "Machine-readable results" + README): "every run writes its outcome ... to
// last-run.json in the state folder ... `zticache selftest --json` and `zticache util --json` ...;
// a PowerShell one-liner for each in the README". BROKEN: README.md never mentions last-run.json,
// has no PowerShell one-liner (no ConvertFrom-Json) for it, for `selftest --json` or for
// `util --json`; an admin reading the README does not learn the record exists.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const lines = readme.split('\n');

describe('attack: the README gives a PowerShell one-liner for each machine-readable result', () => {
  it('names last-run.json', () => {
    expect(readme).toMatch(/last-run\.json/);
  });
  for (const [what, re] of [
    ['last-run.json', /last-run\.json/],
    ['selftest --json', /selftest\s+[/-]{1,2}json/],
    ['util --json', /util\b.*[/-]{1,2}json/],
  ] as const) {
    it(`a PowerShell line reads ${what} (ConvertFrom-Json or Get-Content ... | ConvertFrom-Json)`, () => {
      expect(lines.filter((l) => re.test(l) && /ConvertFrom-Json/i.test(l))).not.toEqual([]);
    });
  }
});
