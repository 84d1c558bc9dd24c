// The Application event log through advapi32: RegisterEventSourceW + ReportEventW, as
// WshShell.LogEvent did (source "WSH", event ID 0). eventcreate.exe cannot write as "WSH"; this
// can write under any source name. A failure here never fails the run: write() returns false.

import type { EventLogSink } from '../platform.js';
import type { Koffi } from './load-native.js';

/** Event types as WshShell.LogEvent wrote them: 0 success (the original logged all progress so), 2 warning, 1 error. */
export const EVENT_TYPE = { information: 0, warning: 2, error: 1 } as const;
/** Event ID 0: the one the WSH source's message file shows as the plain string. */
export const EVENT_ID = 0;

/**
 * The DACL PackageSource is created with: protected (nothing inherited), SYSTEM and Administrators
 * full control, Users read and execute, inherited by everything staged into it.
 */
export const TARGET_SDDL = 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)';

/** CreateDirectoryW with the security descriptor of an SDDL string; 0 or the Win32 error. */
export function bindCreateProtectedDir(koffi: Koffi, lastError: () => number): (path: string, sddl: string) => number {
  const adv = koffi.load('advapi32.dll');
  const k32 = koffi.load('kernel32.dll');
  const SA = koffi.struct('ZTI_SECURITY_ATTRIBUTES', { nLength: 'uint32', lpSecurityDescriptor: 'void *', bInheritHandle: 'int' });
  const Convert = adv.func('bool __stdcall ConvertStringSecurityDescriptorToSecurityDescriptorW(str16 sddl, uint32 revision, _Out_ void **sd, void *size)');
  const CreateDirectoryW = k32.func('bool __stdcall CreateDirectoryW(str16 path, ZTI_SECURITY_ATTRIBUTES *sa)');
  const LocalFree = k32.func('void * __stdcall LocalFree(void *mem)');
  return (path, sddl) => {
    const sd: unknown[] = [null];
    if (!Convert(sddl, 1, sd, null)) return lastError();
    try {
      const ok = CreateDirectoryW(path, { nLength: koffi.sizeof(SA), lpSecurityDescriptor: sd[0], bInheritHandle: 0 }) as boolean;
      return ok ? 0 : lastError();
    } finally {
      LocalFree(sd[0]);
    }
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
      const ok = ReportEventW(h, EVENT_TYPE[type], 0, EVENT_ID, null, 1, 0, [message.slice(0, 31000)], null) as boolean;
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
