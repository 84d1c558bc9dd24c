// `zticache util /collection:"NAME" /package:ID`: the document's first activity, "Defining
// Collections", as a command. The query rule selects the computers the OS program can run on and
// whose system drive has more free space than the package (SMS_Package.PackageSize, in KB) plus
// the scratch space (/scratch-mb, the document's 500 MB), rounded up to 256 MB: a package of
// 1.5 GB gives the document's "more than 2 GB". The OS floor differs from the document's
// "Windows 2000 or later", which was ZTICache.vbs's: the program is zticache.exe now, which embeds
// Node.js and starts on Windows 10 x64 or later only (older Windows ends it with exit code 216
// before any of its code runs: no log, no event, no OS install), so the rule asks for NT 10
// workstations on an x64-based PC; a client left out for that is one that could never run it. The free space is the logical-disk inventory
// (SMS_G_System_LOGICAL_DISK.FreeSpace, in MB) of the drive the operating-system inventory names
// as the system drive, or C: where the inventory does not name one (a site whose hardware
// inventory leaves Win32_OperatingSystem.SystemDrive out). Unlike the console, every check runs before the first write (the package there,
// its size known, no collection of that name), the package and the name are checked again right
// before it, and a failure after the collection was written deletes it again: all or nothing.

import { ComError } from '../../core/automation.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { objectPath, quote } from './object-path.js';
import { siteKey } from './site-key.js';
import type { SmsObject, SmsSite } from './site.js';
import { failure, step } from './steps.js';

/** what the rule rounds the free-space threshold up to, in MB */
export const THRESHOLD_STEP_MB = 256;
/** the oldest Windows the OS program (zticache.exe, Node.js inside) starts on: Windows 10 (NT 10.0; Windows 11 too), x64 */
export const OS_FLOOR = { name: 'Windows 10 x64', major: 10 } as const;
/** NT major versions of Windows, as SMS_R_System.OperatingSystemNameandVersion spells them ("Microsoft Windows NT Workstation 10.0") */
const NT_MAJORS = [5, 6, 10];
/** All Systems: what a new collection is limited to where the site asks for a limit (ConfigMgr 2012 and later) */
export const ALL_SYSTEMS = 'SMS00001';
/** SMS 2003 and ConfigMgr 2007: the root every top-level collection hangs under */
const COLLROOT = 'COLLROOT';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The free space the collection requires, in MB: the package plus the scratch space, rounded up to THRESHOLD_STEP_MB. */
export function thresholdMb(packageKb: number, scratchMb: number): number {
  const needed = Math.ceil(packageKb / 1024) + scratchMb;
  return Math.ceil(needed / THRESHOLD_STEP_MB) * THRESHOLD_STEP_MB;
}

/** The query rule's WQL: the OS floor on an x64-based PC, and more than `mb` MB free on the system drive. */
export function collectionWql(mb: number): string {
  const os = NT_MAJORS.filter((m) => m >= OS_FLOOR.major).map((m) => `SMS_R_System.OperatingSystemNameandVersion like "Microsoft Windows NT Workstation ${m}.%"`).join(' or ');
  return [
    'select SMS_R_System.ResourceId, SMS_R_System.ResourceType, SMS_R_System.Name, SMS_R_System.SMSUniqueIdentifier, SMS_R_System.ResourceDomainORWorkgroup, SMS_R_System.Client from SMS_R_System',
    'inner join SMS_G_System_OPERATING_SYSTEM on SMS_G_System_OPERATING_SYSTEM.ResourceID = SMS_R_System.ResourceId',
    'inner join SMS_G_System_LOGICAL_DISK on SMS_G_System_LOGICAL_DISK.ResourceID = SMS_R_System.ResourceId',
    'inner join SMS_G_System_COMPUTER_SYSTEM on SMS_G_System_COMPUTER_SYSTEM.ResourceID = SMS_R_System.ResourceId',
    `where (${os})`,
    'and SMS_G_System_COMPUTER_SYSTEM.SystemType = "x64-based PC"',
    'and (SMS_G_System_LOGICAL_DISK.DeviceID = SMS_G_System_OPERATING_SYSTEM.SystemDrive or (SMS_G_System_OPERATING_SYSTEM.SystemDrive is null and SMS_G_System_LOGICAL_DISK.DeviceID = "C:"))',
    `and SMS_G_System_LOGICAL_DISK.FreeSpace > ${mb}`,
  ].join(' ');
}

export const ruleName = (mb: number) => `${OS_FLOOR.name} or later with more than ${mb} MB free`;

export interface CollectionOptions {
  name: string;
  package: string;
  scratchMb: number;
  force?: boolean;
  whatIf: boolean;
}

