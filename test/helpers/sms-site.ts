// An SMS site in memory, for zticache util's tests: packages, programs and advertisements as
// records, got by path and queried by class as the provider would, with every write counted and
// the failures and habits of a real provider on demand, as the SDK documents them: an object
// missing, an invalid object path, Put_ refused at any write with the provider's reason
// (SWbemLastError: an SMS_ExtendedStatus, as connectSms reads it), no ImageFlags, an enumeration
// that fails at its Nth object, another writer changing a record between zticache's read and its
// write (onGet), keys compared as the site database compares them (without case, trailing blanks
// ignored), ActionInProgress as the records carry it; and every property read counted.
import { ComError, type ExtendedStatus, type Variant } from '../../src/core/automation.js';
import type { SmsObject, SmsSite } from '../../src/commands/util/site.js';

type Row = Record<string, Variant>;

export interface MemorySite extends SmsSite {
  packages: Row[];
  programs: Row[];
  adverts: Row[];
  queries: string[];
  puts: string[];
  /** every property read, as Class.Property */
  reads: string[];
  /** current ConfigMgr: SMS_Package has no ImageFlags */
  noImageFlags?: boolean;
  refusePut?: boolean;
  /** the Put_ calls (1-based, counted over the site) that are refused */
  refusePutAt?: number[];
  /** Put_ calls so far, refused ones included */
  putCalls: number;
  /** the provider's reason a refused Put_ carries (SWbemLastError); the default is a refused permission */
  refuseReason?: ExtendedStatus;
  /** every Get by path, in order */
  gets: string[];
  /** another writer: called at every Get by path (n counts them from 1), before the record is read */
  onGet?: (path: string, n: number) => void;
  /** an enumeration that fails when it reaches its nth object (1-based), for a class */
  failEnumAt?: { cls: string; n: number };
}

/** What the SMS provider says when a Put_ is refused for a missing right (SMS_ExtendedStatus). */
export const NO_PERMISSION: ExtendedStatus = {
  className: 'SMS_ExtendedStatus',
  description: 'User MTN\\admin2 has no Modify permission on the advertisement\'s collection XXX00010',
  statusCode: 0x80041003,
  errorCode: 0x40480015,
  operation: 'PutInstance',
  providerName: 'SMS Provider',
};

/** how the site database compares keys: without case, trailing blanks ignored */
const key = (v: unknown) => String(v).replace(/ +$/, '').toUpperCase();

const WBEM_E_INVALID_OBJECT_PATH = 0x8004103a;

/**
 * The keys of an object path as WMI reads them: Key='value' with \\ and \' the only escapes inside
 * the quotes; anything else (a lone backslash, an unclosed quote) is an invalid object path.
 */
export function pathKeys(path: string): { cls: string; keys: Record<string, string> } {
  const m = /^(\w+)\.(.*)$/s.exec(path);
  if (!m) throw new ComError(`Get(${path})`, WBEM_E_INVALID_OBJECT_PATH);
  const keys: Record<string, string> = {};
  let rest = m[2]!;
  while (rest) {
    const k = /^(\w+)='((?:[^'\\]|\\.)*)'(,|$)/s.exec(rest);
    if (!k || /\\[^\\']/.test(k[2]!.replace(/\\\\/g, ''))) throw new ComError(`Get(${path})`, WBEM_E_INVALID_OBJECT_PATH);
    keys[k[1]!] = k[2]!.replace(/\\(.)/g, '$1');
    rest = rest.slice(k[0].length);
  }
  return { cls: m[1]!, keys };
}

export function memorySite(init: Partial<Pick<MemorySite, 'packages' | 'programs' | 'adverts' | 'noImageFlags'>> = {}): MemorySite {
  const site: MemorySite = {
    provider: 'SERVER1', siteCode: 'MTN', packages: [], programs: [], adverts: [], queries: [], puts: [], reads: [], gets: [], putCalls: 0, ...init,
    get(path) {
      site.gets.push(path);
      const { cls, keys } = pathKeys(path);
      site.onGet?.(path, site.gets.length);
      const table = cls === 'SMS_Package' ? site.packages : cls === 'SMS_Program' ? site.programs : cls === 'SMS_Advertisement' ? site.adverts : undefined;
      const row = table?.find((r) => Object.entries(keys).every(([k, v]) => key(r[k]) === key(v)));
      if (!row) throw new ComError(`Get(${path})`, 0x80041002);
      return object(site, row, cls);
    },
    query(wql) {
      site.queries.push(wql);
      const cls = /from (\w+)/i.exec(wql)![1]!;
      let rows: Row[];
      if (cls === 'SMS_Package' && /ImageFlags/.test(wql)) {
        if (site.noImageFlags) throw new ComError(`ExecQuery(${wql})`, 0x80041017);
        rows = site.packages.filter((p) => p.ImageFlags === 1);
      } else {
        rows = cls === 'SMS_Package' ? site.packages : cls === 'SMS_Program' ? site.programs : site.adverts;
      }
      // the enumeration breaks off at the nth object, as a provider that drops mid-way does
      const fail = site.failEnumAt?.cls === cls ? site.failEnumAt.n : 0;
      if (fail && fail <= rows.length) throw new ComError(`ExecQuery(${wql})._NewEnum: IEnumVARIANT::Next`, 0x800706be);
      return rows.map((r) => object(site, r, cls));
    },
  };
  return site;
}

function object(site: MemorySite, row: Row, cls: string): SmsObject {
  const staged: Row = { ...row };
  return {
    get: (p) => {
      site.reads.push(`${cls}.${p}`);
      // a property this class does not have (ImageFlags on current ConfigMgr), as IDispatch says it
      if (!(p in staged) && p === 'ImageFlags' && site.noImageFlags) throw new ComError(`get ${p}`, 0x80020006);
      return staged[p];
    },
    set: (p, v) => void (staged[p] = v),
    put: () => {
      site.putCalls++;
      if (site.refusePut || site.refusePutAt?.includes(site.putCalls)) throw new ComError('Put_', 0x80041003, 'Access denied', site.refuseReason ?? NO_PERMISSION);
      Object.assign(row, staged);
      site.puts.push(cls);
    },
  };
}
