// `zticache util`: the command line's part of ZTICacheUtil.vbs's job. Connects through
// WbemScripting.SWbemLocator (the platform's COM automation), prints to the console as the script
// did (WScript.Echo), looks for zticache.exe in a package's source with a time limit (a share that
// does not answer must not hang the admin's prompt), and leaves every decision to util.ts.

import fs from 'node:fs';
import path from 'node:path';
import type { Args } from '../../cli/args.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError, errnoOf } from '../../core/errors.js';
import type { Platform } from '../../platform/platform.js';
import { connectSms } from './site.js';
import { SOURCE_TIMEOUT_MS } from './source-check.js';
import { runUtil, utilUsage } from './util.js';

export async function utilCommand(args: Args, platform: Platform, out: (line: string) => void): Promise<void> {
  const create = platform.createObject;
  if (!create) throw new ZtiError(ExitCode.SMS_PROVIDER_UNAVAILABLE, 'zticache util speaks to the SMS provider through Windows (WMI): run it on Windows');
  const none = [args.server, args.package, args.program, args.advertisement, args.enable].every((v) => v === undefined);
  if (none) for (const line of utilUsage()) out(line);
  await runUtil(
    { server: args.server, package: args.package, program: args.program, advertisement: args.advertisement, enable: args.enable, force: args.force, whatIf: args.whatIf },
    { connect: (server) => connectSms(create('WbemScripting.SWbemLocator'), server), out, findStager: (folder) => findStager(folder, SOURCE_TIMEOUT_MS) },
  );
}

/** zticache.exe in folder: true or false, or why that cannot be told (the folder out of reach, no answer within ms). */
export async function findStager(folder: string, ms: number): Promise<boolean | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${folder} did not answer within ${ms / 1000} s`), ms);
  });
  const look = (async (): Promise<boolean | string> => {
    try {
      return (await fs.promises.stat(path.join(folder, 'zticache.exe'))).isFile();
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') return `${folder} cannot be read (${errnoOf(err) ?? (err as Error).message})`;
    }
    try {
      return (await fs.promises.stat(folder)).isDirectory() ? false : `${folder} is not a folder`;
    } catch (err) {
      return `${folder} cannot be reached (${errnoOf(err) ?? (err as Error).message})`;
    }
  })();
  try {
    return await Promise.race([look, late]);
  } finally {
    clearTimeout(timer);
  }
}
