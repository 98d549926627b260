import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { bag } from '../sources/bag/index.ts';
import { rng } from '../synthetic/random.ts';
import { compareBothWays } from './helpers/plain-paths.ts';

/**
 * The plain NLExtract reader (sources/plain-csv.ts with sources/bag/plain-rows.ts) must stage
 * exactly what the ordinary reader and bag.validate() stage: the same COPY lines for
 * staging.bag_vbo (live) and for staging.bag_num and staging.bag_vbo_num (spooled), the same
 * rejections, notes and counts. Random rows mix the plain form with values the writer must decline.
 */

const pseudonymizer = new Pseudonymizer('test-key-0123456789abcdef0123456789abcdef', 3);
const nlextract = bag.formats.find((f) => f.name === 'bag-nlextract-csv')!;
const dir = mkdtempSync(join(tmpdir(), 'plain-bag-'));

const compare = (path: string) => compareBothWays(bag, nlextract, path, pseudonymizer);

/** The header of NLExtract's bagadres-full.csv, aliases and unmapped columns included. */
const NLEXTRACT_HEADER = [
  'openbareruimte',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'postcode',
  'woonplaats',
  'gemeente',
  'provincie',
  'nummeraanduiding',
  'verblijfsobjectgebruiksdoel',
  'oppervlakteadresseerbaarobject',
  'verblijfsobjectstatus',
  'object_id',
  'object_type',
  'nevenadres',
  'pandid',
  'pandstatus',
  'pandbouwjaar',
  'x',
  'y',
  'lon',
  'lat',
  'verkorteopenbareruimte',
];

/** Mostly the plain form, often something the plain writer must decline. */
function values(random: () => number, n: number): Record<string, string> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const often = (plain: string, odd: readonly string[]) => (random() < 0.97 ? plain : pick(odd));
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  const type = often(pick(['VBO', 'VBO', 'VBO', 'LIG', 'STA']), ['', 'vbo', 'Lig', 'verblijfsobject', 'ligplaats', 'X', ' VBO', 'PND']);
  const code = { LIG: '02', STA: '03' }[type.trim().toUpperCase().slice(0, 3)] ?? '01';
  const x = 100_000 + random() * 50_000;
  const y = 440_000 + random() * 30_000;
  const rd = random() < 0.5 ? [String(Math.round(x)), String(Math.round(y))] : [x.toFixed(3), y.toFixed(2)];
  const withWgs = random() < 0.3;
  // A lat/lon of the same point (the series is 0.3 m from PROJ) or, now and then, 50 m off.
  const wgsLat = 52 + (y - 440_000) / 111_000 + (random() < 0.1 ? 0.0005 : 0);
  const wgsLon = 4.9 + (x - 120_000) / 68_000;
  return {
    openbareruimte: often(pick(['Rijnstraat', 'Dr. H.J. van Mooklaan', "'s-Gravenweg", '']), [' Rijnstraat', 'Rijnstraat ', 'Straße', 'O\\Brien', 'a"b']),
    huisnummer: often(String(1 + Math.floor(random() * 300)), ['', '0', '007', '100000', '-1', '12a', ' 5']),
    huisletter: random() < 0.8 ? '' : pick(['A', 'b', 'AB', '1', ' ']),
    huisnummertoevoeging: random() < 0.8 ? '' : pick(['bis', '2', 'a b', '12345', 'III', ' 2']),
    postcode: often(pick(['3440AA', '3441 BC', '']), ['3440aa', '0440AA', '3440SA', '3440 S A', '34400AA', 'AB1234']),
    woonplaats: often(pick(['Woerden', 'Harmelen', '']), ['Woerden ', ' ']),
    gemeente: random() < 0.97 ? pick(['Woerden', '']) : 'x"y',
    provincie: 'Utrecht',
    nummeraanduiding: often(`0632200000${pad(n % 1_000_000, 6)}`, ['', '0000000000000000', '632200000000001', '0632010000000001', 'x', '06322000000000011']),
    verblijfsobjectgebruiksdoel: often(pick(['woonfunctie', 'woonfunctie', 'kantoorfunctie', 'woonfunctie,winkelfunctie', 'overige gebruiksfunctie']), [
      '',
      'Woonfunctie',
      'woonfunctie, kantoorfunctie',
      'woonfunctie,,kantoorfunctie',
      'woonfunctie,',
      'schuur',
      ' woonfunctie',
      'OVERIGE GEBRUIKSFUNCTIE',
    ]),
    oppervlakteadresseerbaarobject: often(random() < 0.9 ? String(1 + Math.floor(random() * 300)) : '', ['0', '1000000', '12.5', '-3', '007', 'x']),
    verblijfsobjectstatus: often(pick(['Verblijfsobject in gebruik', 'Verblijfsobject gevormd', 'Plaats aangewezen', '']), [
      'verblijfsobject in gebruik',
      'Onbekend',
      'Verblijfsobject in gebruik ',
    ]),
    object_id: often(`0632${code}0000${pad(n % 1_000_000, 6)}`, ['', '0000000000000000', '632010000000001', '0632100000000001', '0632020000000001', 'x']),
    object_type: type,
    nevenadres: often(pick(['f', 't', '', 'false', 'true']), ['F', 'T', 'ja', 'nee', 'J', 'n', '1', '0', 'TRUE', 'yes', 'x', ' t']),
    pandid: often(pick([`0632100000${pad(n % 1000, 6)}`, `0632100000000001,0632100000${pad(n % 1000, 6)}`, '']), [
      '0632100000000001, 0632100000000002',
      '632100000000001',
      '0632010000000001',
      '0632100000000001,',
      'x',
    ]),
    pandstatus: 'Pand in gebruik',
    pandbouwjaar: String(1900 + Math.floor(random() * 120)),
    x: often(rd[0]!, ['', '119000,5', '-5', '1e5', '400000', '.5', '5.', 'x', rd[1]!]),
    y: often(rd[1]!, ['', '452000,5', '700000', '0', rd[0]!]),
    lon: withWgs ? often(String(wgsLon), ['', '4,9', '8.1', 'x', String(wgsLat)]) : random() < 0.97 ? '' : pick(['4.9', '5']),
    lat: withWgs ? often(String(wgsLat), ['', '52,1', '49.0', String(wgsLon)]) : random() < 0.97 ? '' : pick(['52.1', '99']),
    verkorteopenbareruimte: '',
  };
}

