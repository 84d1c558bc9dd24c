// The plan's look at every name of a package against the target's rules (names.ts): names the
// target cannot hold, two names that are one name there, and a name that could be another's 8.3
// alias where the target makes them. One pass over the inventory with one key per path; the 8.3
// test compares only the few names shaped like an alias with the names of their own folder.

import { splitRel, type NameProblem, type NameRules } from './names.js';
import { couldBeAlias, isPlainShortName, looksLikeAlias } from './short-names.js';

export interface NameReport {
  /** what stops the plan, first found first (folders before files, in inventory order) */
  problems: NameProblem[];
  /** names that are staged but awkward on the target (only `\\?\` paths reach them) */
  awkward: Array<{ rel: string; why: string }>;
}

export function checkNames(rules: NameRules, inv: { dirs: readonly string[]; files: ReadonlyArray<{ rel: string }> }): NameReport {
  const problems: NameProblem[] = [];
  const awkward: NameReport['awkward'] = [];
  const byKey = new Map<string, string>();
  /** per folder (by its key): the names shaped like an alias, and every name, in capitals */
  const folders = new Map<string, { aliases: Array<[string, string]>; all: Array<[string, string]> }>();
  const look = (rel: string) => {
    const { parent, name } = splitRel(rel);
    const why = rules.unholdable(name);
    if (why !== undefined) {
      problems.push({ kind: 'unholdable', rel, why });
      return;
    }
    const odd = rules.awkward(name);
    if (odd !== undefined) awkward.push({ rel, why: odd });
    const k = rules.key(rel);
    const before = byKey.get(k);
    if (before !== undefined) problems.push({ kind: 'clash', rel, other: before });
    else byKey.set(k, rel);
    if (!rules.shortNames) return;
    const pk = rules.key(parent);
    let f = folders.get(pk);
    if (!f) folders.set(pk, (f = { aliases: [], all: [] }));
    const upper = rules.key(name);
    f.all.push([upper, rel]);
    if (looksLikeAlias(upper)) f.aliases.push([upper, rel]);
  };
  for (const d of inv.dirs) look(d);
  for (const f of inv.files) look(f.rel);
  for (const f of folders.values()) {
    for (const [shortUpper, rel] of f.aliases) {
      const other = f.all.find(([u, r]) => r !== rel && !isPlainShortName(splitRel(r).name) && couldBeAlias(shortUpper, u));
      if (other) problems.push({ kind: 'short-name', rel, other: other[1] });
    }
  }
  return { problems, awkward };
}
