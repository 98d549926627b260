import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlState } from '../lib/errors.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

describe('roles and access', () => {
  let ctx: TestContext;
  let signalId: number;
  const crowded = vbo(1, 100);

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([crowded]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(persons(12, crowded, { geslachtsnaam: 'Geheimnaam' })));
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    const { rows } = await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING'`);
    signalId = Number(rows[0]!.id);
  });
  afterAll(async () => ctx?.close());

  /** Runs SQL as a role inside a transaction of its own, returning rows or the SQLSTATE it failed with. */
  const as = async (role: string, sql: string, params: unknown[] = []) => {
    try {
      const rows = await ctx.db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL ROLE ${role}`);
        return (await tx.query(sql, params)).rows;
      });
      return { rows };
    } catch (error) {
      return { state: sqlState(error) };
    }
  };

  const forbiddenForAnalysts = [
    'staging.brp', 'staging.bag_vbo', 'model.persoon', 'model.inschrijving', 'model.verblijfsobject',
    'pakhuis.rejected_rows', 'pakhuis.signals', 'pakhuis.report_outbox', 'pakhuis.loads', 'identity.persoon', 'audit.reidentification',
  ];
  it.each(forbiddenForAnalysts)('refuses the analyst role %s', async (table) => {
    expect(await as('pakhuis_analyst', `SELECT * FROM ${table} LIMIT 1`)).toEqual({ state: '42501' });
  });

  it('lets the analyst role read the signals views and triage', async () => {
    const flagged = await as('pakhuis_analyst', 'SELECT verblijfsobject_id FROM signals.flagged_addresses');
    expect(flagged.rows).toEqual(expect.arrayContaining([{ verblijfsobject_id: crowded.id }]));
    expect((await as('pakhuis_analyst', 'SELECT count(*)::int AS n FROM signals.signal_details')).rows).toEqual([{ n: expect.any(Number) }]);
    expect((await as('pakhuis_analyst', 'SELECT code FROM signals.rules')).rows!.length).toBeGreaterThan(0);
    expect(await as('pakhuis_analyst', `SELECT signals.triage($1, 'in_onderzoek', 'huisbezoek gepland')`, [signalId])).toMatchObject({ rows: [expect.anything()] });
    const { rows } = await ctx.db.query(`SELECT triage_status, triage_note FROM pakhuis.signals WHERE id = $1`, [signalId]);
    expect(rows).toEqual([{ triage_status: 'in_onderzoek', triage_note: 'huisbezoek gepland' }]);
  });

  it('keeps names from the analyst everywhere they can look', async () => {
    const all = await as('pakhuis_analyst', 'SELECT * FROM signals.signal_details');
    expect(JSON.stringify(all.rows)).not.toContain('Geheimnaam');
  });

  it('refuses reveal to the analyst and the names table to the re-identification role', async () => {
    expect(await as('pakhuis_analyst', `SELECT * FROM reident.reveal($1, 'nieuwsgierigheid naar de buren')`, [signalId])).toEqual({ state: '42501' });
    expect(await as('pakhuis_reident', 'SELECT * FROM identity.persoon')).toEqual({ state: '42501' });
  });

  it('reveals the names behind one signal to the re-identification role, with a reason, and audits it', async () => {
    expect(await as('pakhuis_reident', `SELECT * FROM reident.reveal($1, 'kort')`, [signalId])).toEqual({ state: '22023' });
    const revealed = await as('pakhuis_reident', `SELECT * FROM reident.reveal($1, 'zaak OOV-2026-0142: huisbezoek voorbereiden', 'j.jansen')`, [signalId]);
    expect(revealed.rows).toHaveLength(12);
    expect(revealed.rows!.every((r) => (r as { geslachtsnaam: string }).geslachtsnaam === 'Geheimnaam')).toBe(true);
    // Who is the database login; the name the caller gave is kept beside it, unchecked.
    const { rows } = await ctx.db.query(`SELECT signal_id::int, reason, by_user = session_user AS by_login, stated_by, persons_shown FROM audit.reidentification`);
    expect(rows).toEqual([{ signal_id: signalId, reason: 'zaak OOV-2026-0142: huisbezoek voorbereiden', by_login: true, stated_by: 'j.jansen', persons_shown: 12 }]);
  });

  it('runs reveal with the owner\'s rights without running a temp table of the caller\'s', async () => {
    // Every login may create temp tables: one named like reveal's old work table, with a trigger,
    // made that trigger run as the owner (names read, audit trigger disabled).
    const before = Number((await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM audit.reidentification')).rows[0]!.n);
    const loot = await ctx.db.transaction(async (tx) => {
      await tx.exec('SET LOCAL ROLE pakhuis_reident');
      await tx.exec(`
        CREATE TEMP TABLE revealed (pseudonym text, relatie text);
        CREATE TEMP TABLE loot (who text, persons bigint);
        CREATE FUNCTION pg_temp.grab() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
          INSERT INTO pg_temp.loot SELECT current_user, (SELECT count(*) FROM identity.persoon);
          RETURN NULL;
        END $f$;
        CREATE TRIGGER grab AFTER INSERT ON pg_temp.revealed FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab();`);
      const shown = await tx.query(`SELECT * FROM reident.reveal($1, 'controle op misbruik van tijdelijke tabellen')`, [signalId]);
      expect(shown.rows).toHaveLength(12);
      const { rows } = await tx.query('SELECT who FROM pg_temp.loot');
      // PGlite is one session for the whole file: leave nothing of the role's behind.
      await tx.exec('DROP TABLE pg_temp.revealed, pg_temp.loot; DROP FUNCTION pg_temp.grab()');
      return rows;
    });
    expect(loot).toEqual([]);
    expect(Number((await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM audit.reidentification')).rows[0]!.n)).toBe(before + 1);
  });

  // The CLI is another process; only a database server can be shared with it.
  it.skipIf(!process.env.DATABASE_URL)('lets pakhuis reveal run for a login that holds only the re-identification role', async () => {
    const login = `pakhuis_t_reident_${process.pid}`;
    await ctx.db.exec(`DROP ROLE IF EXISTS ${login}; CREATE ROLE ${login} LOGIN IN ROLE pakhuis_reident`);
    try {
      const url = new URL(ctx.url!);
      url.username = login;
      const { stdout } = await promisify(execFile)('node', [new URL('../bin/pakhuis.js', import.meta.url).pathname, 'reveal', String(signalId), '--reason', 'zaak OOV-2026-0150: huisbezoek', '--by', 'j.jansen'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url.toString(), LOG_FORMAT: 'json' },
      });
      expect(stdout).toContain(`signaal ${signalId}: 12 personen (deze inzage is vastgelegd)`);
      expect(stdout).toContain('Geheimnaam');
      const { rows } = await ctx.db.query(`SELECT by_user, stated_by FROM audit.reidentification WHERE reason = 'zaak OOV-2026-0150: huisbezoek'`);
      expect(rows).toEqual([{ by_user: login, stated_by: 'j.jansen' }]);
    } finally {
      await ctx.db.exec(`DROP ROLE IF EXISTS ${login}`);
    }
  });

  it('keeps the audit append-only, for application roles and for the owner alike', async () => {
    for (const role of ['pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident']) {
      expect(await as(role, 'DELETE FROM audit.reidentification')).toEqual({ state: '42501' });
      expect(await as(role, `UPDATE audit.reidentification SET reason = 'x'`)).toEqual({ state: '42501' });
    }
    await expect(ctx.db.query('DELETE FROM audit.reidentification')).rejects.toThrow(/append-only/);
    await expect(ctx.db.query(`UPDATE audit.reidentification SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('TRUNCATE audit.reidentification')).rejects.toThrow(/append-only/);
  });

  it('keeps the triage history append-only, for the loading role too', async () => {
    expect(await as('pakhuis_analyst', `SELECT signals.triage($1, 'afgehandeld', 'huisbezoek gedaan')`, [signalId])).toMatchObject({ rows: [expect.anything()] });
    expect(await as('pakhuis_etl', 'DELETE FROM pakhuis.triage_log')).toEqual({ state: '42501' });
    expect(await as('pakhuis_etl', `UPDATE pakhuis.triage_log SET note = 'x'`)).toEqual({ state: '42501' });
    expect(await as('pakhuis_etl', 'TRUNCATE pakhuis.triage_log')).toEqual({ state: '42501' });
    expect((await ctx.db.query(`SELECT 1 FROM pakhuis.triage_log WHERE note = 'huisbezoek gedaan'`)).rowCount).toBe(1);
    // Nor can it judge a signal, or write history, past signals.triage: that would hide who did it.
    expect(await as('pakhuis_etl', `UPDATE pakhuis.signals SET triage_status = 'vals_positief', triage_by = 'iemand anders' WHERE id = $1`, [signalId])).toEqual({ state: '42501' });
    expect(await as('pakhuis_etl', `INSERT INTO pakhuis.triage_log (signal_id, status, by_user) VALUES ($1, 'vals_positief', 'iemand anders')`, [signalId])).toEqual({ state: '42501' });
    await expect(ctx.db.query('DELETE FROM pakhuis.triage_log')).rejects.toThrow(/pakhuis\.triage_log is append-only/);
    // The loading role still writes everything else of a signal.
    expect(await as('pakhuis_etl', `UPDATE pakhuis.signals SET last_seen_at = last_seen_at WHERE id = $1`, [signalId])).toEqual({ rows: [] });
  });

  it('lets the ETL role write staging and the model but not read the audit', async () => {
    expect(await as('pakhuis_etl', 'SELECT count(*)::int AS n FROM staging.brp')).toEqual({ rows: [{ n: 12 }] });
    expect(await as('pakhuis_etl', 'DELETE FROM model.inschrijving WHERE false')).toEqual({ rows: [] });
    expect(await as('pakhuis_etl', 'SELECT * FROM audit.reidentification')).toEqual({ state: '42501' });
  });

  it('gives application roles ownership of nothing', async () => {
    const { rows } = await ctx.db.query(
      `SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE pg_get_userbyid(c.relowner) IN ('pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident')`,
    );
    expect(rows).toEqual([]);
    const { rows: owned } = await ctx.db.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'model' AND pg_get_userbyid(c.relowner) = 'pakhuis_owner'`);
    expect((owned[0] as { n: number }).n).toBeGreaterThan(0);
  });
});
