import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlState } from '../lib/errors.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

describe('bulk rebuild of the model (indexes built after the insert)', () => {
  let ctx: TestContext;
  const indexes = async () =>
    (await ctx.db.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE schemaname IN ('model', 'identity') ORDER BY indexdef`,
    )).rows.map((r) => r.def);
  const constraints = async () =>
    (await ctx.db.query<{ def: string }>(
      `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE connamespace IN ('model'::regnamespace, 'identity'::regnamespace) ORDER BY 1`,
    )).rows.map((r) => r.def);
  let before: { indexes: string[]; constraints: string[] };

  beforeAll(async () => {
    ctx = await createTestContext();
    before = { indexes: await indexes(), constraints: await constraints() };
    const home = vbo(1, 100);
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([home, vbo(2, 60)]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(persons(12, home)));
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('leaves every index and key of the model as the migrations made them', async () => {
    expect(before.indexes.length).toBeGreaterThan(10);
    expect(before.indexes.some((d) => d.includes('inschrijving_persoon_idx'))).toBe(true);
    expect(await indexes()).toEqual(before.indexes);
    expect(await constraints()).toEqual(before.constraints);
  });

  it('keeps primary keys enforced after a rebuild', async () => {
    const { rows } = await ctx.db.query<{ pseudonym: string }>('SELECT pseudonym FROM model.persoon LIMIT 1');
    const duplicate = await ctx.db.query('INSERT INTO model.persoon (pseudonym, key_version) VALUES ($1, 1)', [rows[0]!.pseudonym]).catch((e: unknown) => e);
    expect(sqlState(duplicate)).toBe('23505');
  });

  it('counts occupancy once per person, for the rules that read it', async () => {
    const { rows } = await ctx.db.query(`SELECT woonadressen, briefadressen FROM model.bewoning`);
    expect(rows).toEqual([{ woonadressen: 12, briefadressen: 0 }]);
  });

  const as = async (role: string, sql: string) => {
    try {
      await ctx.db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL ROLE ${role}`);
        await tx.exec(sql);
      });
      return 'ok';
    } catch (error) {
      return sqlState(error);
    }
  };

  it('lets the ETL role defer and restore indexes of model tables only; nobody else', async () => {
    expect(await as('pakhuis_etl', `SELECT model.defer_indexes('model.persoon'); SELECT model.restore_indexes('model.persoon');`)).toBe('ok');
    expect(await as('pakhuis_etl', `SELECT model.defer_indexes('pakhuis.signals')`)).toBe('42501');
    expect(await as('pakhuis_analyst', `SELECT model.defer_indexes('model.persoon')`)).toBe('42501');
    expect(await indexes()).toEqual(before.indexes);
  });

  it('defers only when asked for an empty table, and says whether it did', async () => {
    const { rows } = await ctx.db.transaction(async (tx) => tx.query<{ deferred: boolean }>(`SELECT model.defer_indexes('model.inschrijving_historie', only_when_empty => true) AS deferred`));
    expect(rows).toEqual([{ deferred: false }]);
  });
});
