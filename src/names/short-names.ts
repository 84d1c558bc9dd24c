// 8.3 short names: which real name could be another entry's alias on a volume that makes them.
// NTFS gives a long name (`ABCDEFGHIJ.txt`) an alias when it is created (`ABCDEF~1.TXT`; after
// four of those, `AB12F4~1.TXT`, the first two characters and a hash; Wine: `ABCD~XYZ.TXT`), and a
// lookup by the alias finds the long name. Which alias a name gets depends on what the folder
// already holds and in which order entries arrive, so it cannot be predicted exactly: this module
// answers the safe question instead, "could it be?", by the shapes every generator keeps: a valid
// 8.3 name with a `~` in its base, the long name's first characters before it (at least the first
// two, as the hash form keeps them; a space left out or made an underscore), and the long name's
// first three extension characters.

/** Characters an 8.3 name may hold besides letters and digits (FAT's rules, which NTFS's aliases follow). */
const SHORT_CHARS = /^[A-Z0-9!#$%&'()\-@^_`{}~\u0080-\uffff]+$/;
/** Characters the alias generator replaces with an underscore. */
const REPLACED = /[+,;=[\]]/g;

/** name as an 8.3 name: base (1-8) and extension (0-3), or undefined when it is not one (uppercase only). */
function parts83(upper: string): { base: string; ext: string } | undefined {
  const dot = upper.indexOf('.');
  const base = dot < 0 ? upper : upper.slice(0, dot);
  const ext = dot < 0 ? '' : upper.slice(dot + 1);
  if (base.length < 1 || base.length > 8 || ext.length > 3 || ext.includes('.')) return undefined;
  if (!SHORT_CHARS.test(base) || (ext !== '' && !SHORT_CHARS.test(ext)) || (dot >= 0 && ext === '')) return undefined;
  return { base, ext };
}

/**
 * A name that gets no alias: it is a valid 8.3 name as it is (in capitals, ASCII only, since
 * whether another character fits depends on the OEM code page). Anything else may get one.
 */
export function isPlainShortName(name: string): boolean {
  return /^[\x20-\x7e]*$/.test(name) && name === name.toUpperCase() && parts83(name) !== undefined;
}

/**
 * What the alias generators start from: the long name in capitals, leading periods and inner
 * periods left out, and its spaces either left out (NTFS) or made underscores (Wine: "A Long
 * Name.txt" gets A_LO~QZT.TXT). Both are tried: the safe side.
 */
function generatorInputs(upper: string): Array<{ base: string; ext: string }> {
  return ['', '_'].map((space) => {
    const stripped = upper.replace(/^\.+/, '').replace(/ /g, space).replace(REPLACED, '_');
    const dot = stripped.lastIndexOf('.');
    const base = (dot < 0 ? stripped : stripped.slice(0, dot)).replace(/\./g, '');
    const ext = dot < 0 ? '' : stripped.slice(dot + 1, dot + 4);
    return { base, ext };
  });
}

/**
 * `short` (a real name, in capitals by the caller's upcase rules) could be the alias the volume
 * gives `long` (likewise in capitals): shaped as an alias, with long's first characters and
 * extension. Conservative: a name that merely looks like one is taken for one.
 */
export function couldBeAlias(shortUpper: string, longUpper: string): boolean {
  if (shortUpper === longUpper) return false;
  const s = parts83(shortUpper);
  if (!s) return false;
  const tilde = s.base.indexOf('~');
  if (tilde < 1 || tilde === s.base.length - 1) return false;
  return generatorInputs(longUpper).some((l) => {
    if (s.ext !== l.ext) return false;
    const kept = Math.min(2, tilde, l.base.length);
    return s.base.slice(0, kept) === l.base.slice(0, kept);
  });
}

/** A name that could be some other entry's alias at all (the cheap first test). */
export function looksLikeAlias(upper: string): boolean {
  const s = parts83(upper);
  if (!s) return false;
  const tilde = s.base.indexOf('~');
  return tilde >= 1 && tilde < s.base.length - 1;
}
