// The SMS provider as zticache util sees it: objects got by path, queried by class, changed and
// put back. connectSms() does what ZTICacheUtil.vbs did through WbemScripting.SWbemLocator:
// root\sms on the named server (or this one), SMS_ProviderLocation where ProviderForLocalSite is
// true for the provider machine and site code, then root\sms\site_<code> there. Unlike the
// script, a call the provider refuses carries the provider's own reason: WMI's HRESULT says only
// "access denied"; the SWbemLastError object, created right after the failed call (reading it
// resets it), says which right on which collection (SMS_ExtendedStatus).

import { ComError, type Dispatch, type ExtendedStatus, type Variant } from '../../core/automation.js';
import { VERSION } from '../../core/version.js';

export interface SmsObject {
  get(prop: string): Variant;
  set(prop: string, value: Variant): void;
  /** writes the object back (SWbemObject.Put_); the written object's relative path (SWbemObjectPath.RelPath), where the provider gives one */
  put(): string | undefined;
  /**
   * the object as MOF text (SWbemObject.GetObjectText_): how zticache reads an array of embedded
   * objects (AssignedSchedule's SMS_ST_* tokens, CollectionRules) without a SAFEARRAY reader; a
   * lazy property is in it only when the object was got by its path
   */
  text(): string;
  /** a method of the instance (SWbemObject.ExecMethod_ late bound: AddMembershipRule(rule)); objects passed as themselves */
  call(method: string, ...args: Array<Variant | SmsObject>): Variant;
  /** deletes the object (SWbemObject.Delete_) */
  remove(): void;
}

export interface SmsSite {
  readonly provider: string;
  readonly siteCode: string;
  /** one object by its path ("SMS_Advertisement.AdvertisementID='XXX20001'"), whole (lazy properties too) */
  get(path: string): SmsObject;
  query(wql: string): SmsObject[];
  /** a new, unwritten instance of a class (Get(class).SpawnInstance_()) */
  spawn(cls: string): SmsObject;
}

/** WbemScripting.SWbemLastError: the extended status of the call that failed just now, if any. */
export type LastError = () => Dispatch;

/** The provider's reason, read at once from a new SWbemLastError; none when creating one fails (no error info). */
export function extendedStatus(lastError: LastError | undefined): ExtendedStatus | undefined {
  if (!lastError) return undefined;
  let o: Dispatch;
  try {
    o = lastError();
  } catch {
    return undefined;
  }
  const read = (from: Dispatch, prop: string): Variant => {
    try {
      return from.get(prop);
    } catch {
      return undefined; // __ExtendedStatus has no ErrorCode; a provider may leave any of them out
    }
  };
  const text = (v: Variant) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const number = (v: Variant) => (typeof v === 'number' ? v >>> 0 : undefined);
  try {
    const path = read(o, 'Path_');
    let className: string | undefined;
    if (path && typeof path === 'object') {
      className = text(read(path, 'Class'));
      path.release();
    }
    return {
      className, description: text(read(o, 'Description')), statusCode: number(read(o, 'StatusCode')), errorCode: number(read(o, 'ErrorCode')),
      operation: text(read(o, 'Operation')), parameterInfo: text(read(o, 'ParameterInfo')), providerName: text(read(o, 'ProviderName')),
    };
  } finally {
    o.release();
  }
}

/** A call to the provider; a COM failure comes back with the provider's reason. */
function call<T>(lastError: LastError | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ComError && !err.extended) {
      const x = extendedStatus(lastError);
      if (x) throw err.withExtended(x);
    }
    throw err;
  }
}

/** the IDispatch behind each SmsObject this module made, to pass one to a method */
const dispatchOf = new WeakMap<SmsObject, Dispatch>();

