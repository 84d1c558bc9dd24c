// Numbers and command lines as the admin reads them in the log: sizes in binary units with their
// precision, exit codes in decimal and 8-digit hex (negative ones as Windows shows them), and
// arguments quoted the way CommandLineToArgvW will read them back.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCode, formatCommandLine, formatDuration, quoteWindowsArg } from '../../../src/core/format.js';

describe('formatBytes', () => {
  it('bytes below 1 KB, then binary units: two decimals under 10, one from 10, as the value is shown (never "10.00 KB" or "1024.0 KB")', () => {
    expect([0, 1023, 1024, 9.99 * 1024, 10 * 1024 - 1, 10 * 1024, 1000 * 1024, 1024 * 1024 - 1, 1024 * 1024, 5.5 * 1024 ** 3, 3 * 1024 ** 4, 2048 * 1024 ** 4].map(formatBytes)).toEqual([
      '0 B', '1023 B', '1.00 KB', '9.99 KB', '10.0 KB', '10.0 KB', '1000.0 KB', '1.00 MB', '1.00 MB', '5.50 GB', '3.00 TB', '2048.0 TB',
    ]);
  });
});

describe('formatDuration', () => {
  it('m:ss under an hour, h:mm:ss from it; rounded, never negative', () => {
    expect([0, 59.4, 59.5, 3599, 3600, 36000 + 61, -5].map(formatDuration)).toEqual(['0:00', '0:59', '1:00', '59:59', '1:00:00', '10:01:01', '0:00']);
  });
});

describe('formatCode', () => {
  it('decimal and 8-digit hex; a negative 32-bit code as Windows shows it', () => {
    expect(formatCode(0)).toBe('0 (0x00000000)');
    expect(formatCode(3010)).toBe('3010 (0x00000BC2)');
    expect(formatCode(2147942405)).toBe('2147942405 (0x80070005)');
    expect(formatCode(-1)).toBe('-1 (0xFFFFFFFF)');
  });
});

describe('Windows command lines', () => {
  it('quotes only what needs it: empty, spaces, tabs and quotes; backslashes doubled only before a quote', () => {
    expect(quoteWindowsArg('C:\\MININT\\PackageSource\\OSDLaunch.exe')).toBe('C:\\MININT\\PackageSource\\OSDLaunch.exe');
    expect(quoteWindowsArg('')).toBe('""');
    expect(quoteWindowsArg('a b')).toBe('"a b"');
    expect(quoteWindowsArg('a\tb')).toBe('"a\tb"');
    expect(quoteWindowsArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindowsArg('C:\\Program Files\\')).toBe('"C:\\Program Files\\\\"');
    expect(quoteWindowsArg('a\\\\"b c')).toBe('"a\\\\\\\\\\"b c"');
    expect(quoteWindowsArg('x\\y z')).toBe('"x\\y z"');
  });

  it('a command line is the program and its arguments, each quoted, one space apart', () => {
    expect(formatCommandLine('C:\\MININT\\PackageSource\\OSDLaunch.exe', ['/x', 'a b', ''])).toBe('C:\\MININT\\PackageSource\\OSDLaunch.exe /x "a b" ""');
    expect(formatCommandLine('C:\\Program Files\\x.exe', [])).toBe('"C:\\Program Files\\x.exe"');
  });
});
