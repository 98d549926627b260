import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { brp } from '../sources/brp/index.ts';
import { rng, bsnFor } from '../synthetic/random.ts';
import { compareBothWays } from './helpers/plain-paths.ts';

/**
 * The plain reader (sources/plain-csv.ts with sources/brp/plain-rows.ts) must stage exactly what
 * the ordinary reader and brp.validate() stage: the same COPY lines, the same rejections, notes,
 * kinds and counts, for every file. Random rows mix the plain form with every kind of value the
 * plain writer must decline.
 */

const pseudonymizer = new Pseudonymizer('test-key-0123456789abcdef0123456789abcdef', 3);
const readable = brp.formats.find((f) => f.name === 'brp-csv')!;
const dir = mkdtempSync(join(tmpdir(), 'plain-csv-'));

const compare = (path: string) => compareBothWays(brp, readable, path, pseudonymizer);

const COLUMNS = [
  'bsn',
  'a_nummer',
  'voorvoegsel',
  'geslachtsnaam',
  'voornamen',
  'geboortedatum',
  'datum_overlijden',
  'reden_opschorting',
  'functie_adres',
  'datum_aanvang_adreshouding',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'verblijfsobject_id',
  'nummeraanduiding_id',
  'land',
  'indicatie_onjuist',
  'gemeente',
  'straatnaam',
  'historie_index',
];

/** Mostly the plain form, often something the plain writer must decline. */
function values(random: () => number, n: number): Record<string, string> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const often = (plain: string, odd: readonly string[]) => (random() < 0.96 ? plain : pick(odd));
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  const y = 1900 + Math.floor(random() * 125);
  const m = 1 + Math.floor(random() * 12);
  const d = 1 + Math.floor(random() * 31);
  const date = pick([`${y}${pad(m, 2)}${pad(d, 2)}`, `${pad(d, 2)}-${pad(m, 2)}-${y}`, `${y}-${pad(m, 2)}-${pad(d, 2)}`, `${d}-${m}-${y}`, `${d}/${m}/${y}`]);
  const bsn = bsnFor(n);
  return {
    bsn: often(bsn, [bsn.slice(1), `${bsn.slice(0, 4)} ${bsn.slice(4)}`, '000000000', '123456789', ` ${bsn}`, `${bsn}0`, 'abc', '']),
    a_nummer: random() < 0.9 ? '' : pick(['1000000055', '12345', 'x']),
    voorvoegsel: random() < 0.8 ? '' : pick(['van', 'de', 'van der', ' van', 'in ’t']),
    geslachtsnaam: often(pick(['Jansen', 'de Vries', 'Smit']), [
      '',
      'Çelik',
      'Müller',
      ' Bakker',
      'Bakker ',
      'O\\Brien',
      '"Quoted; name"',
      'a\tb',
      'x'.repeat(1200),
    ]),
    voornamen: often(pick(['Jan', 'Maria Johanna', 'Noah']), ['', 'Zoë', 'Jan ', '"multi\nline"', 'A\u200eB']),
    geboortedatum: often(date, ['', '00000000', '19800000', '19800500', '20230231', '17991231', '31-02-2000', 'gisteren', '2000-01-01T12:00']),
    datum_overlijden: random() < 0.92 ? '' : pick(['20200101', '00000000', 'x']),
    reden_opschorting: random() < 0.95 ? '' : pick(['O', 'E', 'Q']),
    functie_adres: often(pick(['W', 'B', '']), ['w', 'b', 'woonadres', 'X', ' W']),
    datum_aanvang_adreshouding: often(date, ['', '00000000', '20100000', '2010-13-01', '29-02-2001', '29-02-2000', '1-1-2000']),
    postcode: often(pick(['3440AA', '3441 BC', '']), ['3440aa', '0440AA', '3440SA', '3440SD', '3440 S A', '34400AA', 'AB1234']),
    huisnummer: often(String(1 + Math.floor(random() * 300)), ['', '0', '007', '100000', '-1', '12a', ' 5']),
    huisletter: random() < 0.8 ? '' : pick(['A', 'b', 'AB', '1']),
    huisnummertoevoeging: random() < 0.8 ? '' : pick(['bis', '2', 'a b', '12345', 'III']),
    verblijfsobject_id: often(`0632010000${pad(n % 1000000, 6)}`, [
      '',
      '0000000000000000',
      '632010000000001',
      '0632100000000001',
      '0632020000000001',
      '0632030000000009',
      'x',
    ]),
    nummeraanduiding_id: random() < 0.5 ? '' : pick([`0632200000${pad(n % 1000000, 6)}`, '0632010000000001', '0000000000000000', '632200000000001']),
    land: random() < 0.9 ? '' : pick(['6030', '5010', '0000', '12']),
    indicatie_onjuist: random() < 0.95 ? '' : pick(['O', 'X']),
    gemeente: often('0632', ['', '1999', 'Woerden']),
    straatnaam: random() < 0.7 ? '' : pick(['Rijnstraat', '.']),
    historie_index: often(String(Math.floor(random() * 3)), ['', '10001', '-1', 'x']),
  };
}

