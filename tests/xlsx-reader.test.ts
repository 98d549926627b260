import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { ColumnSpec } from '../sources/columns.ts';
import { FileRejectedError, type SourceRecord } from '../sources/source.ts';
import { isXlsx, readXlsx, type XlsxReadOptions } from '../sources/xlsx.ts';
import { storedEntry, writeZip, zerosEntry } from './helpers/zip-writer.ts';

const PERMITS: ColumnSpec = {
  zaaknummer: { required: true, aliases: ['Zaaknummer', 'zaak nr'] },
  vergunningtype: { aliases: ['Type vergunning'] },
  postcode: { required: true },
  huisnummer: { required: true, aliases: ['Huisnr'] },
  verleend: { aliases: ['Datum verleend'] },
};

const dir = mkdtempSync(join(tmpdir(), 'xlsx-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function save(content: Buffer | string, name = `f${++fileNo}.xlsx`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function workbook(sheets: [string, XLSX.WorkSheet][]): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, ws] of sheets) XLSX.utils.book_append_sheet(wb, ws, name);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

function permitSheet(): XLSX.WorkSheet {
  const ws = XLSX.utils.aoa_to_sheet([
    ['Zaaknummer', 'Type vergunning', 'Postcode', 'Huisnr', 'Datum verleend'],
    ['Z-2024-001', 'exploitatievergunning', ' 3441 AB ', 12, null],
    [],
    ['Z-2024-002', 'alcoholwet', '3421CD', '7a', '01-02-2024'],
  ]);
  // A date as Excel stores it: a serial day number with a date format.
  ws['E2'] = { t: 'n', v: 45292, z: 'dd-mm-yyyy' };
  return ws;
}

async function collect(path: string, options: Partial<XlsxReadOptions> = {}): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of readXlsx(path, { columns: PERMITS, displayName: 'vergunningen.xlsx', ...options })) {
    out.push(record);
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<FileRejectedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileRejectedError);
  return error as FileRejectedError;
}

