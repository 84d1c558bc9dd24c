// Numbers as an admin reads them in the log: sizes in binary units, durations as m:ss or h:mm:ss,
// exit codes in decimal and hex. Shared by every step, so it depends on nothing.

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  // precision and unit from the value as it will be shown: 9.999 KB is "10.0 KB", not "10.00 KB",
  // and 1023.96 KB is "1.00 MB", never "1024.0 KB"
  const shown = (v: number) => v.toFixed(v < 9.995 ? 2 : 1);
  let v = n / 1024;
  let i = 0;
  while (Number(shown(v)) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${shown(v)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** 3010 -> "3010 (0x00000BC2)" */
export function formatCode(code: number): string {
  return `${code} (0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')})`;
}

/**
 * One argument as a Windows command line carries it (the rules CommandLineToArgvW and the C
 * runtime parse by): quoted when empty or holding a space, tab or quote; backslashes doubled only
 * before a quote. So the log shows the launcher's command line as OSDLaunch.exe will read it.
 */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    out += '\\'.repeat(ch === '"' ? slashes * 2 + 1 : slashes) + ch;
    slashes = 0;
  }
  return out + '\\'.repeat(slashes * 2) + '"';
}

/** A command line for the log: the program and its arguments, each quoted as Windows would parse it. */
export function formatCommandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(quoteWindowsArg).join(' ');
}

/**
 * Text that came from outside (a file name, a manifest line) as every reader of a log line must
 * see it: control characters (C0, DEL, C1), the Unicode line and paragraph separators and the
 * bidirectional overrides shown as \uXXXX, never written raw. A lone CR in a file name would
 * otherwise end a line for PowerShell's Get-Content, .NET's ReadLine and Notepad, and start a
 * forged entry there; an override would show a name backwards.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A count and its noun, as an admin reads it: "1 file", "5 files", "0 folders" (plural: the irregular form). */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
