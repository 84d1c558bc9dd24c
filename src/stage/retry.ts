// Retries with exponential backoff for the errors that pass: a file briefly locked by an antivirus
// scan or the SMS client (EBUSY), a network hiccup on a UNC source (ETIMEDOUT, ECONNRESET, EIO).
// Everything else fails at once, because retrying a missing file or a full disk only wastes time.

import { errnoOf } from '../core/errors.js';

export interface RetryPolicy {
  /** tries in all, the first included */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Staging's backoff: 6 tries over about 8 s. (The fault tests shorten it by assigning to it.) */
export const retryPolicy: RetryPolicy = { attempts: 6, baseMs: 250, maxMs: 8000 };

export const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['EBUSY', 'EAGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EIO', 'UNKNOWN']);

/** Renames on Windows also fail for a moment with EPERM/EACCES while a scanner holds the file. */
export const TRANSIENT_RENAME_ERRORS: ReadonlySet<string> = new Set([...TRANSIENT_ERRORS, 'EPERM', 'EACCES']);

export type OnRetry = (err: unknown, attempt: number, delayMs: number) => void;

export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, onRetry?: OnRetry, transient: ReadonlySet<string> = TRANSIENT_ERRORS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = errnoOf(err);
      if (attempt >= policy.attempts || code === undefined || !transient.has(code)) throw err;
      const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      onRetry?.(err, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