function wrap(o: Dispatch, lastError: LastError | undefined): SmsObject {
  const obj: SmsObject = {
    get: (prop) => o.get(prop),
    set: (prop, value) => o.put(prop, value),
    put: () => {
      const path = call(lastError, () => o.call('Put_'));
      if (!path || typeof path !== 'object') return undefined;
      try {
        const rel = path.get('RelPath');
        return typeof rel === 'string' ? rel : undefined;
      } catch {
        return undefined; // no RelPath: the caller finds the object by its name
      } finally {
        path.release();
      }
    },
    text: () => String(call(lastError, () => o.call('GetObjectText_')) ?? ''),
    call: (method, ...args) => call(lastError, () => o.call(method, ...args.map((a) => (a && typeof a === 'object' && dispatchOf.has(a as SmsObject) ? dispatchOf.get(a as SmsObject)! : (a as Variant))))),
    remove: () => void call(lastError, () => o.call('Delete_')),
  };
  dispatchOf.set(obj, o);
  return obj;
}

function services(locator: Dispatch, server: string, namespace: string): Dispatch {
  const s = locator.call('ConnectServer', server, namespace);
  if (!s || typeof s !== 'object') throw new ComError(`ConnectServer(${server}, ${namespace})`, 0x80004005, 'no services object');
  return s;
}

const WBEM_E_INVALID_NAMESPACE = 0x8004100e;

/**
 * A server that answers but has no root\sms is a Windows computer that is not an SMS provider:
 * asking its root\cimv2 for its name tells that apart from a server out of reach, and names it.
 */
function notAProvider(locator: Dispatch, server: string, err: ComError): ComError {
  try {
    const cimv2 = services(locator, server, 'root\\cimv2');
    const set = cimv2.call('ExecQuery', 'select Name from Win32_ComputerSystem');
    const name = set && typeof set === 'object' ? set.items()[0]?.get('Name') : undefined;
    if (typeof name === 'string' && name) {
      return new ComError(err.step, err.hresult, `the computer ${name} answers, but has no root\\sms namespace: it is not an SMS provider (give /server: the site server or the provider)`);
    }
  } catch {
    /* nothing more to say than the first error */
  }
  return err;
}

export function connectSms(locator: Dispatch, server: string | undefined, lastError?: LastError): SmsSite {
  let first: Dispatch;
  try {
    first = services(locator, server ?? '.', 'root\\sms');
  } catch (err) {
    if (err instanceof ComError && err.hresult >>> 0 === WBEM_E_INVALID_NAMESPACE) throw notAProvider(locator, server ?? '.', err);
    throw err;
  }
  const where = first.call('ExecQuery', 'select * from SMS_ProviderLocation where ProviderForLocalSite = true');
  const found = where && typeof where === 'object' ? where.items() : [];
  const local = found[0];
  if (!local) throw new ComError(`SMS_ProviderLocation on ${server ?? 'this server'}`, 0x80041002, 'no provider for the local site');
  const provider = String(local.get('Machine'));
  const siteCode = String(local.get('SiteCode'));
  const site = services(locator, provider, `root\\sms\\site_${siteCode}`);
  return {
    provider,
    siteCode,
    get: (path) => wrap(call(lastError, () => site.call('Get', path) as Dispatch), lastError),
    query: (wql) => call(lastError, () => (site.call('ExecQuery', wql) as Dispatch | undefined)?.items() ?? []).map((o) => wrap(o, lastError)),
    spawn: (cls) => wrap(call(lastError, () => (site.call('Get', cls) as Dispatch).call('SpawnInstance_') as Dispatch), lastError),
  };
}

/**
 * What a util --json document is of, first in it (as selftest --json has its tool and version):
 * the table's "Connecting to SMS provider server ... and site ..." row, so a script collecting
 * documents from several site servers tells them apart.
 */
export const jsonHeader = (site: Pick<SmsSite, 'provider' | 'siteCode'>, command: 'util' | 'util /readiness') =>
  ({ tool: 'zticache' as const, command, version: VERSION, server: site.provider, site: site.siteCode });
