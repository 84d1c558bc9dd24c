// zticache cache-size [MB]: the document's Listing 20 without VBScript. The ConfigMgr client's
// UIResource.UIResourceMgr -> GetCacheInfo gives the cache's size (MB), location and free space;
// with MB, TotalSize is set and read back (the script set it blindly, without a range). Current
// ConfigMgr sets the cache size in Client Settings, which later policy re-applies: this command
// is for 2007-era sites, a test machine, or a one-off before a large package (README). What it
// prints is what the client does (ConfigMgr's "Configure the client cache"; SMS 2003's cache
// management): a new size deletes nothing, even below what the cache holds; the client makes room
// only when a download needs it, and only from content no program is using or keeping, so the next
// large package may not fit. A required program that already failed because its content did not
// fit (status message 10050) is not retried when the cache grows: its advertisement must run again.

import { ComError, type Dispatch } from '../../core/automation.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';

/** ConfigMgr's own bounds for the client cache, in MB (Client Settings accept 1 to 99,999). */
export const CACHE_MB_MIN = 1;
export const CACHE_MB_MAX = 99_999;

/** What a larger cache does not do, said whenever it grows. */
export const GROWN = 'Note: a required program that already failed because its content did not fit in the cache (status message 10050) is not retried now that the cache is larger: run its advertisement again on this computer.';

export interface CacheSizeOptions {
  /** the new size in MB; undefined: only report */
  setMb?: number;
  whatIf: boolean;
}

export interface CacheSizeContext {
  /** UIResource.UIResourceMgr */
  open(): Dispatch;
  out(line: string): void;
}

export function parseCacheMb(value: string): number {
  const mb = Number(value);
  if (!/^\d+$/.test(value) || mb < CACHE_MB_MIN || mb > CACHE_MB_MAX) {
    throw new ZtiError(ExitCode.USAGE, `zticache cache-size: the size is a whole number of MB from ${CACHE_MB_MIN} to ${CACHE_MB_MAX}, not "${value}"`);
  }
  return mb;
}

/** The client cache's size, free space (MB) and location, from GetCacheInfo's object. */
function cacheOf(info: Dispatch): { total: number; free: number; location: string } {
  return { total: Number(info.get('TotalSize')), free: Number(info.get('FreeSize')), location: String(info.get('Location') ?? '') };
}

/** The client cache as UIResource.UIResourceMgr's GetCacheInfo says (zticache selftest asks it too). */
export function readCacheInfo(ui: Dispatch): { total: number; free: number; location: string } {
  return cacheOf(ui.call('GetCacheInfo') as Dispatch);
}

export function runCacheSize(o: CacheSizeOptions, ctx: CacheSizeContext): void {
  const ui = attempt('opening UIResource.UIResourceMgr (is this a ConfigMgr client, and is the prompt elevated?)', () => ctx.open());
  try {
    const info = attempt('GetCacheInfo', () => ui.call('GetCacheInfo') as Dispatch);
    const before = attempt('reading the cache size', () => cacheOf(info));
    ctx.out(`Client cache: ${before.total} MB at ${before.location}, ${before.free} MB free.`);
    if (o.setMb === undefined) return;
    const used = before.total - before.free;
    if (o.setMb < used) {
      ctx.out(`Warning: ${o.setMb} MB is less than the ${used} MB the cache holds now. The client deletes nothing when the size changes: it makes room only when a download needs it, and only from content no program is using or keeping, so the next large package may not fit (its program fails with status message 10050).`);
    }
    if (o.whatIf) {
      ctx.out(`Would set the cache size from ${before.total} MB to ${o.setMb} MB (--what-if: nothing was changed).`);
      if (o.setMb > before.total) ctx.out(GROWN);
      return;
    }
    attempt(`setting TotalSize to ${o.setMb}`, () => info.put('TotalSize', o.setMb));
    // from here the size has changed, or may have: every message says so, with the size before
    const set = `TotalSize was set from ${before.total} MB to ${o.setMb} MB`;
    const after = attempt(`${set}, then reading the cache size back`, () => Number((ui.call('GetCacheInfo') as Dispatch).get('TotalSize')), `; the cache may be ${o.setMb} MB now: run zticache cache-size to see it`);
    if (after === before.total && after !== o.setMb) {
      throw new ZtiError(ExitCode.CLIENT_CACHE_UNAVAILABLE, `zticache cache-size: the client kept ${after} MB after TotalSize was set to ${o.setMb} MB; nothing was changed`);
    }
    if (after !== o.setMb) {
      throw new ZtiError(ExitCode.CLIENT_CACHE_UNAVAILABLE, `zticache cache-size: ${set}, and the client took ${after} MB instead: the cache is ${after} MB now (it was ${before.total} MB)`);
    }
    ctx.out(`Cache size set from ${before.total} MB to ${after} MB.`);
    if (after > before.total) ctx.out(GROWN);
  } finally {
    ui.release();
  }
}

function attempt<T>(what: string, fn: () => T, after = ''): T {
  try {
    return fn();
  } catch (err) {
    throw new ZtiError(ExitCode.CLIENT_CACHE_UNAVAILABLE, `zticache cache-size: ${what}: ${err instanceof ComError ? err.message : String(err)}${after}`, { cause: err });
  }
}
