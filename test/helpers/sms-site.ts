// An SMS site in memory, for zticache util's tests: packages, programs and advertisements as
// records, got by path and queried by class as the provider would, with every write counted and
// the failures and habits of a real provider on demand, as the SDK documents them: an object
// missing, an invalid object path, Put_ refused at any write with the provider's reason
// (SWbemLastError: an SMS_ExtendedStatus, as connectSms reads it), no ImageFlags, an enumeration
// that fails at its Nth object, another writer changing a record between zticache's read and its
// write (onGet), keys compared as the site database compares them (without case, trailing blanks
// ignored), ActionInProgress as the records carry it; and every property read counted. For the
// planning commands: collections (SMS_Collection, created by SpawnInstance_ and Put_, with
// AddMembershipRule, RequestRefresh, Delete_; SMS_CollectToSubCollect where the site is SMS 2003
// or 2007, without LimitToCollectionID), their members (SMS_FullCollectionMembership), clients'
// status (SMS_ClientAdvertisementStatus), PackageSize in KB, and lazy properties as WMI has them:
// AssignedSchedule and CollectionRules are missing from a query's objects, there when got by path
// (GetObjectText_ shows them as MOF), and lost when an object from a query is written back. A
// query's where clause is read (Prop = 'value' joined by or, WMI's escapes), and a select list
// gives only the properties it names, so a test fails where zticache reads what it did not ask for.
import { ComError, type ExtendedStatus, type Variant } from '../../src/core/automation.js';
import type { SmsObject, SmsSite } from '../../src/commands/util/site.js';

/** a record: properties, and for lazy ones arrays of embedded objects ({ __class, ... }) */
type Row = Record<string, any>;

/** the lazy properties of each class: missing from a query's objects */
export const LAZY: Readonly<Record<string, readonly string[]>> = { SMS_Advertisement: ['AssignedSchedule'], SMS_Collection: ['CollectionRules'] };

export interface MemorySite extends SmsSite {
  packages: Row[];
  programs: Row[];
  adverts: Row[];
  collections: Row[];
  /** SMS_FullCollectionMembership: CollectionID, ResourceID, Name */
  members: Row[];
  /** SMS_ClientAdvertisementStatus: AdvertisementID, ResourceID, LastState, LastExecutionResult */
  statuses: Row[];
  /** SMS_CollectToSubCollect: parentCollectionID, subCollectionID */
  links: Row[];
  queries: string[];
  puts: string[];
  /** every property read, as Class.Property */
  reads: string[];
  /** method calls on instances, as Class.Method */
  calls: string[];
  /** objects deleted (Delete_), by class */
  removed: string[];
  /** current ConfigMgr: SMS_Package has no ImageFlags */
  noImageFlags?: boolean;
  /** SMS 2003 / ConfigMgr 2007: SMS_Collection has no LimitToCollectionID (a new collection hangs under COLLROOT) */
  noLimitToCollection?: boolean;
  refusePut?: boolean;
  /** the Put_ calls (1-based, counted over the site) that are refused */
  refusePutAt?: number[];
  /** AddMembershipRule refused, with the provider's reason */
  refuseRule?: boolean;
  /** Delete_ refused */
  refuseRemove?: boolean;
  /** Put_ calls so far, refused ones included */
  putCalls: number;
  /** the provider's reason a refused Put_ carries (SWbemLastError); the default is a refused permission */
  refuseReason?: ExtendedStatus;
  /** every Get by path, in order */
  gets: string[];
  /** another writer: called at every Get by path (n counts them from 1), before the record is read */
  onGet?: (path: string, n: number) => void;
  /** another writer: called at every query (n counts them from 1), before it is answered */
  onQuery?: (wql: string, n: number) => void;
  /** an enumeration that fails when it reaches its nth object (1-based), for a class */
  failEnumAt?: { cls: string; n: number };
  /** the class's records */
  table(cls: string): Row[] | undefined;
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

/** A WQL where clause as zticache writes it: Prop = 'value' (WMI's escapes) or Prop = number, joined by or; anything else is an invalid query. */
export function whereTerms(where: string, wql: string): Array<[prop: string, value: string]> {
  const terms: Array<[string, string]> = [];
  let rest = where.trim();
  for (;;) {
    const m = /^(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\d+))/s.exec(rest);
    if (!m) throw new ComError(`ExecQuery(${wql})`, 0x80041017, 'Invalid query');
    terms.push([m[1]!, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!]);
    rest = rest.slice(m[0].length).trim();
    if (!rest) return terms;
    const or = /^or\s+/i.exec(rest);
    if (!or) throw new ComError(`ExecQuery(${wql})`, 0x80041017, 'Invalid query');
    rest = rest.slice(or[0].length);
  }
}

