import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bsnFor } from '../../synthetic/random.ts';

export interface TestVbo {
  id: string;
  postcode: string;
  huisnummer: number;
  huisletter?: string;
  oppervlakte: number;
  /** Comma-separated gebruiksdoelen; '' for a ligplaats or standplaats. */
  doelen?: string;
  status?: string;
  objectType?: 'VBO' | 'LIG' | 'STA';
  /** NLExtract's x;y;lon;lat as written; empty when absent. */
  point?: [x: string, y: string, lon: string, lat: string];
}

/** An earlier address of a person: a BRP history row (historie_index 1, 2, .. newest first). */
export interface TestAddressHistory {
  vbo: TestVbo;
  since: string;
  functie?: 'W' | 'B';
  byAddress?: boolean;
}

export interface TestPerson {
  bsn?: string;
  vbo: TestVbo;
  functie?: 'W' | 'B';
  since?: string;
  /** Register by address only (no BAG ids), to exercise address matching. */
  byAddress?: boolean;
  /** Register by verblijfsobject id only (no nummeraanduiding, no postal address). */
  idsOnly?: boolean;
  /** Earlier addresses, newest first; the model derives each one's end from the next newer row. */
  history?: TestAddressHistory[];
  geslachtsnaam?: string;
}

/** 16-digit ids for the test gemeente 0999. */
export const vboId = (n: number) => `099901${String(n).padStart(10, '0')}`;
export const numId = (n: number) => `099920${String(n).padStart(10, '0')}`;

export function vbo(n: number, oppervlakte: number, extra: Partial<TestVbo> = {}): TestVbo {
  return { id: vboId(n), postcode: `9${String(100 + (n % 800)).padStart(3, '0')}AB`, huisnummer: n, oppervlakte, ...extra };
}

/** A ligplaats (houseboat berth): BAG type 02, no gebruiksdoel. Its nummeraanduiding uses the same serial. */
export function ligplaats(n: number, extra: Partial<TestVbo> = {}): TestVbo {
  return { ...vbo(n, 1), id: `099902${String(n).padStart(10, '0')}`, doelen: '', status: 'Plaats aangewezen', objectType: 'LIG', ...extra };
}

const bagSerial = (v: TestVbo) => Number(v.id.slice(6));

export async function writeFileIn(path: string, content: string | Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

export function bagCsv(vbos: TestVbo[]): string {
  const header =
    'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
  const rows = vbos.map((v) =>
    [
      'Teststraat',
      v.huisnummer,
      v.huisletter ?? '',
      '',
      v.postcode,
      'Testdorp',
      'Testgemeente',
      'Utrecht',
      numId(bagSerial(v)),
      v.doelen ?? 'woonfunctie',
      v.objectType && v.objectType !== 'VBO' ? '' : v.oppervlakte,
      v.status ?? 'Verblijfsobject in gebruik',
      v.id,
      v.objectType ?? 'VBO',
      'f',
      '0999100000000001',
      'Pand in gebruik',
      '1990',
      ...(v.point ?? ['', '', '', '']),
      '',
    ].join(';'),
  );
  return [header, ...rows].join('\n') + '\n';
}

let nextPerson = 500_000;

/** A fresh test BSN, for a person who must keep the same BSN across files (runs). */
export const newBsn = (): string => bsnFor(nextPerson++);

export function brpCsv(persons: TestPerson[]): string {
  const header =
    'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;huisletter;huisnummertoevoeging;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id;historie_index';
  const row = (bsn: string, p: TestPerson, a: TestAddressHistory & { idsOnly?: boolean }, index: number) => {
    const ids = !a.byAddress;
    const address = !a.idsOnly;
    return [
      bsn,
      p.geslachtsnaam ?? 'Testpersoon',
      'Jan',
      '19800101',
      address ? a.vbo.postcode : '',
      address ? a.vbo.huisnummer : '',
      address ? (a.vbo.huisletter ?? '') : '',
      '',
      a.functie ?? 'W',
      a.since,
      ids ? a.vbo.id : '',
      ids && address ? numId(bagSerial(a.vbo)) : '',
      index,
    ].join(';');
  };
  const rows = persons.flatMap((p) => {
    const bsn = p.bsn ?? newBsn();
    return [
      row(bsn, p, { vbo: p.vbo, since: p.since ?? '01-01-2020', functie: p.functie, byAddress: p.byAddress, idsOnly: p.idsOnly }, 0),
      ...(p.history ?? []).map((h, i) => row(bsn, p, h, i + 1)),
    ];
  });
  return [header, ...rows].join('\n') + '\n';
}

export const persons = (n: number, v: TestVbo, extra: Partial<TestPerson> = {}): TestPerson[] =>
  Array.from({ length: n }, (_, i) => ({ vbo: v, byAddress: i % 2 === 1, ...extra }));

export function inboxPath(inbox: string, source: string, name: string): string {
  return join(inbox, source, name);
}
