import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeTable } from '../../src/exit-codes.js';
import { ZtiError } from '../../src/errors.js';
import { helpText } from '../../src/cli.js';
import { ROOT } from '../helpers/fixtures.js';

describe('exit codes', () => {
  it('are unique, outside the launcher codes admins know (0, 1, 3010, HRESULTs) and all in the table', () => {
    const codes = Object.values(ExitCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) {
      expect(c).toBeGreaterThan(9000);
      expect(c).toBeLessThan(9100);
      expect(exitCodeTable.some((row) => row.code === c)).toBe(true);
    }
  });

  it('are listed in --help and in the README', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const row of exitCodeTable) {
      expect(helpText()).toContain(`${row.code}  ${row.name}`);
      expect(readme).toMatch(new RegExp(`\\|\\s*${row.code}\\s*\\|\\s*${row.name}\\s*\\|`));
    }
  });

  it('a ZtiError carries its code, path and the system error into the message', () => {
    const cause = Object.assign(new Error('busy'), { code: 'EBUSY' });
    const e = new ZtiError(ExitCode.GUARD_FAILED, 'cannot hold C:\\x', { path: 'C:\\x', winError: 32, cause });
    expect(e.exitCode).toBe(9011);
    expect(e.path).toBe('C:\\x');
    expect(e.describe()).toBe('cannot hold C:\\x (EBUSY, Windows error 32)');
  });
});
