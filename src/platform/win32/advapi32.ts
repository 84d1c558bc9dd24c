// The Application event log through advapi32: RegisterEventSourceW + ReportEventW, as
// WshShell.LogEvent did (source "WSH", event ID = event type). eventcreate.exe cannot write as "WSH"; this
// can write under any source name. A failure here never fails the run: write() returns false.

import type { EventLogSink } from '../../log/logger.js';
import type { Koffi } from './load-native.js';

/**
 * Event types as WshShell.LogEvent wrote them: 0 success (the original logged all its milestones
 * so), 2 warning, 1 error. The event ID is the type, as WSH writes it ("all events are logged with
 * an event ID that corresponds to the event type"), so a review filtering WSH events with ID 1
 * finds every failure.
 */
export const EVENT_TYPE = { information: 0, warning: 2, error: 1 } as const;
export const eventIdOf = (type: keyof typeof EVENT_TYPE): number => EVENT_TYPE[type];

/**
 * The DACL PackageSource is created with: protected (nothing inherited), SYSTEM and Administrators
 * full control, Users read and execute, inherited by everything staged into it.
 */
export const TARGET_SDDL = 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)';

/**
 * The DACL of zticache's state folder (%ProgramData%\zticache): protected, SYSTEM and
 * Administrators only. Standard users can create folders in %ProgramData%, so an existing one is
 * trusted only when its owner is one of TRUSTED_OWNERS or the user running zticache.
 */
export const STATE_SDDL = 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)';

/**
 * The DACL of a file zticache writes for anyone to read in a folder of its own (last-run.json in the
 * state folder): protected, SYSTEM and Administrators full control, Users read. Users cannot list
 * the state folder (STATE_SDDL) but open the file by its full path: Windows checks only the file's
 * DACL for that, as every account has the "Bypass traverse checking" right by default.
 */
export const READABLE_FILE_SDDL = 'D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;BU)';
export const TRUSTED_OWNERS: ReadonlyArray<[sid: string, name: string]> = [['S-1-5-18', 'SYSTEM'], ['S-1-5-32-544', 'Administrators']];

const SE_FILE_OBJECT = 1;
const OWNER_SECURITY_INFORMATION = 1;
const DACL_SECURITY_INFORMATION = 4;
const TOKEN_QUERY = 0x0008;
const TOKEN_USER_CLASS = 1;

export interface Security {
  /** the owner of an open handle (READ_CONTROL) as a string SID: read from what was opened, never by name */
  ownerOfHandle(h: number): string | { error: number };
  /** the SID of the user this process runs as */
  processUser(): string | { error: number };
  /** the DACL of an open handle (READ_CONTROL) in SDDL */
  daclOfHandle(h: number): string | { error: number };
}