describe('readXlsx', () => {
  it('reads a permit register with stored values and Excel row numbers', async () => {
    const records = await collect(save(workbook([['Vergunningen', permitSheet()]])));
    expect(records).toEqual([
      {
        location: 'blad Vergunningen rij 2',
        line: 2,
        fields: {
          zaaknummer: 'Z-2024-001',
          vergunningtype: 'exploitatievergunning',
          postcode: '3441 AB',
          huisnummer: '12',
          verleend: '45292',
        },
      },
      {
        location: 'blad Vergunningen rij 4',
        line: 4,
        fields: {
          zaaknummer: 'Z-2024-002',
          vergunningtype: 'alcoholwet',
          postcode: '3421CD',
          huisnummer: '7a',
          verleend: '01-02-2024',
        },
      },
    ]);
  });

  it('takes the first non-empty row as header, wherever the table starts', async () => {
    const ws = XLSX.utils.aoa_to_sheet([]);
    XLSX.utils.sheet_add_aoa(
      ws,
      [
        ['zaak nr', 'postcode', 'huisnummer'],
        ['Z-9', '3441AB', 3],
      ],
      { origin: 'C3' },
    );
    const records = await collect(save(workbook([['Blad1', ws]])));
    expect(records).toEqual([{ location: 'blad Blad1 rij 4', line: 4, fields: { zaaknummer: 'Z-9', postcode: '3441AB', huisnummer: '3' } }]);
  });

  it('reads the sheet asked for by name, ignoring case', async () => {
    const notes = XLSX.utils.aoa_to_sheet([['Dit blad is toelichting'], ['geen gegevens']]);
    const path = save(
      workbook([
        ['Toelichting', notes],
        ['Vergunningen', permitSheet()],
      ]),
    );
    const records = await collect(path, { sheet: 'vergunningen' });
    expect(records.map((r) => r.location)).toEqual(['blad Vergunningen rij 2', 'blad Vergunningen rij 4']);
  });

  it('names the sheets present when the asked sheet is missing', async () => {
    const path = save(
      workbook([
        ['Toelichting', XLSX.utils.aoa_to_sheet([['x']])],
        ['Vergunningen', permitSheet()],
      ]),
    );
    const error = await rejection(collect(path, { sheet: 'Zaken' }));
    expect(error.message).toContain('blad "Zaken" niet gevonden');
    expect(error.message).toContain('"Toelichting", "Vergunningen"');
  });

  it('rejects a missing required column, naming it and the accepted names', async () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['Zaaknummer', 'Postcode'],
      ['Z-1', '3441AB'],
    ]);
    const error = await rejection(collect(save(workbook([['Vergunningen', ws]]))));
    expect(error.file).toBe('vergunningen.xlsx');
    expect(error.message).toContain('verplichte kolom ontbreekt: huisnummer (geaccepteerd: huisnummer, Huisnr)');
  });

  it('rejects a sheet with only a header', async () => {
    const ws = XLSX.utils.aoa_to_sheet([['Zaaknummer', 'Postcode', 'Huisnr']]);
    const error = await rejection(collect(save(workbook([['Vergunningen', ws]]))));
    expect(error.message).toContain('alleen een kopregel');
  });

  it('rejects a file above maxBytes before parsing', async () => {
    const error = await rejection(collect(save(workbook([['Vergunningen', permitSheet()]])), { maxBytes: 1000 }));
    expect(error.message).toMatch(/meer dan de grens van 1000 bytes/);
  });

  it('rejects a text file named .xlsx', async () => {
    const error = await rejection(collect(save('zaaknummer;postcode;huisnummer\nZ-1;3441AB;1\n')));
    expect(error.message).toContain('geen Excel-werkmap');
  });

  it('rejects the old binary .xls format with advice', async () => {
    const ole = Buffer.alloc(512);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    const error = await rejection(collect(save(ole)));
    expect(error.message).toMatch(/\.xls.*sla het op als \.xlsx/);
  });

  it('rejects a truncated workbook', async () => {
    const full = workbook([['Vergunningen', permitSheet()]]);
    const error = await rejection(collect(save(full.subarray(0, Math.floor(full.length / 2)))));
    expect(error.message).toContain('beschadigd of onvolledig');
  });

  it('rejects a zip bomb by its compression ratio without inflating it', async () => {
    const bomb = writeZip([storedEntry('[Content_Types].xml', '<Types/>'), await zerosEntry('xl/worksheets/sheet1.xml', 200 * 1024 * 1024)]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const error = await rejection(collect(save(bomb)));
    expect(error.message).toMatch(/"xl\/worksheets\/sheet1.xml" is \d+ keer samengeperst.*zip-bom/);
  });

  it('rejects an archive whose declared sizes add up beyond the limit', async () => {
    const zeros = await zerosEntry('xl/worksheets/sheet1.xml', 300 * 1024);
    const archive = writeZip([zeros, { ...zeros, name: 'xl/worksheets/sheet2.xml' }]);
    const error = await rejection(collect(save(archive), { maxBytes: 20_000 }));
    expect(error.message).toMatch(/uitgepakt zou de werkmap meer dan .* zijn/);
  });

  it('rejects an entry that inflates to more than it declares', async () => {
    const liar = { ...(await zerosEntry('xl/worksheets/sheet1.xml', 20 * 1024 * 1024)), uncompressedSize: 1000 };
    const error = await rejection(collect(save(writeZip([liar]))));
    expect(error.message).toContain('beschadigd of onvolledig');
  });

  it('confines prototype-pollution attempts to the worker', async () => {
    const hostile = XLSX.utils.aoa_to_sheet([
      ['__proto__', 'constructor', 'zaaknummer', 'postcode', 'huisnummer'],
      ['{"polluted":1}', 'prototype', '__proto__', 'constructor', 'toString'],
    ]);
    const path = save(
      workbook([
        ['__proto__', hostile],
        ['constructor', hostile],
      ]),
    );
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

    // The "__proto__" sheet cannot be looked up as an own property; it is refused, not read through the prototype.
    const first = await rejection(collect(path));
    expect(first.message).toContain('blad "__proto__" kan niet worden gelezen');

    const records = await collect(path, { sheet: 'constructor' });
    expect(records).toEqual([
      {
        location: 'blad constructor rij 2',
        line: 2,
        fields: { zaaknummer: '__proto__', postcode: 'constructor', huisnummer: 'toString' },
      },
    ]);
    expect(Object.getPrototypeOf(records[0]!.fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
  });

  it('terminates a parse that exceeds the time limit', async () => {
    const error = await rejection(collect(save(workbook([['Vergunningen', permitSheet()]])), { timeoutMs: 1 }));
    expect(error.message).toContain('timed out');
  });

  it('stops the worker when the consumer stops early', async () => {
    const rows: unknown[][] = [['zaaknummer', 'postcode', 'huisnummer']];
    for (let i = 0; i < 5000; i++) rows.push([`Z-${i}`, '3441AB', i + 1]);
    const path = save(workbook([['Vergunningen', XLSX.utils.aoa_to_sheet(rows)]]));
    const seen: string[] = [];
    for await (const record of readXlsx(path, { columns: PERMITS })) {
      seen.push(record.fields.zaaknummer!);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['Z-0', 'Z-1', 'Z-2']);
    // Batches are flow-controlled: all 5000 rows arrive in order across several of them.
    let count = 0;
    let last = 0;
    for await (const record of readXlsx(path, { columns: PERMITS })) {
      expect(record.line).toBeGreaterThan(last);
      last = record.line;
      count++;
    }
    expect(count).toBe(5000);
    expect(last).toBe(5001);
  });
});

describe('isXlsx', () => {
  it('recognises workbook extensions only', () => {
    expect(isXlsx('inbox/Vergunningen 2024.XLSX')).toBe(true);
    expect(isXlsx('damocles.xlsm')).toBe(true);
    expect(isXlsx('oud.xls')).toBe(false);
    expect(isXlsx('brp.csv')).toBe(false);
  });
});
