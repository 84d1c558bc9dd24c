// How zticache util names what failed: each call to the provider is a step with words, and a COM
// failure becomes the one-line error of its kind: an object that is not there (WBEM_E_NOT_FOUND
// while retrieving it: SMS_OBJECT_NOT_FOUND), a write the provider refused (SMS_CHANGE_REFUSED,
// in util.ts, which knows what was written before it), or the provider out of reach or refusing to
// be read (SMS_PROVIDER_UNAVAILABLE; an access-denied read is that, never "not found").

import { ComError } from '../../core/automation.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';

const WBEM_E_NOT_FOUND = 0x80041002;

export function step<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw failure(what, err);
  }
}

/** A COM failure as the one-line error of its kind. */
export function failure(what: string, err: unknown): ZtiError {
  if (err instanceof ZtiError) return err;
  const hr = err instanceof ComError ? err.hresult >>> 0 : undefined;
  const why = err instanceof ComError ? err.message : String(err);
  if (hr === WBEM_E_NOT_FOUND && what.startsWith('retrieving')) return new ZtiError(ExitCode.SMS_OBJECT_NOT_FOUND, `zticache util: ${what}: ${why}`, { cause: err });
  return new ZtiError(ExitCode.SMS_PROVIDER_UNAVAILABLE, `zticache util: ${what}: ${why}`, { cause: err });
}
