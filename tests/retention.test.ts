import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

describe('retention', () => {
  let ctx: TestContext;
  const a = vbo(1, 100);
  const b = vbo(2, 100);

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('purges old staging, rejected rows, archived files and long-resolved signals, keeps what is published and audited', async () => {
    // Run 1: a and b crowded; a bad row gets rejected.
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-1.csv'), brpCsv([...persons(12, a), ...persons(12, b)]) + '123;Fout;9101AB;1;W;01-01-2020;;\n');
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    // Run 2: b is no longer crowded, so its signal resolves; the first BRP load is no longer published.
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-2.csv'), brpCsv([...persons(12, a), ...persons(2, b)]));
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    await ctx.db.query(`INSERT INTO audit.reidentification (signal_id, reason, by_user, persons_shown) VALUES (1, 'test of retention', 'test', 0)`);

    // Age everything: loads and rejections 31 days, b's resolution 13 months, plus an old archive day folder.
    await ctx.db.query(`UPDATE pakhuis.loads SET loaded_at = now() - interval '31 days'`);
    await ctx.db.query(`UPDATE pakhuis.rejected_rows SET rejected_at = now() - interval '31 days'`);
    await ctx.db.query(`UPDATE pakhuis.signal_store SET resolved_at = now() - interval '13 months' WHERE status = 'resolved'`);
    const oldDay = join(ctx.config.ARCHIVE_DIR, 'brp', '2020-01-01');
    await mkdir(oldDay, { recursive: true });
    await writeFile(join(oldDay, 'old.csv'), 'x');
    // History across exports: one registration ended 25 months ago goes, one ended 23 months ago and the open ones stay.
    const history = await ctx.db.query<{ pseudonym: string }>(
      'SELECT pseudonym FROM model.inschrijving_historie WHERE geldig_tot IS NULL ORDER BY pseudonym LIMIT 2',
    );
    await ctx.db.query(
      `UPDATE model.inschrijving_historie SET geldig_tot = (now() - interval '25 months')::date, gesloten_door = 'export' WHERE pseudonym = $1`,
      [history.rows[0]!.pseudonym],
    );
    await ctx.db.query(
      `UPDATE model.inschrijving_historie SET geldig_tot = (now() - interval '23 months')::date, gesloten_door = 'export' WHERE pseudonym = $1`,
      [history.rows[1]!.pseudonym],
    );
    const historyBefore = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM model.inschrijving_historie')).rows[0]!.n;
    const before = await ctx.db.query<{ load_id: string; n: number }>('SELECT load_id, count(*)::int AS n FROM staging.brp GROUP BY load_id ORDER BY load_id');
    expect(before.rows).toHaveLength(2);

    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    const { rows: steps } = await ctx.db.query<{ details: Record<string, number> }>(
      `SELECT details FROM pakhuis.run_steps WHERE run_id = $1 AND step = 'retention'`,
      [run.runId],
    );
    expect(steps[0]!.details).toMatchObject({ stagingLoads: 1, stagingRows: 24, rejectedRows: 1, resolvedSignals: 1, archivedFolders: 1 });
    expect(steps[0]!.details.historyRows).toBeGreaterThanOrEqual(1);

    // The published BRP and BAG loads keep their staging; the manifest keeps every load.
    const after = await ctx.db.query<{ load_id: string }>('SELECT DISTINCT load_id FROM staging.brp');
    expect(after.rows.map((r) => r.load_id)).toEqual([before.rows[1]!.load_id]);
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM staging.bag_vbo')).rows).toEqual([{ n: 2 }]);
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM pakhuis.loads')).rows).toEqual([{ n: 3 }]);
    expect((await ctx.db.query(`SELECT subject_key FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING'`)).rows).toEqual([{ subject_key: a.id }]);
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM audit.reidentification')).rows).toEqual([{ n: 1 }]);
    expect(await readdir(join(ctx.config.ARCHIVE_DIR, 'brp'))).not.toContain('2020-01-01');
    expect((await readdir(join(ctx.config.ARCHIVE_DIR, 'brp'))).length).toBe(1);
    const kept = await ctx.db.query<{ pseudonym: string }>('SELECT DISTINCT pseudonym FROM model.inschrijving_historie WHERE pseudonym = ANY ($1)', [
      history.rows.map((r) => r.pseudonym),
    ]);
    expect(kept.rows).toEqual([{ pseudonym: history.rows[1]!.pseudonym }]);
    expect((await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM model.inschrijving_historie')).rows[0]!.n).toBe(
      historyBefore - steps[0]!.details.historyRows!,
    );
    expect((await ctx.db.query('SELECT 1 FROM model.inschrijving_historie WHERE geldig_tot IS NULL')).rows.length).toBeGreaterThan(0);
  });
});
