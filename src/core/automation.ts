// What the commands that speak to Windows management (zticache util, zticache cache-size) need of
// COM automation, as plain TypeScript: an object whose properties are read and written and whose
// methods are called by name (IDispatch), collections enumerated (_NewEnum), and the one error type
// a COM call fails with, carrying its HRESULT, its symbolic name and the server's own words
// (EXCEPINFO). The Windows implementation is src/platform/win32/com/; tests give in-memory objects.

export type Variant = string | number | boolean | null | undefined | Dispatch;

export interface Dispatch {
  get(name: string): Variant;
  put(name: string, value: Variant): void;
  call(name: string, ...args: Variant[]): Variant;
  /** the members of a collection, through its _NewEnum */
  items(): Dispatch[];
  release(): void;
}

/** HRESULTs a deployment admin meets here, by name (winerror.h, wbemcli.h). */
export const HRESULT_NAMES: Readonly<Record<number, string>> = {
  0x80004005: 'E_FAIL',
  0x80070005: 'E_ACCESSDENIED',
  0x800706ba: 'RPC_S_SERVER_UNAVAILABLE',
  0x800706be: 'RPC_S_CALL_FAILED',
  0x80040154: 'REGDB_E_CLASSNOTREG',
  0x800401f3: 'CO_E_CLASSSTRING',
  0x80020006: 'DISP_E_UNKNOWNNAME',
  0x80020009: 'DISP_E_EXCEPTION',
  0x80041001: 'WBEM_E_FAILED',
  0x80041002: 'WBEM_E_NOT_FOUND',
  0x80041003: 'WBEM_E_ACCESS_DENIED',
  0x80041008: 'WBEM_E_INVALID_PARAMETER',
  0x8004100e: 'WBEM_E_INVALID_NAMESPACE',
  0x80041010: 'WBEM_E_INVALID_CLASS',
  0x80041017: 'WBEM_E_INVALID_QUERY',
  0x8004103a: 'WBEM_E_INVALID_OBJECT_PATH',
};

/**
 * The provider's own account of a failure, beside WMI's generic HRESULT: what WMI scripting hands
 * out as SWbemLastError right after a failed call, an __ExtendedStatus (SMS_ExtendedStatus from
 * the SMS provider, with its ErrorCode). "Access denied" is WMI's; "no Advertise permission on
 * the collection" is the provider's, and only this object says it.
 */
export interface ExtendedStatus {
  /** the class of the error object: SMS_ExtendedStatus, __ExtendedStatus */
  className?: string;
  description?: string;
  /** __NotifyStatus.StatusCode: the provider's status (usually an HRESULT) */
  statusCode?: number;
  /** SMS_ExtendedStatus.ErrorCode: ConfigMgr's composite code */
  errorCode?: number;
  operation?: string;
  parameterInfo?: string;
  providerName?: string;
}

export class ComError extends Error {
  override name = 'ComError';
  constructor(
    /** what was being done: "ConnectServer(SERVER1, root\sms)" */
    readonly step: string,
    readonly hresult: number,
    /** the server's own description (EXCEPINFO), when it gave one */
    readonly description?: string,
    /** the provider's reason (SWbemLastError), when it left one */
    readonly extended?: ExtendedStatus,
  ) {
    super(`${step} failed: ${ComError.label(hresult)}${description?.trim() ? `: ${description.trim()}` : ''}${ComError.reason(extended)}`);
  }

  /** "WBEM_E_NOT_FOUND (0x80041002)" */
  static label(hresult: number): string {
    const hex = `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    const name = HRESULT_NAMES[hresult >>> 0];
    return name ? `${name} (${hex})` : hex;
  }

  /** "; the provider's reason (SMS_ExtendedStatus): <description> (StatusCode ..., ErrorCode ...)", or nothing */
  static reason(x: ExtendedStatus | undefined): string {
    if (!x) return '';
    const codes: string[] = [];
    if (x.statusCode !== undefined) codes.push(`StatusCode ${ComError.label(x.statusCode)}`);
    if (x.errorCode !== undefined) codes.push(`ErrorCode 0x${(x.errorCode >>> 0).toString(16).toUpperCase().padStart(8, '0')}`);
    const words = x.description?.trim();
    if (!words && !codes.length) return '';
    return `; the provider's reason${x.className ? ` (${x.className})` : ''}: ${words || 'no description'}${codes.length ? ` (${codes.join(', ')})` : ''}`;
  }

  /** the same failure, with the provider's reason */
  withExtended(extended: ExtendedStatus): ComError {
    return new ComError(this.step, this.hresult, this.description, extended);
  }
}
