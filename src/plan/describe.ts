// The plan in words, one line each, for the log and for --what-if: where this runs (Node, memory,
// the names rules of the target), what will be staged from where to where, how and why (said once),
// with which free space, manifest and launcher.

import { formatBytes, formatCommandLine, plural } from '../core/format.js';
import { KIND_NAMES } from './classify.js';
import type { Plan } from './plan.js';

export function describePlan(plan: Plan): string[] {
  const inv = plan.inventory;
  const lines = [
    `Source: ${plan.source} (${KIND_NAMES[plan.kind]}${plan.sourceOpened ? `; as opened: ${plan.sourceOpened}` : ''})`,
    `Target: ${plan.target}`,
    `Package: ${plural(inv.files.length, 'file')}, ${plural(inv.dirs.length, 'folder')}, ${formatBytes(inv.bytes)} (${plural(inv.bytes, 'byte')})`,
    actionLine(plan),
  ];
  if (plan.removeOldTarget) lines.push(`The existing ${plan.target} will be removed first (${plan.oldTarget?.why})`);
  if (plan.leftOut !== undefined) lines.push(`Not moved: ${plan.leftOut} (the running zticache; it stays in the source, and after the staging a hard link to it, or a copy on another volume, is put beside the package for a custom action that lists it${plan.manifestListsExe ? '; checked against its line in the manifest' : ''})`);
  if (plan.keep.length) lines.push(`Copied, not moved (they stay in the source too): ${plan.keep.join(', ')}`);
  if (plan.freeBytes !== undefined) lines.push(`Free space: ${formatBytes(plan.freeBytes)} for ${formatBytes(plan.neededBytes)} to copy`);
  lines.push(plan.manifest ? `Manifest: ${plan.manifest.path} (${plural(plan.manifest.entries.length, 'file')})` : 'Manifest: none (sizes are verified, not hashes)');
  lines.push(`Launcher: ${formatCommandLine(plan.launcher, plan.launchArgs)}`);
  return lines;
}

/**
 * What will be done and why, said once: "Action: move (the source is on a local fixed drive; same
 * volume: renamed, no bytes copied)"; a rerun's "Action: none: already staged by an earlier run ...".
 */
function actionLine(plan: Plan): string {
  if (plan.action === 'none') return `Action: none: ${plan.reason}`;
  const how = plan.action === 'copy' ? '' : plan.sameVolume ? '; same volume: renamed, no bytes copied' : '; across volumes: copied, checked, then deleted from the source';
  return `Action: ${plan.action} (${plan.reason}${how})`;
}

/**
 * Where this run runs, in a line of its own: Node, the system, the memory settings it was started
 * with (the exe's are built in), and how names are compared on the target.
 */
export function describeEnvironment(plan: Pick<Plan, 'names'>, proc: Pick<NodeJS.Process, 'version' | 'platform' | 'arch' | 'execArgv'> = process): string {
  const memory = proc.execArgv.length ? proc.execArgv.join(' ') : "Node's defaults";
  return `Environment: Node.js ${proc.version} on ${proc.platform} ${proc.arch}; memory settings: ${memory}; names: ${plan.names.description}`;
}
