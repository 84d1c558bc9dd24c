// Issue 39 (found by an attack), "Machine-readable results": `zticache selftest --json` and
// `zticache util --json` print ONE JSON document on standard output and nothing else, on usage
// errors and failures too, so `zticache util --json | ConvertFrom-Json` never chokes and can read
// .exitCode. It broke two ways: a refused command line with --json printed the log's lines
// ("zticache: ... started", "Peak memory") on standard output; a failing util (no SMS provider)
// printed nothing there. Breaks if main() stops answering a refused --json command line in JSON,
// or managementCommand stops printing its failure's document (src/commands/json-failure.ts).
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

const cases: Array<[string[], string]> = [
  [['selftest', '--json', '--bogus'], 'selftest'],
  [['selftest', '/json', '/package-size:0'], 'selftest'],
  [['selftest', '--json', '--package-size', 'abc'], 'selftest'],
  [['util', '--json', '/bogus'], 'util'],
  [['util', '/bogus', '--json'], 'util'],
];

describe('--json: standard output is one JSON document, also on usage errors and failures', () => {
  for (const [argv, command] of cases) {
    it(`zticache ${argv.join(' ')}: a USAGE document on stdout, the log's line on stderr`, async () => {
      const r = await execa('node', [CLI, ...argv], { reject: false, cwd: '/tmp' });
      expect(r.exitCode).toBe(900000001 & 0xff);
      expect(r.stdout, r.stdout).not.toMatch(/^zticache: /m);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ tool: 'zticache', command, exitCode: 900000001, name: 'USAGE' });
      expect(typeof j.wayOut).toBe('string');
      expect(j.message).toMatch(/see zticache --help/);
      expect(r.stderr).toMatch(/^zticache: .*\[exit 900000001\]/m);
    });
  }

  it('a failing `util --json` (no SMS provider here) prints a document carrying its exit code', async () => {
    const r = await execa('node', [CLI, 'util', '--json'], { reject: false, cwd: '/tmp' });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout.trim(), `stderr: ${r.stderr}`).not.toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ tool: 'zticache', command: 'util', exitCode: 900000021, name: 'SMS_PROVIDER_UNAVAILABLE' });
    expect(r.stdout).not.toMatch(/^zticache: /m);
  });

  it('without --json a refused command line prints no JSON', async () => {
    const r = await execa('node', [CLI, 'selftest', '--bogus'], { reject: false, cwd: '/tmp' });
    expect(r.exitCode).toBe(900000001 & 0xff);
    expect(r.stdout).not.toMatch(/^\{/m);
  });
});
