// A command line split into arguments as the Microsoft C runtime splits it (node.exe's argv, and
// zticache.exe's), each with where it stands in the line. One reader for two questions: what
// zticache's parser gets from a line zticache util prints (undo.ts), and where in a program's
// command line an argument begins and ends (command-line.ts: the `--` that ends zticache's own
// options is the argument `--`, never the text " -- " inside a quoted value).
// The rules: blanks (space, tab) separate arguments outside quotes; 2n backslashes before a quote
// are n backslashes and the quote toggles quoting; 2n+1 are n and a literal quote; "" inside
// quotes is one quote; backslashes elsewhere are themselves.

export interface Argument {
  value: string;
  /** where the argument's text begins and ends in the line (end exclusive) */
  start: number;
  end: number;
}

const blank = (c: string | undefined) => c === ' ' || c === '\t';

export function splitWithPlaces(line: string): Argument[] {
  const args: Argument[] = [];
  let i = 0;
  for (;;) {
    while (blank(line[i])) i++;
    if (i >= line.length) return args;
    const start = i;
    let value = '';
    let quoted = false;
    for (;; i++) {
      let slashes = 0;
      while (line[i] === '\\') {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        value += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2) value += '"';
        else if (quoted && line[i + 1] === '"') value += line[++i]; // "" inside quotes: one quote
        else quoted = !quoted;
        continue;
      }
      value += '\\'.repeat(slashes);
      if (i >= line.length || (!quoted && blank(line[i]))) break;
      value += line[i];
    }
    args.push({ value, start, end: i });
  }
}

/** A command line split as the C runtime splits it (after the program name): the reader zticache.exe's argv comes from. */
export const splitCommandLine = (line: string): string[] => splitWithPlaces(line).map((a) => a.value);