/** The MOF text GetObjectText_ gives: properties in order, NULL ones left out, embedded objects as instances. */
export function mofText(cls: string, row: Row, embedded = false): string {
  const value = (v: unknown): string => {
    if (Array.isArray(v)) return `{${v.map((x) => value(x)).join(', ')}}`;
    if (v && typeof v === 'object') {
      const { __class, ...props } = v as Row;
      return `\n${mofText(String(__class), props, true)}`;
    }
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    if (typeof v === 'number') return String(v);
    return `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  const lines = Object.entries(row).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `\t${k} = ${value(v)};`);
  return `${embedded ? '' : '\n'}instance of ${cls}\n{\n${lines.join('\n')}\n}${embedded ? '' : ';\n'}`;
}

export function memorySite(init: Partial<Pick<MemorySite, 'packages' | 'programs' | 'adverts' | 'collections' | 'members' | 'statuses' | 'noImageFlags' | 'noLimitToCollection'>> = {}): MemorySite {
  let nextId = 100;
  const site: MemorySite = {
    provider: 'SERVER1', siteCode: 'MTN', packages: [], programs: [], adverts: [], collections: [], members: [], statuses: [], links: [],
    queries: [], puts: [], reads: [], calls: [], removed: [], gets: [], putCalls: 0, ...init,
    table(cls) {
      return ({
        SMS_Package: site.packages, SMS_Program: site.programs, SMS_Advertisement: site.adverts, SMS_Collection: site.collections,
        SMS_FullCollectionMembership: site.members, SMS_ClientAdvertisementStatus: site.statuses, SMS_CollectToSubCollect: site.links,
      } as Record<string, Row[]>)[cls];
    },
    get(path) {
      site.gets.push(path);
      const { cls, keys } = pathKeys(path);
      site.onGet?.(path, site.gets.length);
      const row = site.table(cls)?.find((r) => Object.entries(keys).every(([k, v]) => key(r[k]) === key(v)));
      if (!row) throw new ComError(`Get(${path})`, 0x80041002);
      return object(site, row, cls, true);
    },
    query(wql) {
      site.queries.push(wql);
      site.onQuery?.(wql, site.queries.length);
      const m = /^select\s+(.+?)\s+from\s+(\w+)(?:\s+where\s+(.*))?$/is.exec(wql.trim());
      if (!m) throw new ComError(`ExecQuery(${wql})`, 0x80041017, 'Invalid query');
      const cls = m[2]!;
      const columns = m[1]!.trim() === '*' ? undefined : m[1]!.split(',').map((c) => c.trim());
      let rows: Row[];
      if (cls === 'SMS_Package' && /ImageFlags/.test(wql)) {
        if (site.noImageFlags) throw new ComError(`ExecQuery(${wql})`, 0x80041017);
        rows = site.packages.filter((p) => p.ImageFlags === 1);
      } else {
        rows = site.table(cls) ?? [];
        if (m[3] !== undefined) {
          const terms = whereTerms(m[3], wql);
          rows = rows.filter((r) => terms.some(([p, v]) => key(r[p] ?? '') === key(v)));
        }
      }
      // the enumeration breaks off at the nth object, as a provider that drops mid-way does
      const fail = site.failEnumAt?.cls === cls ? site.failEnumAt.n : 0;
      if (fail && fail <= rows.length) throw new ComError(`ExecQuery(${wql})._NewEnum: IEnumVARIANT::Next`, 0x800706be);
      return rows.map((r) => object(site, r, cls, false, columns));
    },
    spawn(cls) {
      const fresh: Row = cls === 'SMS_Collection' && !site.noLimitToCollection ? { LimitToCollectionID: '' } : {};
      return object(site, fresh, cls, true, undefined, true);
    },
  };
  const staging = new WeakMap<SmsObject, Row>();

  function object(site: MemorySite, row: Row, cls: string, byPath: boolean, columns?: string[], spawned = false): SmsObject {
    const lazy = LAZY[cls] ?? [];
    const staged: Row = { ...row };
    // a query's object: lazy properties are not filled, and a select list gives only its columns
    if (!byPath) for (const p of lazy) delete staged[p];
    if (columns) for (const p of Object.keys(staged)) if (!columns.includes(p)) delete staged[p];
    let isNew = spawned;
    const obj: SmsObject = {
      get: (p) => {
        site.reads.push(`${cls}.${p}`);
        // a property this class does not have (ImageFlags on current ConfigMgr), as IDispatch says it
        if (!(p in staged) && p === 'ImageFlags' && site.noImageFlags) throw new ComError(`get ${p}`, 0x80020006);
        if (!(p in staged) && p === 'LimitToCollectionID' && site.noLimitToCollection) throw new ComError(`get ${p}`, 0x80020006);
        return staged[p] as Variant;
      },
      set: (p, v) => void (staged[p] = v),
      put: () => {
        site.putCalls++;
        if (site.refusePut || site.refusePutAt?.includes(site.putCalls)) throw new ComError('Put_', 0x80041003, 'Access denied', site.refuseReason ?? NO_PERMISSION);
        site.puts.push(cls);
        if (isNew) {
          isNew = false;
          const t = site.table(cls);
          if (!t) throw new ComError('Put_', 0x80041010, `no table for ${cls}`);
          if (cls === 'SMS_Collection') staged.CollectionID = `${site.siteCode}${String(nextId++).padStart(5, '0')}`;
          Object.assign(row, staged);
          t.push(row);
          return cls === 'SMS_Collection' ? `SMS_Collection.CollectionID="${staged.CollectionID}"` : undefined;
        }
        // a lazy property the object was read without is written back as NULL: lost
        for (const p of lazy) if (!(p in staged)) delete row[p];
        Object.assign(row, staged);
        return undefined;
      },
      text: () => mofText(cls, staged),
      call: (method, ...args) => {
        site.calls.push(`${cls}.${method}`);
        if (method === 'AddMembershipRule') {
          if (!byPath) throw new ComError(`${method}`, 0x80041008, 'Invalid parameter');
          if (site.refuseRule) throw new ComError(method, 0x80041003, 'Access denied', site.refuseReason ?? NO_PERMISSION);
          const rule = staging.get(args[0] as SmsObject);
          if (!rule) throw new ComError(method, 0x80041008, 'Invalid parameter');
          row.CollectionRules = [...(row.CollectionRules ?? []), { __class: 'SMS_CollectionRuleQuery', ...rule }];
          return 0;
        }
        if (method === 'RequestRefresh') return 0;
        throw new ComError(method, 0x80020006);
      },
      remove: () => {
        if (site.refuseRemove) throw new ComError('Delete_', 0x80041003, 'Access denied', site.refuseReason ?? NO_PERMISSION);
        const t = site.table(cls)!;
        const i = t.indexOf(row);
        if (i >= 0) t.splice(i, 1);
        site.removed.push(cls);
      },
    };
    staging.set(obj, staged);
    return obj;
  }
  return site;
}
