// `zticache util`: the command line's part of ZTICacheUtil.vbs's job. Connects through
// WbemScripting.SWbemLocator (the platform's COM automation), prints to the console as the script
// did (WScript.Echo), and leaves every decision to util.ts.

import fs from 'node:fs';
import path from 'node:path';
import type { Args } from '../../args.js';
import { ExitCode } from '../../exit-codes.js';
import { ZtiError } from '../../errors.js';
import type { Platform } from '../../platform.js';
import { connectSms } from './site.js';
import { runUtil, utilUsage } from './util.js';

export function utilCommand(args: Args, platform: Platform, out: (line: string) => void): void {
  const create = platform.createObject;
  if (!create) throw new ZtiError(ExitCode.SMS_PROVIDER_UNAVAILABLE, 'zticache util speaks to the SMS provider through Windows (WMI): run it on Windows');
  const none = [args.server, args.package, args.program, args.advertisement, args.enable].every((v) => v === undefined);
  if (none) for (const line of utilUsage()) out(line);
  runUtil(
    { server: args.server, package: args.package, program: args.program, advertisement: args.advertisement, enable: args.enable, whatIf: args.whatIf },
    {
      connect: (server) => connectSms(create('WbemScripting.SWbemLocator'), server),
      out,
      hasStager: (source) => {
        try {
          return fs.statSync(path.win32.join(source, 'zticache.exe')).isFile();
        } catch {
          return undefined; // not reachable from here: nothing to say
        }
      },
    },
  );
}