function writeRandomFile(seed: number, rows: number, options: { crlf?: boolean; bom?: boolean; columns?: string[] } = {}): string {
  const random = rng(seed);
  const columns = options.columns ?? COLUMNS;
  const eol = options.crlf ? '\r\n' : '\n';
  const out = [columns.join(';')];
  for (let i = 0; i < rows; i++) {
    const v = values(random, seed * 100_000 + i);
    const cells = columns.map((c) => {
      const value = v[c] ?? '';
      return /[;"\n]/.test(value) && !value.startsWith('"') ? `"${value.replace(/"/g, '""')}"` : value;
    });
    const roll = random();
    if (roll < 0.01) out.push('');
    else if (roll < 0.02) out.push(cells.join(';') + ';extra');
    else if (roll < 0.025) out.push(cells.join(';') + ';');
    else if (roll < 0.03) out.push(cells.slice(0, -2).join(';'));
    else out.push(cells.join(';'));
  }
  const path = join(dir, `random-${seed}.csv`);
  writeFileSync(path, (options.bom ? '\uFEFF' : '') + out.join(eol) + (random() < 0.5 ? eol : ''));
  return path;
}

describe('the plain BRP reader stages what the ordinary reader stages', () => {
  it('on random rows, plain and otherwise', async () => {
    for (const seed of [1, 2, 3]) {
      const staged = await compare(writeRandomFile(seed, 3000));
      // Not vacuous: both paths were taken, and rows were rejected and noted.
      expect(staged.plainRows).toBeGreaterThan(100);
      expect(staged.rowsRead - staged.plainRows).toBeGreaterThan(100);
      expect(staged.rowsRejected).toBeGreaterThan(10);
      expect(staged.notes.length).toBeGreaterThan(0);
    }
  });

  it('with CRLF line ends, a byte order mark and other column orders', async () => {
    await compare(writeRandomFile(11, 1500, { crlf: true }));
    await compare(writeRandomFile(12, 1500, { bom: true }));
    await compare(writeRandomFile(13, 1500, { columns: [...COLUMNS].reverse() }));
    const staged = await compare(writeRandomFile(14, 1500, { columns: ['bsn', 'geslachtsnaam', 'postcode', 'huisnummer', 'datum_aanvang_adreshouding'] }));
    expect(staged.plainRows).toBeGreaterThan(100);
  });

  it('on the readable life-event fixtures', async () => {
    const folder = join(import.meta.dirname, 'fixtures/brp-life-events/csv');
    for (const file of readdirSync(folder)) await compare(join(folder, file));
  });

  it('writes the line validate() writes for one plain row', async () => {
    const path = join(dir, 'one.csv');
    writeFileSync(
      path,
      'bsn;voorvoegsel;geslachtsnaam;geboortedatum;postcode;huisnummer;huisletter;datum_aanvang_adreshouding;verblijfsobject_id\n999990019;van;Dijk;19800229;3441 bc;12;a;01-02-2003;0632010000000001\n111222333;;Een;1-2-1990;3441BC;7;;;\n',
    );
    const staged = await compare(path);
    expect(staged.plainRows).toBe(1); // the lower-case postcode takes the ordinary path
    expect(staged.tables['staging.brp']).toContain(
      `7\t3\t0\t${pseudonymizer.pseudonymise('111222333')}\t3\tEen\t\\N\t1990-02-01\tW\t\\N\t0000-00-00\t\\N\t3441BC\t7\t\\N\t\\N\t\\N\t\\N\t\\N\tadres\tfalse\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N`,
    );
  });

  it('rejects a file whose later bytes are not UTF-8, as the ordinary reader does', async () => {
    const path = join(dir, 'mixed.csv');
    // Past the 256 KB the dialect is chosen from.
    const good = 'bsn;geslachtsnaam;postcode;huisnummer\n' + '111222333;Een;3441BC;7\n'.repeat(20_000);
    writeFileSync(path, Buffer.concat([Buffer.from(good), Buffer.from('111222333;M'), Buffer.from([0xfc]), Buffer.from('ller;3441BC;8\n')]));
    const reader = await readable.readPlain!(path, { displayName: 'mixed.csv', pseudonymizer, loadId: 1, maxLine: 1000 });
    await expect(async () => {
      for await (const _ of reader!) void _;
    }).rejects.toThrow('ongeldige UTF-8');
  });

  it('leaves a file it cannot read plainly to the ordinary reader', async () => {
    const quotedHeader = join(dir, 'quoted-header.csv');
    writeFileSync(quotedHeader, '"bsn";"geslachtsnaam";"postcode";"huisnummer"\n111222333;Een;3441BC;7\n');
    expect(await readable.readPlain!(quotedHeader, { displayName: 'q.csv', pseudonymizer, loadId: 1, maxLine: 1000 })).toBeNull();
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(
      latin1,
      Buffer.concat([Buffer.from('bsn;geslachtsnaam;postcode;huisnummer\n111222333;M'), Buffer.from([0xfc]), Buffer.from('ller;3441BC;7\n')]),
    );
    expect(await readable.readPlain!(latin1, { displayName: 'l.csv', pseudonymizer, loadId: 1, maxLine: 1000 })).toBeNull();
  });
});
