// Nothing test-only ships: the crash suite's fault points and their environment switch are in its
// own bundle (dist/test/), and not one byte of them is in zticache.cjs or zticache.exe.
import { execaSync } from 'execa';
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

  it('zticache.cjs is all ASCII, so V8 holds its source as one-byte text (a single other character doubles it: 1 MB of every run\'s heap)', () => {
    const bytes = fs.readFileSync(CLI);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    expect(bytes.indexOf('\\u2013')).toBeGreaterThan(-1); // the bundled comment's dash, escaped by the build (the check above can fail)
  });

  it('the crash suite\'s bundle has them (so the check above can fail)', () => {
    const bytes = fs.readFileSync(FAULTS_CLI);
    for (const s of SWITCHES) expect(bytes.indexOf(s), s).toBeGreaterThan(-1);
  });
});

const objdump = execaSync('sh', ['-c', 'command -v x86_64-w64-mingw32-objdump'], { reject: false }).exitCode === 0;
if (!objdump && process.env.CI === 'true') throw new Error('CI=true and x86_64-w64-mingw32-objdump is missing: .ci/run installs it with gcc-mingw-w64-x86-64');

// (needs mingw-w64's binutils, which CI installs with the Wine suite's compiler)
describe.skipIf(!objdump)('koffi.node, which zticache.exe keeps in the profile of the account it runs as (SYSTEM\'s, on a client) and loads', () => {
  // Node loads an addon with LOAD_WITH_ALTERED_SEARCH_PATH: the DLLs it imports are looked for in
  // its own folder first, unless they are KnownDLLs. Its folder is one only that account, SYSTEM and
  // administrators can write; still, koffi.node must import nothing but KnownDLLs, so that no DLL
  // beside it is ever loaded in its stead, wherever it is written. A koffi update that adds an
  // import (a C runtime DLL, say) fails here and needs a look.
  it('imports only kernel32 and advapi32 (KnownDLLs, never looked for beside it)', () => {
    const dll = path.join(ROOT, 'dist', 'sea', 'koffi.node');
    const out = execaSync('x86_64-w64-mingw32-objdump', ['-p', dll]).stdout;
    const imports = [...out.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]!.toLowerCase());
    expect(imports.length).toBeGreaterThan(0);
    expect([...new Set(imports)].sort()).toEqual(['advapi32.dll', 'kernel32.dll']);
  });
});
