import type { Database } from '../lib/db.ts';
import { RunLockedError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

/** Held on one session for the whole run (or a pull on its own): a second process finds it taken and skips. */
export const RUN_LOCK = 7_305_002;

/** Runs `fn` while holding the run lock; throws RunLockedError at once when another process holds it. */
export async function withRunLock<T>(db: Database, log: Logger, fn: () => Promise<T>): Promise<T> {
  return db.withSession(async (lock) => {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RUN_LOCK]);
    if (!rows[0]?.locked) throw new RunLockedError('er loopt al een andere run (advisory lock bezet); deze is overgeslagen');
    try {
      return await fn();
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK]).catch((error: unknown) => log.warn({ err: error }, 'advisory unlock failed'));
    }
  });
}
