// The test side of zticache's seams: nothing in src/ takes a test hook. Staging's file calls all go
// through one object (src/stage/fs.ts), its backoff is one object (src/stage/retry.ts), and the
// POSIX platform is one object (src/platform/platform.ts); a test replaces some of their members for one
// run of main() and puts them back, as rimraf's tests swap its src/fs.ts.
import fs from 'node:fs';
import { main } from '../../src/cli.js';
import type { Runtime } from '../../src/cli/options.js';
import { PlaceError } from '../../src/places/places.js';
import { type Platform } from '../../src/platform/platform.js';
import { posixPlatform } from '../../src/platform/posix/platform.js';
import { stageFs, type StageFs } from '../../src/stage/fs.js';
import { retryPolicy, type RetryPolicy } from '../../src/stage/retry.js';
import { host, type HostRules } from '../../src/core/host.js';

/** The real file calls, for wrappers that fail some and pass the rest through. */
export const realFs: StageFs = { ...stageFs };

export interface Seams {
  fs?: Partial<StageFs>;
  retry?: RetryPolicy;
  platform?: Partial<Platform>;
  /** how files behave on the host (core/host.ts): Windows' copy keeps the time, say */
  host?: Partial<HostRules>;
}

/** Runs main() with the seams replaced, and restores them afterwards whatever happens. */
export async function mainWith(seams: Seams, argv: readonly string[], rt: Runtime): Promise<number> {
  const saved = { fs: { ...stageFs }, retry: { ...retryPolicy }, platform: { ...posixPlatform }, host: { ...host } };
  // only the members the real objects have (a test's wrapper may carry its own bookkeeping)
  const put = <T extends object>(into: T, from: Partial<T> | undefined) => {
    for (const k of Object.keys(into) as Array<keyof T>) if (from && k in from) into[k] = from[k] as T[keyof T];
  };
  put(stageFs, seams.fs);
  put(retryPolicy, seams.retry);
  put(posixPlatform, seams.platform);
  // what POSIX has not, a test may give it: COM (a ConfigMgr client's objects)
  if (seams.platform?.createObject) posixPlatform.createObject = seams.platform.createObject;
  put(host, seams.host);
  try {
    return await main(argv, rt);
  } finally {
    Object.assign(stageFs, saved.fs);
    Object.assign(retryPolicy, saved.retry);
    Object.assign(posixPlatform, saved.platform);
    if (!('createObject' in saved.platform)) delete posixPlatform.createObject;
    Object.assign(host, saved.host);
  }
}

/** The Runtime of a CLI run through node on Linux, in cwd. */
export const rt = (cwd: string, over: Partial<Runtime> = {}): Runtime => ({ platform: 'linux', env: {}, execPath: process.execPath, packaged: false, cwd, ...over });
/** A backoff that does not wait, for runs whose faults are injected. */
export const fast = { attempts: 3, baseMs: 1, maxMs: 2 };
export const fault = (code: string) => Object.assign(new Error(`injected ${code}`), { code });

/** A StageFs whose `op` (and its Sync form, if it has one) fails with `code` on calls number `from`..`to` (1-based, counted across both), and works otherwise. */
export function failing(op: 'copyFile' | 'rename' | 'rm' | 'removeIn' | 'stat', code: string, from: number, to = Infinity): StageFs & { calls: number } {
  const f = { ...realFs, calls: 0 } as StageFs & { calls: number };
  const fail = () => ++f.calls >= from && f.calls <= to;
  const table = f as unknown as Record<string, (...a: unknown[]) => unknown>;
  const real = realFs as unknown as Record<string, (...a: unknown[]) => unknown>;
  table[op] = async (...a: unknown[]) => {
    if (fail()) throw fault(code);
    return real[op]!(...a);
  };
  if (real[`${op}Sync`]) {
    table[`${op}Sync`] = (...a: unknown[]) => {
      if (fail()) throw fault(code);
      return real[`${op}Sync`]!(...a);
    };
  }
  return f;
}

/** The copy as Windows' CopyFileW makes it: the copy gets its source's last-write time. */
export function copyKeepingTime(src: string, dst: string): void {
  realFs.copyFileSync(src, dst);
  const st = fs.statSync(src);
  fs.utimesSync(dst, st.atime, st.mtime);
}

/** What a promise was rejected with; fails the test when it resolved. */
export async function rejection<E = Error & { exitCode?: number; path?: string; code?: string }>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error('it was not refused');
}

/** What a call threw; fails the test when it returned. */
export function thrown<E = Error & { exitCode?: number; path?: string; code?: string; winError?: number; cause?: unknown }>(fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    return err as E;
  }
  throw new Error('it was not refused');
}

/** The PlaceError a call threw (anything else thrown fails the test as it is). */
export function placeRefusal(fn: () => unknown): PlaceError {
  const err = thrown<unknown>(fn);
  if (err instanceof PlaceError) return err;
  throw err;
}
