// The commands an admin runs at a prompt against Windows management (zticache util, zticache
// cache-size): the Windows layer for COM, lines to the console, a failure as one line and its code.

import type { Args } from '../cli/args.js';
import { createLog } from '../log/logger.js';
import { type Runtime } from '../cli/options.js';
import { DEFAULT_EVENT_SOURCE } from '../cli/defaults.js';
import { loadPlatform } from '../platform/select.js';
import { cacheSizeCommand } from './cache-size/command.js';
import { report } from './failure.js';
import { utilCommand } from './util/command.js';
import { printFailureJson } from './json-failure.js';

/** `zticache util` and `zticache cache-size`: an admin's commands at a prompt; their lines go to the console. */
export async function managementCommand(args: Args, rt: Runtime): Promise<number> {
  // --json: standard output is the document alone, a failure's too; the log's lines go to standard error
  const json = args.command === 'util' && args.json;
  const log = createLog(json ? { stdout: process.stderr } : {});
  try {
    const platform = await loadPlatform(rt, args.eventSource ?? DEFAULT_EVENT_SOURCE, { whatIf: args.whatIf });
    const out = (line: string) => void process.stdout.write(`${line}\n`);
    if (args.command === 'util') await utilCommand(args, platform, out, rt);
    else cacheSizeCommand(args, platform, out);
    return 0;
  } catch (err) {
    const code = report(err, log);
    if (json) await printFailureJson('util', err);
    return code;
  } finally {
    log.close();
  }
}

