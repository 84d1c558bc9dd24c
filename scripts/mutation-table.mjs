#!/usr/bin/env node
// node scripts/mutation-table.mjs [reports/mutation/mutation.json]: the rows of docs/testing.md for the files
// of the last `npm run mutate` (score, killed + timeouts / survived / no coverage), then every
// mutant left alive, by line, so that each is either killed by a test or listed as equivalent.
import fs from 'node:fs';

const report = JSON.parse(fs.readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'));
const alive = [];
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const n = (s) => mutants.filter((m) => m.status === s).length;
  const killed = n('Killed');
  const timeout = n('Timeout');
  const survived = n('Survived');
  const none = n('NoCoverage');
  const all = killed + timeout + survived + none;
  const score = all ? ((100 * (killed + timeout)) / all).toFixed(1) : '-';
  console.log(`| \`${file}\` | ${score}% | ${killed}${timeout ? ` (+${timeout})` : ''} / ${survived} / ${none} |`);
  const lines = source.split('\n');
  for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
    const line = m.location.start.line;
    alive.push(`${file}:${line} ${m.status} ${m.mutatorName}: ${lines[line - 1].trim().slice(0, 100)}  =>  ${(m.replacement ?? '').slice(0, 80)}`);
  }
}
if (alive.length) console.log(`\n${alive.join('\n')}`);
