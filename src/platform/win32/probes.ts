// What `zticache selftest` asks of a Windows machine (the contract is platform.ts's
// SelftestProbes): a junction made as a standard user could make one (cmd's mklink /J), the 8.3
// alias the volume gave a name (GetShortPathNameW), the event just written read back from the
// Application log by its record (ReadEventLogW), zticache.exe started as the SMS client may start
// it (CreateProcessW with CREATE_NO_WINDOW or DETACHED_PROCESS and no standard handles at all),
// and what the machine says of the temp folder SYSTEM gets (GetTempPath2W) and of long paths.
// Under Wine the event log stores nothing: that probe says so (a SKIP), it never guesses.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SelftestProbes } from '../platform.js';
import { longPath } from './kernel32.js';
import type { Koffi } from './load-native.js';
import { bindRegistry } from './advapi32.js';

const CREATE_NO_WINDOW = 0x08000000;
const DETACHED_PROCESS = 0x00000008;
const CREATE_UNICODE_ENVIRONMENT = 0x00000400;
const STARTF_USESTDHANDLES = 0x100;
const INFINITE = 0xffffffff;
const EVENTLOG_SEQUENTIAL_READ = 0x1;
const EVENTLOG_BACKWARDS_READ = 0x8;
/** how many records of the Application log are read back, newest first, looking for the test event */
const RECORDS_LOOKED_AT = 5000;

