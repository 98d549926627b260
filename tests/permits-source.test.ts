import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { ingestFile } from '../pipelines/ingest/ingest.ts';
import { permits } from '../sources/permits/index.ts';
import type { SourceRecord } from '../sources/source.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';
import { day, freshBsn, iso, serial, xlsxFile } from './helpers/registers.ts';

const pseudonymizer = new Pseudonymizer(TEST_KEY, 1);
const BSN = freshBsn();
const record = (fields: Record<string, string>): SourceRecord => ({ location: 'regel 2', line: 2, fields });
const base = { zaaknummer: 'Z/2024/000001', vergunning_type: 'Exploitatievergunning', postcode: '3441 ab', huisnummer: '12', houder_kvk: '12345678' };

function staged(fields: Record<string, string>) {
  const result = permits.validate(record(fields), { pseudonymizer });
  if (!result.ok) throw new Error(`rejected: ${result.column}: ${result.reason}`);
  const [row] = result.rows;
  return Object.fromEntries(row!.table.columns.map((c) => [c, row!.fields[c]]));
}

function rejection(fields: Record<string, string>) {
  const result = permits.validate(record(fields), { pseudonymizer });
  return result.ok ? 'accepted' : [result.column, result.reason];
}

describe('permits: validating a register row', () => {
  it('normalises a full row and pseudonymises the holder', () => {
    const row = staged({
      ...base,
      houder_kvk: '',
      verblijfsobject_id: '632010000000001',
      vergunning_type: ' Alcoholwet ',
      huisnummer: '12a',
      houder_bsn: BSN,
      houder_naam: 'J. de Vries',
      datum_verleend: String(serial(new Date(Date.UTC(2024, 0, 1)))),
      geldig_tot: '01-02-2029',
      status: 'Afgegeven',
    });
    expect(row).toEqual({
      zaaknummer: 'Z/2024/000001',
      vergunning_type: 'alcoholwetvergunning',
      verblijfsobject_id: '0632010000000001',
      postcode: '3441AB',
      huisnummer: 12,
      huisletter: 'A',
      huisnummertoevoeging: null,
      houder_pseudonym: pseudonymizer.pseudonymise(BSN),
      houder_kvk: null,
      houder_naam: 'J. de Vries',
      key_version: 1,
      datum_verleend: '2024-01-01',
      geldig_tot: '2029-02-01',
      status: 'verleend',
    });
    expect(JSON.stringify(row)).not.toContain(BSN);
  });

  it.each([
    ['Horeca', 'exploitatievergunning'],
    ['Drank- en Horecavergunning', 'alcoholwetvergunning'],
    ['alcoholwetvergunning', 'alcoholwetvergunning'],
    ['OMZETTING', 'omzettingsvergunning'],
    ['Kamerverhuurvergunning', 'kamerverhuur'],
    ['Huisvesting  Arbeidsmigranten', 'huisvesting arbeidsmigranten'],
    ['Evenementen  Vergunning', 'evenementen vergunning'],
  ])('reads type %j as %j', (given, type) => {
    expect(staged({ ...base, vergunning_type: given }).vergunning_type).toBe(type);
  });

  it('keeps a company name, drops a name nobody can be linked to, and splits "7-2"', () => {
    expect(staged({ ...base, houder_naam: 'Café De Molen B.V.' })).toMatchObject({
      houder_kvk: '12345678',
      houder_naam: 'Café De Molen B.V.',
      key_version: null,
    });
    expect(staged({ ...base, houder_kvk: '', houder_naam: 'Iemand' })).toMatchObject({ houder_pseudonym: null, houder_kvk: null, houder_naam: null });
    expect(staged({ ...base, houder_kvk: '1234567' }).houder_kvk).toBe('01234567');
    expect(staged({ ...base, huisnummer: '7-2' })).toMatchObject({ huisnummer: 7, huisletter: null, huisnummertoevoeging: '2' });
    expect(staged({ ...base, status: 'Vergund' }).status).toBe('verleend');
    expect(staged({ ...base, status: 'In behandeling' }).status).toBe('aangevraagd');
    expect(staged({ ...base, status: 'Geschorst' }).status).toBe('geschorst');
  });

  it.each([
    [{ zaaknummer: ' ' }, ['zaaknummer', 'verplicht veld is leeg']],
    [{ vergunning_type: '' }, ['vergunning_type', 'verplicht veld is leeg']],
    [{ postcode: '', huisnummer: '' }, ['postcode', 'geen adres: geen verblijfsobject-id en geen postcode met huisnummer']],
    [{ huisnummer: '' }, ['huisnummer', 'geen adres: geen verblijfsobject-id en geen postcode met huisnummer']],
    [{ postcode: '3441 SA' }, ['postcode', 'postcodeletters SA worden niet uitgegeven']],
    [{ huisnummer: '12 bis ter' }, ['huisnummer', 'huisnummer is geen geheel getal']],
    [
      { verblijfsobject_id: '0632100000000001' },
      ['verblijfsobject_id', 'BAG-identificatie heeft objecttypecode 10, verwacht 01 of 02 of 03 (verblijfsobject/ligplaats/standplaats)'],
    ],
    [{ houder_bsn: '123456789' }, ['houder_bsn', 'BSN voldoet niet aan de 11-proef']],
    [{ houder_kvk: '123456' }, ['houder_kvk', 'KvK-nummer moet 8 cijfers zijn']],
    [{ datum_verleend: '31-02-2024' }, ['datum_verleend', 'datum bestaat niet (die maand heeft minder dagen)']],
    [{ geldig_tot: 'morgen' }, ['geldig_tot', 'datum heeft geen herkenbare vorm (JJJJMMDD, JJJJ-MM-DD of DD-MM-JJJJ)']],
    [{ datum_verleend: '01-02-2024', geldig_tot: '31-01-2024' }, ['geldig_tot', 'einde geldigheid ligt voor de begindatum']],
  ])('rejects %j', (change, expected) => {
    expect(rejection({ ...base, ...change })).toEqual(expected);
  });
});

