// The OS program's command line, as zticache util may change it: what it runs (the program part,
// quoted or not, any folder and case), its arguments, and what enabling or disabling makes of it.
// zticache owns only command lines that run zticache.exe (or the original ZTICache.vbs): enabling
// leaves one that already runs zticache.exe exactly as it is (any folder, any case, its
// arguments: `ZTICACHE.EXE /status-mif:ZTICache.mif` is not rewritten, a Put_ that changed
// nothing zticache owns), moves osdlaunch.exe's arguments behind `--` (zticache passes them on),
// and disabling restores osdlaunch.exe with the arguments zticache passed on. What a disable
// cannot give back (ZTICache.vbs's `wscript //b ZTICache.vbs`, a folder before osdlaunch.exe) is
// told by undoes(): the undo of such a change names the command line to put back by hand. A
// program that runs neither is someone else's: it is changed only when the admin says so (/force).

export type Runs = 'zticache' | 'zticache-vbs' | 'osdlaunch' | 'other';

export interface CommandLine {
  /** the program part as written (quotes included) */
  program: string;
  /** the rest, as written, without the spaces that separate it */
  args: string;
  runs: Runs;
}

export function parseCommandLine(line: string): CommandLine {
  const s = line.trimStart();
  const m = s.startsWith('"') ? /^("[^"]*"?)\s*(.*)$/s.exec(s)! : /^(\S*)\s*(.*)$/s.exec(s)!;
  const program = m[1]!;
  const args = m[2]!.trimEnd();
  const base = program.replace(/"/g, '').split(/[\\/]/).pop()!.toLowerCase();
  const runs: Runs = base === 'zticache.exe' || base === 'zticache' ? 'zticache'
    : base === 'osdlaunch.exe' || base === 'osdlaunch' ? 'osdlaunch'
    : /(^|[\\/\s"])zticache\.vbs\b/i.test(s) ? 'zticache-vbs'
    : 'other';
  return { program, args, runs };
}

export const ENABLED_PROGRAM = 'zticache.exe';
export const DISABLED_PROGRAM = 'osdlaunch.exe';

/** What download and execute on (enable) or off makes of a command line: the new one, or undefined for one zticache does not own. */
export function rewriteCommandLine(line: string, enable: boolean): string | undefined {
  const c = parseCommandLine(line);
  const join = (program: string, args: string) => (args ? `${program} ${args}` : program);
  if (enable) {
    if (c.runs === 'zticache') return line;
    if (c.runs === 'osdlaunch') return join(ENABLED_PROGRAM, c.args ? `-- ${c.args}` : '');
    if (c.runs === 'zticache-vbs') return ENABLED_PROGRAM;
    return undefined;
  }
  if (c.runs === 'osdlaunch') return join(DISABLED_PROGRAM, c.args);
  if (c.runs === 'zticache') return join(DISABLED_PROGRAM, /(?:^|\s)--(?:\s+(.*))?$/s.exec(c.args)?.[1] ?? '');
  if (c.runs === 'zticache-vbs') return DISABLED_PROGRAM;
  return undefined;
}

/** What the forced change writes over a command line zticache does not own. */
export const forcedCommandLine = (enable: boolean): string => (enable ? ENABLED_PROGRAM : DISABLED_PROGRAM);

/** Whether the opposite /enable gives `before` back from `after`, exactly: the undo a command can promise. */
export const undoes = (before: string, after: string, enable: boolean): boolean => rewriteCommandLine(after, !enable) === before;