/** One argument as CommandLineToArgvW reads it back. */
function quoted(a: string): string {
  if (a !== '' && !/[\s"]/.test(a)) return a;
  return `"${a.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function bindProbes(koffi: Koffi, lastError: () => number): SelftestProbes {
  const k32 = koffi.load('kernel32.dll');
  const adv = koffi.load('advapi32.dll');
  const ntdll = koffi.load('ntdll.dll');
  const GetShortPathNameW = k32.func('uint32 __stdcall GetShortPathNameW(str16 long, _Out_ uint16_t *short, uint32 n)');
  const CreateProcessW = k32.func('bool __stdcall CreateProcessW(str16 app, uint16_t *cmd, void *pa, void *ta, bool inherit, uint32 flags, void *env, void *cwd, uint8_t *si, _Out_ uint8_t *pi)');
  const WaitForSingleObject = k32.func('uint32 __stdcall WaitForSingleObject(intptr h, uint32 ms)');
  const GetExitCodeProcess = k32.func('bool __stdcall GetExitCodeProcess(intptr h, _Out_ uint32 *code)');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(intptr h)');
  const OpenEventLogW = adv.func('intptr __stdcall OpenEventLogW(str16 server, str16 source)');
  const ReadEventLogW = adv.func('bool __stdcall ReadEventLogW(intptr h, uint32 flags, uint32 offset, _Out_ uint8_t *buf, uint32 size, _Out_ uint32 *read, _Out_ uint32 *needed)');
  const CloseEventLog = adv.func('bool __stdcall CloseEventLog(intptr h)');
  const registry = bindRegistry(koffi);
  const optional = (lib: ReturnType<Koffi['load']>, decl: string) => {
    try {
      return lib.func(decl);
    } catch {
      return undefined; // not exported here (an older Windows, or Wine)
    }
  };
  const GetTempPath2W = optional(k32, 'uint32 __stdcall GetTempPath2W(uint32 n, _Out_ uint16_t *buf)');
  const wineVersion = optional(ntdll, 'str __cdecl wine_get_version()');

  return {
    async junction(link, target) {
      const r = spawnSync('cmd.exe', ['/d', '/c', 'mklink', '/J', link, target], { encoding: 'utf8', windowsHide: true });
      const st = fs.lstatSync(link, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) return true;
      if (st) fs.rmSync(link, { recursive: true, force: true });
      return `mklink /J made no junction (${(r.stdout + r.stderr).trim() || `exit ${r.status}`})`;
    },
    shortName(p) {
      const buf = new Uint16Array(32768);
      const n = GetShortPathNameW(longPath(p), buf, buf.length) as number;
      if (!n) return undefined;
      const short = path.win32.basename(Buffer.from(buf.buffer, 0, n * 2).toString('utf16le'));
      return short === path.win32.basename(p) ? undefined : short;
    },
    findEvent(source, marker) {
      if (wineVersion) return { skip: `Wine ${String(wineVersion())} stores no events (its ReportEventW is a stub); only real Windows shows the record` };
      const h = OpenEventLogW(null, 'Application') as number;
      if (!h) return { skip: `the Application log cannot be opened for reading (Windows error ${lastError()})` };
      try {
        const buf = Buffer.alloc(64 * 1024);
        let seen = 0;
        for (;;) {
          const read = [0];
          if (!ReadEventLogW(h, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, buf, buf.length, read, [0])) return 'none';
          // EVENTLOGRECORD: Length 0, RecordNumber 8, EventID 20, EventType 24, NumStrings 26,
          // StringOffset 36, then the source name (UTF-16, NUL-terminated) at 56
          for (let at = 0; at < read[0]!; at += buf.readUInt32LE(at)) {
            if (++seen > RECORDS_LOOKED_AT) return 'none';
            const end = buf.indexOf('\0\0', at + 56, 'utf16le');
            const src = buf.toString('utf16le', at + 56, end);
            const length = buf.readUInt32LE(at);
            const text = buf.toString('utf16le', at + buf.readUInt32LE(at + 36), at + length);
            if (src === source && text.includes(marker)) {
              return { record: buf.readUInt32LE(at + 8), id: buf.readUInt32LE(at + 20) & 0xffff, type: buf.readUInt16LE(at + 24), source: src };
            }
          }
        }
      } finally {
        CloseEventLog(h);
      }
    },
    async start(exe, args, how) {
      const line = Buffer.from(`${[exe, ...args].map(quoted).join(' ')}\0`, 'utf16le');
      const si = Buffer.alloc(104); // STARTUPINFOW: cb 0, dwFlags 60, the three standard handles 80, 88, 96 left 0
      si.writeUInt32LE(si.length, 0);
      si.writeUInt32LE(STARTF_USESTDHANDLES, 60);
      const pi = Buffer.alloc(24); // PROCESS_INFORMATION: hProcess 0, hThread 8
      const flags = (how === 'no window' ? CREATE_NO_WINDOW : DETACHED_PROCESS) | CREATE_UNICODE_ENVIRONMENT;
      if (!CreateProcessW(exe, line, null, null, false, flags, null, null, si, pi)) throw new Error(`CreateProcessW failed (Windows error ${lastError()})`);
      const process = Number(pi.readBigInt64LE(0));
      try {
        WaitForSingleObject(process, INFINITE);
        const code = [0];
        if (!GetExitCodeProcess(process, code)) throw new Error(`GetExitCodeProcess failed (Windows error ${lastError()})`);
        return code[0]! >>> 0;
      } finally {
        CloseHandle(process);
        CloseHandle(Number(pi.readBigInt64LE(8)));
      }
    },
    emulator: () => (wineVersion ? `Wine ${String(wineVersion())}` : undefined),
    machine() {
      const lines: string[] = [];
      if (GetTempPath2W) {
        const buf = new Uint16Array(32768);
        const n = GetTempPath2W(buf.length, buf) as number;
        lines.push(`GetTempPath2W (the temp folder a SYSTEM process gets): ${Buffer.from(buf.buffer, 0, n * 2).toString('utf16le')}`);
      } else {
        lines.push('GetTempPath2W is not here (older Windows): SYSTEM gets %TEMP%, C:\\Windows\\Temp, where users may create folders');
      }
      const long = registry.dword('SYSTEM\\CurrentControlSet\\Control\\FileSystem', 'LongPathsEnabled');
      lines.push(`LongPathsEnabled: ${long ?? 'not set'} (zticache uses \\\\?\\ paths either way)`);
      if (wineVersion) lines.push(`Wine ${String(wineVersion())}`);
      return lines;
    },
  };
}
