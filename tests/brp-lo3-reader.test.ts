import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLo3Header, readLo3 } from '../sources/brp/lo3-reader.ts';
import { FileRejectedError, type SourceRecord } from '../sources/source.ts';

const FIXTURE = new URL('./fixtures/brp-lo3/gbav-testset-sample-40persons.csv', import.meta.url).pathname;

async function collect(path: string): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of readLo3(path, { displayName: 'gbav.csv' })) out.push(record);
  return out;
}

const ofPerson = (records: SourceRecord[], bsn: string) => records.filter((r) => r.fields.bsn === bsn);

describe('readLo3 on the RvIG GBA-V test set', () => {
  let records: SourceRecord[];
  beforeAll(async () => {
    records = await collect(FIXTURE);
  });

  it('emits the current address of each of the 40 persons and their 56 older ones', () => {
    expect(new Set(records.map((r) => r.fields.pl_id)).size).toBe(40);
    expect(records.filter((r) => r.fields.historie_index === '0')).toHaveLength(40);
    expect(records).toHaveLength(96);
  });

  it('reads a person, current address first, then the older one', () => {
    expect(ofPerson(records, '999993653')).toEqual([
      {
        location: 'regel 2',
        line: 2,
        fields: {
          pl_id: 'Lg01_716',
          pl_regel: '2',
          bsn: '999993653',
          voornamen: 'Suzanne',
          voorvoegsel: '',
          geslachtsnaam: 'Moulin',
          geboortedatum: '19851201',
          datum_overlijden: '',
          datum_opschorting: '',
          reden_opschorting: '',
          gemeente_van_inschrijving: '0599',
          functie_adres: 'W',
          datum_aanvang_adreshouding: '20150808',
          straatnaam: 'Boterdiep',
          huisnummer: '31',
          huisletter: '',
          huisnummertoevoeging: '',
          aanduiding_bij_huisnummer: '',
          postcode: '3077AW',
          woonplaats: 'Rotterdam',
          verblijfsobject_id: '0599010000208579',
          nummeraanduiding_id: '0599200000219678',
          locatiebeschrijving: '',
          land_adres_buitenland: '',
          datum_aanvang_adres_buitenland: '',
          indicatie_onjuist: '',
          ingangsdatum_geldigheid: '20150808',
          onderzoek_aanduiding: '',
          onderzoek_datum_ingang: '',
          onderzoek_datum_einde: '',
          historie_index: '0',
          volgende_aanvang: undefined,
          volgende_index: undefined,
        },
      },
      {
        location: 'regel 3',
        line: 3,
        fields: expect.objectContaining({
          pl_id: 'Lg01_716',
          bsn: '999993653',
          geslachtsnaam: 'Moulin',
          functie_adres: 'W',
          datum_aanvang_adreshouding: '20131102',
          straatnaam: 'Vredesplein',
          huisnummer: '7',
          postcode: '3074SN',
          verblijfsobject_id: '0599010000476795',
          nummeraanduiding_id: '0599200000999221',
          historie_index: '1',
          // The occurrence above ends this one.
          volgende_aanvang: '20150808',
          volgende_index: '0',
        }),
      },
    ]);
  });

  it('numbers history in file order and repeats the person fields on it', () => {
    const meijden = ofPerson(records, '999993872');
    expect(
      meijden.map((r) => [r.line, r.fields.historie_index, r.fields.datum_aanvang_adreshouding, r.fields.straatnaam, r.fields.gemeente_van_inschrijving]),
    ).toEqual([
      [10, '0', '19980401', 'Goudsesingel', '0599'],
      [11, '1', '19980401', 'Goudsesingel', '0599'],
      [12, '2', '19910201', 'Dorpsweg', '0599'],
      [13, '3', '19590417', 'Achillesstraat', '0947'],
    ]);
    for (const r of meijden) {
      expect(r.fields).toMatchObject({
        voornamen: 'Peter-Jan',
        voorvoegsel: 'van der',
        geslachtsnaam: 'Meijden',
        geboortedatum: expect.stringMatching(/^\d{8}$/),
      });
    }
  });

  it('keeps functie adres and datum aanvang adreshouding on every Dutch address', () => {
    const dutch = records.filter((r) => r.fields.postcode);
    expect(dutch.length).toBeGreaterThan(80);
    for (const r of dutch) {
      expect(r.fields.functie_adres, r.location).toMatch(/^[WB]$/);
      expect(r.fields.datum_aanvang_adreshouding, r.location).toMatch(/^\d{8}$/);
    }
    expect(ofPerson(records, '999991565')[0]!.fields).toMatchObject({ functie_adres: 'B', straatnaam: 'Dam', huisnummer: '1' });
  });

  it('emits an address abroad (RNI) as found, with the country and no Dutch address', () => {
    const kaster = ofPerson(records, '999994426');
    expect(kaster.map((r) => r.fields.historie_index)).toEqual(['0', '1', '2']);
    expect(kaster[0]!.fields).toMatchObject({ gemeente_van_inschrijving: '1999', land_adres_buitenland: '5003', postcode: '', functie_adres: '' });
    expect(kaster[1]!.fields).toMatchObject({ straatnaam: 'Amstelkade', huisnummer: '3', huisnummertoevoeging: '2', postcode: '1078AA' });
  });

  it('does not start a new person on a continuation row that repeats the BSN', () => {
    expect(ofPerson(records, '999992806').map((r) => [r.fields.pl_id, r.fields.historie_index])).toEqual([
      ['Lg01_491', '0'],
      ['Lg01_491', '1'],
    ]);
  });

  it('trims stray spaces the export left in values', () => {
    expect(ofPerson(records, '999992181')[0]!.fields.verblijfsobject_id).toBe('0363010000599756');
  });
});

