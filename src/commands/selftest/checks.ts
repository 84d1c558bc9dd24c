// zticache selftest's judgments: each check's evidence in, PASS / FAIL / SKIP and the words out.
// Kept apart from the probes that gather the evidence (command.ts, and the platform's selftest
// probes), so that every judgment can be tested over made-up evidence: each FAILs when its
// evidence is wrong (a held file deleted, a link followed, a wider DACL, an event not found), and
// every SKIP says why.

import os from 'node:os';
import { codeInfo } from '../../core/exit-codes.js';
import { plural } from '../../core/format.js';
import { VERSION } from '../../core/version.js';
import { daclInWords, rightsInWords, TRUSTEES } from '../../core/sddl.js';

export type Status = 'PASS' | 'FAIL' | 'SKIP';

export interface Result {
  check: string;
  status: Status;
  evidence: string;
}

export type Verdict = Omit<Result, 'check'>;

export const pass = (evidence: string): Verdict => ({ status: 'PASS', evidence });
export const fail = (evidence: string): Verdict => ({ status: 'FAIL', evidence });
export const skip = (why: string): Verdict => ({ status: 'SKIP', evidence: why });

/** The guard: a cleanup like OSDLaunch's deletes nothing held, and, released, everything. */
export function judgeGuard(f: { held: number; deletedWhileHeld: readonly string[]; leftAfterRelease: readonly string[] }): Verdict {
  if (f.held === 0) return fail('nothing was held: the guard held no file of the staged package');
  if (f.deletedWhileHeld.length) return fail(`the cleanup deleted ${plural(f.deletedWhileHeld.length, 'held file or folder', 'held files and folders')}, first ${f.deletedWhileHeld[0]}: the guard does not protect the package here`);
  if (f.leftAfterRelease.length) return fail(`released, the cleanup still could not delete ${f.leftAfterRelease[0]}: something else holds it, so the check cannot tell the guard's hold from it`);
  return pass(`${f.held} files and folders held: the cleanup deleted none of them; released, it deleted them all`);
}

/** A link or junction planted where a standard user could plant one: refused as itself, never followed. */
export function judgeLink(kind: 'junction' | 'symbolic link', outcome: { made: false; why: string } | { made: true; refused: boolean; how: string }): Verdict {
  if (!outcome.made) return skip(`cannot make a ${kind} here: ${outcome.why}`);
  return outcome.refused ? pass(`a ${kind} in the sandbox's MININT was refused, not followed: ${outcome.how}`) : fail(`a ${kind} in the sandbox's MININT was followed: ${outcome.how}`);
}

/** Rights in an SDDL ACE that write, delete or change (anything beyond FILE_GENERIC_READ | FILE_GENERIC_EXECUTE). */
const READ_ONLY = new Set(['FR', 'FX', 'GR', 'GX', '0x1200a9', '0x120089', '0x1200a0']);
/** Users and everyone who is not SYSTEM or an administrator */
const OTHERS = new Set(['BU', 'WD', 'AU', 'IU', 'BG', 'AN', 'NU']);

/**
 * The DACL of a folder zticache creates, read back from it: no allow ACE gives Users (or Everyone,
 * Authenticated Users, Interactive, Guests, Anonymous) more than read and execute.
 */
export function judgeDacl(folder: string, sddl: string): Verdict {
  if (!sddl.startsWith('D:')) return fail(`${folder}: no DACL could be read back (${sddl})`);
  const aces = [...sddl.matchAll(/\(([A-Z]+);([A-Z]*);([^;]*);[^;]*;[^;]*;([^)]+)\)/g)];
  const wide = aces.filter(([, type, , rights, who]) => type === 'A' && OTHERS.has(who!) && !READ_ONLY.has(rights!));
  if (wide.length) return fail(`${folder}: ${wide.map((a) => `${TRUSTEES[a[4]!] ?? a[4]} with ${rightsInWords(a[3]!)}`).join(', ')} lets users change what zticache keeps there: ${daclInWords(sddl)}`);
  return pass(`${folder}: users may read at most: ${daclInWords(sddl)}`);
}

/** POSIX permission bits as who may do what: "its owner may change it, others may read (mode 755)". */
export function modeInWords(mode: number): string {
  const others = mode & 0o077;
  const rest = others === 0 ? 'nobody else may open it' : others & 0o022 ? 'others may change it too' : others & 0o044 ? 'others may read' : 'others may pass through';
  return `its owner may change it, ${rest} (mode ${(mode & 0o777).toString(8)})`;
}

/**
 * The names of the system volume: 8.3 aliases made or not, names compared without case or not;
 * and the plan as the volume: two names that differ only in case refused where the volume folds
 * case (kept apart where it does not), and a name shaped like another's alias refused where the
 * volume makes aliases.
 */
export function judgeNames(f: { alias?: string; caseless: boolean; caseAsTheVolume: boolean; aliasRefused?: boolean }): Verdict {
  const facts = `${f.alias ? `8.3 aliases are made (a long name got ${f.alias})` : 'no 8.3 aliases are made'}; names are compared ${f.caseless ? 'without' : 'with'} case`;
  if (!f.caseAsTheVolume) return fail(`${facts}; but the plan ${f.caseless ? 'let two names that are one name here through' : 'refused two names the volume keeps apart'}`);
  if (f.alias && f.aliasRefused !== true) return fail(`${facts}; but the plan let a file named like another's alias through`);
  return pass(`${facts}; the plan ${f.caseless ? 'refuses two names that differ only in case' : 'keeps names that differ only in case apart, as the volume does'}${f.alias ? ', and a name shaped like another\'s alias,' : ''} before any change`);
}

