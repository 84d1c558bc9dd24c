// What the docs tests read in a Markdown file: its headings, its links and their anchors, as
// GitHub renders them. Lines inside ``` fences are code (a PowerShell comment `# ...` is not a
// heading, a `[x](y)` in a sample is not a link); so are inline code spans.
import fs from 'node:fs';
import path from 'node:path';

/** The file's lines outside code fences, with their 1-based line numbers. */
export function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  for (const [i, l] of text.split('\n').entries()) {
    if (/^\s*(```|~~~)/.test(l)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) out.push({ line: i + 1, text: l });
  }
  return out;
}

export interface Heading {
  level: number;
  text: string;
  line: number;
}

export function headings(text: string): Heading[] {
  return proseLines(text).flatMap(({ line, text: l }) => {
    const m = /^(#{1,6}) +(.*?)\s*#*\s*$/.exec(l);
    return m ? [{ level: m[1]!.length, text: m[2]!, line }] : [];
  });
}

/**
 * GitHub's anchor for a heading: the rendered text lower-cased, every character that is not a
 * letter, a digit, a space, a hyphen or an underscore dropped, spaces made hyphens; a repeated
 * anchor gets -1, -2, ... in the order the headings come.
 */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '');
  return rendered.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(text)) {
    const base = slug(h.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  line: number;
  target: string;
}

/** Every inline link `[text](target)` and image outside code, with its target as written. */
export function links(text: string): Link[] {
  return proseLines(text).flatMap(({ line, text: l }) => {
    const prose = l.replace(/`[^`]*`/g, '``');
    return [...prose.matchAll(/\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"]*")?\)/g)].map((m) => ({ line, target: m[1]! }));
  });
}

/** The links of `file` that do not resolve: a file or folder that is not there, or an #anchor no heading of the target makes. */
export function brokenLinks(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const { line, target } of links(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not ours to check here
    const [rel, anchor] = target.split('#', 2) as [string, string | undefined];
    const where = rel === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rel));
    const at = `${path.basename(file)}:${line}: ${target}`;
    if (!fs.existsSync(where)) {
      broken.push(`${at}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!where.endsWith('.md') || !fs.statSync(where).isFile()) {
      broken.push(`${at}: an anchor into something that is not a Markdown file`);
      continue;
    }
    if (!anchors(fs.readFileSync(where, 'utf8')).has(anchor)) broken.push(`${at}: no heading makes #${anchor}`);
  }
  return broken;
}
