// The staging command's own rules, in-process: what asks a run to stop before its launcher.
import { describe, expect, it } from 'vitest';
import { STOP_SIGNALS } from '../../../src/commands/failure.js';

describe('stop requests before the launcher', () => {
  it('on Windows Ctrl+C (SIGINT), Ctrl+Break (SIGBREAK) and SIGTERM; on POSIX SIGINT, SIGTERM and SIGHUP', () => {
    expect([...STOP_SIGNALS.win32].sort()).toEqual(['SIGBREAK', 'SIGINT', 'SIGTERM']);
    expect([...STOP_SIGNALS.posix].sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGTERM']);
  });
});
