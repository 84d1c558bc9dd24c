// Issue 39 (found by an attack): `zticache --help`, docs/command-line.md ("`zticache --help` prints
// the same table") and the README agree. It broke three ways: WINDOWS_LAYER_FAILED's folder
// (SYSTEM's for elevated administrators) said in --help only; --help's usage lines not the docs'
// (selftest [--json]); and the option column 23 characters wide, so "--check-advertisement ID"
// ran into its description ("IDzticache util ..."). The usage lines are now one list (USAGE_LINES)
// and the column as wide as the longest spelling. Breaks if either drifts again.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText } from '../../../src/cli.js';
import { OPTIONS, optionSpelling } from '../../../src/cli/args.js';
import { ROOT } from '../../helpers/fixtures.js';

const unmd = (s: string) => s.replace(/`/g, '').replace(/\\\|/g, '|').trim();
const doc = () => fs.readFileSync(path.join(ROOT, 'docs', 'command-line.md'), 'utf8');

describe('--help and docs/command-line.md', () => {
  it('every exit code means the same in --help and docs/command-line.md', () => {
    const help = helpText();
    const diffs: string[] = [];
    for (const m of doc().matchAll(/^\| (\d+) \| (\w+) \| (.*) \|$/gm)) {
      const line = help.split('\n').find((l) => l.trim().startsWith(`${m[1]} `));
      const meaning = line?.replace(/^\s*\d+\s+\w+\s+/, '').trim();
      if (unmd(meaning ?? '') !== unmd(m[3]!)) diffs.push(`${m[2]}\n  help: ${meaning}\n  docs: ${m[3]}`);
    }
    expect(diffs).toEqual([]);
  });

  it("the README's WINDOWS_LAYER_FAILED way out names the same folder as --help", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| WINDOWS_LAYER_FAILED'))!;
    expect(helpText()).toMatch(/of SYSTEM for SYSTEM and elevated administrators/);
    expect(row).toMatch(/of SYSTEM for SYSTEM and elevated administrators/);
  });

  it('the usage lines of --help and docs/command-line.md are the same', () => {
    const docUsage = /```\n([\s\S]*?)```/.exec(doc())![1]!.trim().split('\n').map((l) => l.trim());
    const helpUsage = /Usage:\n([\s\S]*?)\n\n/.exec(helpText())![1]!.split('\n').map((l) => l.trim());
    expect(helpUsage).toEqual(docUsage);
    expect(helpUsage).toContain('zticache selftest [--package-size MB] [--status-mif NAME] [--keep] [--json]');
  });

  it('no option in --help runs into its description', () => {
    const lines = helpText().split('\n');
    for (const o of OPTIONS) {
      const spelled = optionSpelling(o);
      const line = lines.find((l) => l.startsWith(`  ${spelled} `) || l.startsWith(`  ${spelled}`));
      expect(line, spelled).toBeDefined();
      expect(line!.slice(2 + spelled.length, 4 + spelled.length), `${spelled}: ${line}`).toBe('  ');
    }
  });
});
