import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { ingestFile } from '../pipelines/ingest/ingest.ts';
import { closureEnd } from '../sources/damocles/duration.ts';
import { damocles } from '../sources/damocles/index.ts';
import type { SourceRecord } from '../sources/source.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';
import { asText, csvFile, DAMOCLES_HEADER, damoclesRow, day, freshBsn, iso, obj, xlsxFile } from './helpers/registers.ts';

const pseudonymizer = new Pseudonymizer(TEST_KEY, 1);
const OWNER = freshBsn();
const TENANT = freshBsn();
const record = (fields: Record<string, string>): SourceRecord => ({ location: 'regel 2', line: 2, fields });
const base = { zaaknummer: 'DAM-2026-001', postcode: '3441AB', huisnummer: '12', besluit: 'sluiting', sluiting_start: '01-03-2026' };

function staged(fields: Record<string, string>) {
  const result = damocles.validate(record(fields), { pseudonymizer });
  if (!result.ok) throw new Error(`rejected: ${result.column}: ${result.reason}`);
  const [row] = result.rows;
  return Object.fromEntries(row!.table.columns.map((c) => [c, row!.fields[c]]));
}

function rejection(fields: Record<string, string>) {
  const result = damocles.validate(record(fields), { pseudonymizer });
  return result.ok ? 'accepted' : [result.column, result.reason];
}

describe('damocles: validating a register row', () => {
  it('normalises a full row, computes the end of the closure and pseudonymises persons', () => {
    const row = staged({
      ...base,
      object_type: 'Bedrijfspand',
      datum_constatering: '15-02-2026',
      drugs_categorie: 'Harddrugs',
      besluit: 'Bestuursdwang',
      duur_maanden: '3 maanden',
      eigenaar_bsn: OWNER,
      eigenaar_naam: 'P. Eigenaar',
      huurder_kvk: '12345678',
      huurder_naam: 'Growshop B.V.',
    });
    expect(row).toEqual({
      zaaknummer: 'DAM-2026-001',
      verblijfsobject_id: null,
      postcode: '3441AB',
      huisnummer: 12,
      huisletter: null,
      huisnummertoevoeging: null,
      object_type: 'lokaal',
      datum_constatering: '2026-02-15',
      drugs_categorie: 'hard',
      besluit: 'sluiting',
      sluiting_start: '2026-03-01',
      sluiting_einde: '2026-05-31',
      eigenaar_pseudonym: pseudonymizer.pseudonymise(OWNER),
      eigenaar_kvk: null,
      eigenaar_naam: 'P. Eigenaar',
      huurder_pseudonym: null,
      huurder_kvk: '12345678',
      huurder_naam: 'Growshop B.V.',
      key_version: 1,
    });
    expect(JSON.stringify(row)).not.toContain(OWNER);
  });

  it('reads durations and end dates the ways registers write them', () => {
    expect(staged({ ...base, duur_maanden: '6' }).sluiting_einde).toBe('2026-08-31');
    expect(staged({ ...base, duur_maanden: '12 mnd' }).sluiting_einde).toBe('2027-02-28');
    expect(staged({ ...base, duur_maanden: 'onbepaalde tijd' }).sluiting_einde).toBeNull();
    // An end date as given wins over a duration.
    expect(staged({ ...base, duur_maanden: '3', sluiting_einde: '15-04-2026' }).sluiting_einde).toBe('2026-04-15');
    expect(staged({ ...base, sluiting_start: '46082', sluiting_einde: '46173' })).toMatchObject({ sluiting_start: '2026-03-01', sluiting_einde: '2026-05-31' });
    expect(staged({ zaaknummer: 'D', verblijfsobject_id: '632010000000001', besluit: 'Waarschuwing', huurder_bsn: TENANT })).toMatchObject({
      verblijfsobject_id: '0632010000000001',
      besluit: 'waarschuwing',
      sluiting_start: null,
      sluiting_einde: null,
      key_version: 1,
    });
    expect(closureEnd('2026-01-31', 1)).toBe('2026-02-27');
    expect(closureEnd('2026-11-15', 3)).toBe('2027-02-14');
  });

  it.each([
    [{ zaaknummer: '' }, ['zaaknummer', 'verplicht veld is leeg']],
    [{ postcode: '' }, ['postcode', 'geen adres: geen verblijfsobject-id en geen postcode met huisnummer']],
    [{ object_type: 'boot' }, ['object_type', 'waarde niet toegestaan; verwacht een van: woning, lokaal, erf']],
    [{ drugs_categorie: 'xtc' }, ['drugs_categorie', 'waarde niet toegestaan; verwacht een van: hard, soft, hennep, voorbereidingshandelingen']],
    [{ besluit: 'boete' }, ['besluit', 'waarde niet toegestaan; verwacht een van: waarschuwing, sluiting, last onder dwangsom']],
    [{ besluit: 'waarschuwing' }, ['besluit', 'besluit is een waarschuwing, maar er is een sluitingsperiode ingevuld']],
    [{ sluiting_start: '', duur_maanden: '3' }, ['sluiting_start', 'einde of duur van de sluiting staat ingevuld, de startdatum niet']],
    [{ sluiting_einde: '28-02-2026' }, ['sluiting_einde', 'einde van de sluiting ligt voor de begindatum']],
    [{ duur_maanden: '0' }, ['duur_maanden', 'duur 0 maanden ligt buiten 1..120']],
    [{ duur_maanden: 'drie' }, ['duur_maanden', 'duur heeft geen herkenbare vorm (aantal maanden, bijvoorbeeld 3 of "6 maanden", of "onbepaalde tijd")']],
    [{ sluiting_start: '2026-13-01' }, ['sluiting_start', 'maand groter dan 12']],
    [{ eigenaar_bsn: '123456789' }, ['eigenaar_bsn', 'BSN voldoet niet aan de 11-proef']],
    [{ huurder_kvk: '1234' }, ['huurder_kvk', 'KvK-nummer moet 8 cijfers zijn']],
  ])('rejects %j', (change, expected) => {
    expect(rejection({ ...base, ...change })).toEqual(expected);
  });
});

