// What `zticache selftest` asks of a POSIX machine, the same contract as platform/win32/probes.ts:
// POSIX has no junctions, no 8.3 aliases and no event log, and starts a child detached, with no
// standard handles, its 8-bit exit code coming back.

import { spawn } from 'node:child_process';
import type { SelftestProbes } from '../platform.js';

export const posixProbes: SelftestProbes = {
  junction: async () => 'POSIX has no junctions',
  shortName: () => undefined,
  findEvent: () => ({ skip: 'POSIX has no event log' }),
  start: (exe, args) => new Promise((resolve, reject) => {
    const child = spawn(exe, [...args], { detached: true, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? 1 : 0)));
  }),
  machine: () => [],
  emulator: () => undefined,
};
