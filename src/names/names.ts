// What a name IS on the target's file system: the one authority zticache asks. Whether the target
// can hold a name, and when two names are one name there, are the file system's answers, not
// JavaScript's: NTFS compares names through its upcase table (one UTF-16 unit at a time, so the
// KELVIN SIGN stays apart from `k` and `ẞ` from `ß`, where toLowerCase() folds them together),
// answers a lookup by an 8.3 alias, and Win32 cannot create `a:b.txt` that a Unix share serves. The
// plan, the journal's reader, the manifest's duplicate check, the prune and VERIFY all take their
// keys from here; there is no other case folding of a package path in zticache. The rules of
// each side are a whole strategy (names/windows.ts, names/posix.ts), chosen once with the platform.

export interface NameRules {
  /** the rules in words, for the plan's log lines */
  readonly description: string;
  /**
   * Why the target cannot hold this one name (a component, no separator), or undefined when it
   * can. A package holding such a name is refused before any change: staging it would fail part
   * way, or store something else than the package said.
   */
  unholdable(name: string): string | undefined;
  /**
   * Why a name the target can hold is awkward there (Windows: only a `\\?\` path reaches it, so
   * Explorer, cmd and most programs cannot open it), or undefined. Staged, and warned about.
   */
  awkward(name: string): string | undefined;
  /**
   * The key of a package path (components joined with '/'): two paths are one path on the target
   * exactly when their keys are equal.
   */
  key(rel: string): string;
  /**
   * The target makes 8.3 short names (an alias like ABCDEF~1.TXT that answers to a lookup), so a
   * name shaped like another entry's alias is one name with it.
   */
  readonly shortNames: boolean;
}

/** One name that stops the plan: what is wrong, and the other entry it is one name with. */
export type NameProblem =
  | { kind: 'unholdable'; rel: string; why: string }
  | { kind: 'clash'; rel: string; other: string }
  | { kind: 'short-name'; rel: string; other: string };

/** The two spellings are one name on the target. */
export function sameName(rules: NameRules, a: string, b: string): boolean {
  return a === b || rules.key(a) === rules.key(b);
}

/** The last component of a package path, and the folder it is in ('' at the top). */
export function splitRel(rel: string): { parent: string; name: string } {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? { parent: '', name: rel } : { parent: rel.slice(0, slash), name: rel.slice(slash + 1) };
}