describe('damocles: reading and loading files', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  const load = async (name: string, content: string | Buffer) => {
    const path = await writeFileIn(join(ctx.dir, 'in', name), content);
    return ingestFile(ctx, damocles, path, { displayName: `damocles/${name}` });
  };
  const a = obj(1);
  const rows = [
    { zaak: 'D-1', obj: a, start: day(-30), duur: 3, eigenaarKvk: '12345678', eigenaar: 'Vastgoed B.V.', huurderBsn: TENANT, huurder: 'H. Huurder' },
    { zaak: 'D-2', obj: a, byAddress: true, besluit: 'Last onder dwangsom', drugs: 'Hennepkwekerij', constatering: day(-10) },
  ];

  it('reads a workbook with date cells', async () => {
    const result = await load('register.xlsx', xlsxFile({ Damocles: [DAMOCLES_HEADER, ...rows.map(damoclesRow)] }));
    expect(result).toMatchObject({ status: 'loaded', format: 'damocles-xlsx', rowsStaged: 2, rowsRejected: 0 });
    const { rows: staged } = await ctx.db.query<Record<string, any>>(`SELECT * FROM staging.damocles WHERE load_id = $1 ORDER BY line`, [result.loadId]);
    expect(staged.map((r) => [r.zaaknummer, r.verblijfsobject_id, r.besluit, r.drugs_categorie, r.sluiting_start && iso(r.sluiting_start)])).toEqual([
      ['D-1', a.id, 'sluiting', 'hard', iso(day(-30))],
      ['D-2', null, 'last onder dwangsom', 'hennep', null],
    ]);
  });

  it('reads a CSV saved from Dutch Excel (BOM, `;`, dd-mm-jjjj)', async () => {
    const result = await load(
      'register.csv',
      csvFile(
        DAMOCLES_HEADER,
        rows.map((r) => asText(damoclesRow(r))),
      ),
    );
    expect(result).toMatchObject({ status: 'loaded', format: 'damocles-csv', rowsStaged: 2, rowsRejected: 0 });
  });

  it('rejects a file without a zaaknummer column, naming the accepted names', async () => {
    const result = await load('no-zaak.csv', 'Postcode;Huisnummer;Besluit\n3441AB;1;sluiting\n');
    expect(result.status).toBe('rejected');
    expect(result.error).toContain('verplichte kolom ontbreekt: zaaknummer (geaccepteerd: zaaknummer, zaak, zaaknr');
  });

  it('keeps rejected rows with column and reason, with BSNs and names masked', async () => {
    const result = await load(
      'bad.csv',
      csvFile(DAMOCLES_HEADER, [
        asText(damoclesRow({ zaak: 'D-3', obj: a, besluit: 'Waarschuwing', start: day(-3), eigenaarBsn: OWNER, eigenaar: 'Piet Eigenaar' })),
        asText(damoclesRow({ zaak: 'D-4', obj: a, start: day(-3), huurderBsn: '12345', huurder: 'Huub Huurder' })),
        asText(damoclesRow({ zaak: 'D-5', obj: a, start: day(-3) })),
      ]),
    );
    expect(result).toMatchObject({ status: 'loaded', rowsStaged: 1, rowsRejected: 2 });
    const { rows: rejected } = await ctx.db.query<{ column_name: string; reason: string; raw: Record<string, string> }>(
      `SELECT column_name, reason, raw FROM pakhuis.rejected_rows WHERE load_id = $1 ORDER BY line`,
      [result.loadId],
    );
    expect(rejected.map((r) => [r.column_name, r.reason])).toEqual([
      ['besluit', 'besluit is een waarschuwing, maar er is een sluitingsperiode ingevuld'],
      ['huurder_bsn', 'BSN moet 9 cijfers zijn'],
    ]);
    const text = JSON.stringify(rejected);
    for (const secret of [OWNER, 'Piet Eigenaar', 'Huub Huurder', '12345"']) expect(text).not.toContain(secret);
    expect(rejected[0]!.raw.eigenaar_bsn).toBe(`pseudoniem:${ctx.pseudonymizer.pseudonymise(OWNER)}`);
  });
});
