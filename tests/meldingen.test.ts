import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { loadConfig } from '../lib/config.ts';
import { sqlState } from '../lib/errors.ts';
import { ingestFile } from '../pipelines/ingest/ingest.ts';
import { purgeExpired } from '../pipelines/operations/retention.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { SOURCE_DEFINITIONS } from '../sources/index.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { MELDING_HEADER, meldingCells, meldingenCsv, type MeldingRow } from './helpers/meldingen.ts';
import { day, iso, xlsxFile } from './helpers/registers.ts';

const crowded = vbo(1, 60);
const quiet = vbo(2, 100);
const crowdedToo = vbo(3, 60);
const NAME_IN_TEXT = 'Mevrouw Geertruida Proefmelder';
const FORMULA = '=HYPERLINK("http://example.invalid";"foto")';
const LONG = 'Lange omschrijving. '.repeat(80);

const rows: MeldingRow[] = [
  { id: 'M-1', daysAgo: 30, kanaal: 'Intern', ref: 'VTH', categorie: 'Drugs', vbo: crowded.id, tekst: `${NAME_IN_TEXT} ziet veel bezoek; geur van hennep.` },
  // Anonymous: the reference someone typed anyway is not kept.
  {
    id: 'M-2',
    daysAgo: 10,
    kanaal: 'Meld Misdaad Anoniem',
    ref: 'Politie, melder J. Dekker',
    categorie: 'witwassen',
    postcode: crowded.postcode,
    huisnummer: crowded.huisnummer,
  },
  { id: 'M-3', daysAgo: 400, kanaal: 'partner', ref: 'Politie basisteam', categorie: 'huisvesting', vbo: crowdedToo.id },
  { id: 'M-4', daysAgo: 5, kanaal: 'bewoner', categorie: 'overig', vbo: quiet.id, tekst: 'Café, ëën zin in Windows-1252.' },
  { id: 'M-5', daysAgo: 60, kanaal: 'inwoner', categorie: '', postcode: '9100AB', huisnummer: 999 },
  { id: 'M-6', daysAgo: 3, kanaal: 'fax', vbo: quiet.id },
  { id: 'M-7', daysAgo: 0, datum: '31-02-2026', kanaal: 'intern', vbo: quiet.id },
  { id: 'M-8', daysAgo: 29, kanaal: 'intern', ref: 'KCC', vbo: quiet.id, tekst: FORMULA },
  { id: 'M-9', daysAgo: 28, kanaal: 'intern', ref: 'Burgerzaken', vbo: quiet.id, tekst: LONG },
  { id: '=1+1', daysAgo: 1, kanaal: 'intern', vbo: quiet.id, tekst: `${NAME_IN_TEXT} nogmaals` },
];

