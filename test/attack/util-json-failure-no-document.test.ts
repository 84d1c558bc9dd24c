// ATTACK (issue 39, "Machine-readable results"): `zticache util --json` prints JSON that parses,
// on failures too (as `zticache selftest --json` does: a SELFTEST_FAILED run still prints its
// document with exitCode and name). A script / configuration item runs
// `zticache util --json | ConvertFrom-Json` and reads .exitCode.
// BROKEN: when util fails (no SMS provider reachable: SMS_PROVIDER_UNAVAILABLE) standard output is
// empty: nothing to parse, so the script cannot tell a failure from a tool that printed nothing.
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

describe('attack: util --json on a failure', () => {
  it('a failing `util --json` prints a JSON document carrying its exit code', async () => {
    const r = await execa('node', [CLI, 'util', '--json'], { reject: false, cwd: '/tmp' });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout.trim(), `stderr: ${r.stderr}`).not.toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.exitCode).toBe(900000021);
  });
});