export function bindSecurity(koffi: Koffi, lastError: () => number): Security {
  const adv = koffi.load('advapi32.dll');
  const k32 = koffi.load('kernel32.dll');
  const GetSecurityInfo = adv.func('uint32 __stdcall GetSecurityInfo(intptr h, int type, uint32 info, _Out_ void **owner, void *group, void *dacl, void *sacl, _Out_ void **sd)');
  const ConvertSidToStringSidW = adv.func('bool __stdcall ConvertSidToStringSidW(void *sid, _Out_ void **str)');
  const OpenProcessToken = adv.func('bool __stdcall OpenProcessToken(intptr process, uint32 access, _Out_ intptr *token)');
  const GetTokenInformation = adv.func('bool __stdcall GetTokenInformation(intptr token, int cls, _Out_ uint8_t *buf, uint32 len, _Out_ uint32 *needed)');
  const GetCurrentProcess = k32.func('intptr __stdcall GetCurrentProcess()');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(intptr h)');
  const LocalFree = k32.func('void * __stdcall LocalFree(void *mem)');
  const ToSddl = adv.func('bool __stdcall ConvertSecurityDescriptorToStringSecurityDescriptorW(void *sd, uint32 revision, uint32 info, _Out_ void **str, void *len)');
  const sidString = (sid: unknown): string | { error: number } => {
    const out: unknown[] = [null];
    if (!ConvertSidToStringSidW(sid, out)) return { error: lastError() };
    try {
      return koffi.decode(out[0], 'char16_t', -1) as string;
    } finally {
      LocalFree(out[0]);
    }
  };
  return {
    daclOfHandle(h) {
      const sd: unknown[] = [null];
      const err = GetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, [null], null, null, null, sd) as number;
      if (err !== 0) return { error: err };
      try {
        const str: unknown[] = [null];
        if (!ToSddl(sd[0], 1, DACL_SECURITY_INFORMATION, str, null)) return { error: lastError() };
        try {
          return koffi.decode(str[0], 'char16_t', -1) as string;
        } finally {
          LocalFree(str[0]);
        }
      } finally {
        LocalFree(sd[0]);
      }
    },
    ownerOfHandle(h) {
      const owner: unknown[] = [null];
      const sd: unknown[] = [null];
      const err = GetSecurityInfo(h, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, owner, null, null, null, sd) as number;
      if (err !== 0) return { error: err };
      try {
        return sidString(owner[0]);
      } finally {
        LocalFree(sd[0]);
      }
    },
    processUser() {
      const token = [0];
      if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, token)) return { error: lastError() };
      try {
        const buf = Buffer.alloc(512);
        if (!GetTokenInformation(token[0], TOKEN_USER_CLASS, buf, buf.length, [0])) return { error: lastError() };
        // TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first member is the PSID
        return sidString(koffi.decode(buf, 'void *'));
      } finally {
        CloseHandle(token[0]);
      }
    },
  };
}

export interface EventLogStats {
  written: number;
  failed: number;
  lastError?: number;
}

export function openEventLog(koffi: Koffi, source: string, lastError: () => number): EventLogSink & { stats: EventLogStats; close(): void } {
  const adv = koffi.load('advapi32.dll');
  const RegisterEventSourceW = adv.func('intptr __stdcall RegisterEventSourceW(str16 server, str16 source)');
  const ReportEventW = adv.func('bool __stdcall ReportEventW(intptr h, uint16 type, uint16 category, uint32 id, void *sid, uint16 count, uint32 dataSize, str16 *strings, void *data)');
  const DeregisterEventSource = adv.func('bool __stdcall DeregisterEventSource(intptr h)');

  const stats: EventLogStats = { written: 0, failed: 0 };
  let h = RegisterEventSourceW(null, source) as number;
  if (!h) stats.lastError = lastError();
  return {
    stats,
    write(type, message) {
      if (!h) {
        stats.failed++;
        return false;
      }
      // one event holds at most 31,839 characters
      const ok = ReportEventW(h, EVENT_TYPE[type], 0, eventIdOf(type), null, 1, 0, [message.slice(0, 31000)], null) as boolean;
      if (ok) stats.written++;
      else {
        stats.failed++;
        stats.lastError = lastError();
      }
      return ok;
    },
    close() {
      if (h) DeregisterEventSource(h);
      h = 0;
    },
  };
}

const HKEY_LOCAL_MACHINE = -2147483646; // (HKEY)0x80000002, sign-extended as Windows passes it
const RRF_RT_REG_DWORD = 0x10;

/** A DWORD value under HKEY_LOCAL_MACHINE, or undefined where it is not set (RegGetValueW). */
export function bindRegistry(koffi: Koffi): { dword(subKey: string, value: string): number | undefined } {
  const RegGetValueW = koffi.load('advapi32.dll').func('int32 __stdcall RegGetValueW(intptr key, str16 sub, str16 value, uint32 flags, void *type, _Out_ uint32 *data, _Inout_ uint32 *size)');
  return {
    dword(subKey, value) {
      const data = [0];
      return RegGetValueW(HKEY_LOCAL_MACHINE, subKey, value, RRF_RT_REG_DWORD, null, data, [4]) === 0 ? data[0] : undefined;
    },
  };
}