const DELETING = 3;

interface Decision {
  packageKb: number;
  packageName: string;
  mb: number;
  wql: string;
  /** collections of that name already there (IDs) */
  existing: string[];
}

/** Everything read and checked: the package, its size, the name; nothing written. */
function decide(site: SmsSite, o: CollectionOptions): Decision {
  const pkgPath = objectPath('SMS_Package', { PackageID: o.package });
  const pack = step(`retrieving package ${o.package}`, () => site.get(pkgPath));
  const [size, name, action] = step(`reading package ${o.package}`, () => [pack.get('PackageSize'), pack.get('Name'), optional(pack, 'ActionInProgress')]);
  if (Number(action) === DELETING) throw new ZtiError(ExitCode.SMS_OBJECT_NOT_FOUND, `zticache util: package ${o.package} is being deleted (ActionInProgress ${DELETING})`);
  const packageKb = Number(size ?? 0);
  if (!(packageKb > 0)) {
    throw new ZtiError(ExitCode.SMS_PACKAGE_SIZE_UNKNOWN, `zticache util: the site does not know the size of package ${o.package} yet (PackageSize ${text(size) || 'none'}): the free-space threshold is taken from it; update the package's distribution points so the site reads its source, then run this again`);
  }
  const existing = collectionsNamed(site, o.name);
  if (existing.length && !o.force) {
    throw new ZtiError(ExitCode.SMS_COLLECTION_EXISTS, `zticache util: a collection named "${o.name}" exists (${existing.join(', ')}): give another name, or delete it in the console (its advertisements with it); /force creates another beside it`);
  }
  const mb = thresholdMb(packageKb, o.scratchMb);
  return { packageKb, packageName: text(name), mb, wql: collectionWql(mb), existing };
}

/**
 * IDs of the collections of that name, as the site database compares names: every row the provider
 * returns for `Name = '...'` is one, since it compares in the site's SQL collation (case-, kana-
 * and width-insensitive: "Ｄｅｐｌｏｙ ＸＰ" is "Deploy XP"), which no JavaScript comparison
 * reproduces; dropping a row it returned would create a second collection of the same name.
 */
function collectionsNamed(site: SmsSite, name: string): string[] {
  const found = step('querying SMS_Collection', () => site.query(`select CollectionID, Name from SMS_Collection where Name = ${quote(name)}`).map((c) => text(c.get('CollectionID'))));
  return [...new Map(found.map((id) => [siteKey(id), id])).values()].sort();
}

function optional(obj: SmsObject, prop: string) {
  try {
    return obj.get(prop);
  } catch (err) {
    if (err instanceof ComError) return undefined;
    throw err;
  }
}

