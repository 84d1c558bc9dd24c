// The log: winston with three transports, each written synchronously so nothing is lost when the
// process ends (or is killed) right after a line: the console for the person at the keyboard,
// ZTICache.log in CMTrace format for the admin afterwards (appended, like every OSD log), and the
// Windows Application event log where the platform has one (the slot the original's
// WshShell.LogEvent filled) — that one quiet: milestones, warnings, errors and one summary, never
// progress. A transport that fails never fails the run.

import path from 'node:path';
import Transport from 'winston-transport';
import winston from 'winston';
import { cmtraceLine, type CmType } from './cmtrace.js';
import { printable } from '../core/format.js';
import { PlaceError, type AppendFile, type HeldFolder, type Places } from '../places/places.js';

/** Where the platform's event log takes the lines meant for it (Windows: advapi32; elsewhere none). */
export interface EventLogSink {
  /** type: 'information' | 'warning' | 'error'; never throws */
  write(type: 'information' | 'warning' | 'error', message: string): boolean;
  /** one line for the file log: how many entries were written, how many failed */
  summary?(): string;
  close?(): void;
}

export interface Log {
  info(message: string, opts?: LineOptions): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LineOptions {
  /**
   * Also an Application event. The event log is shared by the whole machine, so it gets the
   * original's milestones (staged, files held, launching, the return code), every warning and
   * error, and the closing summary; progress, plans and retries stay in the file log and console.
   */
  event?: boolean;
}

type Level = 'info' | 'warn' | 'error';
interface Entry { level: Level; message: string; event?: boolean }

const cmType: Record<Level, CmType> = { info: 1, warn: 2, error: 3 };

class CmtraceFileTransport extends Transport {
  private out: AppendFile | undefined;
  constructor(readonly file: string, places: Places, private readonly eol: string, private readonly onFail: (msg: string) => void) {
    super();
    // by handle, never by name: the log's folders are in C:\MININT, which any user may create (places.ts)
    let folder: HeldFolder | undefined;
    try {
      folder = places.openFolder(path.dirname(file), { create: true });
      this.out = folder.appendFile(path.basename(file));
    } catch (err) {
      const why = err instanceof PlaceError ? err.message : (err as Error).message;
      onFail(`not writing the log file ${file}: ${why}`);
    } finally {
      folder?.release();
    }
  }
  override log(info: Entry, next: () => void): void {
    if (this.out !== undefined) {
      try {
        this.out.write(cmtraceLine(info.message, cmType[info.level], new Date()) + this.eol);
      } catch (err) {
        this.onFail(`cannot write the log file ${this.file}: ${(err as Error).message}`);
        this.close(); // given up on: its handle is not kept open to the end of the run
      }
    }
    next();
  }
  override close(): void {
    const out = this.out;
    this.out = undefined;
    try {
      out?.close();
    } catch {
      // a log that cannot even be closed has nothing more to say: the run goes on
    }
  }
}

/**
 * The console. Output must never end a run: a closed stdout (`zticache | head -1`), a broken pipe
 * or an invalid handle makes this transport fall silent, while the file log and event log go on.
 */
class ConsoleTransport extends Transport {
  private readonly broken = new Set<NodeJS.WritableStream>();
  constructor(private readonly out: NodeJS.WritableStream, private readonly err: NodeJS.WritableStream) {
    super();
    for (const s of new Set([out, err])) {
      // a failed write is reported as an 'error' event, which unhandled would end the process
      s.on('error', () => this.broken.add(s));
    }
  }
  override log(info: Entry, next: () => void): void {
    const prefix = info.level === 'error' ? 'ERROR: ' : info.level === 'warn' ? 'WARNING: ' : '';
    const stream = info.level === 'error' ? this.err : this.out;
    if (!this.broken.has(stream)) {
      // on a terminal, first clear a progress bar that may be drawn on the current line
      const clear = (stream as NodeJS.WriteStream).isTTY ? '\r\x1b[K' : '';
      try {
        stream.write(`${clear}zticache: ${prefix}${info.message}\n`);
      } catch {
        this.broken.add(stream);
      }
    }
    next();
  }
}

/** Writes through the platform's event log; reports its first failure once, to the other logs. */
class EventLogTransport extends Transport {
  private failed = false;
  constructor(private readonly sink: EventLogSink, private readonly onFail: (msg: string) => void) {
    super();
  }
  override log(info: Entry, next: () => void): void {
    if (info.level === 'info' && !info.event) return next();
    const ok = this.sink.write(info.level === 'error' ? 'error' : info.level === 'warn' ? 'warning' : 'information', info.message);
    if (!ok && !this.failed) {
      this.failed = true;
      this.onFail('cannot write to the Windows event log; logging to the file only');
    }
    next();
  }
}

export type LogOptions = {
  eol?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  eventLog?: EventLogSink;
} & (
  /** no log file (--what-if, or nowhere to write one) */
  | { file?: undefined; places?: undefined }
  /** the CMTrace log file, opened through the platform's places (by handle) */
  | { file: string; places: Places }
);

export interface ClosableLog extends Log {
  close(): void;
}

export function createLog(opts: LogOptions): ClosableLog {
  const problems: string[] = [];
  const transports: Transport[] = [new ConsoleTransport(opts.stdout ?? process.stdout, opts.stderr ?? process.stderr)];
  let fileT: CmtraceFileTransport | undefined;
  if (opts.file) {
    fileT = new CmtraceFileTransport(opts.file, opts.places, opts.eol ?? '\r\n', (m) => problems.push(m));
    transports.push(fileT);
  }
  if (opts.eventLog) transports.push(new EventLogTransport(opts.eventLog, (m) => problems.push(m)));
  const logger = winston.createLogger({ level: 'info', levels: { error: 0, warn: 1, info: 2 }, transports, exitOnError: false });

  const write = (level: Level, message: string, opts?: LineOptions) => {
    // once, for every transport: a name in a message cannot break a line or forge an entry
    logger.log(level, printable(message), opts?.event ? { event: true } : {});
    // a transport's own trouble becomes one warning in the others
    while (problems.length) logger.log('warn', problems.shift()!);
  };
  return {
    info: (m, o) => write('info', m, o),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    close: () => {
      logger.close();
      fileT?.close();
    },
  };
}
