// Numbers as an admin reads them in the log: sizes in binary units, durations as m:ss or h:mm:ss,
// exit codes in decimal and hex. Shared by every step, so it depends on nothing.

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
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
