// Extracts an npm tarball (.tgz) in Node: the build then needs no `tar` on the host. Windows has a
// bsdtar, but a GNU tar first on PATH (Git for Windows) reads `C:\...` as a remote host. npm packs
// ustar archives, with pax or GNU headers for long names; regular files and folders are all a
// package holds (links and devices are skipped). Every name stays inside `dest`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const text = (b, start, len) => {
  const s = b.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? s.length : nul).toString('utf8');
};
const octal = (b, start, len) => parseInt(text(b, start, len).trim() || '0', 8);

/** pax extended header records: "LEN key=value\n" */
function paxPath(data) {
  for (let i = 0; i < data.length;) {
    const sp = data.indexOf(0x20, i);
    const len = Number(data.subarray(i, sp).toString());
    if (!len) break;
    const [key, ...rest] = data.subarray(sp + 1, i + len - 1).toString('utf8').split('=');
    if (key === 'path') return rest.join('=');
    i += len;
  }
  return undefined;
}

export function extractTgz(file, dest) {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const root = path.resolve(dest);
  let longName;
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') { longName = paxPath(data) ?? longName; continue; }
    if (type === 'L') { longName = text(data, 0, data.length); continue; }
    if (type === 'g') continue;
    const prefix = text(h, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longName = undefined;
    const out = path.resolve(root, name);
    if (out !== root && !out.startsWith(root + path.sep)) throw new Error(`${file}: ${name} would land outside ${dest}`);
    if (type === '5') fs.mkdirSync(out, { recursive: true });
    else if (type === '0' || type === '7') {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, data, { mode: octal(h, 100, 8) & 0o777 | 0o600 });
    }
  }
}
