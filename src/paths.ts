// Path comparisons that are right on both platforms: Windows paths compare case-insensitively and
// may carry the \\?\ long-path prefix; package-relative paths are always stored with forward
// slashes (as in sha256sum manifests and the journal) and joined with the platform's separator.

import type path from 'node:path';

function comparable(p: path.PlatformPath, s: string): string {
  let r = p.resolve(s);
  if (p.sep === '\\') {
    if (/^\\\\\?\\UNC\\/i.test(r)) r = '\\\\' + r.slice(8);
    else if (r.startsWith('\\\\?\\')) r = r.slice(4);
    r = r.toLowerCase();
  }
  return r.length > 1 && r.endsWith(p.sep) && !/^[a-z]:\\$/i.test(r) ? r.slice(0, -1) : r;
}

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

/** Absolute path of a package-relative path. */
export function fromRel(p: path.PlatformPath, root: string, rel: string): string {
  return rel === '' ? root : p.join(root, ...rel.split('/'));
}

/** Key for comparing package-relative paths (case-insensitive where the file system is). */
export function relKey(p: path.PlatformPath, rel: string): string {
  return p.sep === '\\' ? rel.toLowerCase() : rel;
}
