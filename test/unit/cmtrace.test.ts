import { afterEach, describe, expect, it } from 'vitest';
import { cmtraceBias, cmtraceLine } from '../../src/log/cmtrace.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('CMTrace lines', () => {
  it('writes the bias with the sign of getTimezoneOffset, never "+-"', () => {
    expect(cmtraceBias(0)).toBe('+000');
    expect(cmtraceBias(-60)).toBe('-60');
    expect(cmtraceBias(300)).toBe('+300');
    expect(cmtraceBias(-330)).toBe('-330');
  });

  it('formats a line exactly as ConfigMgr does, in the local time zone', () => {
    process.env.TZ = 'Etc/GMT-1'; // UTC+1, so getTimezoneOffset() is -60
    const when = new Date(Date.UTC(2026, 0, 5, 8, 4, 3, 7));
    expect(cmtraceLine('Running OSDLaunch', 1, when, 'ZTICache', 1234)).toBe(
      '<![LOG[Running OSDLaunch]LOG]!><time="09:04:03.007-60" date="01-05-2026" component="ZTICache" context="" type="1" thread="1234" file="">',
    );
    process.env.TZ = 'UTC';
    expect(cmtraceLine('x', 3, when, 'ZTICache', 1)).toContain('time="08:04:03.007+000" date="01-05-2026"');
    expect(cmtraceLine('x', 3, when, 'ZTICache', 1)).toContain('type="3"');
  });

  it('keeps one entry per line: newlines and the end marker inside a message are neutralised', () => {
    const line = cmtraceLine('a\r\nb ]LOG]!> c', 2, new Date(), 'ZTICache', 1);
    expect(line.split('\n')).toHaveLength(1);
    expect(line.match(/\]LOG\]!>/g)).toHaveLength(1);
  });
});
