import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Session } from '../../lib/db.ts';
import type { PipelineContext } from '../../lib/context.ts';

/**
 * Spool folders: the working files of one load under SPOOL_DIR, removed when the load ends. A
 * process killed mid-load leaves its folder behind, so a run removes what is left at its start.
 * A folder is in use exactly while its load's transaction holds this lock shared (a `pakhuis
 * ingest` beside the nightly run holds it too); the clean-up takes it exclusively or leaves
 * everything alone. Advisory locks belong to one database, and so does SPOOL_DIR.
 */
export const SPOOL_LOCK = 7_305_003;

const PREFIX = 'pakhuis-spool-';

/** A fresh spool folder for a load, made only once the load's transaction holds the lock shared. */
export async function openSpool(tx: Pick<Session, 'query'>, spoolDir: string): Promise<string> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [SPOOL_LOCK]);
  await mkdir(spoolDir, { recursive: true });
  return mkdtemp(join(resolve(spoolDir), PREFIX));
}

/**
 * Removes the spool folders of loads that are no longer running, when no load holds the lock;
 * returns how many went. Only folders this program names are touched, whatever SPOOL_DIR is.
 */
export async function removeStaleSpools(ctx: PipelineContext): Promise<number> {
  return ctx.db.withSession(async (session) => {
    const { rows } = await session.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1) AS free', [SPOOL_LOCK]);
    if (!rows[0]?.free) return 0;
    try {
      const stale = (await readdir(ctx.config.SPOOL_DIR).catch(() => [] as string[])).filter((name) => name.startsWith(PREFIX));
      for (const name of stale) await rm(join(ctx.config.SPOOL_DIR, name), { recursive: true, force: true });
      if (stale.length) ctx.log.info({ removed: stale.length }, 'spool folders of earlier, stopped loads removed');
      return stale.length;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [SPOOL_LOCK]);
    }
  });
}
