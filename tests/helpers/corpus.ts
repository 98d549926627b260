/**
 * Builders for hostile and broken input files: the shapes real exports break in (truncated,
 * wrong code page, wrong delimiter) and the shapes an attacker would send (zip bomb, XXE,
 * prototype pollution, binary garbage). Small on purpose, so a corpus of them runs in seconds.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import * as XLSX from 'xlsx';
import { zipBuffer } from './zip.ts';
import { storedEntry, writeZip, zerosEntry } from './zip-writer.ts';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
export const DOESBURG = join(FIXTURES, 'bag-xml-doesburg');
export const DOESBURG_VBO = '0221VBO15092020-000001.xml';

/** The first `fraction` of the bytes: a file cut off mid-transfer. */
export function truncated(content: Buffer | string, fraction = 0.5): Buffer {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return data.subarray(0, Math.floor(data.length * fraction));
}

/** Deterministic bytes that are no text: NULs and control bytes everywhere. */
export function binaryGarbage(bytes = 4096): Buffer {
  const out = Buffer.alloc(bytes);
  let x = 0x2545f491;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  out[0] = 0;
  return out;
}

/** Text as Dutch Excel saves it: Windows-1252, no BOM. */
export function windows1252(text: string): Buffer {
  return iconv.encode(text, 'windows-1252');
}

/**
 * Valid UTF-8 for more than `cleanBytes`, then a row with a Windows-1252 byte (0xE9 for "é")
 * that is invalid UTF-8: a file glued together from two exports. The head sample the reader
 * checks strictly is clean; the bad byte comes later.
 */
export function mixedEncoding(header: string, row: (i: number) => string, badRow: string, cleanBytes = 300 * 1024): Buffer {
  const lines = [header];
  let size = header.length + 1;
  for (let i = 0; size <= cleanBytes; i++) {
    const line = row(i);
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  const clean = Buffer.from(lines.join('\n') + '\n', 'utf8');
  return Buffer.concat([clean, windows1252(badRow + '\n')]);
}

/** The Doesburg BAG 2.0 sample as one zip, the way Kadaster delivers a gemeente extract. */
export async function doesburgZip(): Promise<Buffer> {
  const names = (await readdir(DOESBURG)).sort();
  const entries = await Promise.all(names.map(async (name) => ({ name: `extract/${name}`, data: await readFile(join(DOESBURG, name)) })));
  return zipBuffer(entries);
}

export async function doesburgVboXml(): Promise<Buffer> {
  return readFile(join(DOESBURG, DOESBURG_VBO));
}

/** A BAG-looking document whose DOCTYPE declares an external entity pointing at a local file. */
export function xxeXml(target = 'file:///etc/passwd'): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<!DOCTYPE bagStand [<!ENTITY xxe SYSTEM "${target}">]>\n` +
    '<bagStand><Verblijfsobject><identificatie>&xxe;</identificatie><oppervlakte>100</oppervlakte></Verblijfsobject></bagStand>\n'
  );
}

/** An .xlsx that is a deflate bomb: a worksheet entry of `megabytes` MB of zeros in a few KB. */
export async function xlsxZipBomb(megabytes = 20): Promise<Buffer> {
  return writeZip([
    storedEntry('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    await zerosEntry('xl/worksheets/sheet1.xml', megabytes * 1024 * 1024),
  ]);
}

/**
 * A workbook whose sheet names, headers and cells are the keys a prototype-pollution payload
 * uses. Its first sheet is called "__proto__".
 */
export function prototypePollutionXlsx(header: string[]): Buffer {
  const hostile = XLSX.utils.aoa_to_sheet([
    ['__proto__', 'constructor', 'prototype', ...header],
    ['{"polluted":1}', '{"prototype":{"polluted":1}}', 'polluted', ...header.map(() => '__proto__')],
  ]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, hostile, '__proto__');
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['constructor'], ['prototype']]), 'constructor');
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

/** A Haal Centraal (GBA-style) person as the API returns it. */
export function haalCentraalPerson(p: {
  bsn: string;
  naam: string;
  vbo: string;
  num: string;
  postcode: string;
  huisnummer: number;
  sinds: string;
}): Record<string, unknown> {
  return {
    burgerservicenummer: p.bsn,
    naam: { voornamen: 'Jan', geslachtsnaam: p.naam },
    geboorte: { datum: '19800101' },
    verblijfplaats: {
      functieAdres: { code: 'W', omschrijving: 'woonadres' },
      adresseerbaarObjectIdentificatie: p.vbo,
      nummeraanduidingIdentificatie: p.num,
      datumAanvangAdreshouding: p.sinds,
      postcode: p.postcode,
      huisnummer: String(p.huisnummer),
    },
  };
}

/** An LO3 (GBA-V) export whose first data row continues a person that is not there: its first column is empty. */
export function lo3StartingWithContinuation(rows: { bsn: string; naam: string; vbo: string; postcode: string; huisnummer: number; sinds: string }[]): string {
  const header = ';01.01.20;01.02.10;01.02.40;01.03.10;08.09.10;08.10.10;08.10.30;08.11.20;08.11.60;08.11.80';
  const lines = rows.map((r, i) =>
    [i === 0 ? '' : `PL${i}`, r.bsn, 'Jan', r.naam, '19800101', '0999', 'W', r.sinds, r.huisnummer, r.postcode, r.vbo].join(';'),
  );
  return '\uFEFF' + [header, ...lines].join('\r\n') + '\r\n';
}

/** A semicolon CSV from a header and rows, written as given (no quoting: callers pass plain cells). */
export function csv(header: string[], rows: (string | number)[][], eol = '\n'): string {
  return [header.join(';'), ...rows.map((r) => r.join(';'))].join(eol) + eol;
}