describe('readLo3 on crafted files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lo3-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (lines: string[]) => {
    const path = join(dir, `f${++n}.csv`);
    writeFileSync(path, `\uFEFF${lines.join('\r\n')}\r\n`);
    return path;
  };
  const HEADER = ';01.01.20;01.02.40;08.09.10;08.10.30;08.11.20;08.11.60;08.H;06.88.10;06.88.10';

  it('starts history at 1 when the first row has no address, and tolerates repeated unused headers', async () => {
    const records = await collect(file([HEADER, 'PL1;999990019;Jansen;;;;;;x;y', ';;;0599;20100101;5;3011AA;;;', ';;;0518;20000101;7;2511AA;;;']));
    expect(records.map((r) => [r.line, r.fields.pl_id, r.fields.bsn, r.fields.historie_index, r.fields.postcode])).toEqual([
      [3, 'PL1', '999990019', '1', '3011AA'],
      [4, 'PL1', '999990019', '2', '2511AA'],
    ]);
  });

  it('rejects a continuation row before any person', async () => {
    const error = await collect(file([HEADER, ';;;0599;20100101;5;3011AA;;;'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as Error).message).toContain('regel 2: vervolgregel');
  });

  it('rejects a file without the persoonslijst column', async () => {
    const error = await collect(file(['01.01.20;08.10.30;08.11.20;08.11.60', '999990019;20100101;5;3011AA'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as Error).message).toContain('persoonslijst-id');
  });

  it('rejects a file without BSN or without any way to find the address', async () => {
    const noBsn = await collect(file([';01.02.40;08.10.30;08.11.80', 'PL1;Jansen;20100101;0599010000208579'])).catch((e: unknown) => e);
    expect((noBsn as Error).message).toContain('verplichte kolom ontbreekt: bsn (geaccepteerd: bsn, 01.01.20)');
    const noAddress = await collect(file([';01.01.20;08.10.30;08.11.60', 'PL1;999990019;20100101;3011AA'])).catch((e: unknown) => e);
    expect(noAddress).toBeInstanceOf(FileRejectedError);
    expect((noAddress as Error).message).toContain('08.11.80');
  });
});

describe('isLo3Header', () => {
  it('recognises element-number headers', () => {
    const header = readFileSync(FIXTURE, 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]!
      .split(';');
    expect(isLo3Header(header)).toBe(true);
  });

  it('rejects readable headers', () => {
    expect(isLo3Header(['bsn', 'geslachtsnaam', 'postcode', 'huisnummer', 'datum aanvang adreshouding'])).toBe(false);
    expect(isLo3Header(['', 'bsn', '01.01.20'])).toBe(false);
    expect(isLo3Header([])).toBe(false);
  });
});
