// What the schedule check needs of the collections advertisements target: their names and member
// counts from one query per class (SMS_Collection by ID, SMS_FullCollectionMembership by
// collection, counted here: SMS 2003 has no MemberCount), and what their rules say of free space,
// from each collection got by its path (CollectionRules is a lazy property: a query leaves it out).

import { ComError } from '../../core/automation.js';
import { parseMof } from './mof.js';
import { objectPath, quote } from './object-path.js';
import { siteKey } from './site-key.js';
import { freeSpaceLimit, type FreeSpaceLimit } from './schedule.js';
import type { SmsSite } from './site.js';
import { step } from './steps.js';

export interface CollectionFacts {
  id: string;
  name?: string;
  members: number;
  limit: FreeSpaceLimit;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** `where Prop = 'a' or Prop = 'b'`, the IDs escaped */
export const anyOf = (prop: string, ids: readonly string[]): string => ids.map((id) => `${prop} = ${quote(id)}`).join(' or ');

export function collectionFacts(site: SmsSite, ids: readonly string[]): Map<string, CollectionFacts> {
  const facts = new Map<string, CollectionFacts>();
  const unique = [...new Map(ids.filter(Boolean).map((id) => [siteKey(id), id])).values()];
  if (!unique.length) return facts;
  for (const id of unique) facts.set(siteKey(id), { id, members: 0, limit: { kind: 'unknown', why: 'not read' } });
  // a computer is listed once per site in a hierarchy (the class is keyed by SiteCode too), and
  // twice on older sites with a direct and a query rule: members are distinct ResourceIDs, as /readiness counts them
  const seen = new Map<string, Set<number>>();
  step('querying SMS_FullCollectionMembership', () => {
    for (const m of site.query(`select CollectionID, ResourceID from SMS_FullCollectionMembership where ${anyOf('CollectionID', unique)}`)) {
      const key = siteKey(text(m.get('CollectionID')));
      const f = facts.get(key);
      if (!f) continue;
      const ids = seen.get(key) ?? new Set<number>();
      seen.set(key, ids);
      const id = Number(m.get('ResourceID'));
      if (!ids.has(id)) {
        ids.add(id);
        f.members++;
      }
    }
  });
  for (const f of facts.values()) Object.assign(f, collectionRead(site, f.id));
  return facts;
}

/** A collection's name and free-space limit, got by its path; one that cannot be read is "cannot tell", with why. */
export function collectionRead(site: SmsSite, id: string): { name?: string; limit: FreeSpaceLimit } {
  try {
    const c = site.get(objectPath('SMS_Collection', { CollectionID: id }));
    return { name: text(c.get('Name')), limit: freeSpaceLimit(parseMof(c.text())) };
  } catch (err) {
    if (!(err instanceof ComError) && !(err instanceof Error && err.message.startsWith('MOF text'))) throw err;
    return { limit: { kind: 'unknown', why: `collection ${id} cannot be read: ${err.message}` } };
  }
}
