import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../pipelines/ingest/ingest.ts';
import { runPipeline } from '../pipelines/run.ts';
import { bag } from '../sources/bag/index.ts';
import { brp } from '../sources/brp/index.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';

const fixture = (p: string) => new URL(`./fixtures/${p}`, import.meta.url).pathname;

describe('ingest: real sample files, rejected rows, whole files', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('loads the NLExtract sample into the three BAG staging tables', async () => {
    const result = await ingestFile(ctx, bag, fixture('bag-csv-nlextract/bagadres-full.csv'));
    expect(result).toMatchObject({ status: 'loaded', format: 'bag-nlextract-csv', rowsRead: 99, rowsStaged: 99, rowsRejected: 0 });
    const { rows } = await ctx.db.query<{ t: string; n: number }>(
      `SELECT 'vbo' AS t, count(DISTINCT verblijfsobject_id)::int AS n FROM staging.bag_vbo WHERE load_id = $1
       UNION ALL SELECT 'num', count(*)::int FROM staging.bag_num WHERE load_id = $1
       UNION ALL SELECT 'link', count(*)::int FROM staging.bag_vbo_num WHERE load_id = $1`,
      [result.loadId],
    );
    expect(Object.fromEntries(rows.map((r) => [r.t, r.n]))).toEqual({ vbo: 95, num: 99, link: 99 });
  });

  it('loads the Kadaster BAG 2.0 XML sample and keeps only current voorkomens (223 m2)', async () => {
    const result = await ingestFile(ctx, bag, fixture('bag-xml-doesburg'));
    expect(result).toMatchObject({ status: 'loaded', format: 'bag-xml', rowsRejected: 0 });
    expect(result.rowsStaged).toBeGreaterThan(15);
    const { rows } = await ctx.db.query<{ oppervlakte: number; n: number }>(
      `SELECT oppervlakte, count(*) OVER ()::int AS n FROM staging.bag_vbo WHERE load_id = $1 AND object_type = 'VBO' ORDER BY oppervlakte`,
      [result.loadId],
    );
    expect(rows.map((r) => r.oppervlakte)).toContain(223);
    expect(rows.map((r) => r.oppervlakte)).not.toContain(306);
    expect(rows.map((r) => r.oppervlakte)).not.toContain(315);
  });

  it('loads the GBA/LO3 sample with history, and persons living abroad as what they are, not as errors', async () => {
    const result = await ingestFile(ctx, brp, fixture('brp-lo3/gbav-testset-sample-40persons.csv'));
    expect(result.status).toBe('loaded');
    expect(result.format).toBe('brp-lo3-csv');
    expect(result.rowsRead).toBe(96);
    // Three current addresses abroad (RNI), two older ones; one current all-zero object id (unknown).
    expect(result).toMatchObject({ rowsStaged: 96, rowsRejected: 0, reasons: [], kinds: [{ kind: 'in het buitenland', count: 5 }] });
    const { rows } = await ctx.db.query<{ current: number; history: number }>(
      `SELECT count(*) FILTER (WHERE historie_index = 0)::int AS current, count(*) FILTER (WHERE historie_index > 0)::int AS history FROM staging.brp WHERE load_id = $1`,
      [result.loadId],
    );
    expect(rows[0]!.current).toBeGreaterThan(30);
    expect(rows[0]!.history).toBeGreaterThan(40);
    const { rows: abroad } = await ctx.db.query<{ historie_index: number; land: string }>(
      `SELECT historie_index, land FROM staging.brp WHERE load_id = $1 AND soort = 'buitenland' ORDER BY line`,
      [result.loadId],
    );
    expect(abroad.map((r) => [r.historie_index, r.land])).toEqual([
      [0, '6003'],
      [0, '5003'],
      [1, '5010'],
      [1, '5010'],
      [0, '5002'],
    ]);
  });

  it('loads the Haal Centraal JSON sample', async () => {
    const result = await ingestFile(ctx, brp, fixture('brp-haalcentraal/haalcentraal-brp-mock-persons-sample.json'));
    expect(result).toMatchObject({ status: 'loaded', format: 'brp-haalcentraal-json', rowsRead: 82 });
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM staging.brp WHERE load_id = $1 AND verblijfsobject_id = '1810010010001001'`,
      [result.loadId],
    );
    expect(rows[0]!.n).toBe(19);
  });

  it('keeps bad rows with file, line, column and reason, and never stores a raw BSN', async () => {
    const path = await writeFileIn(
      join(ctx.dir, 'bad-rows.csv'),
      [
        'bsn;geslachtsnaam;postcode;huisnummer;datum_aanvang_adreshouding',
        '999993653;Goed;3441AB;1;01-02-2020',
        '999993654;Foute BSN;3441AB;2;01-02-2020',
        '999990639;Foute postcode;ABCD12;3;01-02-2020',
        '999994736;Foute datum;3441AB;4;31-02-2020',
        '999991425;Geen adres;;;01-02-2020',
      ].join('\n'),
    );
    const result = await ingestFile(ctx, brp, path, { displayName: 'brp/bad-rows.csv' });
    expect(result).toMatchObject({ status: 'loaded', rowsRead: 5, rowsStaged: 1, rowsRejected: 4 });
    const { rows } = await ctx.db.query<{ line: number; location: string; column_name: string; reason: string; raw: Record<string, string> }>(
      'SELECT line, location, column_name, reason, raw FROM pakhuis.rejected_rows WHERE load_id = $1 ORDER BY line',
      [result.loadId],
    );
    expect(rows.map((r) => [r.line, r.column_name, r.reason])).toEqual([
      [3, 'bsn', 'BSN voldoet niet aan de 11-proef'],
      [4, 'postcode', 'postcode heeft niet de vorm 1234AB'],
      [5, 'datum_aanvang_adreshouding', 'datum bestaat niet (die maand heeft minder dagen)'],
      [6, 'postcode', 'geen verblijfplaats: geen BAG-identificatie, geen postcode met huisnummer, geen locatiebeschrijving en geen adres in het buitenland'],
    ]);
    expect(rows[0]!.location).toBe('regel 3');
    expect(rows[0]!.raw.bsn).toMatch(/^pseudoniem:[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toMatch(/99999\d{4}/);
    expect(rows[1]!.raw.geslachtsnaam).toBe('[gemaskeerd, 14 tekens]');
    expect(rows[1]!.raw.postcode).toBe('ABCD12');
  });

  it('rejects a row with a NUL character anywhere in the file, and loads the rest', async () => {
    const filler = Array.from({ length: 400 }, (_, i) => `${['999993653', '999990639'][i % 2]};Vulregel ${'x'.repeat(20)};3441AB;${i + 1};01-02-2020`).join(
      '\n',
    );
    const path = await writeFileIn(
      join(ctx.dir, 'nul.csv'),
      `bsn;geslachtsnaam;postcode;huisnummer;datum_aanvang_adreshouding\n${filler}\n999994736;Geheim\u0000naam;3441AB;999;01-02-2020\n`,
    );
    const result = await ingestFile(ctx, brp, path, { displayName: 'brp/nul.csv' });
    expect(result).toMatchObject({ status: 'loaded', rowsStaged: 400, rowsRejected: 1 });
    const { rows } = await ctx.db.query<{ column_name: string; reason: string; raw: Record<string, string> }>(
      'SELECT column_name, reason, raw FROM pakhuis.rejected_rows WHERE load_id = $1',
      [result.loadId],
    );
    expect(rows).toEqual([
      { column_name: 'geslachtsnaam', reason: 'veld bevat een NUL-teken (binaire inhoud)', raw: expect.objectContaining({ postcode: '3441AB' }) },
    ]);
  });

  it('rejects a file with a missing column whole, records why, and stages nothing', async () => {
    const path = await writeFileIn(join(ctx.dir, 'no-bsn.csv'), 'naam;postcode;huisnummer\nJan;3441AB;1\n');
    const before = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM staging.brp');
    const result = await ingestFile(ctx, brp, path, { displayName: 'brp/no-bsn.csv' });
    expect(result.status).toBe('rejected');
    expect(result.error).toMatch(/^brp\/no-bsn\.csv: verplichte kolom ontbreekt: bsn \(geaccepteerd: .*burgerservicenummer/);
    const { rows } = await ctx.db.query<{ reason: string }>(`SELECT reason FROM pakhuis.rejected_files WHERE file_name = 'brp/no-bsn.csv'`);
    expect(rows).toHaveLength(1);
    expect((await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM staging.brp')).rows).toEqual(before.rows);
  });

  it('does not pick up a file that is still being written', async () => {
    const fresh = await createTestContext({ FILE_STABLE_SECONDS: 60 });
    try {
      const path = await writeFileIn(join(fresh.config.INBOX_DIR, 'brp', 'growing.csv'), 'bsn;postcode;huisnummer\n999993653;3441AB;1\n');
      const first = await runPipeline(fresh, { trigger: 'test' });
      expect(first.files).toEqual([]);
      expect(first.waiting).toEqual(['brp/growing.csv']);
      expect(first.warnings.join(' ')).toContain('brp/growing.csv wordt nog geschreven');
      const old = new Date(Date.now() - 120_000);
      await utimes(path, old, old);
      const second = await runPipeline(fresh, { trigger: 'test' });
      expect(second.files.map((f) => [f.file, f.status])).toEqual([['brp/growing.csv', 'loaded']]);
    } finally {
      await fresh.close();
    }
  });

  it('with the wait set to 0, takes a file modified in the very millisecond of the scan', async () => {
    // mtime carries fractions of a millisecond, Date.now() does not: the file looks newer than now.
    const path = await writeFileIn(join(ctx.dir, 'scan', 'brp', 'now.csv'), 'bsn\n');
    const mtime = Date.parse('2026-03-29T01:00:00.000Z') + 0.9;
    await utimes(path, mtime / 1000, mtime / 1000);
    const { scanInbox } = await import('../pipelines/ingest/inbox.ts');
    const at = Math.floor(mtime);
    expect((await scanInbox(join(ctx.dir, 'scan'), 0, at)).ready.map((f) => f.name)).toEqual(['brp/now.csv']);
    expect((await scanInbox(join(ctx.dir, 'scan'), 1, at)).waiting.map((f) => f.name)).toEqual(['brp/now.csv']);
  });
});
