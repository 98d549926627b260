/**
 * BSNs and names from the BRP must never reach the log, the run records or the records of refused
 * files, whatever happens to the row they came in: loaded, rejected, or part of a file refused
 * whole. Rejected rows keep their raw values for the data steward, but never a raw BSN or a name.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { bsnFor } from '../synthetic/random.ts';
import { cliDatabase, createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { lo3StartingWithContinuation } from './helpers/corpus.ts';
import { bagCsv, numId, vbo, writeFileIn, type TestVbo } from './helpers/files.ts';

const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;
const HEADER = 'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id';

/** BSNs of a range no other test uses, so a hit can only come from this file's rows. */
let serial = 7_300_000;
const bsn = () => bsnFor(serial++);

interface Row {
  bsn: string;
  naam: string;
  voornaam: string;
  since?: string;
  v: TestVbo;
}
const line = (r: Row) =>
  [r.bsn, r.naam, r.voornaam, '19800101', r.v.postcode, r.v.huisnummer, 'W', r.since ?? '01-01-2020', r.v.id, numId(Number(r.v.id.slice(6)))].join(';');
const file = (rows: Row[]) => [HEADER, ...rows.map(line)].join('\n') + '\n';

/** Everything of a query as one text, each row cast to text by PostgreSQL: every column, whatever its type. */
async function dump(ctx: TestContext, table: string): Promise<string> {
  const { rows } = await ctx.db.query<{ t: string }>(`SELECT t::text AS t FROM ${table} t`);
  return rows.map((r) => r.t).join('\n');
}

