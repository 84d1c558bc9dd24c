// `zticache util`: the command line's part of ZTICacheUtil.vbs's job. Connects through
// WbemScripting.SWbemLocator (the platform's COM automation), with WbemScripting.SWbemLastError for
// the provider's reason when a call fails; prints to the console as the script did (WScript.Echo);
// looks for zticache.exe in a package's source in a child process with a time limit (look.ts: a
// share that does not answer must hold neither the admin's prompt nor zticache's exit); and
// leaves every decision to util.ts.

import type { Args } from '../../cli/args.js';
import type { Runtime } from '../../cli/options.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import type { Platform } from '../../platform/platform.js';
import { findStagerInChild } from './look.js';
import { connectSms } from './site.js';
import { SOURCE_TIMEOUT_MS } from './source-check.js';
import { runUtil, utilUsage } from './util.js';

const usageBoth = (): never => {
  throw new ZtiError(ExitCode.USAGE, 'zticache util: /json or /csv, not both');
};

export async function utilCommand(args: Args, platform: Platform, out: (line: string) => void, rt: Pick<Runtime, 'execPath' | 'packaged' | 'scriptPath'>): Promise<void> {
  const create = platform.createObject;
  if (!create) throw new ZtiError(ExitCode.SMS_PROVIDER_UNAVAILABLE, 'zticache util speaks to the SMS provider through Windows (WMI): run it on Windows');
  const none = [args.server, args.package, args.program, args.advertisement, args.enable, args.collection].every((v) => v === undefined) && !args.readiness && !args.json;
  if (none) for (const line of utilUsage()) out(line);
  const self = rt.packaged ? [rt.execPath] : [rt.execPath, rt.scriptPath ?? ''];
  await runUtil(
    {
      server: args.server, package: args.package, program: args.program, advertisement: args.advertisement, enable: args.enable, force: args.force, whatIf: args.whatIf,
      readiness: args.readiness, checkAdvertisement: args.checkAdvertisement, collection: args.collection, scratchMb: args.scratchMb, bandwidthMbps: args.bandwidthMbps, workHours: args.workHours,
      format: args.json && args.csv ? usageBoth() : args.json ? 'json' : args.csv ? 'csv' : undefined,
    },
    {
      connect: (server) => connectSms(create('WbemScripting.SWbemLocator'), server, () => create('WbemScripting.SWbemLastError')),
      out,
      findStager: (folder) => findStagerInChild(self, folder, SOURCE_TIMEOUT_MS),
    },
  );
}
