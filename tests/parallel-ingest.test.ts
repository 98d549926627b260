import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, type IngestResult } from '../pipelines/ingest/ingest.ts';
import { FLUSH_CHARS, RowRouter } from '../pipelines/ingest/row-router.ts';
import { bag } from '../sources/bag/index.ts';
import { brp } from '../sources/brp/index.ts';
import { CsvBoundaryScanner } from '../sources/csv-boundaries.ts';
import { CsvSplitter } from '../sources/csv-split.ts';
import { bsnFor, rng } from '../synthetic/random.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

/** CSV with every quoting case CsvSplitter handles: quoted delimiters and newlines, "" escapes, stray quotes, CRLF. */
function awkwardCsv(rows: number, seed: number): string {
  const random = rng(seed);
  const fields = ['plain', '"quoted;with;delimiters"', '"two\nlines"', '"esc""aped"', 'stray"quote', '""', '"a ""b"" \r\nc"', '', 'x"', '"end"'];
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const n = 1 + Math.floor(random() * 5);
    const row = Array.from({ length: n }, () => fields[Math.floor(random() * fields.length)]!);
    lines.push(row.join(';') + (random() < 0.3 ? '\r\n' : '\n'));
  }
  return lines.join('');
}

describe('CSV record boundaries for reading in parts', () => {
  it('finds exactly the record starts CsvSplitter finds, whatever the chunking', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = awkwardCsv(200, seed);
      const rows: string[][] = [];
      const lines: number[] = [];
      const splitter = new CsvSplitter(';');
      splitter.push(text, rows, lines);
      splitter.end(rows, lines);
      const expected = lines.slice(1);

      const bytes = Buffer.from(text, 'utf8');
      const random = rng(seed * 7919);
      const scanner = new CsvBoundaryScanner(';'.charCodeAt(0));
      const found: number[] = [];
      const offsets: number[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(random() * 40);
        scanner.push(bytes.subarray(at, at + size), (offset, nextLine) => {
          found.push(nextLine);
          offsets.push(offset);
        });
        at += size;
      }
      // The last record ends the file, so it has no record after it.
      expect(found.slice(0, -1), `seed ${seed}`).toEqual(expected);
      // And each offset is where the text of that record starts.
      for (let k = 0; k < offsets.length - 1; k++) {
        const after = bytes.subarray(offsets[k]).toString('utf8');
        const again: string[][] = [];
        const s = new CsvSplitter(';', expected[k]);
        s.push(after, again, []);
        s.end(again, []);
        expect(again[0], `seed ${seed} record ${k + 1}`).toEqual(rows[k + 1]);
      }
    }
  });
});

