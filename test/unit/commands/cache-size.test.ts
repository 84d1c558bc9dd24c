// zticache cache-size against a client in memory: read, set and read back, --what-if, the range,
// and the failures of a machine that is not a ConfigMgr client.
import { describe, expect, it } from 'vitest';
import { ComError, type Dispatch, type Variant } from '../../../src/core/automation.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { parseCacheMb, readCacheInfo, runCacheSize } from '../../../src/commands/cache-size/cache-size.js';

function client(opts: { keeps?: boolean } = {}) {
  const state = { TotalSize: 5120, FreeSize: 3000, Location: 'C:\\Windows\\ccmcache', released: 0, puts: 0 };
  const info: Dispatch = {
    get: (n) => (state as unknown as Record<string, Variant>)[n],
    put: (n, v) => {
      state.puts++;
      if (!opts.keeps) (state as unknown as Record<string, Variant>)[n] = v;
    },
    call: () => undefined,
    items: () => [],
    release: () => {},
  };
  const ui: Dispatch = { get: () => undefined, put: () => {}, call: (n) => (n === 'GetCacheInfo' ? info : undefined), items: () => [], release: () => void state.released++ };
  return { state, ui };
}

function run(open: () => Dispatch, setMb?: number, whatIf = false) {
  const lines: string[] = [];
  try {
    runCacheSize({ setMb, whatIf }, { open, out: (l) => lines.push(l) });
    return { lines };
  } catch (err) {
    return { lines, error: err as ZtiError };
  }
}

