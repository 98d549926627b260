import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { NLEXTRACT_COLUMNS } from '../sources/bag/nlextract-csv.ts';
import { BRP_COLUMNS } from '../sources/brp/readable-csv.ts';
import { readCsv, type CsvRecord } from '../sources/csv.ts';
import { FileRejectedError } from '../sources/source.ts';

const FIXTURE = new URL('./fixtures/bag-csv-nlextract/bagadres-full.csv', import.meta.url).pathname;

async function all(path: string, columns = BRP_COLUMNS): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsv(path, { columns, displayName: 'test.csv' })) out.push(r);
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pakhuis-csv-'));
});
const file = async (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

describe('NLExtract adres-full CSV (real sample)', () => {
  it('reads all 99 addresses with canonical fields', async () => {
    const rows = await all(FIXTURE, NLEXTRACT_COLUMNS);
    expect(rows).toHaveLength(99);
    expect(rows[0]).toMatchObject({
      line: 2,
      fields: {
        verblijfsobject_id: '0363010000964973',
        nummeraanduiding_id: '0363200000081086',
        gebruiksdoelen: 'kantoorfunctie',
        oppervlakte: '1',
        postcode: '1011AB',
        huisnummer: '105',
        huisnummertoevoeging: '1',
        object_type: 'VBO',
        is_nevenadres: 'f',
      },
    });
  });
});

describe('readable-header CSV as municipalities deliver it', () => {
  it('reads Windows-1252 from Dutch Excel with ; and aliases in any spelling', async () => {
    const text = 'Burgerservicenummer;Achternaam;Voornamen;Postcode;Huisnummer;Functie adres\r\n999993653;Müller-Ëlçi;José;3441 AB;12;W\r\n';
    const rows = await all(await file('excel.csv', iconv.encode(text, 'windows-1252')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.fields).toMatchObject({ bsn: '999993653', geslachtsnaam: 'Müller-Ëlçi', voornamen: 'José', postcode: '3441 AB', functie_adres: 'W' });
  });
  it('reads UTF-8 with BOM, comma delimiter, quoted fields with newlines, and trailing empty lines', async () => {
    const text = '\uFEFFbsn,geslachtsnaam,postcode,huisnummer\n999993653,"de Vries\nvan Dam",3441AB,1\n\n999990639,"Jansen, J.",3441AB,2\n\n\n';
    const rows = await all(await file('bom.csv', text));
    expect(rows.map((r) => [r.line, r.fields.geslachtsnaam])).toEqual([
      [2, 'de Vries\nvan Dam'],
      [5, 'Jansen, J.'],
    ]);
  });
  it('reads tab-separated files', async () => {
    const rows = await all(await file('tab.tsv', 'BSN\tgeslachtsnaam\n999993653\tBakker\n'));
    expect(rows[0]!.fields).toMatchObject({ bsn: '999993653', geslachtsnaam: 'Bakker' });
  });
});

describe('whole-file rejections', () => {
  const rejects = async (path: string, pattern: RegExp) => {
    const error = await all(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as Error).message).toMatch(pattern);
  };
  it('names the missing required column and the names accepted for it', async () => {
    await rejects(
      await file('nobsn.csv', 'naam;postcode\nJan;3441AB\n'),
      /test\.csv: verplichte kolom ontbreekt: bsn \(geaccepteerd: bsn, burgerservicenummer/,
    );
  });
  it('rejects an empty file, a header-only file and binary content', async () => {
    await rejects(await file('empty.csv', ''), /leeg/);
    await rejects(await file('header.csv', 'bsn;postcode\n'), /alleen een kopregel/);
    await rejects(await file('binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0, 0xff, 0xfe])), /geen tekst/);
  });
  it('rejects two columns that mean the same field', async () => {
    await rejects(await file('dup.csv', 'bsn;burgerservicenummer\n1;2\n'), /betekenen allebei bsn/);
  });
  it('rejects bytes that Windows-1252 does not define, naming byte and line', async () => {
    // 0x81 is a DOS (CP850) ü: the file is in another code page, and guessing would garble names.
    const bytes = Buffer.concat([Buffer.from('bsn;naam\n100000009;Mar\xe9\n100000010;M', 'latin1'), Buffer.from([0x81]), Buffer.from('ller\n', 'latin1')]);
    await rejects(await file('cp850.csv', bytes), /^test\.csv: byte 0x81 op regel 3 bestaat niet in Windows-1252: het bestand heeft een andere codering$/);
  });
  it('rejects a Windows-1252 file that turns to UTF-8 further on, naming the line', async () => {
    const bytes = Buffer.concat([Buffer.from('bsn;naam\n100000009;M\xfcller\n', 'latin1'), Buffer.from('100000010;Müller\n', 'utf8')]);
    await rejects(await file('mixed.csv', bytes), /^test\.csv: UTF-8-tekens op regel 3 in een bestand dat als Windows-1252 begint \(gemengde codering\?\)$/);
  });
  it('rejects a file with a UTF-8 BOM whose first lines are not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('bsn;naam\n100000009;M\xfcller\n', 'latin1')]);
    await rejects(await file('bom1252.csv', bytes), /^test\.csv: het bestand begint met een UTF-8-BOM maar de eerste regels zijn geen geldige UTF-8/);
  });
});
