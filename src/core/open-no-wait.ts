// The flags of an open for reading that never waits. On POSIX, opening a FIFO for reading blocks
// until a writer comes, on the main thread, deaf to SIGTERM: a FIFO named like a journal, or
// standing where a staged file is listed, hung every run or `zticache check`. With O_NONBLOCK the
// open returns at once, the caller's fstat sees what it opened, and a plain file reads as always
// (the flag changes nothing for one). Windows has no such flag and no FIFO in a folder: there it
// is a plain read-only open.

import fs from 'node:fs';

export const OPEN_NO_WAIT: number = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
