// A file in the target under a name the target takes for a package file's (a case twin: Wine keeps
// case-different Unix names apart, and so does a Windows folder with case sensitivity on): VERIFY
// matches names by the target's rules, so both names find the one inventory entry. The twin is a
// file the package does not hold, and which of the two OSDLaunch.exe opens is the file system's
// choice: it must stop the launch, named, even where strays are tolerated, whichever the walk
// gives first.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import type { Walker } from '../../../src/core/walk.js';
import { verify, type VerifyOptions } from '../../../src/verify/verify.js';
import { memoryLog } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/seams.js';
import { posixNames, winNames } from '../../helpers/names.js';

const T = 'C:\\MININT\\PackageSource';
const time = Date.UTC(2026, 0, 2);

interface Seen { rel: string; size: number; mtimeMs: number; id?: string }

const files: Seen[] = [
  { rel: 'OSDLaunch.exe', size: 10, mtimeMs: time, id: '11@1' },
  { rel: 'sub/a.cab', size: 4, mtimeMs: time, id: '12@1' },
];
const inv: Inventory = { files, dirs: ['sub'], bytes: 14 };

function opts(listed: Seen[], more: Partial<VerifyOptions> = {}): VerifyOptions {
  const walk: Walker = (_p, _root, visit) => {
    visit('sub', 'dir', 0, 0);
    for (const f of listed) visit(f.rel, 'file', f.size, f.mtimeMs, f.id);
  };
  return { p: path.win32, log: memoryLog(), parallel: 1, names: winNames, walk, keepsId: () => true, ...more };
}

async function problems(o: VerifyOptions): Promise<string> {
  const err = await rejection(verify(T, inv, o));
  expect(err.exitCode).toBe(ExitCode.VERIFY_FAILED);
  return /does not match the package inventory: (.*)\. The launcher was not started\./.exec(err.message)![1]!;
}

describe('verify: a case twin of a package file', () => {
  it('is refused and named with the package file, whichever the walk lists first, the same size, time and ID as the file or not', async () => {
    const twin = { ...files[1]!, rel: 'sub/A.CAB' };
    expect(await problems(opts([files[0]!, files[1]!, twin]))).toBe('two files under one name: sub/a.cab and sub/A.CAB');
    expect(await problems(opts([files[0]!, twin, files[1]!]))).toBe('two files under one name: sub/A.CAB and sub/a.cab');
    expect(await problems(opts([files[0]!, files[1]!, { ...twin, size: 9, id: '77@2' }], { keepsId: () => false }))).toBe('two files under one name: sub/a.cab and sub/A.CAB');
  });

  it('is refused where strays are tolerated (zticache\'s own target run again): a twin of OSDLaunch.exe most of all', async () => {
    const twin = { ...files[0]!, rel: 'OSDLAUNCH.EXE', size: 3 };
    expect(await problems(opts([twin, files[0]!, files[1]!], { toleratesExtra: true }))).toBe('two files under one name: OSDLAUNCH.EXE and OSDLaunch.exe');
  });

  it('where names are case-sensitive the other spelling is a plain stray', async () => {
    const o = opts([files[0]!, files[1]!, { ...files[1]!, rel: 'sub/A.cab' }], { names: posixNames, p: path.posix });
    expect(await problems(o)).toBe('not in the package: sub/A.cab');
  });
});

describe('verify: a case twin of a package folder', () => {
  it('is refused even empty, named', async () => {
    const o = opts(files);
    const walk = o.walk!;
    o.walk = (p, root, visit) => {
      visit('SUB', 'dir', 0, 0);
      walk(p, root, visit);
    };
    expect(await problems(o)).toBe('two folders under one name: sub');
  });
});