/** One Information event written as zticache writes them, and read back from the Application log by its record. */
export function judgeEvent(f: { written: boolean; readBack: { record: number; id: number; type: number; source: string } | 'none' | { skip: string } }, source: string): Verdict {
  if (!f.written) return fail(`the event log refused the test event (source ${source})`);
  if (typeof f.readBack === 'object' && 'skip' in f.readBack) return skip(f.readBack.skip);
  if (f.readBack === 'none') return fail(`the test event was written but is not in the Application log (source ${source})`);
  const r = f.readBack;
  if (r.source !== source || r.id !== r.type) return fail(`record ${r.record} came back as source ${r.source}, ID ${r.id}, type ${r.type}`);
  return pass(`record ${r.record} of the Application log: source ${r.source}, event ID ${r.id} = type ${r.type}`);
}

/** Exit codes a check expects or meets, in words: an NTSTATUS in hex with its name, a launcher's success with its meaning. */
const CODE_WORDS: ReadonlyMap<number, string> = new Map([
  [0xc0000005, 'access violation'],
  [0xc000013a, 'stopped by Ctrl+C'],
  [3010, 'success, a restart is required'],
]);

/** 3221225477 -> "0xC0000005 (access violation)"; 3010 -> "3010 (success, a restart is required)"; 7 -> "7". */
export function codeInWords(code: number): string {
  const shown = code >= 0x80000000 ? `0x${code.toString(16).toUpperCase().padStart(8, '0')}` : String(code);
  const words = CODE_WORDS.get(code);
  return words ? `${shown} (${words})` : shown;
}

/** zticache started by itself in each way the SMS client may start it: every child finishes, and its full 32-bit exit code comes back. */
export function judgeStart(runs: ReadonlyArray<{ how: string; code?: number; want: number; error?: string }>): Verdict {
  const wrong = runs.find((r) => r.error !== undefined || r.code !== r.want);
  if (wrong) return fail(`started ${wrong.how}: ${wrong.error ?? `returned ${codeInWords(wrong.code!)}, not the ${codeInWords(wrong.want)} it was told to return`}`);
  return pass(runs.map((r) => `${r.how}: returned ${codeInWords(r.code!)} as expected`).join('; '));
}

/** Whether a package of `mb` MB fits: in the client cache, and on PackageSource's volume (both in bytes). */
export function judgeFits(mb: number | undefined, room: { cacheTotal?: number; cacheFree?: number; targetFree: number }): Verdict {
  const bytes = (mb ?? 0) * 1024 * 1024;
  const mbOf = (b: number) => `${Math.floor(b / 1048576)} MB`;
  if (mb === undefined) return pass(`PackageSource's volume has ${mbOf(room.targetFree)} free${room.cacheTotal === undefined ? '' : `; the client cache is ${mbOf(room.cacheTotal)}`} (give --package-size to check a package)`);
  const problems: string[] = [];
  if (room.cacheTotal !== undefined && bytes > room.cacheTotal) problems.push(`larger than the client cache (${mbOf(room.cacheTotal)})`);
  if (bytes > room.targetFree) problems.push(`more than PackageSource's volume has free (${mbOf(room.targetFree)})`);
  if (problems.length) return fail(`a ${mb} MB package is ${problems.join(', and ')}`);
  return pass(`a ${mb} MB package fits${room.cacheTotal === undefined ? '' : ` the client cache (${mbOf(room.cacheTotal)})`} and PackageSource's volume (${mbOf(room.targetFree)} free)`);
}

/** The table, as the console and the log show it: check, status, evidence. */
export function resultTable(results: readonly Result[]): string[] {
  const width = Math.max(5, ...results.map((r) => r.check.length));
  return [`${'check'.padEnd(width)}  status  evidence`, ...results.map((r) => `${r.check.padEnd(width)}  ${r.status.padEnd(6)}  ${r.evidence}`)];
}

/**
 * `zticache selftest --json`: what the table says, for a script: every check in the table's order
 * with its status and evidence, the counts, the exit code and its name, and the first failure.
 */
export function resultJson(results: readonly Result[], exitCode: number, sandbox: string) {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  const first = firstFailure(results);
  return {
    tool: 'zticache' as const, command: 'selftest' as const, version: VERSION, computer: os.hostname(), sandbox,
    exitCode, name: codeInfo(exitCode)?.name ?? (exitCode === 0 ? 'SUCCESS' : null), pass: count('PASS'), fail: count('FAIL'), skip: count('SKIP'),
    firstFailure: first ? { check: first.check, evidence: first.evidence } : null,
    checks: results.map(({ check, status, evidence }) => ({ check, status, evidence })),
  };
}

/** The first failure, for the exit code and the status MIF; undefined when nothing failed. */
export const firstFailure = (results: readonly Result[]): Result | undefined => results.find((r) => r.status === 'FAIL');
