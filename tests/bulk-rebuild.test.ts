import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlState } from '../lib/errors.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

describe('bulk rebuild of the model (indexes built after the insert)', () => {
  let ctx: TestContext;
  const indexes = async () =>
    (await ctx.db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname IN ('model', 'identity') ORDER BY indexdef`)).rows.map(
      (r) => r.def,
    );
  const constraints = async () =>
    (
      await ctx.db.query<{ def: string }>(
        `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE connamespace IN ('model'::regnamespace, 'identity'::regnamespace) AND contype IN ('p', 'u') ORDER BY 1`,
      )
    ).rows.map((r) => r.def);
  let before: { indexes: string[]; constraints: string[] };

  beforeAll(async () => {
    ctx = await createTestContext();
    before = { indexes: await indexes(), constraints: await constraints() };
    const home = vbo(1, 100);
    const office = vbo(2, 60);
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([home, office]));
    // One resident's newer registration on the same home has no start date: it still closes the
    // older one (a newer occurrence always does), so every person has one open registration. Two
    // lists with one BSN on one object, counted once, are in brp-life-events.test.ts. The office
    // has only briefadressen.
    const twice = { vbo: home, since: '', history: [{ vbo: home, since: '01-01-2015' }] };
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv([...persons(12, home), twice, ...persons(3, office, { functie: 'B' })]));
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
    const { rows: open } = await ctx.db.query(`SELECT count(*)::int AS n FROM model.inschrijving WHERE geldig_tot IS NULL AND functie_adres = 'W'`);
    expect(open).toEqual([{ n: 13 }]);
    const { rows } = await ctx.db.query(`SELECT right(verblijfsobject_id, 1) AS vbo, woonadressen, briefadressen FROM model.bewoning ORDER BY 1`);
    expect(rows).toEqual([
      { vbo: '1', woonadressen: 13, briefadressen: 0 },
      { vbo: '2', woonadressen: 0, briefadressen: 3 },
    ]);
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

  it('executes no definition the ETL role could plant', async () => {
    expect(await as('pakhuis_etl', `INSERT INTO pakhuis_meta.deferred_indexes VALUES ('model.persoon', 'DROP TABLE audit.reidentification', true)`)).toBe(
      '42501',
    );
    // A temp table of the caller's own under the name the functions once used is not read.
    expect(
      await as(
        'pakhuis_etl',
        `CREATE TEMP TABLE deferred_indexes (tbl text, ddl text, is_constraint boolean);
         INSERT INTO deferred_indexes VALUES ('model.persoon', 'DROP TRIGGER reidentification_append_only ON audit.reidentification', true);
         SELECT model.restore_indexes('model.persoon');`,
      ),
    ).toBe('ok');
    const { rows } = await ctx.db.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit.reidentification'::regclass AND tgname = 'reidentification_append_only'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('restores keys deferred outside a transaction block on the next restore', async () => {
    await ctx.db.query(`SELECT model.defer_indexes('model.persoon')`);
    expect((await constraints()).some((d) => d.startsWith('model.persoon '))).toBe(false);
    await ctx.db.query(`SELECT model.restore_indexes('model.persoon')`);
    expect(await constraints()).toEqual(before.constraints);
    expect(await indexes()).toEqual(before.indexes);
  });

  it('defers only when asked for an empty table, and says whether it did', async () => {
    const { rows } = await ctx.db.transaction(async (tx) =>
      tx.query<{ deferred: boolean }>(`SELECT model.defer_indexes('model.inschrijving_historie', only_when_empty => true) AS deferred`),
    );
    expect(rows).toEqual([{ deferred: false }]);
  });
});
