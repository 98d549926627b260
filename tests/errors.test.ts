import { describe, expect, it } from 'vitest';
import { blamesTheFile, safeFailure } from '../lib/errors.ts';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const systemError = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('whether a failed load lies with the file', () => {
  it('blames the file for values PostgreSQL refuses and for a reader that broke on it', () => {
    expect(blamesTheFile(pgError('22P02', 'invalid input syntax for type json'))).toBe(true);
    expect(blamesTheFile(pgError('23514', 'new row violates check constraint'))).toBe(true);
    expect(blamesTheFile(pgError('54000', 'string too long'))).toBe(true);
    expect(blamesTheFile(new Error('wrapped', { cause: new RangeError('Invalid string length') }))).toBe(true);
    expect(blamesTheFile(Object.assign(new Error('worker ran out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }))).toBe(true);
  });

  it('does not blame it for the connection, the disk, a lock, a cancel, a privilege or our own SQL', () => {
    for (const code of ['08006', '57P01', '53100', '55P03', '40P01', '57014', '42501', '42P01', 'XX000']) {
      expect(blamesTheFile(new Error('load failed', { cause: pgError(code, 'x') })), code).toBe(false);
    }
    for (const code of ['ENOSPC', 'EIO', 'ECONNRESET', 'EACCES']) expect(blamesTheFile(systemError(code)), code).toBe(false);
    expect(blamesTheFile(new Error('Connection terminated unexpectedly'))).toBe(false);
  });

  it('says what failed without the message, which may quote the refused value', () => {
    expect(safeFailure(pgError('22007', 'invalid input syntax for type date: "1973-02-29"'))).toBe('de database weigerde de inhoud (SQLSTATE 22007)');
    expect(safeFailure(new TypeError('Cannot read "Jansen"'))).toBe('het lezen brak onverwacht af (TypeError)');
  });
});
