// Whether zticache.exe is in a package source, looked at in a child process (`zticache util-look
// FOLDER`, not for admins) that nothing waits for. A share that does not answer blocks the
// file-system call that asks it, in the kernel. A timer around an in-process fs.stat (the first
// port) said "did not answer within 10 s" on time, but the stat kept one of libuv's threads, and
// Node's exit joins them: zticache.exe ran on until the share gave up (121 s and more), and so
// did a console or script waiting for its exit code. A worker thread is joined the same way. So
// this process never touches the share: the child looks and prints its answer; at the time limit
// it is killed and left behind (a process stuck in the redirector ends when its call does), and
// the command goes on without it. The child is given no handle of ours but its own pipe.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { errnoOf } from '../../core/errors.js';

/** The child's command: `zticache util-look FOLDER`. */
export const LOOK_COMMAND = 'util-look';

/** zticache.exe in folder: true or false, or why that cannot be told (the folder out of reach). */
export async function lookForStager(folder: string): Promise<boolean | string> {
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
}

/** The child: looks, prints its answer as one line of JSON (written out before it exits), exits 0 (or 2 without one folder). */
export async function lookChild(argv: readonly string[], write: (text: string) => Promise<void>): Promise<number> {
  if (argv.length !== 1) return 2;
  await write(`${JSON.stringify({ answer: await lookForStager(argv[0]!) })}\n`);
  return 0;
}

/**
 * Runs `self util-look folder` (self: zticache.exe, or node and the script) and gives its answer,
 * or, after ms, why there is none; the child is then killed and never waited for.
 */
export function findStagerInChild(self: readonly string[], folder: string, ms: number): Promise<boolean | string> {
  return new Promise((resolve) => {
    let out = '';
    // no console window; no handle of ours but the child's own pipe
    const child = spawn(self[0]!, [...self.slice(1), LOOK_COMMAND, folder], { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
    // the first answer counts (a promise settles once): the child's, or the time limit's
    const settle = (answer: boolean | string) => {
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      settle(`${folder} did not answer within ${ms / 1000} s`);
      child.stdout!.destroy();
      child.kill();
      child.unref();
    }, ms);
    child.stdout!.on('data', (chunk: Buffer) => void (out += chunk.toString('utf8')));
    child.on('error', (err) => settle(`the look at ${folder} could not be started (${errnoOf(err) ?? err.message})`));
    child.on('close', (code) => {
      try {
        const answer = (JSON.parse(out) as { answer?: unknown }).answer;
        if (typeof answer === 'boolean' || typeof answer === 'string') return settle(answer);
      } catch {
        /* no answer: said below */
      }
      settle(`the look at ${folder} ended without an answer (exit code ${code})`);
    });
  });
}
