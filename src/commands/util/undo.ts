// The command that undoes what zticache util wrote, as a line an admin pastes at cmd.exe's prompt,
// proven to say what it means before it is printed. Quoting "when the value holds a space" is not
// enough on Windows: the C runtime that splits a command line into argv (node.exe's too) reads a
// backslash right before a quote as an escape, so `/program:"Deploy XP\"` swallows the rest of
// the line, and a quote inside a name ends the value. Here each value is quoted by those rules
// (backslashes doubled only before a quote, a quote as \"), cmd.exe's own metacharacters get a
// caret where cmd.exe sees them unquoted (it toggles at every quote and knows no backslash), and
// the line is then read back through cmd.exe's carets, the C runtime's rules and zticache's own
// parser (parseArgs): only a line that gives back every value exactly is printed. A name no line
// can carry (a quote followed by a switch, which parseArgs refuses as a mistyped trailing
// backslash) gets none, and the message says so. cmd.exe expands %NAME% of a defined variable at
// its prompt, in quotes too: so in a value holding %, every part between the % is quoted and each
// % stands between two quoted parts (`/program:"XP "%"PATH"%" build"`): every name cmd.exe could
// look up then begins with a quote, which no variable's does, and the C runtime joins the parts
// into one argument. A caret does not do it: Wine's cmd.exe (which the suite runs) takes carets
// away before it expands, so `^%OS^%` became Windows_NT there. fromCmd() refuses a line where a %
// pair could still name a variable. The line is for the prompt: a batch file reads % differently
// (%% there), and zticache util says so where a line holds one.

import { parseArgs } from '../../cli/args.js';
import { splitCommandLine } from './argv.js';

export { splitCommandLine } from './argv.js';

/** One argument as the C runtime splits it back: quoted when it holds a blank or a quote, or is empty (or always). */
export function quoteArgument(value: string, always = false): string {
  if (!always && value !== '' && !/[\s"]/.test(value)) return value;
  let out = '"';
  let slashes = 0;
  for (const ch of value) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    // backslashes before a quote are escapes: double them, and escape the quote
    out += ch === '"' ? '\\'.repeat(slashes * 2 + 1) + '"' : '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  // and before the closing quote
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}

/**
 * One argument for the C runtime in which cmd.exe expands nothing: where it holds %, each part
 * between them quoted (an empty one as ""), joined by bare %, which the C runtime reads as one
 * argument; so a quote follows every %.
 */
export function quoteKeepingPercent(value: string): string {
  if (!value.includes('%')) return quoteArgument(value);
  return value.split('%').map((part) => quoteArgument(part, true)).join('%');
}

const CMD_SPECIAL = new Set(['&', '|', '<', '>', '^']);

/** The line as cmd.exe must be given it: a caret before each metacharacter cmd.exe sees outside its quotes. */
export function forCmd(line: string): string {
  let quoted = false;
  let out = '';
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    out += !quoted && CMD_SPECIAL.has(ch) ? `^${ch}` : ch;
  }
  return out;
}

/**
 * What cmd.exe hands the program: its carets outside quotes taken away. A line in which cmd.exe
 * could expand a variable (two % with a name between that does not begin with a quote) is refused:
 * what it hands on depends on the environment.
 */
export function fromCmd(line: string): string {
  const percents = [...line.matchAll(/%/g)].map((m) => m.index);
  for (let i = 1; i < percents.length; i++) {
    const name = line.slice(percents[i - 1]! + 1, percents[i]);
    if (!name.startsWith('"')) throw new Error(`cmd.exe may expand %${name}% in ${line}`);
  }
  let quoted = false;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '^' && i + 1 < line.length) {
      out += line[++i]!;
      continue;
    }
    out += ch;
  }
  return out;
}

export interface UtilCall {
  server?: string;
  package?: string;
  program?: string;
  advertisement?: string;
  enable: boolean;
}

/**
 * `zticache util /server:... /package:... /program:... /enable:false` for cmd.exe, or undefined
 * when no line gives these values back through cmd.exe, the C runtime and zticache's parser.
 */
export function utilCommandLine(call: UtilCall): string | undefined {
  const tokens = ['util'];
  for (const name of ['server', 'advertisement', 'package', 'program'] as const) {
    const v = call[name];
    if (v !== undefined) tokens.push(`/${name}:${quoteKeepingPercent(v)}`);
  }
  tokens.push(`/enable:${call.enable}`);
  const line = `zticache ${forCmd(tokens.join(' '))}`;
  let back: ReturnType<typeof parseArgs>;
  try {
    back = parseArgs(splitCommandLine(fromCmd(line)).slice(1)); // fromCmd refuses a line cmd.exe may expand
  } catch {
    return undefined;
  }
  const same = back.command === 'util' && back.enable === call.enable
    && (['server', 'advertisement', 'package', 'program'] as const).every((k) => back[k] === call[k]);
  return same ? line : undefined;
}

/** Said beside an undo whose line holds a % written as ^%: it is for the prompt, not a batch file. */
export const PERCENT_NOTE = 'Note: the undo line below quotes the parts of a name between its % signs ("XP "%"PATH"%" build"), so that cmd.exe does not expand them: paste it at a cmd.exe prompt as it is; in a batch file write each % as %%.';
