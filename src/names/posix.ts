// Names on POSIX, the same contract as names/windows.ts: a name is its bytes. Two names are one
// name only when they are equal, any name a listing returns can be created again (only `/` and
// NUL cannot be in one, and a listing never returns those), and no alias answers a lookup. A
// POSIX file system that folds case (a casefold ext4 folder, a mounted FAT) is not modelled: POSIX
// is zticache's test platform, Windows its product.

import type { NameRules } from './names.js';

export const posixNames: NameRules = {
  description: 'POSIX: a name is its bytes',
  shortNames: false,
  key: (rel) => rel,
  unholdable: (name) => (name.includes('/') || name.includes('\0') ? 'it holds "/" or NUL, which no POSIX file name can hold' : undefined),
  awkward: () => undefined,
};
