import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, type IngestResult } from '../pipelines/ingest/ingest.ts';
import { brpModelText, fileDetails } from '../pipelines/summary.ts';
import { brp } from '../sources/brp/index.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';

/** What `pakhuis ingest` and the run summary print under a file: reasons by count, and how many more. */
describe('rejection reasons in the summaries', () => {
  let ctx: TestContext;
  let result: IngestResult;

  beforeAll(async () => {
    ctx = await createTestContext();
    const rows = [
      // Seven reasons, the most frequent written last, so first seen is not most frequent.
      '999993654;3441AB;1;01-02-2020;W', // 11-proef
      '999990639;3441AB;1;01-02-2020;X', // functie adres
      '999994736;3441AB;0;01-02-2020;W', // huisnummer out of range, nothing else
      '999991425;;;01-02-2020;W', // geen verblijfplaats
      '12345;3441AB;1;01-02-2020;W', // BSN length
      '1234567;3441AB;1;01-02-2020;W',
      '999993653;3441AB;2;31-02-2020;W', // date
      '999993653;3441AB;3;31-02-2020;W',
      '999993653;3441AB;4;31-02-2020;W',
      '999993653;ABCD12;5;01-02-2020;W', // postcode
      '999993653;ABCD13;6;01-02-2020;W',
      '999993653;ABCD14;7;01-02-2020;W',
      '999993653;ABCD15;8;01-02-2020;W',
      '999993653;3441AB;9;01-02-2020;W',
    ];
    const path = await writeFileIn(
      join(ctx.dir, 'redenen.csv'),
      ['bsn;postcode;huisnummer;datum_aanvang_adreshouding;functie_adres', ...rows].join('\n') + '\n',
    );
    result = await ingestFile(ctx, brp, path, { displayName: 'brp/redenen.csv' });
  });
  afterAll(async () => ctx?.close());

  it('orders the reasons by count, most frequent first', () => {
    expect(result).toMatchObject({ rowsStaged: 1, rowsRejected: 13 });
    expect(result.reasons.map((r) => [r.count, r.column])).toEqual([
      [4, 'postcode'],
      [3, 'datum_aanvang_adreshouding'],
      [2, 'bsn'],
      [1, 'bsn'],
      [1, 'functie_adres'],
      [1, 'huisnummer'],
      [1, 'postcode'],
    ]);
  });

  it('lists five and says how many reasons and rows it left out', () => {
    const lines = fileDetails(result);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('4x afgekeurd, postcode: postcode heeft niet de vorm 1234AB');
    expect(lines[5]).toBe('en 2 andere redenen (2 rijen afgekeurd)');
  });
});

describe('the BRP model line of the run summary', () => {
  it('says what the model decided, leaving out what did not happen', () => {
    const zero = {
      gesloten_door_voorkomen_elders: 0,
      einde_onbekend: 0,
      einde_voor_aanvang: 0,
      zonder_datums: 0,
      overlijden: 0,
      opschorting: 0,
      niet_op_adres: 0,
      lijsten_nooit_bewoner: 0,
      mogelijke_bewoners: 0,
    };
    expect(brpModelText(zero)).toBe('');
    expect(brpModelText({ ...zero, gesloten_door_voorkomen_elders: 1, overlijden: 16 })).toBe(
      '1 periode beëindigd door een nieuwer voorkomen buiten het model (buitenland, locatiebeschrijving of afgekeurde rij); 16 inschrijvingen beëindigd door overlijden',
    );
  });
});
