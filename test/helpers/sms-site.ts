// An SMS site in memory, for zticache util's tests: packages, programs and advertisements as
// records, got by path and queried by class as the provider would, with every write counted and
// the failures of a real provider on demand (an object missing, Put_ refused, no ImageFlags).
import { ComError, type Variant } from '../../src/automation.js';
import type { SmsObject, SmsSite } from '../../src/commands/util/site.js';

type Row = Record<string, Variant>;

export interface MemorySite extends SmsSite {
  packages: Row[];
  programs: Row[];
  adverts: Row[];
  queries: string[];
  puts: string[];
  /** current ConfigMgr: SMS_Package has no ImageFlags */
  noImageFlags?: boolean;
  refusePut?: boolean;
}

export function memorySite(init: Partial<Pick<MemorySite, 'packages' | 'programs' | 'adverts' | 'noImageFlags'>> = {}): MemorySite {
  const site: MemorySite = {
    provider: 'SERVER1', siteCode: 'MTN', packages: [], programs: [], adverts: [], queries: [], puts: [], ...init,
    get(path) {
      const m = /^(\w+)\.(.*)$/.exec(path);
      const keys = Object.fromEntries([...(m?.[2] ?? '').matchAll(/(\w+)='((?:[^'\\]|\\.)*)'/g)].map((k) => [k[1]!, k[2]!.replace(/\\'/g, "'")]));
      const table = m?.[1] === 'SMS_Package' ? site.packages : m?.[1] === 'SMS_Program' ? site.programs : m?.[1] === 'SMS_Advertisement' ? site.adverts : undefined;
      const row = table?.find((r) => Object.entries(keys).every(([k, v]) => String(r[k]).toUpperCase() === v.toUpperCase()));
      if (!row) throw new ComError(`Get(${path})`, 0x80041002);
      return object(site, row, m![1]!);
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
    get: (p) => staged[p],
    set: (p, v) => void (staged[p] = v),
    put: () => {
      if (site.refusePut) throw new ComError('Put_', 0x80041003, 'Access denied');
      Object.assign(row, staged);
      site.puts.push(cls);
    },
  };
}
