// The program status MIF: how a failed run tells the ConfigMgr console why, instead of a bare exit
// code. The client takes a MIF named on the package's Reporting tab from %windir% when it is newer
// than the program's start and its Manufacturer, Product and Version match; the console then shows
// the Description. zticache writes one only when it fails before the launcher starts (after that,
// OSDLaunch's exit code decides, as without the option), in the fixed layout ISMIF32 writes, in
// ANSI as the client reads it, through places (never through a link, as the log); by name only when
// the Windows layer itself failed to load, in %windir%, where only administrators write.

import { PlaceError, type Places } from '../places/places.js';
import fs from 'node:fs';
import type path from 'node:path';
import { printable } from '../core/format.js';

export interface StatusMif {
  /** the full path of the file: %windir%\NAME */
  file: string;
  publisher: string;
  product: string;
  version: string;
}

/** The Description's room in the MIF (TYPE = STRING(128)). */
export const MIF_DESCRIPTION_MAX = 128;

/**
 * A DMI string literal's inside, at most `size` characters as written: each character shown as
 * format.ts shows it (a control character as \uXXXX), then backslash and quote escaped; cut
 * between characters, never inside an escape, so that the value the client reads fits its
 * STRING(size) however many backslashes a path holds.
 */
export function fitted(value: string, size: number): string {
  let out = '';
  for (const c of value) {
    const enc = printable(c).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    if (out.length + enc.length > size) break;
    out += enc;
  }
  return out;
}

function attribute(name: string, id: number, size: number, value: string): string[] {
  return [
    '    START ATTRIBUTE',
    `      NAME = "${name}"`,
    `      ID = ${id}`,
    '      ACCESS = READ-ONLY',
    '      STORAGE = SPECIFIC',
    `      TYPE = STRING(${size})`,
    `      VALUE = "${fitted(value, size)}"`,
    '    END ATTRIBUTE',
  ];
}

/** What the MIF says of the run: "Failed" (a run that stopped before its launcher), or "Success" (`zticache check`: READY). */
export type MifStatus = 'Success' | 'Failed';

/** The MIF's text, the description cut to its 128 characters. */
export function statusMifText(m: StatusMif, description: string, when: Date, status: MifStatus = 'Failed'): string {
  const stamp = `${String(when.getMonth() + 1).padStart(2, '0')}/${String(when.getDate()).padStart(2, '0')}/${when.getFullYear()} ${when.toTimeString().slice(0, 8)}`;
  return [
    'START COMPONENT',
    '  NAME = "WORKSTATION"',
    '  START GROUP',
    '    NAME = "ComponentID"',
    '    ID = 1',
    '    CLASS = "DMTF|ComponentID|1.0"',
    ...attribute('Manufacturer', 1, 64, m.publisher),
    ...attribute('Product', 2, 64, m.product),
    ...attribute('Version', 3, 64, m.version),
    ...attribute('Locale', 4, 16, ''),
    ...attribute('Serial Number', 5, 64, ''),
    ...attribute('Installation', 6, 64, stamp),
    '  END GROUP',
    '  START GROUP',
    '    NAME = "InstallStatus"',
    '    ID = 2',
    '    CLASS = "MICROSOFT|JOBSTATUS|1.0"',
    ...attribute('Status', 1, 32, status),
    ...attribute('Description', 2, MIF_DESCRIPTION_MAX, description),
    '  END GROUP',
    'END COMPONENT',
    '',
  ].join('\r\n');
}

/**
 * ANSI as the client reads it: characters beyond Latin-1 become "?" (a non-ASCII path in the
 * description keeps its Latin letters, loses the rest).
 */
export function ansi(text: string): Buffer {
  return Buffer.from(text.replace(/[^\u0000-\u00ff]/g, '?'), 'latin1');
}

/** Writes the MIF; returns what the log should say (never throws: a MIF must not fail a run twice). */
export function writeStatusMif(places: Places | undefined, pp: path.PlatformPath, m: StatusMif, description: string, when = new Date(), status: MifStatus = 'Failed'): string {
  let folder;
  try {
    const data = ansi(statusMifText(m, description, when, status));
    if (places) {
      folder = places.openFolder(pp.dirname(m.file));
      folder.rewriteFile(pp.basename(m.file), data);
    } else writePlain(m.file, data);
    return `Wrote the status MIF ${m.file} (${status}: ${description.slice(0, MIF_DESCRIPTION_MAX)})`;
  } catch (err) {
    return `cannot write the status MIF ${m.file}: ${err instanceof PlaceError ? err.message : (err as Error).message}`;
  } finally {
    folder?.release();
  }
}

/**
 * Without the Windows layer (WINDOWS_LAYER_FAILED, the one failure before places can be used):
 * by name, which is safe only because the MIF's folder, %windir%, is one only administrators can
 * write. Still never through a link, nor over anything but a plain file with one name.
 */
function writePlain(file: string, data: Buffer): void {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (st && (!st.isFile() || st.nlink > 1)) throw new Error(`${file} is ${st.isSymbolicLink() ? 'a link' : st.isFile() ? 'a file with other names' : 'not a plain file'}; it was left as it is`);
  fs.writeFileSync(file, data);
}
