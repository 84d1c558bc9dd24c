// POSIX guard: holds nothing. On POSIX an open descriptor does not stop a file's deletion (unlink
// only drops the name), so no descriptor can do what the Windows guard (src/platform/win32/guard.ts) does
// with its share mode. It used to open a read-only descriptor per file anyway, to keep the flow the
// same: on 10,000 files that cost 0.1 s (most of it the kernel growing a multi-threaded process's
// descriptor table) and protected nothing. The flow is still the same: run() asks the guard, and
// logs that the files are not protected, as it does for --no-guard.

import type { Guard } from '../../guard/guard.js';

export const posixGuard: Guard = {
  description: 'nothing held (POSIX cannot block deletion of an open file)',
  protects: false,
  holdAll: () => ({ files: 0, dirs: 0, ownFiles: 0, release() {} }),
};