describe('no BSN or name in logs, run records or refused-file records', () => {
  let ctx: TestContext;
  let run: RunSummary;
  const a = vbo(31, 100);
  const b = vbo(32, 80);

  const crowded: Row[] = Array.from({ length: 12 }, (_, i) => ({
    bsn: bsn(),
    naam: `Zwijgnaam${String.fromCharCode(65 + i)}`,
    voornaam: `Stilvoornaam${i}`,
    v: a,
  }));
  const bsnLikeName = bsnFor(7_399_999);
  const quiet: Row[] = [
    { bsn: bsn(), naam: 'Verholenbewoner', voornaam: 'Geheimevoornaam', v: b },
    // A surname that is nine digits passing the 11-proef: it looks exactly like a BSN.
    { bsn: bsn(), naam: bsnLikeName, voornaam: 'Cijfervoornaam', v: b },
  ];
  const invalidBsn: Row = { bsn: '123456789', naam: 'Elfproefnaam', voornaam: 'Elfproefvoornaam', v: b };
  const garbledBsn: Row = { bsn: '12345x789', naam: 'Rommelbsnnaam', voornaam: 'Rommelvoornaam', v: b };
  const impossibleDate: Row = { bsn: bsn(), naam: 'Datumfoutnaam', voornaam: 'Datumvoornaam', since: '31-11-2023', v: b };
  // Refused whole: every row is invalid, so the file is rolled back after its rows were read.
  const refused: Row[] = [
    { bsn: bsn(), naam: 'Weigernaam', voornaam: 'Weigervoornaam', since: '30-02-2021', v: b },
    { bsn: bsn(), naam: 'Afwijsnaam', voornaam: 'Afwijsvoornaam', since: '00-13-2021', v: b },
  ];
  // Refused whole before any row: an LO3 file that starts with a continuation row.
  const lo3 = [{ bsn: bsn(), naam: 'Lo3geheimnaam', vbo: a.id, postcode: a.postcode, huisnummer: a.huisnummer, sinds: '20200101' }];

  const everyRow = [...crowded, ...quiet, invalidBsn, garbledBsn, impossibleDate, ...refused];
  const BSNS = [...everyRow.map((r) => r.bsn), ...lo3.map((r) => r.bsn)];
  const NAMES = [...everyRow.flatMap((r) => [r.naam, r.voornaam]), ...lo3.map((r) => r.naam)];
  const SECRETS = [...BSNS, ...NAMES];

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), file([...crowded, ...quiet, invalidBsn, garbledBsn, impossibleDate]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'kapot.csv'), file(refused));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'gbav.csv'), lo3StartingWithContinuation(lo3));
    run = await runPipeline(ctx, { trigger: 'test' });
  });
  afterAll(async () => ctx?.close());

  it('ran over all of it: a signal, loaded names in identity only, rejected rows and refused files', async () => {
    expect(run.status).toBe('succeeded');
    expect(run.files.map((f) => [f.file, f.status])).toEqual([
      ['bag/bag.csv', 'loaded'],
      ['brp/brp.csv', 'loaded'],
      ['brp/gbav.csv', 'rejected'],
      ['brp/kapot.csv', 'rejected'],
    ]);
    expect(run.files[1]).toMatchObject({ rowsStaged: crowded.length + quiet.length, rowsRejected: 3 });
    expect(run.files[3]!.error).toContain('geen enkele rij is geldig (2 afgekeurd)');
    expect(run.signalsPerRule.OVERBEWONING).toBe(1);
    const { rows } = await ctx.db.query<{ geslachtsnaam: string }>('SELECT geslachtsnaam FROM identity.persoon ORDER BY 1');
    expect(rows.map((r) => r.geslachtsnaam)).toEqual([...crowded, ...quiet].map((r) => r.naam).sort());
  });

  it('keeps them out of the log', () => {
    const log = ctx.logOutput.join('');
    expect(log).toContain('file rejected');
    expect(log).toContain('run finished');
    for (const secret of SECRETS) expect(log, secret).not.toContain(secret);
    expect(log).not.toMatch(/\b\d{9}\b/);
  });

  it('keeps them out of pakhuis.runs and pakhuis.run_steps, every column', async () => {
    const runs = await dump(ctx, 'pakhuis.runs');
    const steps = await dump(ctx, 'pakhuis.run_steps');
    expect(runs).toContain('brp/kapot.csv');
    expect(steps).toContain('ingest brp/brp.csv');
    for (const secret of SECRETS) {
      expect(runs, secret).not.toContain(secret);
      expect(steps, secret).not.toContain(secret);
    }
  });

  it('keeps them out of pakhuis.rejected_files', async () => {
    const refusedFiles = await dump(ctx, 'pakhuis.rejected_files');
    expect(refusedFiles).toContain('brp/kapot.csv');
    expect(refusedFiles).toContain('brp/gbav.csv');
    for (const secret of SECRETS) expect(refusedFiles, secret).not.toContain(secret);
  });

  it('keeps them out of the report and the outbox', async () => {
    // The report's CSV and page are attachments (bytea): read as the text they are.
    const { rows } = await ctx.db.query<{ t: string }>(
      `SELECT convert_from(content, 'UTF8') AS t FROM pakhuis.report_attachments WHERE content_type LIKE 'text/%'`,
    );
    const outbox = [await dump(ctx, 'pakhuis.report_outbox'), ...rows.map((r) => r.t)].join('\n');
    expect(outbox).toContain('OVERBEWONING');
    for (const secret of SECRETS) expect(outbox, secret).not.toContain(secret);
  });

  it('never stores a raw BSN in pakhuis.rejected_rows: a pseudonym or a mask instead', async () => {
    const { rows } = await ctx.db.query<{ column_name: string; reason: string; raw: Record<string, string>; text: string }>(
      'SELECT column_name, reason, raw, raw::text AS text FROM pakhuis.rejected_rows ORDER BY line',
    );
    expect(rows.map((r) => [r.column_name, r.reason])).toEqual([
      ['bsn', 'BSN voldoet niet aan de 11-proef'],
      ['bsn', 'BSN moet 9 cijfers zijn'],
      ['datum_aanvang_adreshouding', 'datum bestaat niet (die maand heeft minder dagen)'],
    ]);
    const p = (s: string) => `pseudoniem:${ctx.pseudonymizer.pseudonymise(s)}`;
    expect(rows.map((r) => r.raw.bsn)).toEqual([p('123456789'), '[gemaskeerd, 9 tekens]', p(impossibleDate.bsn)]);
    // Names and the birth date are person fields too (sources/brp maskedFields): no name, and no
    // BSN-looking name, may sit in the pakhuis schema outside identity.
    for (const row of rows) for (const secret of SECRETS) expect(row.text, secret).not.toContain(secret);
    for (const row of rows) {
      for (const field of ['geslachtsnaam', 'voornamen', 'geboortedatum']) {
        expect(row.raw[field], field).toMatch(/^(pseudoniem:[0-9a-f]{64}|\[gemaskeerd, \d+ tekens\])$/);
      }
    }
  });
});