export function createCollection(site: SmsSite, o: CollectionOptions, out: (line: string) => void): void {
  const d = (() => {
    try {
      return decide(site, o);
    } catch (err) {
      const e = failure(`creating collection "${o.name}"`, err);
      throw /nothing was changed/.test(e.message) ? e : new ZtiError(e.exitCode, `${e.message}; nothing was changed`, { cause: e.cause });
    }
  })();
  out(`Package ${o.package} (${d.packageName}): ${d.packageKb} KB; with ${o.scratchMb} MB of scratch space the collection requires more than ${d.mb} MB free on the system drive.`);
  if (d.existing.length) out(`/force: a collection named "${o.name}" exists (${d.existing.join(', ')}); creating another beside it.`);
  out(`Query rule "${ruleName(d.mb)}":`);
  out(d.wql);
  if (o.whatIf) {
    out(`Would have created collection "${o.name}" with that rule.`);
    return;
  }

  // ---- right before the first write: what the decision rests on, read again
  const again = (() => {
    try {
      return decide(site, { ...o, force: true });
    } catch (err) {
      throw failure(`reading package ${o.package} again`, err);
    }
  })();
  const changed = [
    again.packageKb !== d.packageKb ? `package ${o.package}'s size changed (${d.packageKb} KB -> ${again.packageKb} KB)` : '',
    again.existing.join() !== d.existing.join() ? `a collection named "${o.name}" was created meanwhile (${again.existing.filter((id) => !d.existing.includes(id)).join(', ')})` : '',
  ].filter(Boolean);
  if (changed.length) throw new ZtiError(ExitCode.SMS_OBJECT_CHANGED, `zticache util: ${changed.join('; ')}, after zticache util read it; nothing was changed: run it again to decide on what the site holds now`);

  // ---- write: the collection, its place (SMS 2003/2007), its rule; undone if a later step fails
  const coll = step('preparing the new collection (SMS_Collection.SpawnInstance_)', () => site.spawn('SMS_Collection'));
  let limited = false;
  try {
    coll.set('Name', o.name);
    coll.set('Comment', `Created by zticache util for package ${o.package}: ${ruleName(d.mb)} (the package, ${d.packageKb} KB, and ${o.scratchMb} MB of scratch space)`);
    coll.set('OwnedByThisSite', true);
    // ConfigMgr 2012 and later require a limiting collection; SMS 2003 and 2007 have no such property
    if (optional(coll, 'LimitToCollectionID') !== undefined) {
      coll.set('LimitToCollectionID', ALL_SYSTEMS);
      limited = true;
    }
  } catch (err) {
    throw new ZtiError(ExitCode.SMS_CHANGE_REFUSED, `zticache util: preparing the new collection: ${err instanceof Error ? err.message : String(err)}; nothing was changed`, { cause: err });
  }
  let relPath: string | undefined;
  try {
    relPath = coll.put();
  } catch (err) {
    throw new ZtiError(ExitCode.SMS_CHANGE_REFUSED, `zticache util: writing collection "${o.name}" (Put_) was refused: ${err instanceof Error ? err.message : String(err)}; nothing was changed`, { cause: err });
  }
  const written: string[] = [];
  let id: string | undefined;
  let linkPath: string | undefined;
  try {
    id = /CollectionID\s*=\s*["']([^"']+)["']/i.exec(relPath ?? '')?.[1] ?? step('finding the new collection', () => collectionsNamed(site, o.name).find((c) => !d.existing.includes(c)));
    if (!id) throw new Error(`the new collection "${o.name}" cannot be found by its name`);
    written.push(`collection ${id} "${o.name}"`);
    if (!limited) {
      const link = site.spawn('SMS_CollectToSubCollect');
      link.set('parentCollectionID', COLLROOT);
      link.set('subCollectionID', id);
      link.put();
      linkPath = objectPath('SMS_CollectToSubCollect', { parentCollectionID: COLLROOT, subCollectionID: id });
      written.push(`its place under ${COLLROOT}`);
    }
    const rule = site.spawn('SMS_CollectionRuleQuery');
    rule.set('RuleName', ruleName(d.mb));
    rule.set('QueryExpression', d.wql);
    // the collection as the site holds it now: the object the rule is added to
    const fresh = site.get(objectPath('SMS_Collection', { CollectionID: id }));
    if (siteKey(text(fresh.get('Name'))) !== siteKey(o.name)) throw new Error(`collection ${id} is now named "${text(fresh.get('Name'))}" (another writer)`);
    const rc = fresh.call('AddMembershipRule', rule);
    if (rc !== undefined && rc !== null && Number(rc) !== 0) throw new Error(`AddMembershipRule returned ${text(rc)}`);
  } catch (err) {
    throw undo(site, o, err, id, linkPath, written);
  }
  out(`Created collection ${id} "${o.name}"${limited ? ` (limited to ${ALL_SYSTEMS}, All Systems)` : ` (under ${COLLROOT})`} with the query rule "${ruleName(d.mb)}".`);
  try {
    site.get(objectPath('SMS_Collection', { CollectionID: id })).call('RequestRefresh', false);
    out('Its membership is being evaluated: check its members in the console before you advertise to it (the document: "verify that the collection contains the appropriate results").');
  } catch (err) {
    out(`Its membership was not asked to refresh (${err instanceof Error ? err.message : String(err)}): update it in the console, and check its members before you advertise to it.`);
  }
}

/** A failure after the collection was written: deleted again (nothing was changed), or named for deleting by hand. */
function undo(site: SmsSite, o: CollectionOptions, err: unknown, id: string | undefined, linkPath: string | undefined, written: string[]): ZtiError {
  const why = err instanceof Error ? err.message : String(err);
  const cause = err;
  if (!id) {
    return new ZtiError(ExitCode.SMS_FAILED_AFTER_WRITE, `zticache util: collection "${o.name}" was written, then: ${why}; delete the collection of that name without a rule in the console`, { cause });
  }
  try {
    if (linkPath) site.get(linkPath).remove();
    site.get(objectPath('SMS_Collection', { CollectionID: id })).remove();
  } catch (undoErr) {
    const u = undoErr instanceof Error ? undoErr.message : String(undoErr);
    return new ZtiError(ExitCode.SMS_FAILED_AFTER_WRITE, `zticache util: written: ${written.join(', ')}; then adding its query rule failed: ${why}; deleting it again failed too (${u}): delete collection ${id} "${o.name}" in the console, then run this again`, { cause });
  }
  return new ZtiError(ExitCode.SMS_CHANGE_REFUSED, `zticache util: creating collection "${o.name}": ${why}; the collection zticache util had written (${id}) was deleted again: nothing was changed`, { cause });
}
