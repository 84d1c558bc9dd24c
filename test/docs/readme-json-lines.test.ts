// Attack on issue 39 (kept as a test): the README gives a PowerShell line for each machine-
// readable result (last-run.json, selftest --json, util --json), so an admin reading it learns
// that each exists and how a script reads it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const lines = readme.split('\n');

describe('the README gives a PowerShell one-liner for each machine-readable result', () => {
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
