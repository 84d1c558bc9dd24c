// `zticache manifest DIR [--out FILE] [--what-if]`: an admin's command at a prompt that writes the
// SHA-256 manifest of a package (manifest.ts has the format); its lines go to the console.

import type { Args } from '../../cli/args.js';
import { createLog } from '../../log/logger.js';
import { writeManifest } from '../../plan/manifest.js';
import { MANIFEST_NAME } from '../../cli/defaults.js';
import { pathFor, type Runtime } from '../../cli/options.js';
import { DEFAULT_PARALLEL } from '../../cli/defaults.js';
import { report } from '../failure.js';

/** `zticache manifest DIR`: an admin's command at a prompt; its lines go to the console. */
export async function manifestCommand(args: Args, rt: Runtime): Promise<number> {
  const log = createLog({});
  try {
    const p = pathFor(rt.platform);
    const dir = p.resolve(rt.cwd, args.manifestDir!);
    const out = args.out ? p.resolve(rt.cwd, args.out) : p.join(dir, MANIFEST_NAME);
    const r = await writeManifest(p, dir, out, args.parallel ?? DEFAULT_PARALLEL, args.whatIf);
    log.info(`${args.whatIf ? 'Would write' : 'Wrote'} ${r.file}: ${r.files} files, ${r.bytes} bytes${args.whatIf ? ' (--what-if: nothing was written)' : ''}`);
    return 0;
  } catch (err) {
    return report(err, log);
  } finally {
    log.close();
  }
}