describe('meldingen, the fifth source', () => {
  let ctx: TestContext;
  let run: RunSummary;
  const share = () => join(ctx.dir, 'share');

  beforeAll(async () => {
    ctx = await createTestContext();
    // The meldpunt export is pulled from a share like the other registers (PULL_MELDINGEN).
    ctx.config = loadConfig({ env: {}, overrides: { ...ctx.config, rules: undefined, PULL_MELDINGEN: `file://${share()}/*.csv` } });
    await writeFileIn(join(share(), 'meldpunt.csv'), iconv.encode(meldingenCsv(rows).replace(/^\uFEFF/, ''), 'win1252'));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([crowded, quiet, crowdedToo]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv([...persons(12, crowded), ...persons(1, quiet), ...persons(12, crowdedToo)]));
    run = await runPipeline(ctx, { trigger: 'test' });
    await ctx.db.query(`SELECT audit.grant_access('pakhuis_analyst', '0000')`);
    expect(run.status, run.error).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('is pulled and loaded like the other sources: aliases, Windows-1252, rejected rows with their reason', async () => {
    expect(run.pull?.fetched.map((f) => [f.source, f.inboxName])).toEqual([['meldingen', 'meldpunt.csv']]);
    const file = run.files.find((f) => f.source === 'meldingen')!;
    expect([file.status, file.format, file.rowsStaged, file.rowsRejected]).toEqual(['loaded', 'meldingen-csv', 7, 3]);
    expect(file.reasons.map((r) => r.column).sort()).toEqual(['datum_ontvangen', 'kanaal', 'melding_id']);
    const { rows: rejected } = await ctx.db.query<{ raw: Record<string, string> }>(
      `SELECT r.raw FROM pakhuis.rejected_rows r JOIN pakhuis.loads l ON l.id = r.load_id WHERE l.source = 'meldingen' ORDER BY r.line`,
    );
    // The free text of a rejected row can name people: its length is kept, not its content.
    expect(JSON.stringify(rejected)).not.toContain('Proefmelder');
    expect(rejected.at(-1)!.raw.vrije_tekst).toMatch(/^\[gemaskeerd, \d+ tekens\]$/);
    const { rows: model } = await ctx.db.query(
      `SELECT melding_id, kanaal, melder_referentie, categorie, match_method, verblijfsobject_id FROM model.melding ORDER BY melding_id`,
    );
    expect(model).toEqual([
      { melding_id: 'M-1', kanaal: 'intern', melder_referentie: 'VTH', categorie: 'drugs', match_method: 'vbo_id', verblijfsobject_id: crowded.id },
      { melding_id: 'M-2', kanaal: 'anoniem', melder_referentie: null, categorie: 'witwassen', match_method: 'adres', verblijfsobject_id: crowded.id },
      {
        melding_id: 'M-3',
        kanaal: 'partner',
        melder_referentie: 'Politie basisteam',
        categorie: 'huisvesting',
        match_method: 'vbo_id',
        verblijfsobject_id: crowdedToo.id,
      },
      { melding_id: 'M-4', kanaal: 'inwoner', melder_referentie: null, categorie: 'overig', match_method: 'vbo_id', verblijfsobject_id: quiet.id },
      { melding_id: 'M-5', kanaal: 'inwoner', melder_referentie: null, categorie: null, match_method: 'geen', verblijfsobject_id: null },
      { melding_id: 'M-8', kanaal: 'intern', melder_referentie: 'KCC', categorie: 'drugs', match_method: 'vbo_id', verblijfsobject_id: quiet.id },
      { melding_id: 'M-9', kanaal: 'intern', melder_referentie: 'Burgerzaken', categorie: 'drugs', match_method: 'vbo_id', verblijfsobject_id: quiet.id },
    ]);
    const { rows: texts } = await ctx.db.query<{ vrije_tekst: string }>(
      `SELECT vrije_tekst FROM model.melding WHERE melding_id IN ('M-4', 'M-9') ORDER BY melding_id`,
    );
    expect(texts.map((t) => t.vrije_tekst)).toEqual(['Café, ëën zin in Windows-1252.', LONG.trim()]);
  });

  it('flags MELDING_EN_DATASIGNAAL where a recent melding meets an open register signal, with both in the evidence', async () => {
    const { rows: signals } = await ctx.db.query<{ subject_key: string; severity: string; score: string; evidence: any; explanation: string }>(
      `SELECT subject_key, severity, score::text, evidence, explanation FROM pakhuis.signals WHERE rule_code = 'MELDING_EN_DATASIGNAAL'`,
    );
    // Not quiet (no register signal), not crowdedToo (its melding is older than twelve months).
    expect(signals.map((s) => [s.subject_key, s.severity, s.score])).toEqual([[crowded.id, 'hoog', '3']]);
    const [s] = signals;
    expect(s!.evidence.meldingen.map((m: { melding: string }) => m.melding)).toEqual(['M-2', 'M-1']);
    expect(s!.evidence.registersignalen).toEqual([{ regel: 'OVERBEWONING', onderwerp: crowded.id, ernst: 'hoog' }]);
    expect(s!.explanation).toBe(
      `2 meldingen van het meldpunt in de laatste 12 maanden (laatste ${iso(day(-10)).split('-').reverse().join('-')}; drugs, witwassen), en de registers geven hier een open signaal: OVERBEWONING.`,
    );
    expect(JSON.stringify(s)).not.toContain('Proefmelder');
  });

  it('makes a melding on an address the BAG does not know an ADRES_ONBEKEND case', async () => {
    const { rows } = await ctx.db.query<{ explanation: string }>(
      `SELECT explanation FROM pakhuis.signals WHERE rule_code = 'ADRES_ONBEKEND' AND subject_key = '9100AB|999||'`,
    );
    expect(rows).toEqual([
      { explanation: 'Niemand staat ingeschreven op 9100AB 999, een adres dat niet in de BAG voorkomt. Genoemd in andere registers: melding M-5.' },
    ]);
  });

  it('counts meldingen on flagged addresses and lists them in signals.meldingen, the free text for analysts only', async () => {
    const { rows: flagged } = await ctx.db.query(`SELECT meldingen::int, latest_melding::text FROM signals.flagged_addresses WHERE verblijfsobject_id = $1`, [
      crowded.id,
    ]);
    expect(flagged).toEqual([{ meldingen: 2, latest_melding: iso(day(-10)) }]);
    const as = async (role: string, sql: string) => {
      try {
        return { rows: await ctx.db.transaction(async (tx) => (await tx.exec(`SET LOCAL ROLE ${role}`), (await tx.query(sql)).rows)) };
      } catch (error) {
        return { state: sqlState(error) };
      }
    };
    const analyst = await as(
      'pakhuis_analyst',
      `SELECT melding_id, vrije_tekst, terugkoppeling, open_signals, postcode, huisnummer FROM signals.meldingen WHERE melding_id IN ('M-1', 'M-5') ORDER BY 1`,
    );
    expect(analyst.rows).toEqual([
      {
        melding_id: 'M-1',
        vrije_tekst: `${NAME_IN_TEXT} ziet veel bezoek; geur van hennep.`,
        terugkoppeling: 'ontvangen',
        open_signals: ['MELDING_EN_DATASIGNAAL', 'OVERBEWONING'],
        postcode: crowded.postcode,
        huisnummer: crowded.huisnummer,
      },
      { melding_id: 'M-5', vrije_tekst: null, terugkoppeling: 'ontvangen', open_signals: null, postcode: '9100AB', huisnummer: 999 },
    ]);
    // The loading role makes the reports: through the view it gets no free text.
    const etl = await as('pakhuis_etl', `SELECT count(*)::int AS n, count(vrije_tekst)::int AS with_text FROM signals.meldingen`);
    expect(etl.rows).toEqual([{ n: 7, with_text: 0 }]);
    for (const table of ['model.melding', 'staging.meldingen', 'pakhuis.melding_ledger']) {
      expect(await as('pakhuis_analyst', `SELECT 1 FROM ${table} LIMIT 1`)).toEqual({ state: '42501' });
    }
  });

  it('keeps the free text out of the CSV report, the run record and the log', async () => {
    const csv = await readFile(run.reportPath!, 'utf8');
    const { rows } = await ctx.db.query(`SELECT summary, warnings FROM pakhuis.runs WHERE id = $1`, [run.runId]);
    for (const text of [csv, JSON.stringify(rows), ctx.logOutput.join('')]) {
      expect(text).not.toContain('Proefmelder');
      expect(text).not.toContain('HYPERLINK');
      expect(text).not.toContain('Dekker');
    }
    expect(csv).toContain('MELDING_EN_DATASIGNAAL');
  });

  it('loads a workbook as well, refuses the same content twice, and ages staged rows out like every source', async () => {
    const workbook = await writeFileIn(
      join(ctx.dir, 'meldpunt.xlsx'),
      xlsxFile({
        Meldingen: [
          MELDING_HEADER,
          ...[{ id: 'X-1', daysAgo: 2, kanaal: 'partner', ref: 'RIEC', vbo: quiet.id }].map((m) =>
            meldingCells(m).map((v, i) => (i === 1 ? day(-m.daysAgo) : v)),
          ),
        ],
      }),
    );
    const loaded = await ingestFile(ctx, SOURCE_DEFINITIONS.meldingen, workbook);
    expect([loaded.status, loaded.format, loaded.rowsStaged]).toEqual(['loaded', 'meldingen-xlsx', 1]);
    const { rows: staged } = await ctx.db.query(`SELECT datum_ontvangen::text, kanaal, melder_referentie FROM staging.meldingen WHERE load_id = $1`, [
      loaded.loadId,
    ]);
    expect(staged).toEqual([{ datum_ontvangen: iso(day(-2)), kanaal: 'partner', melder_referentie: 'RIEC' }]);
    const again = await ingestFile(ctx, SOURCE_DEFINITIONS.meldingen, await writeFileIn(join(ctx.dir, 'kopie.xlsx'), await readFile(workbook)));
    expect(again.status).toBe('duplicate');
    // Retention: a load older than the limit that is not published goes, the published one stays.
    await ctx.db.query(`UPDATE pakhuis.loads SET loaded_at = now() - interval '40 days' WHERE source = 'meldingen'`);
    const purged = await purgeExpired(ctx);
    expect(purged.stagingRows).toBe(1);
    const { rows: left } = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM staging.meldingen`);
    expect(left).toEqual([{ n: 7 }]);
  });

  it('warns when the meldpunt export is older than FRESHNESS_MELDINGEN_DAYS', async () => {
    ctx.config.PULL_MELDINGEN = [];
    const next = await runPipeline(ctx, { trigger: 'test' });
    expect(next.warnings).toContainEqual(expect.stringMatching(/^bron meldpunt is verouderd: laatst geladen \d{4}-\d{2}-\d{2}, maximaal 8 dagen oud$/));
  });
});
