import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { bsnFor } from '../synthetic/random.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, vbo, writeFileIn } from './helpers/files.ts';

describe('registration history across nightly loads', () => {
  let ctx: TestContext;
  const a = vbo(1, 80);
  const b = vbo(2, 80);
  const [p, q, r] = [bsnFor(900_001), bsnFor(900_002), bsnFor(900_003)];

  beforeAll(async () => {
    // The periods here are fixed dates from 2019 to 2024: kept longer than RETENTION_HISTORY_MONTHS's default would.
    ctx = await createTestContext({ RETENTION_HISTORY_MONTHS: 240 });
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b]));
    // Night 1: p and q live at a.
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'brp', 'brp-1.csv'),
      brpCsv([
        { bsn: p, vbo: a, since: '01-03-2019' },
        { bsn: q, vbo: a, since: '01-06-2020' },
      ]),
    );
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    // Night 2: p moved to b on 1 May 2024; q is gone from the export; r arrived at a.
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'brp', 'brp-2.csv'),
      brpCsv([
        { bsn: p, vbo: b, since: '01-05-2024' },
        { bsn: r, vbo: a, since: '15-05-2024' },
      ]),
    );
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('answers who lived at an address between two dates, after the export has forgotten', async () => {
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(DISTINCT pseudonym)::int AS n FROM model.inschrijving_historie
       WHERE verblijfsobject_id = $1 AND geldig_van <= '2021-01-01' AND coalesce(geldig_tot, 'infinity') > '2021-01-01'`,
      [a.id],
    );
    expect(rows).toEqual([{ n: 2 }]);
    // The current model only knows tonight's export: nobody lived at a in 2021 as far as it knows.
    const { rows: now } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM model.inschrijving WHERE verblijfsobject_id = $1 AND geldig_van <= '2021-01-01'`,
      [a.id],
    );
    expect(now).toEqual([{ n: 0 }]);
  });

  it('closes a registration where the next one begins, or today when the person is gone', async () => {
    const { rows } = await ctx.db.query<{ vbo: string; van: string; tot: string | null; door: string | null }>(
      `SELECT verblijfsobject_id AS vbo, to_char(geldig_van, 'YYYY-MM-DD') AS van, to_char(geldig_tot, 'YYYY-MM-DD') AS tot, gesloten_door AS door
       FROM model.inschrijving_historie ORDER BY geldig_van`,
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(rows).toEqual([
      { vbo: a.id, van: '2019-03-01', tot: '2024-05-01', door: 'verdwenen' },
      { vbo: a.id, van: '2020-06-01', tot: today, door: 'verdwenen' },
      { vbo: b.id, van: '2024-05-01', tot: null, door: null },
      { vbo: a.id, van: '2024-05-15', tot: null, door: null },
    ]);
  });

  it('changes nothing when the same export is published again, not even which load last changed a row', async () => {
    const history = `SELECT * FROM model.inschrijving_historie ORDER BY 1, 2, 3, 5`;
    const identity = `SELECT * FROM identity.persoon ORDER BY pseudonym`;
    const before = { history: (await ctx.db.query(history)).rows, identity: (await ctx.db.query(identity)).rows };
    const { rows: night2 } = await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.loads WHERE file_name = 'brp/brp-2.csv'`);
    // The rows night 2 closed were last changed by its load.
    expect(before.history.filter((row) => row.gesloten_door === 'verdwenen').map((row) => String(row.laatst_gewijzigd_load))).toEqual([
      String(night2[0]!.id),
      String(night2[0]!.id),
    ]);
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'brp', 'brp-2-again.csv'),
      brpCsv([
        { bsn: p, vbo: b, since: '01-05-2024' },
        { bsn: r, vbo: a, since: '15-05-2024' },
      ]) + '\n',
    );
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    expect((await ctx.db.query(history)).rows).toEqual(before.history);
    expect((await ctx.db.query(identity)).rows).toEqual(before.identity);
  });
});
