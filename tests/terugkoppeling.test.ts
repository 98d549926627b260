import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlState } from '../lib/errors.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, vbo, writeFileIn } from './helpers/files.ts';
import { meldingenCsv } from './helpers/meldingen.ts';
import { startSmtp, type TestSmtp } from './helpers/smtp.ts';

const home = vbo(1, 100);

describe('terugkoppeling: every melder gets feedback', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  const owed = async () =>
    (
      await ctx.db.query<{ melding_id: string; dagen_sinds_ontvangst: number }>(
        `SELECT melding_id, dagen_sinds_ontvangst FROM signals.terugkoppeling_achterstallig ORDER BY melding_id`,
      )
    ).rows;
  const as = async (role: string, sql: string, params: unknown[] = []) => {
    try {
      return { rows: await ctx.db.transaction(async (tx) => (await tx.exec(`SET LOCAL ROLE ${role}`), (await tx.query(sql, params)).rows)) };
    } catch (error) {
      return { state: sqlState(error), message: (error as Error).message };
    }
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    ctx = await createTestContext({ SMTP_HOST: '127.0.0.1', SMTP_PORT: smtp.port, REPORT_RECIPIENTS: 'oov@gemeente.example' });
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([home]));
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'meldingen', 'meldpunt.csv'),
      meldingenCsv([
        { id: 'T-1', daysAgo: 29, kanaal: 'intern', ref: 'VTH', vbo: home.id },
        { id: 'T-2', daysAgo: 28, kanaal: 'intern', ref: 'KCC', vbo: home.id },
        { id: 'T-3', daysAgo: 90, kanaal: 'MMA', vbo: home.id },
        { id: 'T-4', daysAgo: 45, kanaal: 'partner', ref: 'Politie', vbo: home.id },
        { id: 'T-5', daysAgo: 35, kanaal: 'inwoner', vbo: home.id },
      ]),
    );
    const run = await runPipeline(ctx, { trigger: 'test' });
    // The one municipality of a warehouse without GEMEENTEN (0000), granted to every analyst.
    await ctx.db.query(`SELECT audit.grant_access('pakhuis_analyst', '0000')`);
    expect(run.status, run.error).toBe('succeeded');
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  it('lists meldingen without feedback after MELDING_TERUGKOPPELING_DAGEN, anonymous ones excepted, and says how many in the nightly e-mail', async () => {
    // 28 days is within the term; an anonymous melder cannot be reached.
    expect(await owed()).toEqual([
      { melding_id: 'T-1', dagen_sinds_ontvangst: 29 },
      { melding_id: 'T-4', dagen_sinds_ontvangst: 45 },
      { melding_id: 'T-5', dagen_sinds_ontvangst: 35 },
    ]);
    expect(smtp.received[0]!.text).toContain('Meldingen zonder terugkoppeling aan de melder na 28 dagen: 3 (zie signals.terugkoppeling_achterstallig).');
    expect(smtp.received[0]!.html).toContain('na 28 dagen: <strong>3</strong>');
  });

  it('is recorded by signals.terugkoppeling as the analyst, with the login, in a history nobody can change', async () => {
    expect(await as('pakhuis_analyst', `SELECT signals.terugkoppeling('T-1', 'in_behandeling', 'doorgezet naar VTH', 'analist')`)).toMatchObject({
      rows: [expect.anything()],
    });
    // In behandeling is not feedback: the melder still waits.
    expect((await owed()).map((r) => r.melding_id)).toEqual(['T-1', 'T-4', 'T-5']);
    await ctx.db.query(`SELECT signals.terugkoppeling('T-1', 'teruggekoppeld', '  Melder gebeld op 12-11.  ')`);
    expect((await owed()).map((r) => r.melding_id)).toEqual(['T-4', 'T-5']);
    const { rows } = await ctx.db.query(`SELECT melding_id, status, note, by_user, stated_by FROM pakhuis.terugkoppeling_log ORDER BY id`);
    expect(rows).toEqual(
      [
        { melding_id: 'T-1', status: 'in_behandeling', note: 'doorgezet naar VTH', by_user: 'postgres', stated_by: 'analist' },
        { melding_id: 'T-1', status: 'teruggekoppeld', note: 'Melder gebeld op 12-11.', by_user: 'postgres', stated_by: null },
      ].map((r) => ({ ...r, by_user: expect.any(String) })),
    );
    const view = await ctx.db.query(`SELECT terugkoppeling FROM signals.meldingen WHERE melding_id = 'T-1'`);
    expect(view.rows).toEqual([{ terugkoppeling: 'teruggekoppeld' }]);
    for (const sql of [
      `UPDATE pakhuis.terugkoppeling_log SET status = 'ontvangen'`,
      'DELETE FROM pakhuis.terugkoppeling_log',
      'TRUNCATE pakhuis.terugkoppeling_log',
    ]) {
      expect(await as('pakhuis_owner', sql)).toMatchObject({ state: '42501' });
    }
    // The loading role may write pakhuis tables, but not feedback in someone's name.
    expect(
      await as('pakhuis_etl', `INSERT INTO pakhuis.terugkoppeling_log (melding_id, status, by_user) VALUES ('T-4', 'teruggekoppeld', 'iemand')`),
    ).toMatchObject({ state: '42501' });
    // Nor read the note (an analyst's free text, may name people); what was fed back, and when, it may.
    expect(await as('pakhuis_etl', 'SELECT note FROM pakhuis.terugkoppeling_log')).toMatchObject({ state: '42501' });
    expect(await as('pakhuis_etl', 'SELECT melding_id, status, at FROM pakhuis.terugkoppeling_log')).not.toMatchObject({ state: expect.anything() });
  });

  it('refuses an unknown status or melding, and a note that is empty or too long', async () => {
    const cases: [string, unknown[], RegExp][] = [
      [`SELECT signals.terugkoppeling('T-4', 'misschien')`, [], /onbekende terugkoppelingsstatus misschien/],
      [`SELECT signals.terugkoppeling('T-99', 'teruggekoppeld')`, [], /melding T-99 bestaat niet/],
      [`SELECT signals.terugkoppeling('T-4', 'teruggekoppeld', $1)`, [' \t\n '], /toelichting is leeg/],
      [`SELECT signals.terugkoppeling('T-4', 'teruggekoppeld', $1)`, ['x'.repeat(2001)], /2001 tekens lang; het maximum is 2000/],
    ];
    for (const [sql, params, message] of cases) expect((await as('pakhuis_analyst', sql, params)).message).toMatch(message);
    expect((await owed()).map((r) => r.melding_id)).toEqual(['T-4', 'T-5']);
  });

  // The CLI is another process; only a database server can be shared with it.
  it.skipIf(!process.env.DATABASE_URL)('is recorded by pakhuis terugkoppeling, run by a login that holds only the analyst role', async () => {
    const login = `pakhuis_t_meldpunt_${process.pid}`;
    await ctx.db.exec(`DROP ROLE IF EXISTS ${login}; CREATE ROLE ${login} LOGIN IN ROLE pakhuis_analyst`);
    try {
      const url = new URL(ctx.url!);
      url.username = login;
      const cli = (args: string[]) =>
        promisify(execFile)('node', [new URL('../bin/pakhuis.js', import.meta.url).pathname, 'terugkoppeling', ...args], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' },
        }).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const ok = await cli(['T-4', 'teruggekoppeld', '--note', 'mail aan politie', '--by', 'cli-analist']);
      expect([ok.code, ok.stdout]).toEqual([0, 'melding T-4: teruggekoppeld\n']);
      const { rows } = await ctx.db.query(`SELECT by_user, stated_by FROM pakhuis.terugkoppeling_log WHERE melding_id = 'T-4'`);
      expect(rows).toEqual([{ by_user: login, stated_by: 'cli-analist' }]);
      const refused = await cli(['T-5', 'klaar']);
      expect([refused.code, refused.stderr]).toEqual([
        1,
        'pakhuis terugkoppeling: onbekende terugkoppelingsstatus klaar; kies ontvangen, in_behandeling of teruggekoppeld\n',
      ]);
    } finally {
      await ctx.db.exec(`DROP ROLE IF EXISTS ${login}`);
    }
  });
});
