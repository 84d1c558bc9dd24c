// VERIFY, run while the guard holds every file, so what is checked is what the launcher gets:
// the target must hold exactly the inventory (same files, same sizes, no strays, every folder),
// and with a manifest every SHA-256 must match. Any difference stops the launch; the error lists
// the first few differences and how many there are.

import type path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';
import type { Log } from '../log/logger.js';
import { takeInventory, type Inventory } from '../plan/inventory.js';
import { fromRel, relKey } from '../paths.js';
import { forEachLimit } from '../pool.js';
import { hashFile, type ManifestEntry } from './manifest.js';

export interface VerifyOptions {
  p: path.PlatformPath;
  log: Log;
  parallel: number;
  manifest?: { path: string; entries: ManifestEntry[] };
}

export interface VerifyResult {
  files: number;
  bytes: number;
  hashed: number;
}

export async function verify(target: string, expected: Inventory, opts: VerifyOptions): Promise<VerifyResult> {
  const { p } = opts;
  const problems: string[] = [];
  const found = takeInventory(p, target);
  const have = new Map(found.files.map((f) => [relKey(p, f.rel), f]));
  const want = new Set(expected.files.map((f) => relKey(p, f.rel)));
  for (const f of expected.files) {
    const got = have.get(relKey(p, f.rel));
    if (!got) problems.push(`missing: ${f.rel}`);
    else if (got.size !== f.size) problems.push(`size of ${f.rel}: ${got.size} bytes, expected ${f.size}`);
  }
  for (const f of found.files) if (!want.has(relKey(p, f.rel))) problems.push(`not in the package: ${f.rel}`);
  const haveDirs = new Set(found.dirs.map((d) => relKey(p, d)));
  for (const d of expected.dirs) if (!haveDirs.has(relKey(p, d))) problems.push(`missing folder: ${d}`);
  if (found.files.length !== expected.files.length) problems.push(`${found.files.length} files, expected ${expected.files.length}`);
  if (found.bytes !== expected.bytes) problems.push(`${found.bytes} bytes, expected ${expected.bytes}`);
  fail(problems, target, 'does not match the package inventory');
  opts.log.info(`Verified ${found.files.length} files, ${found.bytes} bytes in ${target}`);

  let hashed = 0;
  if (opts.manifest) {
    const bad: string[] = [];
    await forEachLimit(opts.manifest.entries, opts.parallel, async (e) => {
      const file = fromRel(p, target, e.rel);
      let h: string;
      try {
        h = await hashFile(file);
      } catch (err) {
        bad.push(`cannot read ${e.rel}: ${(err as Error).message}`);
        return;
      }
      hashed++;
      if (h !== e.hash) bad.push(`SHA-256 of ${e.rel} is ${h}, manifest says ${e.hash}`);
    });
    bad.sort();
    fail(bad, target, `does not match the manifest ${opts.manifest.path}`);
    const listed = new Set(opts.manifest.entries.map((e) => relKey(p, e.rel)));
    const unlisted = expected.files.filter((f) => !listed.has(relKey(p, f.rel)) && relKey(p, f.rel) !== relKey(p, p.basename(opts.manifest!.path)));
    if (unlisted.length) opts.log.warn(`${unlisted.length} file(s) are not in the manifest (not checked by hash), first: ${unlisted[0]!.rel}`);
    opts.log.info(`Verified the SHA-256 of ${hashed} files against ${opts.manifest.path}`);
  }
  return { files: found.files.length, bytes: found.bytes, hashed };
}

function fail(problems: string[], target: string, what: string): void {
  if (!problems.length) return;
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  throw new ZtiError(ExitCode.VERIFY_FAILED, `${target} ${what}: ${shown}${more}. The launcher was not started.`, { path: target });
}
