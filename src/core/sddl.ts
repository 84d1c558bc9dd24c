// A security descriptor's DACL in words an admin reads: who may do what, the SDDL after. For the
// log (a folder zticache creates, and its protection) and selftest's evidence (a DACL read back);
// it reads the SDDL string Windows gives and judges nothing: what is safe is decided elsewhere.

/** Who an SDDL ACE names, in words (the well-known abbreviations; anything else is shown as its SID). */
export const TRUSTEES: Readonly<Record<string, string>> = {
  SY: 'SYSTEM', BA: 'Administrators', BU: 'Users', WD: 'Everyone', AU: 'Authenticated Users', IU: 'Interactive users',
  BG: 'Guests', AN: 'Anonymous', NU: 'Network logons', CO: 'the creator owner', OW: 'the owner', TI: 'TrustedInstaller',
};

/** What an ACE's rights let its trustee do, in words. */
export function rightsInWords(rights: string): string {
  if (rights === 'FA' || rights === 'GA' || rights === '0x1f01ff') return 'full control';
  if (rights === '0x1301bf' || rights === 'SDGRGWGX') return 'modify';
  if (rights === 'FR' || rights === 'GR' || rights === '0x120089') return 'read';
  if (rights === 'FX' || rights === 'GX' || rights === '0x1200a0') return 'traverse and execute';
  if (rights === '0x1200a9' || rights === 'FRFX' || rights === 'GRGX') return 'read and execute';
  return `rights ${rights}`;
}

/**
 * A DACL as who may do what, the SDDL after: "SYSTEM and Administrators: full control; Users: read
 * and execute; nothing inherited from above (D:P(...))". Allow ACEs by rights in their order, deny
 * ACEs said as such.
 */
export function daclInWords(sddl: string): string {
  const aces = [...sddl.matchAll(/\(([A-Z]+);([A-Z]*);([^;]*);[^;]*;[^;]*;([^)]+)\)/g)];
  const groups = new Map<string, string[]>();
  for (const [, type, , rights, who] of aces) {
    const what = `${type === 'D' ? 'denied ' : type === 'A' ? '' : `${type} `}${rightsInWords(rights!)}`;
    groups.set(what, [...(groups.get(what) ?? []), TRUSTEES[who!] ?? who!]);
  }
  const said = [...groups].map(([what, who]) => `${who.length > 1 ? `${who.slice(0, -1).join(', ')} and ${who.at(-1)}` : who[0]}: ${what}`);
  if (!said.length) said.push('nobody may do anything');
  if (/^D:[A-Z]*P/.test(sddl)) said.push('nothing inherited from above');
  return `${said.join('; ')} (${sddl})`;
}
