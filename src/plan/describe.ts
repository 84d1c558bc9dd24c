// The plan in words, one line each, for the log and for --what-if: what will be staged from where
// to where (and by which names rules), how, why, with which free space, manifest and launcher.

import { formatBytes, formatCommandLine } from '../core/format.js';
import { KIND_NAMES } from './classify.js';
import type { Plan } from './plan.js';

export function describePlan(plan: Plan): string[] {
  const inv = plan.inventory;
  const lines = [
    `Source: ${plan.source} (${KIND_NAMES[plan.kind]}${plan.sourceOpened ? `; as opened: ${plan.sourceOpened}` : ''})`,
    `Target: ${plan.target} (${plan.names.description})`,
    `Package: ${inv.files.length} files, ${inv.dirs.length} folders, ${formatBytes(inv.bytes)} (${inv.bytes} bytes)`,
    `Action: ${plan.action === 'move' ? (plan.sameVolume ? 'move (same volume: rename, no bytes copied)' : 'move across volumes (copy, check, delete)') : plan.action}: ${plan.reason}`,
  ];
  if (plan.removeOldTarget) lines.push(`The existing ${plan.target} will be removed first (${plan.oldTarget?.why})`);
  if (plan.leftOut !== undefined) lines.push(`Not staged: ${plan.leftOut} (the running zticache, which nothing in the target needs; it stays in the source${plan.manifestListsExe ? '; its line in the manifest is not checked' : ''})`);
  if (plan.keep.length) lines.push(`Copied, not moved (they stay in the source too): ${plan.keep.join(', ')}`);
  if (plan.freeBytes !== undefined) lines.push(`Free space: ${formatBytes(plan.freeBytes)} for ${formatBytes(plan.neededBytes)} to copy`);
  lines.push(plan.manifest ? `Manifest: ${plan.manifest.path} (${plan.manifest.entries.length} files)` : 'Manifest: none (sizes are verified, not hashes)');
  lines.push(`Launcher: ${formatCommandLine(plan.launcher, plan.launchArgs)}`);
  return lines;
}
