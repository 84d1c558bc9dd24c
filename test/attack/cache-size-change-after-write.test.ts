// Issue 35, exit codes tell the truth (README way-out table: CLIENT_CACHE_UNAVAILABLE ... "nothing
// was changed"). cache-size sets TotalSize, then reads it back: when the read back fails, or the
// client took another value than the one asked (a client that clamps), the size HAS changed, yet
// the message says only that reading failed, or that the client "kept" the new value, never that
// the cache went from its old size to another: an admin reads "nothing was changed".
import { expect, it } from 'vitest';
import { runCacheSize } from '../../src/commands/cache-size/cache-size.js';
import { ComError, type Dispatch, type Variant } from '../../src/core/automation.js';

function client(o: { total: number; free: number; clampTo?: number; readBackFails?: boolean }) {
  const state = { total: o.total, set: false };
  const info = (): Dispatch => ({
    get: (n: string): Variant => {
      if (n === 'TotalSize' && state.set && o.readBackFails) throw new ComError('CacheInfo.TotalSize', 0x800706be);
      return n === 'TotalSize' ? state.total : n === 'FreeSize' ? o.free : 'C:\\Windows\\ccmcache';
    },
    put: (_n: string, v: Variant) => {
      state.total = o.clampTo ?? Number(v);
      state.set = true;
    },
    call: () => undefined, items: () => [], release: () => {},
  });
  const ui: Dispatch = { get: () => undefined, put: () => {}, call: (n) => (n === 'GetCacheInfo' ? info() : undefined), items: () => [], release: () => {} };
  return { ui, state };
}

function run(setMb: number, c: ReturnType<typeof client>): string {
  try {
    runCacheSize({ setMb, whatIf: false }, { open: () => c.ui, out: () => {} });
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

it('TotalSize set, the read back fails: the message says the size was set (may have changed), not only that reading failed', () => {
  const c = client({ total: 5000, free: 1000, readBackFails: true });
  const msg = run(8000, c);
  expect(c.state.total, 'the client took the new size').toBe(8000);
  expect(msg).toMatch(/8000/);
});

it('the client takes another value than the one asked: the message says the cache changed from its old size', () => {
  const c = client({ total: 5000, free: 1000, clampTo: 20000 });
  const msg = run(99999, c);
  expect(c.state.total).toBe(20000);
  expect(msg).toMatch(/5000/);
});
