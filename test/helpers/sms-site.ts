// An SMS site in memory, for zticache util's tests: packages, programs and advertisements as
// records, got by path and queried by class as the provider would, with every write counted and
// the failures of a real provider on demand (an object missing, an invalid object path, Put_ refused
// at any write, no ImageFlags), and every property read counted.
import { ComError, type Variant } from '../../src/core/automation.js';
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
}

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
    provider: 'SERVER1', siteCode: 'MTN', packages: [], programs: [], adverts: [], queries: [], puts: [], reads: [], putCalls: 0, ...init,
    get(path) {
      const { cls, keys } = pathKeys(path);
      const table = cls === 'SMS_Package' ? site.packages : cls === 'SMS_Program' ? site.programs : cls === 'SMS_Advertisement' ? site.adverts : undefined;
      const row = table?.find((r) => Object.entries(keys).every(([k, v]) => String(r[k]).toUpperCase() === v.toUpperCase()));
      if (!row) throw new ComError(`Get(${path})`, 0x80041002);
      return object(site, row, cls);
    },
    query(wql) {
      site.queries.push(wql);
      const cls = /from (\w+)/i.exec(wql)![1]!;
      if (cls === 'SMS_Package' && /ImageFlags/.test(wql)) {
        if (site.noImageFlags) throw new ComError(`ExecQuery(${wql})`, 0x80041017);
        return site.packages.filter((p) => p.ImageFlags === 1).map((r) => object(site, r, cls));
      }
      const table = cls === 'SMS_Package' ? site.packages : cls === 'SMS_Program' ? site.programs : site.adverts;
      return table.map((r) => object(site, r, cls));
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
      if (site.refusePut || site.refusePutAt?.includes(site.putCalls)) throw new ComError('Put_', 0x80041003, 'Access denied');
      Object.assign(row, staged);
      site.puts.push(cls);
    },
  };
}
