// Nothing test-only ships: the crash suite's fault points and their environment switch are in its
// own bundle (dist/test/), and not one byte of them is in zticache.cjs or zticache.exe.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, FAULTS_CLI, ROOT } from '../helpers/fixtures.js';

const EXE = path.join(ROOT, 'dist', 'zticache.exe');
const SWITCHES = ['ZTICACHE_TEST_KILL_AT', 'fault point', 'faultPoint'];

describe('the shipped files', () => {
  for (const file of [CLI, EXE]) {
    it(`${path.basename(file)} holds no fault point and no test switch`, () => {
      const bytes = fs.readFileSync(file);
      for (const s of SWITCHES) expect(bytes.indexOf(s), `${s} in ${file}`).toBe(-1);
      expect(bytes.indexOf('Holding the run lock')).toBeGreaterThan(-1); // the search does find the bundle's strings
    });
  }

  it('the crash suite\'s bundle has them (so the check above can fail)', () => {
    const bytes = fs.readFileSync(FAULTS_CLI);
    for (const s of SWITCHES) expect(bytes.indexOf(s), s).toBeGreaterThan(-1);
  });
});
