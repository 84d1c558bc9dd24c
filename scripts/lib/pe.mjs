// The few PE facts the build needs, read from the bytes: where the checksum field is, the checksum
// Windows' CheckSumMappedFile computes, and whether an Authenticode signature is attached. postject
// and resedit rewrite the file without updating its checksum; a correct one is what signing tools,
// `osslsigncode verify` and some allow-listing tools expect, and it costs nothing to keep.

/** Offset of IMAGE_OPTIONAL_HEADER.CheckSum: e_lfanew + "PE\0\0" + the 20-byte COFF header + 64. */
export function checksumOffset(buf) {
  if (buf.readUInt16LE(0) !== 0x5a4d) throw new Error('not a PE file (no MZ header)');
  const pe = buf.readUInt32LE(0x3c);
  if (buf.readUInt32LE(pe) !== 0x4550) throw new Error('not a PE file (no PE signature)');
  return pe + 4 + 20 + 64;
}

/**
 * The PE checksum: the file as 16-bit little-endian words (the checksum field itself counted as 0,
 * an odd last byte padded with 0), summed with the carry folded back in, plus the file's length.
 */
export function peChecksum(buf) {
  const skip = checksumOffset(buf);
  let sum = 0;
  const even = buf.length & ~1;
  for (let i = 0; i < even; i += 2) {
    if (i === skip || i === skip + 2) continue;
    sum += buf[i] | (buf[i + 1] << 8);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (buf.length & 1) {
    sum += buf[buf.length - 1];
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + buf.length) >>> 0;
}

/** Writes the correct checksum into buf (in place) and returns it. */
export function setPeChecksum(buf) {
  const sum = peChecksum(buf);
  buf.writeUInt32LE(sum, checksumOffset(buf));
  return sum;
}

/** The checksum recorded in the header. */
export const recordedChecksum = (buf) => buf.readUInt32LE(checksumOffset(buf));

/**
 * The certificate table (IMAGE_DIRECTORY_ENTRY_SECURITY, data directory 4): where an Authenticode
 * signature is attached; size 0 when the file is not signed.
 */
export function certificateTable(buf) {
  const opt = buf.readUInt32LE(0x3c) + 4 + 20;
  const magic = buf.readUInt16LE(opt);
  const dirs = opt + (magic === 0x20b ? 112 : 96); // PE32+ or PE32
  return { offset: buf.readUInt32LE(dirs + 4 * 8), size: buf.readUInt32LE(dirs + 4 * 8 + 4) };
}

export const isSigned = (buf) => certificateTable(buf).size > 0;

/**
 * The file as it was before it was signed: the certificate table (which signing appends at the
 * end) cut off, its directory entry zeroed, and the checksum field zeroed too (signing tools set
 * it: compare files stripped this way with their checksum fields zeroed). Signing pads a file to
 * 8 bytes first; a PE file without an overlay ends on its file alignment (512), so there is none.
 */
export function withoutSignature(buf) {
  const { offset, size } = certificateTable(buf);
  if (!size) throw new Error('the file is not signed');
  if (offset + size !== buf.length) throw new Error('the certificate table is not at the end of the file');
  const out = Buffer.from(buf.subarray(0, offset));
  const opt = out.readUInt32LE(0x3c) + 4 + 20;
  const dirs = opt + (out.readUInt16LE(opt) === 0x20b ? 112 : 96);
  out.writeUInt32LE(0, dirs + 32);
  out.writeUInt32LE(0, dirs + 36);
  out.writeUInt32LE(0, checksumOffset(out));
  return out;
}
