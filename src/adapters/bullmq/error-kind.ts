/**
 * Which failures of a drain are worth retrying. A drain that keeps retrying an entry the store will
 * never accept blocks every later entry of its inquiry; one that dead-letters an entry after a
 * dropped connection loses it. So each error is sorted into one of three kinds, and only what is
 * known to be permanent is dead-lettered at once.
 */
import { ServiceFlowError } from '../../errors.js';

/**
 * How a drain treats a failed store call (or a failed restore):
 *
 * - `'transient'`: retried with backoff, however often (a dropped connection, a timeout, a
 *   serialisation failure, `CONFLICT`); never dead-lettered.
 * - `'permanent'`: the store refuses this write for good (a data error: SQLSTATE class 22, a
 *   value too large, the store contract's `INVALID_INPUT`): the entry that caused it is
 *   dead-lettered at once and the inquiry's later entries go on.
 * - `'unknown'`: retried like a transient error, and treated as permanent when the job's last
 *   attempt fails too.
 *
 * @example
 * ```ts
 * import type { ErrorKind } from 'serviceflow/bullmq';
 * const kind: ErrorKind = 'transient';
 * ```
 */
export type ErrorKind = 'transient' | 'permanent' | 'unknown';

// Node's socket and DNS errors: the request may be retried as it is.
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

// SQLSTATE classes (PostgreSQL, and the SQL standard other databases follow):
// 08 connection exception, 40 transaction rollback (serialisation failure, deadlock),
// 53 insufficient resources, 55 object not in prerequisite state (lock not available),
// 57 operator intervention (admin shutdown, statement timeout), 58 system error (I/O).
const TRANSIENT_SQL_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);
// 22 data exception (untranslatable character 22P05, invalid byte sequence 22021, a value out of
// range or too long), 54 program limit exceeded (a jsonb value too large): the same write fails
// the same way every time.
const PERMANENT_SQL_CLASSES = new Set(['22', '54']);

// Drivers that report a lost connection without a code (pg: "Connection terminated
// unexpectedly", "timeout exceeded when trying to connect"; ioredis: "Connection is closed").
const TRANSIENT_MESSAGE =
  /connection (?:terminated|is closed|closed|reset|refused|lost)|timed? ?out|socket hang up|client has encountered a connection error/i;

/**
 * The built-in sorting of an error a store (or `restore`) threw during a drain. See
 * {@link ErrorKind}.
 *
 * @param error - What was thrown.
 * @returns Its kind.
 *
 * @example
 * ```ts
 * // Internal (not exported): as a module next to error-kind.ts uses it.
 * import { builtInErrorKind } from './error-kind.js';
 * builtInErrorKind(Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })); // 'permanent'
 * builtInErrorKind(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })); // 'transient'
 * ```
 */
export function builtInErrorKind(error: unknown): ErrorKind {
  if (error instanceof ServiceFlowError) {
    if (error.code === 'CONFLICT') return 'transient';
    // A store's refusal of a malformed write (the store contract), or a state restore refuses.
    if (error.code === 'INVALID_INPUT' || error.code === 'INCOMPATIBLE_STATE') return 'permanent';
    return 'unknown';
  }
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (TRANSIENT_SYSTEM_CODES.has(code)) return 'transient';
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const sqlClass = code.slice(0, 2);
      if (TRANSIENT_SQL_CLASSES.has(sqlClass)) return 'transient';
      if (PERMANENT_SQL_CLASSES.has(sqlClass)) return 'permanent';
    }
  }
  if (name === 'TimeoutError' || name === 'AbortError') return 'transient';
  if (typeof message === 'string' && TRANSIENT_MESSAGE.test(message)) return 'transient';
  return 'unknown';
}

/** A short description of an error for a dead letter's reason: its code or name, and its message. */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  const label =
    typeof code === 'string' || typeof code === 'number'
      ? `${typeof name === 'string' ? name : 'Error'} ${code}`
      : typeof name === 'string'
        ? name
        : 'Error';
  return `${label}: ${typeof message === 'string' ? message : String(error)}`;
}
