// A WMI date and time (CIM_DATETIME, "yyyymmddHHMMSS.mmmmmmsUUU") as the SMS provider writes an
// advertisement's times, read in one place. The SMS way differs from plain WMI: an offset of
// "***" with IsGMT false (the console's default) is not "unknown", it is each client's own local
// time: 10:00 means 10:00 wherever a client is. zticache keeps such a time's wall clock as
// written (shown, and spans measured, wall clock to wall clock, so a time in this computer's DST
// gap is not moved an hour) and, for the time left, reads it as this computer's local time (the
// admin's view of the clients' wall clock); a time with IsGMT true or a
// numeric offset as the absolute time it names. The work-hours check reads the wall clock of the
// first kind, which is what the clients will see.

export interface WmiTime {
  /** the instant, this computer's local time where the value is each client's local time */
  at: Date;
  /** true: the time is each client's own local time (no offset, IsGMT false) */
  clientLocal: boolean;
  /**
   * clientLocal only: the wall clock as written, held in a Date's UTC fields (read with getUTC*),
   * so it is shown and measured as written: `at` moves a time in this computer's DST gap an hour
   */
  wall?: Date;
}

/** "20261208100000.000000+***" -> the time; undefined for an empty or malformed value. */
export function parseWmiTime(value: unknown, isGmt = false): WmiTime | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\.\d{6}([+-])(\d{3}|\*{3})$/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  if (m[8] === '***' && !isGmt) return { at: new Date(y, mo - 1, d, h, mi, s), clientLocal: true, wall: new Date(Date.UTC(y, mo - 1, d, h, mi, s)) };
  const offset = m[8] === '***' ? 0 : Number(m[8]) * (m[7] === '-' ? -1 : 1);
  return { at: new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000), clientLocal: false };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** "Tue 2026-12-08 10:00 (each client's local time)" or "... (this computer's time)". */
export function showTime(t: WmiTime): string {
  const w = t.wall;
  const a = t.at;
  const [day, y, mo, d, h, mi] = w
    ? [w.getUTCDay(), w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes()]
    : [a.getDay(), a.getFullYear(), a.getMonth(), a.getDate(), a.getHours(), a.getMinutes()];
  return `${DAYS[day]} ${y}-${pad(mo + 1)}-${pad(d)} ${pad(h)}:${pad(mi)} (${t.clientLocal ? "each client's local time" : "this computer's time"})`;
}

/** A client-local time's wall clock as written, ISO 8601 without a zone ("2026-12-14T06:00:00"); undefined for an absolute time. */
export const wallClock = (t: WmiTime): string | undefined => t.wall?.toISOString().slice(0, 19);

/** From one time to another: wall clock to wall clock where both are each client's local time (as a client counts it), else instant to instant. */
export const spanMs = (from: WmiTime, to: WmiTime): number => (from.wall && to.wall ? to.wall.getTime() - from.wall.getTime() : to.at.getTime() - from.at.getTime());

/** "3 d 4 h 5 min", "45 min", "0 min" for a span in ms (its absolute value). */
export function showSpan(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', min % 60 || (!d && !h) ? `${min % 60} min` : ''].filter(Boolean);
  return parts.join(' ');
}
