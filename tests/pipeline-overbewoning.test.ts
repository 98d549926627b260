import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

describe('nightly run, end to end: overbewoning', () => {
  let ctx: TestContext;
  let first: RunSummary;
  const crowded = vbo(1, 100);
  const busyButFine = vbo(2, 100);
  const office = vbo(3, 100, { doelen: 'kantoorfunctie' });
  const family = vbo(4, 120);
  let bagFile: string;
  let brpFile: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    bagFile = await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([crowded, busyButFine, office, family]));
    brpFile = await writeFileIn(
      join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'),
      brpCsv([...persons(12, crowded), ...persons(8, busyButFine), ...persons(12, office), ...persons(4, family)]),
    );
    await cp(bagFile, join(ctx.dir, 'bag-copy.csv'));
    await cp(brpFile, join(ctx.dir, 'brp-copy.csv'));
    first = await runPipeline(ctx, { trigger: 'test' });
  });
  afterAll(async () => ctx?.close());

  it('loads both files and flags 12 persons on 100 m2, and only that', async () => {
    expect(first.status).toBe('succeeded');
    expect(first.files.map((f) => [f.source, f.status, f.rowsStaged, f.rowsRejected])).toEqual([
      ['bag', 'loaded', 4, 0],
      ['brp', 'loaded', 36, 0],
    ]);
    const { rows } = await ctx.db.query<{ verblijfsobject_id: string; evidence: Record<string, unknown>; severity: string }>(
      `SELECT verblijfsobject_id, evidence, severity FROM pakhuis.signals WHERE status = 'open' AND rule_code = 'OVERBEWONING'`,
    );
    expect(rows.map((r) => r.verblijfsobject_id)).toEqual([crowded.id]);
    expect(rows[0]!.evidence).toMatchObject({ personen: 12, oppervlakte_m2: 100, m2_per_persoon: 8.3, norm_m2: 12, regel: 'OVERBEWONING' });
    // How each counted person was matched: every other one by postcode and huisnummer only.
    expect(rows[0]!.evidence).toMatchObject({ gekoppeld: { verblijfsobject_id: 6, nummeraanduiding: 0, adres: 6 }, met_onbekende_aanvangsdatum: 0 });
    expect(rows[0]!.evidence.regel_versie).toMatch(/^[0-9a-f]{12}$/);
    // And per person, in the role re-identification shows: which six rest on the address alone.
    const { rows: roles } = await ctx.db.query<{ rol: string; n: number }>(
      `SELECT p.rol, count(*)::int AS n FROM pakhuis.signal_persons p JOIN pakhuis.signal_store s ON s.id = p.signal_id
       WHERE s.rule_code = 'OVERBEWONING' GROUP BY 1 ORDER BY 1`,
    );
    expect(roles).toEqual([
      { rol: 'bewoner', n: 6 },
      { rol: 'bewoner via adres', n: 6 },
    ]);
  });

  it('matches registrations by id and by normalised address alike', async () => {
    const { rows } = await ctx.db.query<{ match_method: string; n: string }>(
      `SELECT match_method, count(*) AS n FROM model.inschrijving GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => [r.match_method, Number(r.n)])).toEqual([
      ['adres', 18],
      ['vbo_id', 18],
    ]);
    // The run record keeps the match rate per source and method.
    const { rows: runs } = await ctx.db.query<{ summary: { matchRates: Record<string, unknown> } }>('SELECT summary FROM pakhuis.runs WHERE id = $1', [
      first.runId,
    ]);
    expect(runs[0]!.summary.matchRates.brp).toEqual({ adres: { rows: 18, share: 0.5 }, vbo_id: { rows: 18, share: 0.5 } });
  });

  it('shows the flagged address to analysts with a Dutch explanation', async () => {
    const { rows } = await ctx.db.query<Record<string, unknown>>(`SELECT * FROM signals.flagged_addresses WHERE 'OVERBEWONING' = ANY (rule_codes)`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      verblijfsobject_id: crowded.id,
      postcode: crowded.postcode,
      huisnummer: crowded.huisnummer,
      oppervlakte: 100,
      registered_persons: expect.anything(),
    });
    expect(Number(rows[0]!.registered_persons)).toBe(12);
    expect(String(rows[0]!.explanation)).toContain('12 personen ingeschreven op 100 m2');
    expect(String(rows[0]!.explanation)).toContain('6 van hen zijn alleen op postcode en huisnummer aan dit object gekoppeld');
  });

  it('writes the report as a CSV for Dutch Excel', async () => {
    const csv = await readFile(first.reportPath!, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const all = csv.trim().split('\r\n');
    // Permits and Damocles were never delivered here: the report says so above the table.
    expect(all[0]).toMatch(/^Waarschuwing: bron (vergunningen|Damocles) ontbreekt/);
    const lines = all.slice(all.findIndex((l) => l.startsWith('Signaal;Regel;')));
    const overbewoning = lines.filter((l) => l.includes(';OVERBEWONING;'));
    expect(overbewoning).toHaveLength(1);
    expect(overbewoning[0]).toContain(crowded.id);
  });

  it('archives the loaded files out of the inbox', async () => {
    expect(await readdir(join(ctx.config.INBOX_DIR, 'bag'))).toEqual([]);
    expect(await readdir(join(ctx.config.INBOX_DIR, 'brp'))).toEqual([]);
  });

  it('changes nothing when the same files arrive again, even under another name', async () => {
    const before = await ctx.db.query('SELECT id, rule_code, subject_key, status, first_seen_run, evidence FROM pakhuis.signals ORDER BY id');
    const loadsBefore = await ctx.db.query('SELECT count(*)::int AS n FROM pakhuis.loads');
    await cp(join(ctx.dir, 'bag-copy.csv'), join(ctx.config.INBOX_DIR, 'bag', 'bag-renamed.csv'));
    await cp(join(ctx.dir, 'brp-copy.csv'), join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'));
    const second = await runPipeline(ctx, { trigger: 'test' });
    expect(second.status).toBe('succeeded');
    expect(second.files.map((f) => f.status)).toEqual(['duplicate', 'duplicate']);
    expect(second.publish!.signals).toMatchObject({ new: 0, resolved: 0, worsened: 0, open: first.publish!.signals.open });
    const after = await ctx.db.query('SELECT id, rule_code, subject_key, status, first_seen_run, evidence FROM pakhuis.signals ORDER BY id');
    expect(after.rows.map((r) => ({ ...r, evidence: { ...(r.evidence as object), run: 0 } }))).toEqual(
      before.rows.map((r) => ({ ...r, evidence: { ...(r.evidence as object), run: 0 } })),
    );
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM pakhuis.loads')).rows).toEqual(loadsBefore.rows);
  });

  it('records the runs and their steps', async () => {
    const { rows } = await ctx.db.query<{ status: string; steps: string[] }>(
      `SELECT r.status, array_agg(s.step ORDER BY s.started_at) AS steps FROM pakhuis.runs r JOIN pakhuis.run_steps s ON s.run_id = r.id GROUP BY r.id ORDER BY r.id`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    expect(rows[0]!.steps).toEqual([
      'configuration',
      'ingest bag/bag.csv',
      'archive bag/bag.csv',
      'ingest brp/brp.csv',
      'archive brp/brp.csv',
      'publish',
      'report',
      'retention',
      'deliver',
    ]);
  });

  it('keeps BSNs and names out of the database model and the log', async () => {
    const { rows } = await ctx.db.query<{ pseudonym: string }>('SELECT pseudonym FROM model.persoon LIMIT 1');
    expect(rows[0]!.pseudonym).toMatch(/^[0-9a-f]{64}$/);
    const log = ctx.logOutput.join('');
    expect(log).not.toContain('Testpersoon');
    expect(log).not.toMatch(/\b\d{9}\b/);
  });
});
