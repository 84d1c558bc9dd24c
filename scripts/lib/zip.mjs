// A zip written so that the same files give the same bytes: entries in name order, one fixed time
// for all (the commit's, see release.mjs), no extra fields, no per-host attributes (made by
// MS-DOS), deflated by the building Node's zlib at level 6 (the same Node makes the same bytes;
// level 9 takes half as long again for 0.2% less). Plain zip, no zip64: a release is about 35 MB.
import fs from 'node:fs';
import zlib from 'node:zlib';

/** MS-DOS date and time words of a Unix time (seconds, UTC; zip has no time zone). */
function dosTime(epochSeconds) {
  const d = new Date(Math.max(epochSeconds, 315532800) * 1000); // nothing before 1980 in MS-DOS time
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * @param entries [{ name: 'folder/' | 'folder/file', data?: Buffer }]
 * @param epochSeconds the one time every entry carries
 */
export function zipBytes(entries, epochSeconds) {
  const { time, date } = dosTime(epochSeconds);
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const e of sorted) {
    const name = Buffer.from(e.name, 'utf8');
    const dir = e.name.endsWith('/');
    const raw = dir ? Buffer.alloc(0) : e.data;
    const packed = dir ? raw : zlib.deflateRawSync(raw, { level: 6 });
    const method = dir ? 0 : 8;
    const crc = dir ? 0 : zlib.crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate, folders)
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    local.copy(cd, 6, 4, 30); // version needed .. name length: the same fields as the local header
    cd.writeUInt16LE(0, 30); // extra
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attributes
    cd.writeUInt32LE(dir ? 0x10 : 0, 38); // external: MS-DOS folder bit
    cd.writeUInt32LE(offset, 42);
    chunks.push(local, name, packed);
    central.push(cd, name);
    offset += local.length + name.length + packed.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

export function writeZip(file, entries, epochSeconds) {
  fs.writeFileSync(file, zipBytes(entries, epochSeconds));
}
