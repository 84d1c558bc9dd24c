// Progress of a long copy: a log line at least every 5 seconds (bytes, files, MB/s, ETA), which is
// what an admin reads afterwards in CMTrace, and a one-line bar redrawn in place when a person
// watches a terminal. Nothing is printed for copies that finish within the first interval.

import fs from 'node:fs';
import type { Log } from '../log/logger.js';
import { formatBytes, formatDuration } from '../core/format.js';

export interface ProgressOptions {
  intervalMs?: number;
  /** a terminal to draw a bar on (only when it is a TTY) */
  tty?: NodeJS.WriteStream;
  now?: () => number;
}

export class Progress {
  bytes = 0;
  files = 0;
  /** files (and their bytes) already complete from an earlier run: out of this run's totals and rate, said apart */
  keptBytes = 0;
  keptFiles = 0;
  private readonly started: number;
  private timer?: NodeJS.Timeout;
  private barTimer?: NodeJS.Timeout;
  private readonly now: () => number;
  private lastLine: number;
  private lastBar = 0;
  private readonly partial = new Set<string>();

  constructor(
    private readonly verb: string,
    private readonly totalBytes: number,
    private readonly totalFiles: number,
    private readonly log: Log,
    private readonly opts: ProgressOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.started = this.now();
    this.lastLine = this.started;
  }

  start(): this {
    this.timer = setInterval(() => {
      this.lastLine = this.now();
      this.log.info(this.line());
    }, this.opts.intervalMs ?? 5000);
    this.timer.unref();
    if (this.opts.tty?.isTTY) {
      this.barTimer = setInterval(() => this.drawBar(), 200);
      this.barTimer.unref();
    }
    return this;
  }

  /** A file an earlier run completed: taken out of what this run has to do, and said apart in the line. */
  kept(bytes: number, files = 0): void {
    this.keptBytes += bytes;
    this.keptFiles += files;
  }

  add(bytes: number, files = 0): void {
    this.bytes += bytes;
    this.files += files;
  }

  /**
   * A large file being copied: until end(), its bytes so far (the destination's size) count too,
   * so a multi-GB image shows real MB/s and an ETA rather than nothing until it is done. (Where
   * the system sets a copy's full size up front, the file counts whole from its start.)
   */
  begin(dst: string): void {
    this.partial.add(dst);
  }

  end(dst: string): void {
    this.partial.delete(dst);
  }

  private partialBytes(): number {
    let n = 0;
    for (const f of this.partial) n += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    return n;
  }

  /**
   * For synchronous loops, which keep the timers from firing: logs (and redraws the bar) when an
   * interval has passed since the last line. Cheap enough to call for every file.
   */
  tick(): void {
    const t = this.now();
    if (t - this.lastLine >= (this.opts.intervalMs ?? 5000)) {
      this.lastLine = t;
      this.log.info(this.line());
    }
    if (this.barTimer && t - this.lastBar >= 200) {
      this.lastBar = t;
      this.drawBar();
    }
  }

  line(): string {
    const secs = Math.max((this.now() - this.started) / 1000, 0.001);
    const bytes = this.bytes + this.partialBytes();
    const rate = bytes / secs;
    const totalBytes = this.totalBytes - this.keptBytes;
    const left = totalBytes - bytes;
    const eta = rate > 0 ? formatDuration(left / rate) : 'unknown';
    const kept = this.keptFiles ? `; ${this.keptFiles} ${this.keptFiles === 1 ? 'file' : 'files'} (${formatBytes(this.keptBytes)}) already complete from an earlier run` : '';
    return `${this.verb} ${formatBytes(bytes)} of ${formatBytes(totalBytes)}, ${this.files} of ${this.totalFiles - this.keptFiles} files, ${(rate / 1048576).toFixed(1)} MB/s, ETA ${eta}${kept}`;
  }

  private drawBar(): void {
    const tty = this.opts.tty!;
    const width = 30;
    const total = this.totalBytes - this.keptBytes;
    const frac = total > 0 ? Math.min(1, (this.bytes + this.partialBytes()) / total) : 1;
    const fill = Math.round(frac * width);
    tty.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${this.line()}\x1b[K`);
  }

  stop(): { seconds: number; mbps: number } {
    clearInterval(this.timer);
    if (this.barTimer) {
      clearInterval(this.barTimer);
      this.drawBar();
      this.opts.tty!.write('\n');
    }
    const seconds = (this.now() - this.started) / 1000;
    return { seconds, mbps: seconds > 0 ? this.bytes / 1048576 / seconds : 0 };
  }
}
