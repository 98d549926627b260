import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHaalCentraalBrp } from '../sources/brp/haalcentraal-reader.ts';
import { FileRejectedError, type SourceRecord } from '../sources/source.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'brp-haalcentraal', 'haalcentraal-brp-mock-persons-sample.json');

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'brp-hc-test-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function readAll(path: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of readHaalCentraalBrp(path)) records.push(record);
  return records;
}

async function tmpFile(name: string, content: string | Buffer): Promise<string> {
  const path = join(tmp, name);
  await writeFile(path, content);
  return path;
}

describe('readHaalCentraalBrp', () => {
  it('reads every person of the mock test data', async () => {
    const records = await readAll(FIXTURE);
    expect(records).toHaveLength(82);
    expect(records.every((r) => r.kind === undefined)).toBe(true);
    expect(records.filter((r) => r.fields.verblijfsobject_id === '1810010010001001')).toHaveLength(19);
    expect(records[81]).toMatchObject({ location: 'persoon 82', line: 82 });
  });

  it('maps a person to the canonical BRP fields', async () => {
    const [first] = await readAll(FIXTURE);
    expect(first).toEqual({
      location: 'persoon 1',
      line: 1,
      fields: {
        pl_id: 'persoon 1',
        bsn: '000009933',
        geslachtsnaam: 'Veerboot',
        voornamen: 'Cor',
        geboortedatum: '19751116',
        datum_overlijden: undefined,
        datum_opschorting: undefined,
        reden_opschorting: undefined,
        postcode: '2596TW',
        huisnummer: '1',
        huisletter: undefined,
        huisnummertoevoeging: undefined,
        straatnaam: 'Van Wijngaerdenstraat',
        locatiebeschrijving: undefined,
        land_adres_buitenland: undefined,
        datum_aanvang_adres_buitenland: undefined,
        functie_adres: 'W',
        datum_aanvang_adreshouding: '19980502',
        verblijfsobject_id: '1810010010001001',
        nummeraanduiding_id: '1810200010001001',
        gemeente_van_inschrijving: '1810',
        onderzoek_aanduiding: undefined,
        onderzoek_datum_ingang: undefined,
        onderzoek_datum_einde: undefined,
      },
    });
  });

  it('keeps missing parts missing and reads huisletter', async () => {
    const records = await readAll(FIXTURE);
    // Person 5 has no voornamen and no geboorte at all.
    expect(records[4]!.fields).toMatchObject({ bsn: '999990962', voornamen: undefined, geboortedatum: undefined });
    expect(records[68]!.fields).toMatchObject({ voornamen: 'Karin', huisnummer: '2', huisletter: 'A', postcode: '1079TX' });
  });

  it('reads the { personen: [...] } wrapper of an API response', async () => {
    const persons = JSON.parse(await readFile(FIXTURE, 'utf8')) as unknown[];
    const path = await tmpFile('response.json', JSON.stringify({ type: 'RaadpleegMetBurgerservicenummer', personen: persons.slice(0, 3) }));
    const records = await readAll(path);
    expect(records.map((r) => r.fields.bsn)).toEqual(['000009933', '000009970', expect.any(String)]);
    expect(records[2]!.location).toBe('persoon 3');
  });

  it('turns numbers into strings and accepts date objects of later API versions', async () => {
    const path = await tmpFile(
      'v2.json',
      '\uFEFF' +
        JSON.stringify([
          {
            burgerservicenummer: 999993653,
            geboorte: { datum: { type: 'Datum', datum: '1983-05-26' } },
            verblijfplaats: { huisnummer: 12, functieAdres: { code: 'B' }, datumVan: { type: 'JaarMaandDatum', jaar: 2001, maand: 4 } },
          },
          { burgerservicenummer: '999993654', geboorte: { datum: { type: 'DatumOnbekend' } } },
        ]),
    );
    const [a, b] = await readAll(path);
    expect(a!.fields).toMatchObject({
      bsn: '999993653',
      geboortedatum: '1983-05-26',
      huisnummer: '12',
      functie_adres: 'B',
      datum_aanvang_adreshouding: '20010400',
    });
    expect(b!.fields.geboortedatum).toBe('00000000');
  });

  it('reads functie adres as a code object, a description only, or the plain word of older versions', async () => {
    const person = (functieAdres: unknown) => ({ burgerservicenummer: '999993653', verblijfplaats: { postcode: '1234AB', huisnummer: 21, functieAdres } });
    const path = await tmpFile(
      'functie.json',
      JSON.stringify([person({ code: 'B' }), person({ omschrijving: 'briefadres' }), person('briefadres'), person('woonadres')]),
    );
    expect((await readAll(path)).map((r) => r.fields.functie_adres)).toEqual(['B', 'briefadres', 'briefadres', 'woonadres']);
  });

  it('rejects truncated JSON', async () => {
    const json = await readFile(FIXTURE);
    const path = await tmpFile('truncated.json', json.subarray(0, Math.floor(json.length / 2)));
    const error = await readAll(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).file).toBe('truncated.json');
    expect((error as FileRejectedError).cause).toBeInstanceOf(Error);
  });

  it('rejects a file that is not a JSON array or personen wrapper', async () => {
    await expect(readAll(await tmpFile('text.json', 'bsn;naam\n1;x\n'))).rejects.toThrow(FileRejectedError);
    await expect(readAll(await tmpFile('object.json', '{"personen": {"bsn": "1"}}'))).rejects.toThrow(FileRejectedError);
    await expect(readAll(await tmpFile('other.json', '{"persons": [{}]}'))).rejects.toThrow(/geen personen/);
    await expect(readAll(await tmpFile('empty.json', '[]'))).rejects.toThrow(/geen personen/);
  });
});