describe('the CLI on a BRP file with bad rows', () => {
  let dir: string;
  let database: Awaited<ReturnType<typeof cliDatabase>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-privacy-cli-'));
    database = await cliDatabase(dir);
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const pakhuis = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...database.env, PSEUDONYMIZATION_KEY: TEST_KEY, LOG_FORMAT: 'json', LOG_LEVEL: 'debug' },
        timeout: 40_000,
      });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout + e.stderr };
    }
  };

  it('says nothing of the BSNs and names in it, whether it loads the file or refuses it', async () => {
    const v = vbo(41, 100);
    const mixed: Row[] = [
      { bsn: bsn(), naam: 'Clinaamgoed', voornaam: 'Clivoornaamgoed', v },
      { bsn: '123456789', naam: 'Clinaamelfproef', voornaam: 'Clivoornaamelf', v },
      { bsn: bsn(), naam: 'Clinaamdatum', voornaam: 'Clivoornaamdatum', since: '31-06-2022', v },
      { bsn: bsn(), naam: bsnFor(7_399_998), voornaam: 'Clivoornaamcijfers', v },
    ];
    const allBad: Row[] = [
      { bsn: bsn(), naam: 'Clinaamweiger', voornaam: 'Clivoornaamweiger', since: '29-02-2023', v },
      { bsn: '987654321', naam: 'Clinaamongeldig', voornaam: 'Clivoornaamongeldig', v },
    ];
    const secrets = [...mixed, ...allBad].flatMap((r) => [r.bsn, r.naam, r.voornaam]);
    await writeFile(join(dir, 'gemengd.csv'), file(mixed));
    await writeFile(join(dir, 'alles-fout.csv'), file(allBad));

    const loaded = await pakhuis(['ingest', 'brp', join(dir, 'gemengd.csv')]);
    expect(loaded.code, loaded.out).toBe(0);
    expect(loaded.out).toContain('gemengd.csv: 2 rijen geladen, 2 afgekeurd');
    const refused = await pakhuis(['ingest', 'brp', join(dir, 'alles-fout.csv')]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('alles-fout.csv: geen enkele rij is geldig (2 afgekeurd)');

    for (const secret of secrets) {
      expect(loaded.out, secret).not.toContain(secret);
      expect(refused.out, secret).not.toContain(secret);
    }
    clean = mixed[0]!;
    cleanSecrets = secrets;
  }, 60_000);

  let clean: Row;
  let cleanSecrets: string[];
  it('says nothing of them in inzage, dpia and rules try either, logging at debug', async () => {
    const inzage = await pakhuis(['inzage', '--bsn', clean.bsn, '--reason', 'AVG-verzoek 2026-0099', '--out', join(dir, 'inzage.json')]);
    expect(inzage.code, inzage.out).toBe(0);
    expect(inzage.out).toContain('1 levering');
    // The file is for the person (their own name once a run has published it); what the command says names no one.
    expect(JSON.parse(await readFile(join(dir, 'inzage.json'), 'utf8')).leveringen).toHaveLength(1);
    const dpia = await pakhuis(['dpia', '--out', join(dir, 'dpia')]);
    expect(dpia.code, dpia.out).toBe(0);
    const trial = await pakhuis(['rules', 'try', 'RULE_OVERBEWONING__NORM_M2=15']);
    expect(trial.code, trial.out).toBe(0);
    // A mistyped BSN is refused without being echoed: tests/verantwoording.test.ts.
    for (const result of [inzage, dpia, trial]) {
      for (const secret of cleanSecrets) expect(result.out, secret).not.toContain(secret);
      expect(result.out).not.toMatch(/[0-9a-f]{64}/);
    }
  }, 120_000);
});
