import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, withUser, type Database } from '../lib/db.ts';
import { sqlState } from '../lib/errors.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, freshBsn, obj, writeInbox, type Person } from './helpers/registers.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;
const ROLES = ['pakhuis_owner', 'pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident'] as const;

/**
 * The README's role table: per role, what it can and cannot do, one phrase per action, separated
 * by "; ". Each phrase is a claim this file tries as a login of that role (PROBES below).
 */
function roleTable(): { role: string; can: string[]; cannot: string[] }[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- role-table');
  expect(start, 'the role table marker in README.md').toBeGreaterThan(0);
  const lines = readme
    .slice(start)
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  const rows = lines.slice(
    2,
    lines.findIndex((l, i) => i >= 2 && !l.startsWith('|')),
  );
  const phrases = (cell: string) =>
    cell
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean);
  return rows.map((row) => {
    const [role, can, cannot] = row
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    return { role: role!.replace(/`/g, ''), can: phrases(can!), cannot: phrases(cannot!) };
  });
}

describe('roles and access', () => {
  let ctx: TestContext;
  let signalId: number;
  let horecaId: number;
  const crowded = obj(1, 'woonfunctie', 100);
  const office = obj(2, 'kantoorfunctie');
  const home = obj(3);
  const closed = obj(4);
  const neighbour = freshBsn();
  const holder = freshBsn();
  const residents: Person[] = Array.from({ length: 12 }, () => ({ bsn: freshBsn(), naam: 'Geheimnaam', stays: [{ obj: crowded, since: day(-400) }] }));
  /** A login per role (PostgreSQL), dropped at the end: roles are cluster-wide, so named for this process. */
  const logins = new Map<string, string>();
  /** One connection per login, each probe in a transaction of its own. */
  const clients = new Map<string, pg.Client>();

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [crowded, office, home, closed],
      brp: [...residents, { bsn: neighbour, naam: 'Buurman', stays: [{ obj: home, since: day(-400) }] }],
      permits: [
        // A permit whose zaaknummer is an unrelated resident's pseudonym: reveal took any 64-hex
        // string in the evidence for a person, and showed the neighbour's name.
        {
          zaak: ctx.pseudonymizer.pseudonymise(neighbour),
          type: 'exploitatievergunning',
          obj: office,
          kvk: '10000001',
          naam: 'Bedrijfsnaam BV',
          van: day(-30),
        },
        { zaak: 'V-2', type: 'exploitatievergunning', obj: office, bsn: holder, naam: 'Houdernaam', van: day(-30) },
      ],
      damocles: [
        {
          zaak: 'D-1',
          obj: closed,
          start: day(-100),
          duur: 3,
          huurderBsn: freshBsn(),
          huurder: 'Huurdernaam',
          eigenaarKvk: '20000002',
          eigenaar: 'Verhuur BV',
        },
      ],
    });
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    // A warehouse of one municipality (GEMEENTEN unset) is 0000; analysts and re-identification see it by grant.
    await ctx.db.query(`SELECT audit.grant_access('pakhuis_analyst', '0000'), audit.grant_access('pakhuis_reident', '0000')`);
    const id = async (rule: string, subject: string) =>
      Number((await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = $1 AND subject_key = $2`, [rule, subject])).rows[0]!.id);
    signalId = await id('OVERBEWONING', crowded.id);
    horecaId = await id('HORECA_GEEN_PASSENDE_FUNCTIE', ctx.pseudonymizer.pseudonymise(neighbour));
    // The audit and the triage history hold a row, so that refusing to change them means something.
    await ctx.db.query(`SELECT * FROM reident.reveal($1, 'zaak OOV-2026-0001: eerste inzage')`, [signalId]);
    await ctx.db.query(`SELECT reident.inzage($1, 1, $2, 'AVG-verzoek 2026-0001')`, [ctx.pseudonymizer.pseudonymise(neighbour), ctx.pseudonymizer.checkValue]);
    await ctx.db.query(`SELECT signals.triage($1, 'in_onderzoek', 'eerste oordeel')`, [signalId]);
    if (onPostgres) {
      for (const role of ROLES) {
        const login = `${role.replace('pakhuis_', 'pakhuis_t_')}_${process.pid}`;
        await ctx.db.exec(`DROP ROLE IF EXISTS ${login}; CREATE ROLE ${login} LOGIN IN ROLE ${role}`);
        logins.set(role, login);
        const client = new pg.Client({ connectionString: withUser(loginUrl(role)) });
        await client.connect();
        clients.set(role, client);
      }
    }
  });
  afterAll(async () => {
    for (const client of clients.values()) await client.end().catch(() => {});
    if (ctx) for (const login of logins.values()) await ctx.db.exec(`DROP ROLE IF EXISTS ${login}`).catch(() => {});
    await ctx?.close();
  });

  const loginUrl = (role: string) => {
    const url = new URL(ctx.url!);
    url.username = logins.get(role)!;
    return url.toString();
  };

  /**
   * Runs one statement as `role` in a transaction that is rolled back: on PostgreSQL through a
   * login that holds the role, on PGlite (one session) under SET ROLE. Rows, or the SQLSTATE.
   */
  const as = async (role: string, sql: string, params: unknown[] = []): Promise<{ rows?: unknown[]; state?: string }> => {
    const client = clients.get(role);
    if (client) {
      try {
        await client.query('BEGIN');
        return { rows: (await client.query(sql, params)).rows };
      } catch (error) {
        return { state: sqlState(error) };
      } finally {
        await client.query('ROLLBACK');
      }
    }
    try {
      await ctx.db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL ROLE ${role}`);
        const rows = (await tx.query(sql, params)).rows;
        throw Object.assign(new Error('rollback'), { rows });
      });
      return {};
    } catch (error) {
      const rows = (error as { rows?: unknown[] }).rows;
      return rows ? { rows } : { state: sqlState(error) };
    }
  };
  /** Like `as`, but the transaction commits: for what must survive (an audit row). */
  const committed = async (role: string, sql: string, params: unknown[] = []) => {
    const client = clients.get(role);
    if (client) return (await client.query(sql, params)).rows;
    return ctx.db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL ROLE ${role}`);
      return (await tx.query(sql, params)).rows;
    });
  };

  // ------------------------------------------------------------------ the README's table

  /** The statements that try one phrase of the table; a phrase holds when all of them do. */
  const probes = (): Record<string, string[]> => {
    const store = `INSERT INTO pakhuis.signal_store (rule_code, subject_key, severity, evidence, explanation, rule_version, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at)
      VALUES ('OVERBEWONING', 'vervalst', 'laag', '{}', 'x', 'v', 'open', 1, 1, now(), now())`;
    return {
      'own every object and run migrations': [
        `DO $$ BEGIN
           IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname IN ('pakhuis', 'staging', 'model', 'identity', 'signals', 'reident', 'audit')
                        AND c.relkind IN ('r', 'v') AND pg_get_userbyid(c.relowner) <> 'pakhuis_owner') THEN
             RAISE EXCEPTION 'an object is not the owner''s' USING ERRCODE = '42501';
           END IF;
         END $$`,
        'CREATE TABLE pakhuis.probe (a integer)',
        'ALTER TABLE model.inschrijving ADD COLUMN probe integer',
      ],
      'read names in identity.persoon': ['SELECT geslachtsnaam FROM identity.persoon LIMIT 1'],
      'change or delete the re-identification audit': [
        `UPDATE audit.reidentification SET reason = 'x'`,
        'DELETE FROM audit.reidentification',
        'TRUNCATE audit.reidentification',
      ],
      'change or delete the triage history': [`UPDATE pakhuis.triage_log SET note = 'x'`, 'DELETE FROM pakhuis.triage_log', 'TRUNCATE pakhuis.triage_log'],
      'write staging rows': [`INSERT INTO staging.brp (load_id, line, pseudonym, key_version, geslachtsnaam) VALUES (0, 0, repeat('a', 64), 1, 'Proef')`],
      'read staging without names': [
        'SELECT load_id, line, pseudonym, key_version, postcode, verblijfsobject_id FROM staging.brp LIMIT 1',
        'SELECT houder_pseudonym, houder_bedrijfsnaam FROM staging.permits_for_model LIMIT 1',
        'SELECT eigenaar_bedrijfsnaam, huurder_pseudonym FROM staging.damocles_for_model LIMIT 1',
      ],
      'rebuild the model': [
        'TRUNCATE model.bewoning',
        'INSERT INTO model.bewoning SELECT * FROM model.bewoning_telling() ON CONFLICT DO NOTHING',
        `SELECT model.defer_indexes('model.bewoning')`,
      ],
      'add signal candidates': [
        `INSERT INTO pakhuis.signal_candidates (run_id, rule_code, subject_key, severity, evidence, explanation, rule_version) VALUES (-1, 'PROEF', 'x', 'laag', '{}', 'x', 'v')`,
      ],
      'merge candidates into signals with pakhuis.merge_signals': [`SELECT * FROM pakhuis.merge_signals(-1, '{}')`],
      'write names to identity through its refresh functions': [
        'SELECT identity.refresh_from_brp(-1)',
        'SELECT identity.refresh_from_permits(-1)',
        'SELECT identity.refresh_from_damocles(-1)',
        `SELECT identity.refresh_from_register('permits', ARRAY[-1]::bigint[])`,
        `SELECT identity.refresh_from_register('damocles', ARRAY[-1]::bigint[])`,
      ],
      'write run records, rules and the outbox': [
        `INSERT INTO pakhuis.runs (trigger) VALUES ('proef')`,
        'UPDATE pakhuis.rules SET title = title',
        'UPDATE pakhuis.report_outbox SET attempts = attempts',
      ],
      'read the signals views': [
        'SELECT 1 FROM signals.signal_details LIMIT 1',
        'SELECT 1 FROM signals.flagged_addresses LIMIT 1',
        'SELECT 1 FROM signals.rules LIMIT 1',
        'SELECT 1 FROM signals.spreiding LIMIT 1',
      ],
      'read a name in staging': [
        'SELECT geslachtsnaam FROM staging.brp LIMIT 1',
        'SELECT * FROM staging.brp LIMIT 1',
        'SELECT houder_naam FROM staging.permits LIMIT 1',
        'SELECT huurder_naam FROM staging.damocles LIMIT 1',
        // A name can be inferred from which rows a condition on it touches.
        `DELETE FROM staging.brp WHERE geslachtsnaam LIKE 'G%'`,
        `UPDATE staging.brp SET line = line WHERE voornamen = 'Jan' RETURNING line`,
      ],
      'read identity.persoon': ['SELECT 1 FROM identity.persoon LIMIT 1'],
      'insert, update or delete signals': [
        `DELETE FROM pakhuis.signal_store WHERE id = ${signalId}`,
        store,
        `UPDATE pakhuis.signal_store SET score = 1e9 WHERE id = ${signalId}`,
        'TRUNCATE pakhuis.signal_store',
        `SELECT setval('pakhuis.signal_store_id_seq', 1)`,
      ],
      'write or delete a judgement': [
        `INSERT INTO pakhuis.triage (rule_code, subject_key, status, by_user, at, score) VALUES ('OVERBEWONING', 'x', 'vals_positief', 'iemand anders', now(), 1e9)`,
        `UPDATE pakhuis.triage SET status = 'vals_positief', by_user = 'iemand anders'`,
        'DELETE FROM pakhuis.triage',
        `INSERT INTO pakhuis.triage_log (signal_id, status, by_user) VALUES (${signalId}, 'vals_positief', 'iemand anders')`,
      ],
      'write person links': [`INSERT INTO pakhuis.signal_persons VALUES (${signalId}, repeat('b', 64), 'bewoner')`, 'DELETE FROM pakhuis.signal_persons'],
      'call signals.triage': [`SELECT signals.triage(${signalId}, 'in_onderzoek', 'proef')`],
      // No melding is loaded here: getting as far as "bestaat niet" shows the call was allowed.
      'call signals.terugkoppeling': [
        `DO $$ BEGIN PERFORM signals.terugkoppeling('proef', 'ontvangen', NULL, NULL); EXCEPTION WHEN no_data_found THEN NULL; END $$`,
      ],
      'call reident.reveal': [`SELECT * FROM reident.reveal(${signalId}, 'zaak OOV-proef: toets van de rechten')`],
      'call reident.inzage': [`SELECT reident.inzage(repeat('c', 64), 1, repeat('c', 64), 'zaak OOV-proef: toets van de rechten')`],
      'change or delete the inzage audit': [`UPDATE audit.inzage SET reason = 'x'`, 'DELETE FROM audit.inzage', 'TRUNCATE audit.inzage'],
      'read the audit': ['SELECT 1 FROM audit.reidentification LIMIT 1', 'SELECT 1 FROM audit.inzage LIMIT 1'],
      'grant access to a municipality': [`SELECT audit.grant_access('pakhuis_t_probe', '0632')`, `SELECT audit.revoke_access('pakhuis_t_probe', '0000')`],
      'change or delete the access log': [`UPDATE audit.access_log SET login = 'x'`, 'DELETE FROM audit.access_log', 'TRUNCATE audit.access_log'],
      'change or delete a key check value': ['UPDATE pakhuis.key_checks SET check_value = check_value', 'DELETE FROM pakhuis.key_checks'],
      'read staging': ['SELECT 1 FROM staging.brp LIMIT 1', 'SELECT 1 FROM staging.permits_for_model LIMIT 1'],
      'read the model tables': ['SELECT 1 FROM model.inschrijving LIMIT 1', 'SELECT 1 FROM model.persoon LIMIT 1', 'SELECT 1 FROM model.bewoning LIMIT 1'],
      'read rejected rows': ['SELECT 1 FROM pakhuis.rejected_rows LIMIT 1'],
      'read the outbox': ['SELECT 1 FROM pakhuis.report_outbox LIMIT 1'],
    };
  };

  const table = roleTable();
  it('has a row for every role in the README table, each phrase with a probe', () => {
    expect(table.map((r) => r.role)).toEqual([...ROLES]);
    const known = Object.keys(probes());
    for (const { can, cannot } of table) for (const phrase of [...can, ...cannot]) expect(known, `no probe for "${phrase}"`).toContain(phrase);
  });

  describe.each(table)('$role, as the README says', ({ role, can, cannot }) => {
    it.each(can)('can %s', async (phrase) => {
      for (const sql of probes()[phrase] ?? []) expect(await as(role, sql), sql).not.toHaveProperty('state');
    });
    it.each(cannot)('cannot %s', async (phrase) => {
      for (const sql of probes()[phrase] ?? []) expect(await as(role, sql), sql).toEqual({ state: '42501' });
    });
  });

  // ------------------------------------------------------------------ what the table stands for

  it("lets an analyst judge, and the judgement is the login's, shown in the views", async () => {
    expect(await committed('pakhuis_analyst', `SELECT signals.triage($1, 'in_onderzoek', 'huisbezoek gepland', 'j.jansen')`, [signalId])).toHaveLength(1);
    const { rows } = await ctx.db.query(`SELECT triage_status, triage_note, triage_by FROM signals.signal_details WHERE signal_id = $1`, [signalId]);
    expect(rows).toEqual([
      { triage_status: 'in_onderzoek', triage_note: 'huisbezoek gepland', triage_by: onPostgres ? logins.get('pakhuis_analyst') : 'postgres' },
    ]);
  });

  it('shows the note of a judgement (free text) to analysts only, not to the loading role', async () => {
    const sql =
      'SELECT d.triage_note AS details, s.triage_note AS signal FROM signals.signal_details d JOIN pakhuis.signals s ON s.id = d.signal_id WHERE d.signal_id = $1';
    const analyst = await as('pakhuis_analyst', 'SELECT triage_note FROM signals.signal_details WHERE signal_id = $1', [signalId]);
    expect(analyst.rows).toEqual([{ triage_note: expect.stringMatching(/\S/) }]);
    expect((await as('pakhuis_etl', sql, [signalId])).rows).toEqual([{ details: null, signal: null }]);
    // The history of judgements too (migration 0067), which every reader of schema signals reads.
    const history = 'SELECT note FROM signals.triage_history WHERE signal_id = $1';
    expect((await as('pakhuis_analyst', history, [signalId])).rows).toContainEqual({ note: expect.stringMatching(/\S/) });
    const seen = (await as('pakhuis_etl', history, [signalId])).rows as { note: string | null }[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.note === null)).toBe(true);
  });

  it('keeps the attack that forged a judgement from working: delete and re-insert the signal as the loading role', async () => {
    const before = (await ctx.db.query(`SELECT * FROM pakhuis.signals WHERE id = $1`, [signalId])).rows;
    const history = (await ctx.db.query('SELECT count(*)::int AS n FROM pakhuis.triage_log')).rows;
    const attack = await ctx.db.transaction(async (tx) => {
      await tx.exec('SET LOCAL ROLE pakhuis_etl');
      return tx
        .query(
          `WITH gone AS (DELETE FROM pakhuis.signal_store WHERE id = $1 RETURNING *)
           INSERT INTO pakhuis.signal_store SELECT * FROM gone`,
          [signalId],
        )
        .then(
          () => 'done',
          (e: unknown) => sqlState(e),
        );
    });
    expect(attack).toBe('42501');
    // The judgement is not on the signal's row: even a row purged and produced again keeps it.
    expect((await ctx.db.query(`SELECT * FROM pakhuis.signals WHERE id = $1`, [signalId])).rows).toEqual(before);
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM pakhuis.triage_log')).rows).toEqual(history);
  });

  it('lets the nightly run work as a login that holds only the loading role', async ({ skip }) => {
    if (!onPostgres) skip('PGlite has one session and no logins');
    let etl: Database | undefined;
    try {
      etl = await openDatabase({ url: loginUrl('pakhuis_etl') });
      const newcomer = freshBsn();
      await writeInbox(ctx.config.INBOX_DIR, {
        brp: [
          ...residents,
          { bsn: newcomer, naam: 'Nieuwkomer', stays: [{ obj: crowded, since: day(-10) }] },
          { bsn: neighbour, naam: 'Buurman', stays: [{ obj: home, since: day(-400) }] },
        ],
        permits: [{ zaak: 'V-3', type: 'exploitatievergunning', obj: office, bsn: freshBsn(), naam: 'Nieuwe Houder', van: day(-5) }],
        damocles: [{ zaak: 'D-2', obj: closed, start: day(-50), duur: 3, eigenaarBsn: freshBsn(), eigenaar: 'Nieuwe Eigenaar' }],
      });
      const run = await runPipeline({ ...ctx, db: etl }, { trigger: 'test' });
      expect(run.error).toBeUndefined();
      expect(run.files.map((f) => [f.source, f.status])).toEqual([
        ['brp', 'loaded'],
        ['permits', 'loaded'],
        ['damocles', 'loaded'],
      ]);
      // The names went to identity although the login could read none of them.
      const { rows } = await ctx.db.query<{ n: string }>(
        `SELECT coalesce(geslachtsnaam, naam) AS n FROM identity.persoon WHERE coalesce(geslachtsnaam, naam) IN ('Nieuwkomer', 'Nieuwe Houder', 'Nieuwe Eigenaar') ORDER BY 1`,
      );
      expect(rows.map((r) => r.n)).toEqual(['Nieuwe Eigenaar', 'Nieuwe Houder', 'Nieuwkomer']);
      expect((await ctx.db.query(`SELECT evidence->>'personen' AS n FROM pakhuis.signals WHERE id = $1`, [signalId])).rows).toEqual([{ n: '13' }]);
    } finally {
      await etl?.close();
    }
  });

  // ------------------------------------------------------------------ re-identification

  it('reveals exactly the persons the rule linked, by role, and no name the evidence merely holds', async () => {
    const shown = await as('pakhuis_reident', `SELECT * FROM reident.reveal($1, 'zaak OOV-2026-0142: huisbezoek voorbereiden', 'j.jansen')`, [signalId]);
    expect((shown.rows as { relatie: string; weigering: string | null }[]).every((r) => r.relatie === 'bewoner' && r.weigering === null)).toBe(true);
    expect(new Set((shown.rows as { geslachtsnaam: string }[]).map((r) => r.geslachtsnaam))).toEqual(
      new Set(['Geheimnaam', ...(onPostgres ? ['Nieuwkomer'] : [])]),
    );
    // The permit's zaaknummer is the neighbour's pseudonym; its rule linked only the holder (a company).
    const horeca = await as('pakhuis_reident', `SELECT * FROM reident.reveal($1, 'zaak OOV-2026-0143: controle vergunning')`, [horecaId]);
    expect(horeca.rows).toEqual([]);
    expect(JSON.stringify((await ctx.db.query('SELECT evidence FROM pakhuis.signals WHERE id = $1', [horecaId])).rows)).toContain(
      ctx.pseudonymizer.pseudonymise(neighbour),
    );
  });

  it.each([
    ['tabs and line breaks', '\t\t\n\n\r\n\t\t\n\t\n\t'],
    ['non-breaking and zero-width spaces', '\u00a0\u200b\u2060\ufeff\u200b\u00a0\u3000\u2007\u202f\u200d\u00a0\u200b'],
    ['invisible marks around two letters', '\u200eo\u200f\u202ak\u202c\u2066\u2069\u034f\u00ad\u180e\u2800\u3164'],
  ])('refuses a reason of %s, and audits the refusal', async (_what, reason) => {
    const rows = await committed('pakhuis_reident', 'SELECT * FROM reident.reveal($1, $2)', [signalId, reason]);
    expect(rows).toEqual([
      expect.objectContaining({ pseudonym: null, geslachtsnaam: null, weigering: 'heridentificatie vraagt een reden van ten minste 10 zichtbare tekens' }),
    ]);
    const { rows: audit } = await ctx.db.query(`SELECT outcome, refusal, persons_shown, reason FROM audit.reidentification ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual([
      { outcome: 'geweigerd', refusal: 'heridentificatie vraagt een reden van ten minste 10 zichtbare tekens', persons_shown: 0, reason },
    ]);
  });

  it('refuses a reason of 10 MB and a signal that does not exist, auditing both without the 10 MB', async () => {
    const huge = 'zaak '.repeat(2 * 1024 * 1024);
    expect(await committed('pakhuis_reident', 'SELECT weigering FROM reident.reveal($1, $2)', [signalId, huge])).toEqual([
      { weigering: `de reden is ${huge.length} tekens lang; het maximum is 1000` },
    ]);
    expect(await committed('pakhuis_reident', 'SELECT weigering FROM reident.reveal($1, $2)', [987654, 'zaak OOV-2026-0144: bestaat dit signaal?'])).toEqual([
      { weigering: 'signaal 987654 bestaat niet' },
    ]);
    const { rows } = await ctx.db.query(`SELECT signal_id::int, outcome, length(reason) AS reason_length FROM audit.reidentification ORDER BY id DESC LIMIT 2`);
    expect(rows).toEqual([
      { signal_id: 987654, outcome: 'geweigerd', reason_length: 40 },
      { signal_id: signalId, outcome: 'geweigerd', reason_length: 1000 },
    ]);
    await expect(ctx.db.query(`SELECT signals.triage($1, 'in_onderzoek', $2)`, [signalId, 'x'.repeat(10 * 1024 * 1024)])).rejects.toThrow(
      /toelichting is 10485760 tekens lang; het maximum is 2000/,
    );
  });

  it("runs reveal with the owner's rights without running a temp table of the caller's", async () => {
    // Every login may create temp tables: one named like reveal's old work table, with a trigger,
    // made that trigger run as the owner (names read, audit trigger disabled).
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
      expect(shown.rows.length).toBeGreaterThanOrEqual(12);
      const { rows } = await tx.query('SELECT who FROM pg_temp.loot');
      // PGlite is one session for the whole file: leave nothing of the role's behind.
      await tx.exec('DROP TABLE pg_temp.revealed, pg_temp.loot; DROP FUNCTION pg_temp.grab()');
      return rows;
    });
    expect(loot).toEqual([]);
  });

  // The CLI is another process; only a database server can be shared with it.
  it.skipIf(!onPostgres)('lets pakhuis reveal run for a login that holds only the re-identification role, showing no control character raw', async () => {
    // A name stored before names were cleaned at ingest: an OSC title change and a colour.
    const one = ctx.pseudonymizer.pseudonymise(residents[0]!.bsn);
    await ctx.db.query(`UPDATE identity.persoon SET voornamen = $2 WHERE pseudonym = $1`, [one, 'Jan\u001b]0;pwned\u0007\u001b[31m']);
    const cli = (reason: string) =>
      promisify(execFile)('node', [BIN, 'reveal', String(signalId), '--reason', reason, '--by', 'j.jansen'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: loginUrl('pakhuis_reident'), LOG_FORMAT: 'json', LOG_LEVEL: 'silent' },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const shown = await cli('zaak OOV-2026-0150: huisbezoek');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`signaal ${signalId}: 13 personen (deze inzage is vastgelegd)`);
    expect(shown.stdout).toContain('Geheimnaam');
    expect(shown.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(shown.stdout).toContain('Jan\\u001b]0;pwned\\u0007\\u001b[31m');
    const { rows } = await ctx.db.query(`SELECT by_user, stated_by FROM audit.reidentification WHERE reason = 'zaak OOV-2026-0150: huisbezoek'`);
    expect(rows).toEqual([{ by_user: logins.get('pakhuis_reident'), stated_by: 'j.jansen' }]);
    // A refusal: one line, exit 1, and on record.
    const refused = await cli(' \u00a0\u200b'.repeat(8));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'pakhuis reveal: heridentificatie vraagt een reden van ten minste 10 zichtbare tekens (deze geweigerde inzage is vastgelegd)',
    ]);
    const { rows: last } = await ctx.db.query(`SELECT outcome, by_user, stated_by FROM audit.reidentification ORDER BY id DESC LIMIT 1`);
    expect(last).toEqual([{ outcome: 'geweigerd', by_user: logins.get('pakhuis_reident'), stated_by: 'j.jansen' }]);
  });

  it('keeps the audit append-only, for application roles and for the owner alike', async () => {
    for (const role of ['pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident']) {
      expect(await as(role, 'DELETE FROM audit.reidentification')).toEqual({ state: '42501' });
      expect(await as(role, `UPDATE audit.reidentification SET reason = 'x'`)).toEqual({ state: '42501' });
    }
    await expect(ctx.db.query('DELETE FROM audit.reidentification')).rejects.toThrow(/append-only/);
    await expect(ctx.db.query(`UPDATE audit.reidentification SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('TRUNCATE audit.reidentification')).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('DELETE FROM pakhuis.triage_log')).rejects.toThrow(/pakhuis\.triage_log is append-only/);
  });

  it('gives application roles ownership of nothing', async () => {
    const { rows } = await ctx.db.query(
      `SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE pg_get_userbyid(c.relowner) IN ('pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident')`,
    );
    expect(rows).toEqual([]);
    const { rows: owned } = await ctx.db.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'model' AND pg_get_userbyid(c.relowner) = 'pakhuis_owner'`,
    );
    expect((owned[0] as { n: number }).n).toBeGreaterThan(0);
  });

  it('keeps names from the analyst everywhere they can look', async () => {
    const all = await as('pakhuis_analyst', 'SELECT * FROM signals.signal_details');
    expect(JSON.stringify(all.rows)).not.toMatch(/Geheimnaam|Houdernaam|Huurdernaam|Buurman/);
  });
});
