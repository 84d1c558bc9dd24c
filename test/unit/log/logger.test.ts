// The log's three transports, called directly: the console's prefixes and streams (and silence
// once a stream breaks, never an end of the run), the CMTrace file with its line ends, the event
// log's quiet subset, and each transport's own failure said once in the others.
import { Writable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLog, type EventLogSink } from '../../../src/log/logger.js';
import type { AppendFile, HeldFolder, Places } from '../../../src/places/places.js';
import { posixPlaces } from '../../../src/platform/posix/places.js';
import { tempDir } from '../../helpers/fixtures.js';

/** A stream that keeps what it is given; `fail` makes every write throw. */
function sink(opts: { tty?: boolean; fail?: boolean } = {}) {
  const chunks: string[] = [];
  const s = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
  if (opts.fail) s.write = () => { throw new Error('EPIPE'); };
  if (opts.tty) (s as unknown as { isTTY: boolean }).isTTY = true;
  return Object.assign(s, { chunks });
}

const cmLines = (text: string) => [...text.matchAll(/<!\[LOG\[(.*?)\]LOG\]!><time="[^"]+" date="[^"]+" component="ZTICache" context="" type="(\d)" thread="\d+" file="">(\r?\n)/g)].map((m) => `${m[2]} ${m[1]}${m[3] === '\r\n' ? ' CRLF' : ''}`);

describe('the log', () => {
  it('a name cannot forge a line for any reader: CR, LF and other control characters are shown escaped in the console, the file and the event', () => {
    const dir = tempDir('zti-log-');
    const out = sink();
    const events: string[] = [];
    const log = createLog({ stdout: out, stderr: sink(), file: path.join(dir, 'z.log'), places: posixPlaces, eol: '\r\n', eventLog: { write: (_t, m) => (events.push(m), true) } });
    const name = 'a.txt\rFORGED Return code from OSDLaunch.exe = 0\n\u0007\u2028\u202e';
    log.warn(`cannot copy ${name}`);
    log.close();
    const shown = 'cannot copy a.txt\\u000dFORGED Return code from OSDLaunch.exe = 0\\u000a\\u0007\\u2028\\u202e';
    expect(out.chunks).toEqual([`zticache: WARNING: ${shown}\n`]);
    expect(events).toEqual([shown]);
    const text = fs.readFileSync(path.join(dir, 'z.log'), 'utf8');
    // what PowerShell's Get-Content, .NET's ReadLine and Notepad see: one line, the entry whole
    expect(text.split(/\r\n|\r|\n/).filter(Boolean)).toHaveLength(1);
    expect(cmLines(text)).toEqual([`2 ${shown} CRLF`]);
  });

  it('console: information and warnings on stdout, errors on stderr, each prefixed; a terminal line first clears the progress bar', () => {
    const out = sink();
    const err = sink({ tty: true });
    const log = createLog({ stdout: out, stderr: err });
    log.info('Staging');
    log.warn('slow');
    log.error('failed');
    log.close();
    expect(out.chunks).toEqual(['zticache: Staging\n', 'zticache: WARNING: slow\n']);
    expect(err.chunks).toEqual(['\r\x1b[Kzticache: ERROR: failed\n']);
  });

  it('console: a stream that breaks falls silent (a throw or an error event), the other and the file go on', () => {
    const dir = tempDir('zti-log-');
    const out = sink({ fail: true });
    const err = sink();
    const log = createLog({ stdout: out, stderr: err, file: path.join(dir, 'z.log'), places: posixPlaces, eol: '\n' });
    log.info('one');
    log.info('two');
    log.error('three');
    err.emit('error', new Error('EPIPE'));
    log.error('four');
    log.close();
    expect(err.chunks).toEqual(['zticache: ERROR: three\n']);
    expect(cmLines(fs.readFileSync(path.join(dir, 'z.log'), 'utf8'))).toEqual(['1 one', '1 two', '3 three', '3 four']);
  });

  it('file: CMTrace lines with their type, appended, CRLF unless told otherwise, in a folder it creates', () => {
    const dir = tempDir('zti-log-');
    const file = path.join(dir, 'SMSOSD', 'OSDLOGS', 'ZTICache.log');
    let log = createLog({ stdout: sink(), stderr: sink(), file, places: posixPlaces });
    log.info('a');
    log.warn('b');
    log.error('c');
    log.close();
    log = createLog({ stdout: sink(), stderr: sink(), file, places: posixPlaces, eol: '\n' });
    log.info('d');
    log.close();
    expect(cmLines(fs.readFileSync(file, 'utf8'))).toEqual(['1 a CRLF', '2 b CRLF', '3 c CRLF', '1 d']);
  });

  it('file: one that cannot be opened is said once, as a warning on the console, and the run goes on', () => {
    const dir = tempDir('zti-log-');
    fs.mkdirSync(path.join(dir, 'z.log'));
    const out = sink();
    const log = createLog({ stdout: out, stderr: sink(), file: path.join(dir, 'z.log'), places: posixPlaces });
    log.info('a');
    log.info('b');
    log.close();
    expect(out.chunks).toEqual([
      'zticache: a\n',
      `zticache: WARNING: not writing the log file ${path.join(dir, 'z.log')}: ${path.join(dir, 'z.log')} is a folder\n`,
      'zticache: b\n',
    ]);
  });

  it('file: one that fails mid-run is said once and then left alone; its folder is released at once, the file closed when given up on', () => {
    const calls: string[] = [];
    let writes = 0;
    const file: AppendFile = {
      write: () => {
        if (++writes === 2) throw new Error('disk full');
        calls.push('write');
      },
      close: () => void calls.push('close'),
    };
    const places: Places = {
      createdAs: '',
      openFolder: (dir) => ({ path: dir, appendFile: () => file, release: () => void calls.push('release folder') }) as unknown as HeldFolder,
    };
    const out = sink();
    const log = createLog({ stdout: out, stderr: sink(), file: '/x/z.log', places });
    expect(calls).toEqual(['release folder']);
    log.info('a');
    log.info('b');
    log.info('c');
    log.close();
    expect(out.chunks).toEqual(['zticache: a\n', 'zticache: b\n', 'zticache: WARNING: cannot write the log file /x/z.log: disk full\n', 'zticache: c\n']);
    expect(calls).toEqual(['release folder', 'write', 'close']);
  });

  it('event log: milestones, warnings and errors with their types, never progress; a failure said once', () => {
    const written: string[] = [];
    let ok = true;
    const events: EventLogSink = { write: (type, m) => (written.push(`${type} ${m}`), ok) };
    const out = sink();
    const log = createLog({ stdout: out, stderr: sink(), eventLog: events });
    log.info('progress');
    log.info('staged', { event: true });
    log.warn('w');
    log.error('e');
    expect(written).toEqual(['information staged', 'warning w', 'error e']);
    ok = false;
    log.info('m1', { event: true });
    log.info('m2', { event: true });
    log.close();
    expect(out.chunks.filter((c) => c.includes('event log'))).toEqual(['zticache: WARNING: cannot write to the Windows event log; logging to the file only\n']);
  });
});