describe('permits: reading and loading files', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  const load = async (name: string, content: string | Buffer, sheet?: string) => {
    const path = await writeFileIn(join(ctx.dir, 'in', name), content);
    return ingestFile(ctx, permits, path, { displayName: `permits/${name}`, sheet });
  };
  const stagedRows = async (loadId: number) =>
    (await ctx.db.query<Record<string, any>>(`SELECT * FROM staging.permits WHERE load_id = $1 ORDER BY line`, [loadId])).rows;

  it('reads a Dutch Excel CSV (Windows-1252, `;`) with headers in any case and spacing', async () => {
    const text =
      'ZAAKNUMMER;Type Vergunning;Postcode;Huisnr;KvK nummer;Naam houder;Datum verleend;Geldig t/m;Status\r\n' +
      'Z-1;Exploitatievergunning;3441 AB;12;12345678;Café Señor B.V.;01-03-2023;;Verleend\r\n' +
      'Z-2;Alcoholwet;3441AB;14;87654321;Bar Één;2023-03-01;01-03-2028;Verleend\r\n';
    const result = await load('register.csv', iconv.encode(text, 'windows-1252'));
    expect(result).toMatchObject({ status: 'loaded', format: 'permits-csv', rowsStaged: 2, rowsRejected: 0 });
    const rows = await stagedRows(result.loadId!);
    expect(rows.map((r) => [r.zaaknummer, r.vergunning_type, r.houder_naam, iso(r.datum_verleend), r.geldig_tot && iso(r.geldig_tot)])).toEqual([
      ['Z-1', 'exploitatievergunning', 'Café Señor B.V.', '2023-03-01', null],
      ['Z-2', 'alcoholwetvergunning', 'Bar Één', '2023-03-01', '2028-03-01'],
    ]);
  });

  it('reads a UTF-8 CSV with commas', async () => {
    const result = await load('comma.csv', 'zaaknummer,soort,vbo_id,kvk\nZ-3,kamerverhuur,0632010000000001,12345678\n');
    expect(result).toMatchObject({ status: 'loaded', rowsStaged: 1 });
  });

  it('reads the first sheet of a workbook with date cells, or the sheet asked for', async () => {
    const sheet = [
      ['Zaaknummer', 'Soort vergunning', 'Postcode', 'Huisnummer', 'KvK-nummer', 'Datum verleend', 'Geldig tot'],
      ['Z-4', 'Horeca', '3441AB', 12, '12345678', day(-10), day(365)],
    ];
    const first = await load('first.xlsx', xlsxFile({ Vergunningen: sheet, Toelichting: [['Uitleg'], ['niets']] }));
    expect(first).toMatchObject({ status: 'loaded', format: 'permits-xlsx', rowsStaged: 1 });
    expect((await stagedRows(first.loadId!)).map((r) => [iso(r.datum_verleend), iso(r.geldig_tot)])).toEqual([[iso(day(-10)), iso(day(365))]]);
    const named = await load(
      'named.xlsx',
      xlsxFile({ Toelichting: [['Uitleg'], ['niets']], Register: [...sheet.slice(0, 1), ['Z-5', ...sheet[1]!.slice(1)]] }),
      'Register',
    );
    expect(named).toMatchObject({ status: 'loaded', rowsStaged: 1 });
  });

  it('rejects a file without a required column, naming the accepted names', async () => {
    const result = await load('no-type.csv', 'zaaknummer;postcode;huisnummer\nZ-6;3441AB;1\n');
    expect(result.status).toBe('rejected');
    expect(result.error).toContain('verplichte kolom ontbreekt: vergunning_type (geaccepteerd: vergunning_type, type, soort, type_vergunning');
    const { rows } = await ctx.db.query<{ reason: string }>(`SELECT reason FROM pakhuis.rejected_files WHERE file_name = 'permits/no-type.csv'`);
    expect(rows[0]!.reason).toContain('vergunning_type');
  });

  it('keeps rejected rows with their column and Dutch reason, and no BSN in them', async () => {
    const valid = freshBsn();
    const text =
      'zaaknummer;type;postcode;huisnummer;bsn;naam houder;verleend\n' +
      'Z-7;horeca;3441AB;1;12345;Anna Jansen;01-01-2024\n' +
      `Z-8;horeca;3441AB;2;${valid};Bert Smit;31-13-2024\n` +
      `Z-9;horeca;3441AB;3;${valid};Bert Smit;01-01-2024\n`;
    const result = await load('some-bad.csv', text);
    expect(result).toMatchObject({ status: 'loaded', rowsStaged: 1, rowsRejected: 2 });
    const { rows } = await ctx.db.query<{ line: number; column_name: string; reason: string; raw: Record<string, string> }>(
      `SELECT line, column_name, reason, raw FROM pakhuis.rejected_rows WHERE load_id = $1 ORDER BY line`,
      [result.loadId],
    );
    expect(rows.map((r) => [r.line, r.column_name, r.reason])).toEqual([
      [2, 'houder_bsn', 'BSN moet 9 cijfers zijn'],
      [3, 'datum_verleend', 'maand groter dan 12'],
    ]);
    expect(rows[0]!.raw.houder_bsn).toBe('[gemaskeerd, 5 tekens]');
    expect(rows[1]!.raw.houder_bsn).toBe(`pseudoniem:${ctx.pseudonymizer.pseudonymise(valid)}`);
    expect(JSON.stringify(rows)).not.toContain(valid);
    // Names are masked like BSNs: a rejected row must not keep a person's name next to a permit.
    expect(rows.map((r) => r.raw.houder_naam)).toEqual(['[gemaskeerd, 11 tekens]', '[gemaskeerd, 9 tekens]']);
  });
});
