// Path comparisons of the host's own paths (the source, the target, --log) that are right on both
// platforms: Windows paths compare case-insensitively and may carry the \\?\ long-path prefix,
// and identity.ts has the last word where the folders exist. Package-relative paths are always
// stored with forward slashes (as in sha256sum manifests and the journal) and joined with the
// platform's separator; whether two of THEM are one name is the names authority's (src/names/).

import type path from 'node:path';
import type { NameRules } from '../names/names.js';

function comparable(p: path.PlatformPath, s: string): string {
  let r = p.resolve(s);
  if (p.sep === '\\') {
    if (/^\\\\\?\\UNC\\/i.test(r)) r = '\\\\' + r.slice(8);
    else if (r.startsWith('\\\\?\\')) r = r.slice(4);
    r = r.toLowerCase();
    // path.win32.resolve gives \\?\C: for \\?\C:\ but C:\ for C:\: both are the drive's root
    if (/^[a-z]:$/.test(r)) r += '\\';
  }
  return r.length > 1 && r.endsWith(p.sep) && !/^[a-z]:\\$/i.test(r) ? r.slice(0, -1) : r;
}

/** true when a and b spell one path (Windows: in any case, with or without \\?\) */
export function samePath(p: path.PlatformPath, a: string, b: string): boolean {
  return comparable(p, a) === comparable(p, b);
}

/** true when child is strictly inside parent */
export function isInside(p: path.PlatformPath, child: string, parent: string): boolean {
  const c = comparable(p, child);
  const par = comparable(p, parent);
  const prefix = par.endsWith(p.sep) ? par : par + p.sep;
  return c !== par && c.startsWith(prefix);
}

/** A relative path in the package's own notation (forward slashes). */
export function toRel(p: path.PlatformPath, root: string, abs: string): string {
  return p.relative(root, abs).split(p.sep).join('/');
}

/**
 * Absolute path of a package-relative path. Plain concatenation, not path.join: package paths are
 * normalized when inventoried (and checked when read back from a journal), and joining 100,000 of
 * them must not cost a normalization each.
 */
export function fromRel(p: path.PlatformPath, root: string, rel: string): string {
  if (rel === '') return root;
  const sep = p.sep;
  const tail = sep === '/' ? rel : rel.replaceAll('/', sep);
  return root.endsWith(sep) ? root + tail : root + sep + tail;
}

/**
 * A package-relative path that stays inside the package and that the target can hold: no empty,
 * "." or ".." part, and every part a name the target's rules accept (Windows: no drive, stream or
 * backslash). The journal's reader asks this of what the plan let through, so it accepts every
 * journal a run wrote.
 */
export function isSafeRel(rel: string, names: Pick<NameRules, 'unholdable'>): boolean {
  // '' splits into one empty part; NUL is unholdable under both names rules
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && names.unholdable(part) === undefined);
}
