import { describe, expect, it, vi } from 'vitest';
import { cmtraceBias, cmtraceLine } from '../../../src/log/cmtrace.js';

describe('CMTrace lines', () => {
  it('writes the bias with the sign of getTimezoneOffset, never "+-"', () => {
    expect(cmtraceBias(0)).toBe('+000');
    expect(cmtraceBias(-60)).toBe('-60');
    expect(cmtraceBias(300)).toBe('+300');
    expect(cmtraceBias(-330)).toBe('-330');
  });

  it('formats a line exactly as ConfigMgr does, in local time with its bias', () => {
    // the local fields from the local-time constructor and the offset from a spy: process.env.TZ
    // cannot be changed inside a worker thread (StrykerJS runs the tests in threads)
    const when = new Date(2026, 0, 5, 9, 4, 3, 7);
    const offset = vi.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(-60); // UTC+1
    expect(cmtraceLine('Running OSDLaunch', 1, when, 'ZTICache', 1234)).toBe(
      '<![LOG[Running OSDLaunch]LOG]!><time="09:04:03.007-60" date="01-05-2026" component="ZTICache" context="" type="1" thread="1234" file="">',
    );
    offset.mockReturnValue(0);
    expect(cmtraceLine('x', 3, new Date(2026, 10, 27, 18, 0, 0, 0), 'ZTICache', 1)).toContain('time="18:00:00.000+000" date="11-27-2026"');
    expect(cmtraceLine('x', 3, when, 'ZTICache', 1)).toContain('type="3"');
    offset.mockRestore();
    expect(cmtraceLine('x', 2, when)).toContain(`component="ZTICache" context="" type="2" thread="${process.pid}"`);
  });

  it('keeps one entry per line: line breaks, a lone CR and both markers inside a message are neutralised', () => {
    const line = cmtraceLine('a\r\nb\nc ]LOG]!> d\re <![LOG[FORGED', 2, new Date(), 'ZTICache', 1);
    expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
    expect(line.match(/\]LOG\]!>/g)).toHaveLength(1);
    expect(line.match(/<!\[LOG\[/g)).toHaveLength(1);
    expect(line.startsWith('<![LOG[a\\u000d\\u000ab\\u000ac ]LOG]> d\\u000de <![LOG(FORGED]LOG]!><time=')).toBe(true);
  });
});
