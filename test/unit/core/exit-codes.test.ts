import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeHeading, ExitCode, exitCodeTable } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { helpText } from '../../../src/cli.js';
import { ROOT } from '../../helpers/fixtures.js';

/** The Windows SDK's list of defined error codes, as mingw-w64 ships it (installed with the cross compiler). */
const WINERROR_H = '/usr/share/mingw-w64/include/winerror.h';

/** Every numeric value winerror.h defines: Win32 codes, HRESULTs and the rest, as unsigned 32-bit numbers. */
function windowsErrorCodes(text: string): Map<number, string> {
  const codes = new Map<number, string>();
  const re = /^#define\s+(\w+)\s+(?:_HRESULT_TYPEDEF_|_NDIS_ERROR_TYPEDEF_|__MSABI_LONG|\(HRESULT\)|\(DWORD\)|\(SCODE\)|\(long\))*\s*\(*\s*(0x[0-9a-fA-F]+|\d+)[uUlL]*\s*\)*\s*$/gm;
  for (const m of text.matchAll(re)) if (!codes.has(Number(m[2]) >>> 0)) codes.set(Number(m[2]) >>> 0, m[1]!);
  return codes;
}

describe('exit codes', () => {
  it('are unique, all in the table, and all carry bit 29 (0x20000000), which Windows leaves to applications', () => {
    const codes = Object.values(ExitCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) {
      expect(c >>> 29, `${c}`).toBe(1); // 2^29 <= c < 2^30: bit 29 set, bits 30 and 31 clear
      expect(exitCodeTable.some((row) => row.code === c)).toBe(true);
    }
  });

  it('none is a Windows error code defined in the SDK\'s winerror.h, so no console renders one as a system message', (ctx) => {
    if (!fs.existsSync(WINERROR_H)) {
      if (process.env.CI === 'true') throw new Error(`${WINERROR_H} is missing: .ci/run installs it with gcc-mingw-w64-x86-64`);
      return ctx.skip();
    }
    const defined = windowsErrorCodes(fs.readFileSync(WINERROR_H, 'utf8'));
    // the parser really reads the file: the codes admins meet every day are there
    expect(defined.get(3010)).toBe('ERROR_SUCCESS_REBOOT_REQUIRED');
    expect(defined.get(9002)).toBe('DNS_ERROR_RCODE_SERVER_FAILURE');
    expect(defined.get(0x80070005)).toBe('E_ACCESSDENIED');
    expect(defined.size).toBeGreaterThan(2000);
    for (const c of Object.values(ExitCode)) expect(defined.get(c), `${c} is ${defined.get(c)}`).toBeUndefined();
  });

  it('--help\'s table keeps its columns: every meaning starts where the others do, after the longest name', () => {
    const rows = helpText().split('\n').filter((l) => /^ +\d+  [A-Z_]+ /.test(l));
    expect(rows).toHaveLength(exitCodeTable.length);
    const longest = Math.max(...exitCodeTable.map((c) => c.name.length));
    expect(longest).toBeGreaterThanOrEqual(20); // MANIFEST_NOT_WRITTEN, SMS_PROVIDER_UNAVAILABLE: where the table broke
    for (const [i, row] of rows.entries()) {
      const c = exitCodeTable[i]!;
      expect(row.indexOf(c.meaning), row).toBe(2 + 9 + 2 + longest + 2);
      expect(row).toContain(`${c.name}  `);
    }
  });

  it('are listed with their meanings in --help and in docs/command-line.md, and by number and name in the README', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'command-line.md'), 'utf8');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.search(/^## Exit codes$/m);
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    // the README's table: number and name side by side, four pairs a row; every code once, no other
    const pairs = [...section.matchAll(/\| (\d+) \| ([A-Z_]+) (?=\|)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(pairs.sort()).toEqual(exitCodeTable.map((r) => `${r.code} ${r.name}`).sort());
    for (const row of exitCodeTable) {
      expect(helpText()).toContain(`${row.code}  ${row.name}`);
      expect(doc).toContain(`| ${row.code} | ${row.name} | ${row.meaning} |`);
    }
    expect(doc.split('\n').filter((l) => /^\| \d+ \| [A-Z_]+ \| /.test(l))).toHaveLength(exitCodeTable.length);
  });

  it('each has a way out in the README\'s table of what to do when a run fails', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.search(/^#+ .*the way out$/m);
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n#', start + 1));
    const firstColumns = section.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split(' | ')[0]!);
    for (const row of exitCodeTable.filter((r) => r.name !== 'SUCCESS')) {
      expect(firstColumns.some((c) => new RegExp(`\\b${row.name}\\b`).test(c)), row.name).toBe(true);
    }
  });

  it('each of zticache\'s codes has its way out in a few words, the status MIF\'s heading (NAME (way out)), short enough to leave room for the message', () => {
    for (const row of exitCodeTable.filter((r) => r.name !== 'SUCCESS')) {
      const h = codeHeading(row.code);
      expect(h, row.name).toMatch(new RegExp(`^${row.name} \\([a-z/][^()]{5,}\\)$`));
      expect(h, row.name).not.toContain('(undefined)');
      expect(h!.length, h).toBeLessThanOrEqual(64);
    }
    expect(codeHeading(0)).toBeUndefined();
    expect(codeHeading(3010)).toBeUndefined();
    expect(codeHeading(ExitCode.SMS_COLLECTION_EXISTS)).toBe('SMS_COLLECTION_EXISTS (give another name, or /force)');
  });

  it('a ZtiError carries its code, path and the system error into the message', () => {
    const cause = Object.assign(new Error('busy'), { code: 'EBUSY' });
    const e = new ZtiError(ExitCode.GUARD_FAILED, 'cannot hold C:\\x', { path: 'C:\\x', winError: 32, cause });
    expect(e.exitCode).toBe(ExitCode.GUARD_FAILED);
    expect(e.path).toBe('C:\\x');
    expect(e.describe()).toBe('cannot hold C:\\x (EBUSY, Windows error 32)');
  });
});