function writeRandomFile(seed: number, rows: number, options: { crlf?: boolean; header?: string[] } = {}): string {
  const random = rng(seed);
  const header = options.header ?? NLEXTRACT_HEADER;
  const eol = options.crlf ? '\r\n' : '\n';
  const out = [header.join(';')];
  for (let i = 0; i < rows; i++) {
    const v = values(random, seed * 100_000 + i);
    const cells = header.map((c) => {
      const value = v[c] ?? '';
      return /[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    });
    const roll = random();
    if (roll < 0.01) out.push('');
    else if (roll < 0.02) out.push(cells.join(';') + ';extra');
    else if (roll < 0.025) out.push(cells.slice(0, -2).join(';'));
    else out.push(cells.join(';'));
  }
  const path = join(dir, `random-${seed}.csv`);
  writeFileSync(path, out.join(eol) + (random() < 0.5 ? eol : ''));
  return path;
}

describe('the plain NLExtract reader stages what the ordinary reader stages', () => {
  it('on random rows, plain and otherwise', async () => {
    for (const seed of [1, 2, 3]) {
      const staged = await compare(writeRandomFile(seed, 3000));
      // Not vacuous: both paths were taken, every table written, rows rejected and noted.
      expect(staged.plainRows).toBeGreaterThan(500);
      expect(staged.rowsRead - staged.plainRows).toBeGreaterThan(100);
      expect(staged.rowsRejected).toBeGreaterThan(10);
      expect(staged.notes.length).toBeGreaterThan(0);
      for (const table of ['staging.bag_vbo', 'staging.bag_num', 'staging.bag_vbo_num']) expect(staged.tables[table]!.length).toBe(staged.rowsStaged);
    }
  });

  it('with CRLF line ends and other headers', async () => {
    await compare(writeRandomFile(11, 1500, { crlf: true }));
    await compare(writeRandomFile(12, 1500, { header: [...NLEXTRACT_HEADER].reverse() }));
    const canonical = ['verblijfsobject_id', 'object_type', 'nummeraanduiding_id', 'postcode', 'huisnummer', 'oppervlakte', 'gebruiksdoelen', 'rd_x', 'rd_y'];
    const alias: Record<string, string> = {
      verblijfsobject_id: 'object_id',
      nummeraanduiding_id: 'nummeraanduiding',
      oppervlakte: 'oppervlakteadresseerbaarobject',
      gebruiksdoelen: 'verblijfsobjectgebruiksdoel',
      rd_x: 'x',
      rd_y: 'y',
    };
    const random = rng(13);
    const lines = [canonical.join(',')];
    for (let i = 0; i < 1500; i++) {
      const v = values(random, i);
      lines.push(
        canonical
          .map((c) => v[alias[c] ?? c] ?? '')
          .map((s) => (/[,"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s))
          .join(','),
      );
    }
    const path = join(dir, 'canonical.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const staged = await compare(path);
    expect(staged.plainRows).toBeGreaterThan(100);
  });

  it('on the NLExtract fixture', async () => {
    const staged = await compare(join(import.meta.dirname, 'fixtures/bag-csv-nlextract/bagadres-full.csv'));
    expect(staged.plainRows).toBeGreaterThan(0);
  });

  it('writes the lines validate() writes for one plain row', async () => {
    const path = join(dir, 'one.csv');
    writeFileSync(
      path,
      'object_id;object_type;nummeraanduiding;postcode;huisnummer;huisletter;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;pandid;nevenadres;x;y\n' +
        '0632010000000001;VBO;0632200000000001;3441 BC;12;a;woonfunctie,kantoorfunctie;88;0632100000000001;ja;119000;452000\n',
    );
    const staged = await compare(path);
    expect(staged.plainRows).toBe(1);
    expect(staged.tables['staging.bag_vbo']![0]).toMatch(
      /^7\t2\t0632010000000001\tVBO\t88\t\{"woonfunctie","kantoorfunctie"\}\t\\N\t\{"0632100000000001"\}\t119000\t452000\t52\.\d{7}\t4\.\d{7}$/,
    );
    expect(staged.tables['staging.bag_num']).toEqual(['7\t2\t0632200000000001\t3441BC\t12\tA\t\\N\t\\N\t\\N\t\\N']);
    expect(staged.tables['staging.bag_vbo_num']).toEqual(['7\t2\t0632010000000001\t0632200000000001\ttrue']);
  });
});
