// Shared by the tests of zticache util's writes (issue 35): one OS package, its program and its advertisement in the
// in-memory site (test/helpers/sms-site.ts), and zticache util run against it as the exe runs it.
import { runUtil, type UtilOptions } from '../../src/commands/util/util.js';
import { ZtiError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { memorySite, type MemorySite } from './sms-site.js';

export const codeName = (c: number) => Object.entries(ExitCode).find(([, v]) => v === c)?.[0] ?? String(c);

export function xpSite(commandLine: string, flags: number): MemorySite {
  return memorySite({
    packages: [{ PackageID: 'XXX00001', Name: 'XP Master', PkgSourcePath: '\\\\srv\\pkgs\\xp', ImageFlags: 1, ActionInProgress: 0 }],
    programs: [{ PackageID: 'XXX00001', ProgramName: 'Install XP', CommandLine: commandLine, Comment: 'as set up', ActionInProgress: 0 }],
    adverts: [{ AdvertisementID: 'XXX20001', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: flags, Comment: 'as set up', ActionInProgress: 0 }],
  });
}

/** Runs zticache util; the exit code (0 or the error's) by name, the error's message, the console. */
export async function util(s: MemorySite, o: Partial<UtilOptions>, stager: boolean | string = true) {
  const out: string[] = [];
  try {
    await runUtil({ whatIf: false, ...o }, { connect: () => s, out: (l) => out.push(l), findStager: async () => stager });
    return { code: 'SUCCESS', msg: '', out: out.join('\n') };
  } catch (e) {
    return { code: e instanceof ZtiError ? codeName(e.exitCode) : `not a ZtiError: ${String(e)}`, msg: (e as Error).message, out: out.join('\n') };
  }
}

/** The records as a plain copy, to compare the site before and after. */
export const snapshot = (s: MemorySite) => JSON.parse(JSON.stringify({ packages: s.packages, programs: s.programs, adverts: s.adverts }));
