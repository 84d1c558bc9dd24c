// The readiness report in the three forms an admin asks for: lines for the console, one JSON
// document (--json) for a script, and CSV (--csv) for a spreadsheet: one row a client of the
// collection, at risk or not, so a filter or a pivot table gives any count. A cell that a
// spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return first: a check's
// result and a computer's name are text a client wrote) starts with an apostrophe.

import type { Readiness } from './readiness.js';
import { jsonHeader, type SmsSite } from './site.js';
import { showSpan } from './wmi-time.js';

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(1, n - s.length));

export function readinessLines(r: Readiness): string[] {
  const lines: string[] = [];
  lines.push(`Readiness of advertisement ${r.advertisementId} (package ${r.packageId}, program ${r.program}) for collection ${r.collection.id}${r.collection.name ? ` "${r.collection.name}"` : ''}: ${r.collection.members} clients.`);
  if (r.mandatory === undefined) lines.push('Mandatory time: none.');
  else lines.push(`Mandatory time: ${r.schedule[0]!.lines.find((l) => l.startsWith('Mandatory time:'))!.replace(/^Mandatory time:\s*/, '')}; ${r.leftMs! >= 0 ? `${showSpan(r.leftMs!)} left` : `passed ${showSpan(r.leftMs!)} ago`}.`);
  lines.push(`Advertisement ${r.advertisementId}, clients by last state:`);
  for (const [state, n] of Object.entries(r.states)) lines.push(`  ${pad(state, 30)}${n}`);
  if (r.checks) {
    lines.push(`Check advertisement ${r.checkAdvertisementId}, clients by result:`);
    for (const [reason, n] of Object.entries(r.checks).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`  ${pad(reason, 30)}${n}`);
  } else {
    lines.push('No check advertisement given: "download complete" is the client\'s word that it holds the files, not that they are intact (/check-advertisement:ID reads what zticache check found).');
  }
  for (const s of r.schedule) {
    lines.push(`Schedule of advertisement ${s.advertisementId}:`);
    for (const l of s.lines) lines.push(`  ${l}`);
    for (const w of s.warnings) lines.push(`  Warning: ${w.text}`);
  }
  for (const n of r.notes) lines.push(`Note: ${n}.`);
  lines.push(`At risk: ${r.atRisk.length} of ${r.collection.members} clients${r.atRisk.length ? ':' : '.'}`);
  for (const c of r.atRisk) lines.push(`  ${pad(c.name || `(resource ${c.resourceId})`, 20)}${c.reason}`);
  return lines;
}

/** The counts, the schedule, the clients at risk (the console's list) and every client (the CSV's rows): a script needs no second run. */
export function readinessJson(r: Readiness, site?: Pick<SmsSite, 'provider' | 'siteCode'>): string {
  return JSON.stringify({ ...(site ? jsonHeader(site, 'util /readiness') : {}), ...r, schedule: r.schedule.map(({ lines: _lines, ...s }) => s) }, null, 2);
}

const cell = (v: string | number | boolean | undefined): string => {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function readinessCsv(r: Readiness): string[] {
  const rows = [['Name', 'ResourceID', 'Collection', 'Advertisement', 'Last state', 'Check', 'At risk', 'Reason'].join(',')];
  for (const c of r.clients) rows.push([c.name, c.resourceId, r.collection.id, r.advertisementId, c.state, c.check, c.atRisk ? 'yes' : 'no', c.reason].map(cell).join(','));
  return rows;
}