describe('zticache cache-size', () => {
  it('reports size, location and free space', () => {
    const c = client();
    expect(run(() => c.ui).lines).toEqual(['Client cache: 5120 MB at C:\\Windows\\ccmcache, 3000 MB free.']);
    expect(c.state.puts).toBe(0);
    expect(c.state.released).toBe(1);
  });

  it('sets TotalSize and reads it back; a larger cache does not retry a required program that already failed for lack of it', () => {
    const c = client();
    const r = run(() => c.ui, 20000);
    expect(r.error).toBeUndefined();
    expect(c.state.TotalSize).toBe(20000);
    expect(r.lines.slice(-2)).toEqual([
      'Cache size set from 5120 MB to 20000 MB.',
      'Note: a required program that already failed because its content did not fit in the cache (status message 10050) is not retried now that the cache is larger: run its advertisement again on this computer.',
    ]);
    // the same size, or a smaller one: nothing to say about retries
    for (const mb of [5120, 4000]) {
      const same = run(() => client().ui, mb);
      expect(same.lines.at(-1), String(mb)).toBe(`Cache size set from 5120 MB to ${mb} MB.`);
    }
  });

  it('--what-if changes nothing; a size below what the cache holds says what the client really does: it deletes nothing, and makes room only when a download needs it', () => {
    const c = client();
    const r = run(() => c.ui, 1000, true);
    expect(c.state.puts).toBe(0);
    expect(r.lines).toEqual([
      'Client cache: 5120 MB at C:\\Windows\\ccmcache, 3000 MB free.',
      'Warning: 1000 MB is less than the 2120 MB the cache holds now. The client deletes nothing when the size changes: it makes room only when a download needs it, and only from content no program is using or keeping, so the next large package may not fit (its program fails with status message 10050).',
      'Would set the cache size from 5120 MB to 1000 MB (--what-if: nothing was changed).',
    ]);
    // exactly what it holds: no warning; larger under --what-if: the note about retries
    expect(run(() => client().ui, 2120, true).lines.join('\n')).not.toContain('Warning');
    expect(run(() => client().ui, 9000, true).lines.at(-1)).toMatch(/^Note: a required program that already failed/);
    expect(run(() => client().ui, 5120, true).lines.at(-1)).toMatch(/^Would set/);
  });

  it('a client that keeps its old size after the write is an error, not a success', () => {
    const c = client({ keeps: true });
    const r = run(() => c.ui, 20000);
    expect(r.error?.exitCode).toBe(ExitCode.CLIENT_CACHE_UNAVAILABLE);
    expect(r.error?.message).toBe('zticache cache-size: the client kept 5120 MB after TotalSize was set to 20000 MB; nothing was changed');
    expect(c.state.released).toBe(1);
  });

  it('not a ConfigMgr client: its own code, naming the COM error', () => {
    const r = run(() => { throw new ComError('CoCreateInstance(UIResource.UIResourceMgr)', 0x800401f3); });
    expect(r.error?.exitCode).toBe(ExitCode.CLIENT_CACHE_UNAVAILABLE);
    expect(r.error?.message).toMatch(/is this a ConfigMgr client, and is the prompt elevated\?\): CoCreateInstance\(UIResource\.UIResourceMgr\) failed: CO_E_CLASSSTRING \(0x800401F3\)/);
  });

  it('each step that fails is named, with the COM error kept as the cause', () => {
    const boom = new ComError('x', 0x80004005);
    const cases: Array<[string, (c: ReturnType<typeof client>) => void, number | undefined]> = [
      ['GetCacheInfo', (c) => { c.ui.call = () => { throw boom; }; }, undefined],
      ['reading the cache size', (c) => { const info = c.ui.call('GetCacheInfo') as Dispatch; info.get = () => { throw boom; }; }, undefined],
      ['setting TotalSize to 20000', (c) => { const info = c.ui.call('GetCacheInfo') as Dispatch; info.put = () => { throw boom; }; }, 20000],
    ];
    for (const [what, breakIt, mb] of cases) {
      const c = client();
      breakIt(c);
      const r = run(() => c.ui, mb);
      expect(r.error?.message, what).toBe(`zticache cache-size: ${what}: x failed: E_FAIL (0x80004005)`);
      expect(r.error?.cause, what).toBe(boom);
      expect(c.state.released, what).toBe(1);
    }
    // the read back
    const c = client();
    let calls = 0;
    const call = c.ui.call;
    c.ui.call = (n, ...a) => { if (++calls === 2) throw boom; return call(n, ...a); };
    expect(run(() => c.ui, 20000).error?.message).toBe('zticache cache-size: TotalSize was set from 5120 MB to 20000 MB, then reading the cache size back: x failed: E_FAIL (0x80004005); the cache may be 20000 MB now: run zticache cache-size to see it');
  });

  // issue 35: exit codes tell the truth; CLIENT_CACHE_UNAVAILABLE reads as "nothing was changed" unless the message says otherwise
  it('TotalSize set, then the read back fails, or the client takes another size: the message says the size changed, from what to what', () => {
    const reads = client();
    const info = reads.ui.call('GetCacheInfo') as Dispatch;
    const get = info.get;
    info.get = (n) => { if (n === 'TotalSize' && reads.state.puts) throw new ComError('CacheInfo.TotalSize', 0x800706be); return get(n); };
    const r = run(() => reads.ui, 8000);
    expect(reads.state.TotalSize, 'the client took the new size').toBe(8000);
    expect(r.error?.exitCode).toBe(ExitCode.CLIENT_CACHE_UNAVAILABLE);
    expect(r.error?.message).toBe('zticache cache-size: TotalSize was set from 5120 MB to 8000 MB, then reading the cache size back: CacheInfo.TotalSize failed: RPC_S_CALL_FAILED (0x800706BE); the cache may be 8000 MB now: run zticache cache-size to see it');
    // a client that clamps: another size than the one asked, and not the old one
    const clamps = client();
    const cinfo = clamps.ui.call('GetCacheInfo') as Dispatch;
    cinfo.put = () => { clamps.state.puts++; clamps.state.TotalSize = 20000; };
    const c = run(() => clamps.ui, 99999);
    expect(c.error?.exitCode).toBe(ExitCode.CLIENT_CACHE_UNAVAILABLE);
    expect(c.error?.message).toBe('zticache cache-size: TotalSize was set from 5120 MB to 99999 MB, and the client took 20000 MB instead: the cache is 20000 MB now (it was 5120 MB)');
  });

  it('readCacheInfo (for zticache selftest): size, free space and location; none reads as empty', () => {
    const c = client();
    expect(readCacheInfo(c.ui)).toEqual({ total: 5120, free: 3000, location: 'C:\\Windows\\ccmcache' });
    (c.state as unknown as Record<string, Variant>).Location = null;
    expect(readCacheInfo(c.ui).location).toBe('');
  });

  it('the size is a whole number of MB in ConfigMgr\'s range', () => {
    expect(parseCacheMb('1')).toBe(1);
    expect(parseCacheMb('2000')).toBe(2000);
    expect(parseCacheMb('99999')).toBe(99999);
    for (const bad of ['0', '100000', '2GB', '-5', '1.5', '']) {
      expect(() => parseCacheMb(bad), bad).toThrow(/whole number of MB from 1 to 99999/);
    }
  });
});
