import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { reportRows } from './helpers/report-csv.ts';

describe('triage', () => {
  let ctx: TestContext;
  const a = vbo(1, 100);
  const b = vbo(2, 100);
  let run = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b]));
  });
  afterAll(async () => ctx?.close());

  const nightly = async (personsA: number, personsB: number) => {
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', `brp-${++run}.csv`), brpCsv([...persons(personsA, a), ...persons(personsB, b)]));
    const summary = await runPipeline(ctx, { trigger: 'test' });
    // The one municipality of a warehouse without GEMEENTEN (0000), granted to every analyst.
    await ctx.db.query(`SELECT audit.grant_access('pakhuis_analyst', '0000')`);
    expect(summary.status).toBe('succeeded');
    const { rows } = await ctx.db.query<{ subject_key: string }>(
      `SELECT s.subject_key FROM pakhuis.report_signals rs JOIN pakhuis.signals s ON s.id = rs.signal_id
       JOIN pakhuis.report_outbox o ON o.id = rs.outbox_id WHERE o.run_id = $1 AND s.rule_code = 'OVERBEWONING' ORDER BY 1`,
      [summary.runId],
    );
    return rows.map((r) => r.subject_key);
  };
  const signalOf = async (subject: string) =>
    Number((await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING' AND subject_key = $1`, [subject])).rows[0]!.id);

  it('keeps a vals positief signal out of the report until its evidence gets worse', async () => {
    expect(await nightly(12, 12)).toEqual([a.id, b.id]);
    await ctx.db.query(`SELECT signals.triage($1, 'vals_positief', 'gezin met pleegkinderen, bekend bij wijkteam', 'analist')`, [await signalOf(a.id)]);
    // Same situation again, plus b gets worse: only b is reported.
    expect(await nightly(12, 13)).toEqual([b.id]);
    const { rows } = await ctx.db.query<{ triage_statuses: string[] }>(`SELECT triage_statuses FROM signals.flagged_addresses WHERE verblijfsobject_id = $1`, [
      a.id,
    ]);
    expect(rows).toEqual([{ triage_statuses: ['vals_positief'] }]);
    // a worsens: it is reported again despite the earlier judgement.
    expect(await nightly(15, 13)).toEqual([a.id]);
  });

  it('records who judged, and keeps the history', async () => {
    // Who is the database login: a name passed to triage is kept beside it, and cannot stand in for it.
    const { rows } = await ctx.db.query(`SELECT status, note, by_user = session_user AS by_login, stated_by FROM pakhuis.triage_log ORDER BY id`);
    expect(rows).toEqual([{ status: 'vals_positief', note: 'gezin met pleegkinderen, bekend bij wijkteam', by_login: true, stated_by: 'analist' }]);
    await expect(ctx.db.query(`SELECT signals.triage(1, 'misschien')`)).rejects.toThrow(/onbekende triagestatus/);
  });

  it('shows counts per source on flagged addresses', async () => {
    const { rows } = await ctx.db.query(
      `SELECT registered_persons::int, permits::int, damocles_cases::int FROM signals.flagged_addresses WHERE verblijfsobject_id = $1`,
      [a.id],
    );
    expect(rows).toEqual([{ registered_persons: 15, permits: 0, damocles_cases: 0 }]);
  });

  // The CLI is another process; only a database server can be shared with it.
  it.skipIf(!process.env.DATABASE_URL)('is recorded by pakhuis triage as well, run by a login that holds only the analyst role', async () => {
    const id = await signalOf(b.id);
    // Roles are cluster-wide: a name of this process's own, dropped again below.
    const login = `pakhuis_t_analist_${process.pid}`;
    await ctx.db.exec(`DROP ROLE IF EXISTS ${login}; CREATE ROLE ${login} LOGIN IN ROLE pakhuis_analyst`);
    try {
      const url = new URL(ctx.url!);
      url.username = login;
      const { stdout } = await promisify(execFile)(
        'node',
        [
          new URL('../bin/pakhuis.js', import.meta.url).pathname,
          'triage',
          String(id),
          'in_onderzoek',
          '--note',
          'huisbezoek',
          '--by',
          'cli-analist',
          '--toegewezen',
          'Fatima',
        ],
        {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url.toString(), LOG_FORMAT: 'json' },
        },
      );
      expect(stdout).toContain(`signaal ${id}: in_onderzoek, toegewezen aan Fatima`);
      const { rows } = await ctx.db.query(`SELECT triage_status, triage_by FROM pakhuis.signals WHERE id = $1`, [id]);
      expect(rows).toEqual([{ triage_status: 'in_onderzoek', triage_by: login }]);
      const log = await ctx.db.query(`SELECT by_user, stated_by, assigned_to FROM signals.triage_history WHERE signal_id = $1`, [id]);
      expect(log.rows).toEqual([{ by_user: login, stated_by: 'cli-analist', assigned_to: 'Fatima' }]);
    } finally {
      await ctx.db.exec(`DROP ROLE IF EXISTS ${login}`);
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('shows triage, and new as in the last night, in pakhuis report --all', async () => {
    const out = join(ctx.config.OUT_DIR, 'alles.csv');
    await promisify(execFile)('node', [new URL('../bin/pakhuis.js', import.meta.url).pathname, 'report', '--all', '--out', out], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: ctx.url, LOG_FORMAT: 'json' },
    });
    const rows = reportRows(await readFile(out, 'utf8'));
    const rowOf = (id: string) => rows.find((r) => r.Verblijfsobject === id)!;
    // a got worse in the last night (12 -> 15 persons) and was judged vals positief; b did not change.
    expect([rowOf(a.id)['Nieuw of verergerd'], rowOf(a.id).Triage]).toEqual(['verergerd (was score 12)', 'vals positief']);
    expect([rowOf(b.id)['Nieuw of verergerd'], rowOf(b.id).Triage, rowOf(b.id)['Toegewezen aan']]).toEqual(['', 'in onderzoek', 'Fatima']);
  });
});
