// ATTACK (issue 39, "Machine-readable results"): `zticache selftest --json` and `zticache util
// --json` print ONE JSON document on standard output and nothing else, on failures and usage
// errors too, so `zticache selftest --json | ConvertFrom-Json` never chokes.
// BROKEN: a usage error with --json given (a mistyped option, a bad --package-size) prints the
// log's lines "zticache: zticache 0.1.0 started ..." and "zticache: Peak memory: ..." on standard
// output: not JSON; a script piping it to ConvertFrom-Json / JSON.parse fails instead of reading
// exitCode 900000001.
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

const cases: string[][] = [
  ['selftest', '--json', '--bogus'],
  ['selftest', '/json', '/package-size:0'],
  ['selftest', '--json', '--package-size', 'abc'],
  ['util', '--json', '/bogus'],
];

describe('attack: --json stdout on usage errors', () => {
  for (const argv of cases) {
    it(`zticache ${argv.join(' ')}: stdout is JSON or empty, never log lines`, async () => {
      const r = await execa('node', [CLI, ...argv], { reject: false, cwd: '/tmp' });
      expect(r.exitCode).not.toBe(0);
      // nothing that is not JSON on stdout
      expect(r.stdout, r.stdout).not.toMatch(/^zticache: /m);
      if (r.stdout.trim() !== '') expect(() => JSON.parse(r.stdout)).not.toThrow();
    });
  }

});
