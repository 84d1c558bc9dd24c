// `zticache cache-size [MB]`: the command line's part of Listing 20; cache-size.ts decides.

import type { Args } from '../../cli/args.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import type { Platform } from '../../platform/platform.js';
import { parseCacheMb, runCacheSize } from './cache-size.js';

export function cacheSizeCommand(args: Args, platform: Platform, out: (line: string) => void): void {
  const setMb = args.cacheMb === undefined ? undefined : parseCacheMb(args.cacheMb);
  const create = platform.createObject;
  if (!create) throw new ZtiError(ExitCode.CLIENT_CACHE_UNAVAILABLE, 'zticache cache-size speaks to the ConfigMgr client through Windows (COM): run it on Windows');
  runCacheSize({ setMb, whatIf: args.whatIf }, { open: () => create('UIResource.UIResourceMgr'), out });
}
