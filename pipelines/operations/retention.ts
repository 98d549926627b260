import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sourcesOf, stagingTables } from '../../sources/index.ts';
import type { PipelineContext } from '../../lib/context.ts';

export interface PurgeCounts {
  stagingLoads: number;
  stagingRows: number;
  rejectedRows: number;
  archivedFolders: number;
  resolvedSignals: number;
  historyRows: number;
}

/**
 * Retention, run nightly after publishing. Staged rows of loads older than the limit go, except
 * the loads the model is published from (the model can be rebuilt from them); the load records
 * themselves stay as the manifest that keeps a file from loading twice. Rejected rows, archived
 * input files (by the day folder they were archived in), long-resolved signals and registrations
 * that ended long ago go too. Audit
 * records (re-identification, triage history, run records) are kept.
 */
export async function purgeExpired(ctx: PipelineContext, now = new Date()): Promise<PurgeCounts> {
  const { db, config } = ctx;
  const counts: PurgeCounts = { stagingLoads: 0, stagingRows: 0, rejectedRows: 0, archivedFolders: 0, resolvedSignals: 0, historyRows: 0 };
  await db.transaction(async (tx) => {
    const stagingCutoff = new Date(now.getTime() - config.RETENTION_STAGING_DAYS * 86_400_000);
    const { rows: loads } = await tx.query<{ id: string }>(
      `SELECT id FROM pakhuis.loads l
       WHERE l.loaded_at < $1 AND NOT EXISTS (SELECT 1 FROM model.source_state s WHERE s.load_id = l.id)`,
      [stagingCutoff],
    );
    const ids = loads.map((l) => Number(l.id));
    if (ids.length) {
      // Every source's staging tables: a new source's rows (the meldpunt's free text among them) age out like the rest.
      for (const { table } of stagingTables(sourcesOf(ctx))) {
        counts.stagingRows += (await tx.query(`DELETE FROM ${table} WHERE load_id = ANY ($1::bigint[])`, [ids])).rowCount;
      }
      counts.stagingLoads = ids.length;
    }
    counts.rejectedRows = (await tx.query('DELETE FROM pakhuis.rejected_rows WHERE rejected_at < $1', [stagingCutoff])).rowCount;
    // Through the owner's function: the loading role may not delete signals itself (migration 0021).
    const { rows: purged } = await tx.query<{ n: number }>('SELECT pakhuis.purge_resolved_signals($1, $2) AS n', [
      now,
      config.RETENTION_RESOLVED_SIGNAL_MONTHS,
    ]);
    counts.resolvedSignals = purged[0]!.n;
    // Registrations across exports (model.inschrijving_historie): only periods that ended long ago;
    // an open one is still the person's address.
    const historyCutoff = new Date(now);
    historyCutoff.setUTCMonth(historyCutoff.getUTCMonth() - config.RETENTION_HISTORY_MONTHS);
    counts.historyRows = (
      await tx.query('DELETE FROM model.inschrijving_historie WHERE geldig_tot < $1::date', [historyCutoff.toISOString().slice(0, 10)])
    ).rowCount;
  });
  counts.archivedFolders = await purgeArchive(config.ARCHIVE_DIR, new Date(now.getTime() - config.RETENTION_ARCHIVE_DAYS * 86_400_000));
  return counts;
}

/** Archive layout is <archive>/<source>/<yyyy-mm-dd>/…: whole day folders older than the cutoff go. */
async function purgeArchive(archiveDir: string, cutoff: Date): Promise<number> {
  const day = cutoff.toISOString().slice(0, 10);
  let removed = 0;
  for (const source of await readdir(archiveDir).catch(() => [] as string[])) {
    for (const folder of await readdir(join(archiveDir, source)).catch(() => [] as string[])) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(folder) && folder < day) {
        await rm(join(archiveDir, source, folder), { recursive: true, force: true });
        removed++;
      }
    }
  }
  return removed;
}
