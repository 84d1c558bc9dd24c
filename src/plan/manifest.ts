// SHA-256 manifests in sha256sum's format ("<hex>  <path>", relative, forward slashes), so an
// admin can check a package with `sha256sum -c zticache.sha256` as well as with zticache. Hashing
// streams each file in 1 MiB reads, a few files at a time.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { OPEN_NO_WAIT } from '../core/open-no-wait.js';
import type path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { takeInventory } from './inventory.js';
import { forEachLimit } from '../core/pool.js';
import { fromRel, toRel, isInside } from '../core/paths.js';
import { printable } from '../core/format.js';
import type { NameRules } from '../names/names.js';


export interface ManifestEntry {
  hash: string;
  rel: string;
}

/**
 * names: the target's rules, which say when two lines name one file (names.ts). pp: the
 * package's path flavour. On Windows a name cannot hold a backslash, so in a line GNU
 * sha256sum escaped (`\<hash>  sub\\b.txt`, what the sha256sum of Git for Windows or MSYS writes
 * for `sub\b.txt`) the unescaped backslash is a separator; on POSIX it is part of the name.
 */
export function parseManifest(text: string, where: string, pp: path.PlatformPath, names: NameRules): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const seen = new Map<string, { hash: string; line: number }>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    // GNU sha256sum escapes a name holding a backslash or a newline: the line starts with "\",
    // and the name has "\\" and "\n"; other lines may use Windows separators
    const escaped = line.startsWith('\\');
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(escaped ? line.slice(1) : line);
    if (!m) throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `the manifest ${where} line ${i + 1} is not "<sha256>  <path>": ${printable(line.slice(0, 120))}`, { path: where });
    let rel = escaped ? unescapeName(m[2]!) : m[2]!.replace(/\\/g, '/');
    if (escaped && pp.sep === '\\') rel = rel.replace(/\\/g, '/');
    while (rel.startsWith('./')) rel = rel.slice(2);
    if (rel.startsWith('/') || /^[a-zA-Z]:/.test(rel) || rel.split('/').includes('..')) {
      throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `the manifest ${where} line ${i + 1} names a path outside the package: ${rel}`, { path: where });
    }
    const hash = m[1]!.toLowerCase();
    // one file, two hashes: whichever the check took, the package would be refused after the move
    const key = names.key(rel);
    const before = seen.get(key);
    if (before && before.hash !== hash) {
      throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `the manifest ${where} gives ${rel} two different hashes (lines ${before.line} and ${i + 1}); nothing was changed`, { path: where });
    }
    if (!before) {
      seen.set(key, { hash, line: i + 1 });
      entries.push({ hash, rel });
    }
  });
  return entries;
}

/** A manifest's bytes as text: UTF-8 (with or without its BOM), or UTF-16 with a byte-order mark (PowerShell 5's `>`). */
export function decodeManifest(bytes: Buffer, where: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  if (bytes.includes(0)) {
    throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `the manifest ${where} holds NUL bytes: UTF-16 without a byte-order mark? Save it as UTF-8 (zticache manifest writes it so)`, { path: where });
  }
  return bytes.toString('utf8');
}

function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** One manifest line, escaped as GNU sha256sum writes names holding a backslash or a line break. */
export function manifestLine(hash: string, rel: string): string {
  if (!/[\\\n\r]/.test(rel)) return `${hash}  ${rel}\n`;
  return `\\${hash}  ${rel.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}\n`;
}

/**
 * Files up to this size are read whole in one call: a stream per file costs about 0.7 ms of
 * set-up and buffers (10,000 small files took 7.2 s to hash that way, issue 38's attack), a read a
 * few microseconds. Larger ones are streamed in 1 MiB chunks from the same open.
 */
const READ_WHOLE = 1 << 20;

/**
 * The SHA-256 of what the file holds to its end, read through one open. Only a plain file is read:
 * a FIFO would wait for a writer, a device (a link to /dev/zero) never ends.
 */
export async function hashFile(file: string): Promise<string> {
  const fd = fs.openSync(file, OPEN_NO_WAIT);
  const h = createHash('sha256');
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const code = st.isDirectory() ? 'EISDIR' : 'EFTYPE';
      throw Object.assign(new Error(`${code}: not a plain file (${st.isDirectory() ? 'a folder' : 'a FIFO, socket or device'}), hash '${file}'`), { code, path: file, syscall: 'fstat' });
    }
    if (st.size <= READ_WHOLE) {
      // readFileSync stops at the size its own fstat saw: a byte after that means the file grew
      // meanwhile, and the rest is streamed, so what is hashed is the file as it is at the end
      h.update(fs.readFileSync(fd));
      const probe = Buffer.alloc(1);
      if (fs.readSync(fd, probe, 0, 1, null) === 0) {
        fs.closeSync(fd);
        return h.digest('hex');
      }
      h.update(probe);
    }
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  // from where the reads above left the file's position
  for await (const chunk of fs.createReadStream(file, { fd, highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface ManifestResult {
  file: string;
  files: number;
  bytes: number;
}

/** `zticache manifest DIR`: hashes every file of DIR (but the manifest itself) and writes the manifest. */
export async function writeManifest(p: path.PlatformPath, dir: string, out: string, parallel: number, whatIf = false): Promise<ManifestResult> {
  const skip = new Set<string>();
  if (isInside(p, out, dir)) skip.add(toRel(p, dir, out));
  const inv = takeInventory(p, dir, { skip });
  const hashes: string[] = new Array(inv.files.length);
  await forEachLimit(inv.files, parallel, async (f, i) => {
    const file = fromRel(p, dir, f.rel);
    try {
      hashes[i] = await hashFile(file);
    } catch (err) {
      throw new ZtiError(ExitCode.MANIFEST_NOT_WRITTEN, `cannot read ${file} to hash it (held open by another program, or access denied); no manifest was written`, { path: file, cause: err });
    }
  });
  const text = inv.files.map((f, i) => manifestLine(hashes[i]!, f.rel)).join('');
  if (whatIf) return { file: out, files: inv.files.length, bytes: inv.bytes };
  const tmp = `${out}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new ZtiError(ExitCode.MANIFEST_NOT_WRITTEN, `cannot write the manifest ${out}`, { path: out, cause: err });
  }
  return { file: out, files: inv.files.length, bytes: inv.bytes };
}
