// The command line: argv -> Args, then the command: help and version here; staging, manifest,
// util and cache-size each in src/commands/, side by side. With bin.ts (which hands it argv and the
// process's Runtime) and options.ts (defaults from the environment), the only code that reads argv
// or the environment.

import { OPTIONS, optionSpelling, parseArgsLeniently, USAGE_LINES, type Args } from './cli/args.js';
import { exitCodeTable } from './core/exit-codes.js';
import type { Runtime } from './cli/options.js';
import { armFaultPoints } from './core/fault-points.js';
import { VERSION } from './core/version.js';
import { stageCommand } from './commands/stage/command.js';
import { manifestCommand } from './commands/manifest/command.js';
import { managementCommand } from './commands/console.js';
import { selftestChild, selftestCommand } from './commands/selftest/command.js';
import { checkCommand } from './commands/check/command.js';
import { LOOK_COMMAND, lookChild } from './commands/util/look.js';
import { printFailureJson } from './commands/json-failure.js';
import { createLog } from './log/logger.js';
import { report } from './commands/failure.js';

export { VERSION };


export function helpText(): string {
  const plain = (t: string) => t.replace(/`/g, '');
  // the column as wide as the longest spelling and two spaces: no option runs into its description
  const column = Math.max(...OPTIONS.map((o) => optionSpelling(o).length)) + 2;
  const options = OPTIONS.map((o) => {
    const spelled = optionSpelling(o);
    const dflt = o.default ? ` (default: ${plain(o.default)})` : '';
    return `  ${spelled.padEnd(column)}${plain(o.help)}${dflt}`;
  }).join('\n');
  const width = Math.max(...exitCodeTable.map((c) => c.name.length)) + 2; // the longest name and two spaces
  const codes = exitCodeTable.map((c) => `  ${String(c.code).padStart(9)}  ${c.name.padEnd(width)}${c.meaning}`).join('\n');
  return `zticache ${VERSION} - stage a pre-cached OS package into C:\\MININT\\PackageSource and run OSDLaunch.exe

Usage:
${USAGE_LINES.map((l) => `  ${l}`).join('\n')}

With no options (the OSD program command line): source = the folder of zticache.exe,
target = %SystemDrive%\\MININT\\PackageSource, launcher = OSDLaunch.exe in the target.

Options (also accepted as --name=value and /name:value):
${options}

Exit codes:
${codes}
`;
}

export async function main(argv: readonly string[], rt: Runtime): Promise<number> {
  const stdout = (s: string) => void process.stdout.write(s);
  // the children zticache selftest starts (a cleanup like OSDLaunch's, a given exit code): not a command of its own
  if (argv[0] === 'selftest-child') return selftestChild(argv.slice(1));
  // zticache util's look at a package source, in a child nothing waits for (commands/util/look.ts)
  if (argv[0] === LOOK_COMMAND) return lookChild(argv.slice(1), (s) => new Promise((done) => void process.stdout.write(s, () => done())));
  // a refused command line is still read as far as it goes: its command, --json, --state-dir
  const { args: read, error: argsError } = parseArgsLeniently(argv);
  const args: Args | undefined = argsError === undefined ? read : undefined;
  armFaultPoints(rt.env); // a no-op in every bundle but the crash suite's (fault-points.ts)
  if (argsError !== undefined && read.json && (read.command === 'util' || read.command === 'selftest')) {
    // --json: standard output is one JSON document, a refused command line's too; the line to stderr
    const log = createLog({ stdout: process.stderr });
    const code = report(argsError, log);
    log.close();
    await printFailureJson(read.command, argsError);
    return code;
  }
  if (args?.command === 'help') {
    stdout(helpText());
    return 0;
  }
  if (args?.command === 'version') {
    stdout(`zticache ${VERSION}\n`);
    return 0;
  }
  if (args?.command === 'manifest') return manifestCommand(args, rt);
  if (args?.command === 'util' || args?.command === 'cache-size') return managementCommand(args, rt);
  if (args?.command === 'selftest') return selftestCommand(args, rt);
  if (args?.command === 'check') return checkCommand(args, rt);

  return stageCommand(argv, args, argsError, rt, read);
}

export async function isPackaged(): Promise<boolean> {
  try {
    const sea = await import('node:sea');
    return sea.isSea();
  } catch {
    return false;
  }
}

export async function runtime(): Promise<Runtime> {
  return { platform: process.platform, env: process.env, execPath: process.execPath, packaged: await isPackaged(), cwd: process.cwd(), scriptPath: process.argv[1], version: VERSION };
}