describe('ingest of a large CSV file on worker threads', () => {
  let serial: TestContext;
  let parallel: TestContext;

  beforeAll(async () => {
    serial = await createTestContext({ INGEST_WORKERS: 1 });
    parallel = await createTestContext({ INGEST_WORKERS: 3, INGEST_PARALLEL_MIN_MB: 0 });
  });
  afterAll(async () => {
    await serial?.close();
    await parallel?.close();
  });

  const stagedRows = async (ctx: TestContext, loadId: number) =>
    (await ctx.db.query(`SELECT * FROM staging.brp WHERE load_id = $1 ORDER BY line`, [loadId])).rows.map(({ load_id: _l, ...rest }) => rest);
  const rejectedRows = async (ctx: TestContext, loadId: number) =>
    (await ctx.db.query(`SELECT line, location, column_name, reason, raw FROM pakhuis.rejected_rows WHERE load_id = $1 ORDER BY line`, [loadId])).rows;
  const sortReasons = (r: IngestResult) => [...r.reasons].sort((a, b) => (a.column + a.reason < b.column + b.reason ? -1 : 1));

  it('stages and rejects exactly what the main thread does, with the same line numbers', async () => {
    // Windows-1252 with a multi-line quoted name, bad rows spread over the file, and a BOM-less header.
    const header = 'bsn;geslachtsnaam;voornamen;postcode;huisnummer;functie_adres;datum_aanvang_adreshouding';
    const lines = [header];
    for (let i = 0; i < 6000; i++) {
      const bsn = i % 997 === 5 ? '123456789' : bsnFor(700_000 + i);
      const name = i % 501 === 7 ? '"Müller;\nvan ""Dijk"""' : `Jansen${i}`;
      const date = i % 1303 === 11 ? '20231345' : '20200101';
      lines.push([bsn, name, 'Jan', `${1000 + (i % 8000)}AB`, String(1 + (i % 300)), i % 3 === 0 ? 'B' : 'W', date].join(';'));
    }
    const path = join(serial.dir, 'brp-parts.csv');
    await writeFile(path, iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1252'));

    const a = await ingestFile(serial, brp, path, { displayName: 'brp/brp-parts.csv' });
    const b = await ingestFile(parallel, brp, path, { displayName: 'brp/brp-parts.csv' });
    expect(a.status).toBe('loaded');
    expect(b.status).toBe('loaded');
    expect([a.parts, b.parts]).toEqual([1, 3]);
    expect({ read: b.rowsRead, staged: b.rowsStaged, rejected: b.rowsRejected }).toEqual({ read: a.rowsRead, staged: a.rowsStaged, rejected: a.rowsRejected });
    expect(a.rowsRejected).toBeGreaterThan(5);
    expect(sortReasons(b)).toEqual(sortReasons(a));
    expect(await stagedRows(parallel, b.loadId!)).toEqual(await stagedRows(serial, a.loadId!));
    expect(await rejectedRows(parallel, b.loadId!)).toEqual(await rejectedRows(serial, a.loadId!));
    const { rows } = await parallel.db.query<{ geslachtsnaam: string; line: number }>(
      `SELECT geslachtsnaam, line FROM staging.brp WHERE geslachtsnaam LIKE 'Müller%' ORDER BY line LIMIT 1`,
    );
    // The line break inside the quoted name is a control character: stored as a space.
    expect(rows[0]).toEqual({ geslachtsnaam: 'Müller; van "Dijk"', line: 9 });
  });

  const brpLines = (n: number, bad: (i: number) => boolean) => {
    const lines = ['bsn;geslachtsnaam;postcode;huisnummer'];
    for (let i = 0; i < n; i++) lines.push([bad(i) ? '123456789' : bsnFor(800_000 + i), `Naam${i}`, '1234AB', String(1 + (i % 50))].join(';'));
    return lines;
  };

  it('loads a file whose second part is all rejected rows, counting as the main thread does', async () => {
    const path = join(serial.dir, 'brp-half-bad.csv');
    await writeFile(path, brpLines(4000, (i) => i >= 2000).join('\n') + '\n');
    const a = await ingestFile(serial, brp, path, { displayName: 'brp/brp-half-bad.csv' });
    const b = await ingestFile(parallel, brp, path, { displayName: 'brp/brp-half-bad.csv' });
    expect(b.parts).toBe(3);
    expect({ status: b.status, read: b.rowsRead, staged: b.rowsStaged, rejected: b.rowsRejected }).toEqual({
      status: 'loaded',
      read: 4000,
      staged: 2000,
      rejected: 2000,
    });
    expect(sortReasons(b)).toEqual(sortReasons(a));
    expect(await rejectedRows(parallel, b.loadId!)).toEqual(await rejectedRows(serial, a.loadId!));
  });

  it('counts what the main thread read of a file it then rejects, and holds spooled text only up to a flush', async () => {
    // Several 1 MB read chunks of rows before the one with the bad byte.
    const lines = brpLines(100_000, (i) => i % 2 === 0);
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    bytes[bytes.indexOf('Naam95000') + 1] = 0xff;
    const path = join(serial.dir, 'brp-bad-utf8-serial.csv');
    await writeFile(path, bytes);
    const a = await ingestFile(serial, brp, path, { displayName: 'brp/brp-bad-utf8-serial.csv' });
    expect(a.status).toBe('rejected');
    expect(a.rowsRead).toBeGreaterThan(5000);
    expect(a.rowsRejected).toBe(Math.ceil(a.rowsRead / 2));

    // Rejected rows alone fill no live text, yet count towards the flush threshold.
    const router = new RowRouter(brp, 1, serial.pseudonymizer, 'staging.brp');
    let line = 2;
    while (router.pending < FLUSH_CHARS) router.route({ line: line++, fields: { bsn: '123456789', geslachtsnaam: 'X', postcode: '1234AB', huisnummer: '1' } });
    expect(router.hasLive).toBe(false);
    const spooled = router.takeSpooled();
    expect(spooled.map(([table]) => table)).toEqual(['rejected']);
    expect(spooled[0]![1].length).toBeGreaterThanOrEqual(FLUSH_CHARS);
    expect(router.pending).toBe(0);
  });

  it('rejects the whole file, staging nothing, when a later part is not valid UTF-8', async () => {
    // Past the 256 KB the encoding is detected from, in the last of three parts.
    const lines = brpLines(20_000, () => false);
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const at = bytes.indexOf('Naam18000');
    expect(at).toBeGreaterThan(256 * 1024);
    bytes[at + 1] = 0xff;
    const path = join(serial.dir, 'brp-bad-utf8.csv');
    await writeFile(path, bytes);
    const b = await ingestFile(parallel, brp, path, { displayName: 'brp/brp-bad-utf8.csv' });
    expect(b.parts).toBe(3);
    expect(b.status).toBe('rejected');
    expect(b.error).toBe('brp/brp-bad-utf8.csv: ongeldige UTF-8 verderop in het bestand (gemengde codering?)');
    const { rows } = await parallel.db.query(
      `SELECT count(*)::int AS n FROM staging.brp s JOIN pakhuis.loads l ON l.id = s.load_id WHERE l.file_name = 'brp/brp-bad-utf8.csv'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });

  it.each(['exit', 'throw'])('quarantines the file, keeping nothing, when a worker stops before finishing its part (%s)', async (mode) => {
    const path = join(serial.dir, `brp-worker-${mode}.csv`);
    await writeFile(path, brpLines(3000, () => false).join('\n') + '\n');
    process.env.PAKHUIS_FAILPOINT = 'ingest-worker';
    process.env.PAKHUIS_FAILPOINT_MODE = mode;
    try {
      const failed = await ingestFile(parallel, brp, path, { displayName: `brp/brp-worker-${mode}.csv` });
      // Reading it again would break again: the run moves it aside rather than fail every night.
      expect(failed.status).toBe('quarantined');
      expect(failed.error).toBe(`brp/brp-worker-${mode}.csv: kon niet worden geladen: het lezen brak onverwacht af (Error)`);
    } finally {
      delete process.env.PAKHUIS_FAILPOINT;
      delete process.env.PAKHUIS_FAILPOINT_MODE;
    }
    const { rows } = await parallel.db.query(`SELECT count(*)::int AS n FROM pakhuis.loads WHERE file_name = $1`, [`brp/brp-worker-${mode}.csv`]);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('fills every staging table of a source with several (BAG) the same way', async () => {
    const header =
      'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
    const lines = [header];
    for (let i = 1; i <= 3000; i++) {
      const id = String(i).padStart(10, '0');
      const oppervlakte = i % 701 === 3 ? '-5' : '80';
      // RD points, some impossible (dropped with a note) and some with lon/lat swapped (recomputed).
      const point =
        i % 97 === 5 ? ['999999', '452000', '', ''] : i % 89 === 7 ? [String(120_000 + i), '452000', '52.08', '4.88'] : [String(120_000 + i), '452000', '', ''];
      lines.push(
        [
          'Straat',
          String(i),
          '',
          '',
          '1234AB',
          'Woerden',
          'Woerden',
          'Utrecht',
          `063220${id}`,
          'woonfunctie',
          oppervlakte,
          'Verblijfsobject in gebruik',
          `063201${id}`,
          'VBO',
          'f',
          `063210${id}`,
          'Pand in gebruik',
          '1990',
          ...point,
          '',
        ].join(';'),
      );
    }
    const path = join(serial.dir, 'bag-parts.csv');
    await writeFile(path, lines.join('\n') + '\n');
    const a = await ingestFile(serial, bag, path, { displayName: 'bag/bag-parts.csv' });
    const b = await ingestFile(parallel, bag, path, { displayName: 'bag/bag-parts.csv' });
    expect(a.status, a.error).toBe('loaded');
    expect([a.parts, b.parts]).toEqual([1, 3]);
    expect({ read: b.rowsRead, staged: b.rowsStaged, rejected: b.rowsRejected }).toEqual({ read: a.rowsRead, staged: a.rowsStaged, rejected: a.rowsRejected });
    expect(a.rowsRejected).toBeGreaterThan(0);
    // Dropped coordinates are counted across the parts, each reason with the first line it happened on.
    const byReason = (r: IngestResult) => [...r.notes].sort((x, y) => x.reason.localeCompare(y.reason));
    expect(byReason(a).map((d) => [d.column, d.count, d.firstLocation])).toEqual([
      ['lat', 34, 'regel 8'],
      ['rd_x', 31, 'regel 6'],
    ]);
    expect(byReason(b)).toEqual(byReason(a));
    // Every staged row of every table, without the load id, as one digest per table.
    const digest = async (ctx: TestContext, table: string, loadId: number) =>
      (
        await ctx.db.query(
          `SELECT count(*)::int AS n, md5(string_agg(j, ',' ORDER BY j)) AS digest FROM (SELECT (to_jsonb(s) - 'load_id')::text AS j FROM ${table} s WHERE load_id = $1) x`,
          [loadId],
        )
      ).rows[0];
    for (const table of ['staging.bag_vbo', 'staging.bag_num', 'staging.bag_vbo_num']) {
      const expected = await digest(serial, table, a.loadId!);
      expect(expected?.n, table).toBeGreaterThan(2000);
      expect(await digest(parallel, table, b.loadId!), table).toEqual(expected);
    }
  });
});
