/** Which drain failures are retried and which dead-letter their entry at once. */
import { describe, expect, it } from 'vitest';
import { builtInErrorKind, describeError } from '../../../../src/adapters/bullmq/error-kind.js';
import { ConflictError, IncompatibleStateError, InvalidConfigError, InvalidInputError } from 'serviceflow';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('builtInErrorKind', () => {
  it('retries lost connections, timeouts and conflicts', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])
      expect(builtInErrorKind(withCode(`connect ${code}`, code))).toBe('transient');
    expect(builtInErrorKind(new Error('Connection terminated unexpectedly'))).toBe('transient'); // pg, no code
    expect(builtInErrorKind(new Error('timeout exceeded when trying to connect'))).toBe('transient'); // pg's pool
    expect(builtInErrorKind(new Error('Connection is closed.'))).toBe('transient'); // ioredis
    expect(builtInErrorKind(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('transient');
    expect(builtInErrorKind(new ConflictError('version 3 expected'))).toBe('transient');
  });

  it('retries the SQLSTATE classes of outages: connection, rollback, resources, locks, operator intervention, I/O', () => {
    for (const code of ['08006', '08P01', '40001', '40P01', '53300', '55P03', '57014', '57P01', '58030'])
      expect(builtInErrorKind(withCode('sql', code))).toBe('transient');
  });

  it('dead-letters data errors at once: SQLSTATE classes 22 and 54, a store refusing a write, a refused state', () => {
    for (const code of ['22P05', '22021', '22001', '22003', '54000'])
      expect(builtInErrorKind(withCode('sql', code))).toBe('permanent');
    expect(builtInErrorKind(new InvalidInputError('Invalid snapshot write: state holds a NUL character'))).toBe(
      'permanent',
    );
    expect(builtInErrorKind(new IncompatibleStateError('no migration'))).toBe('permanent');
  });

  it('leaves everything else to the last attempt', () => {
    expect(builtInErrorKind(new Error('something odd'))).toBe('unknown');
    expect(builtInErrorKind(withCode('permission denied for table', '42501'))).toBe('unknown'); // a misconfiguration: every entry would fail
    expect(builtInErrorKind(new InvalidConfigError('bad'))).toBe('unknown');
    expect(builtInErrorKind('a string')).toBe('unknown');
    expect(builtInErrorKind(undefined)).toBe('unknown');
  });
});

describe('describeError', () => {
  it('names the error, its code and its message', () => {
    expect(describeError(withCode('unsupported Unicode escape sequence', '22P05'))).toBe(
      'Error 22P05: unsupported Unicode escape sequence',
    );
    expect(describeError(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
    expect(describeError('boom')).toBe('boom');
  });
});
