import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bsnFor } from '../../synthetic/random.ts';

export interface TestVbo {
  id: string;
  postcode: string;
  huisnummer: number;
  huisletter?: string;
  oppervlakte: number;
  doelen?: string;
  status?: string;
}

export interface TestPerson {
  bsn?: string;
  vbo: TestVbo;
  functie?: 'W' | 'B';
  since?: string;
  /** Register by address only (no BAG ids), to exercise address matching. */
  byAddress?: boolean;
  geslachtsnaam?: string;
}

/** 16-digit ids for the test gemeente 0999. */
export const vboId = (n: number) => `099901${String(n).padStart(10, '0')}`;
export const numId = (n: number) => `099920${String(n).padStart(10, '0')}`;

export function vbo(n: number, oppervlakte: number, extra: Partial<TestVbo> = {}): TestVbo {
  return { id: vboId(n), postcode: `9${String(100 + (n % 800)).padStart(3, '0')}AB`, huisnummer: n, oppervlakte, ...extra };
}

export async function writeFileIn(path: string, content: string | Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

export function bagCsv(vbos: TestVbo[]): string {
  const header = 'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
  const rows = vbos.map((v) =>
    ['Teststraat', v.huisnummer, v.huisletter ?? '', '', v.postcode, 'Testdorp', 'Testgemeente', 'Utrecht', numId(Number(v.id.slice(6))), v.doelen ?? 'woonfunctie', v.oppervlakte, v.status ?? 'Verblijfsobject in gebruik', v.id, 'VBO', 'f', '0999100000000001', 'Pand in gebruik', '1990', '', '', '', '', ''].join(';'),
  );
  return [header, ...rows].join('\n') + '\n';
}

let nextPerson = 500_000;

export function brpCsv(persons: TestPerson[]): string {
  const header = 'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;huisletter;huisnummertoevoeging;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id';
  const rows = persons.map((p) =>
    [p.bsn ?? bsnFor(nextPerson++), p.geslachtsnaam ?? 'Testpersoon', 'Jan', '19800101', p.vbo.postcode, p.vbo.huisnummer, p.vbo.huisletter ?? '', '', p.functie ?? 'W', p.since ?? '01-01-2020', p.byAddress ? '' : p.vbo.id, p.byAddress ? '' : numId(Number(p.vbo.id.slice(6)))].join(';'),
  );
  return [header, ...rows].join('\n') + '\n';
}

export const persons = (n: number, v: TestVbo, extra: Partial<TestPerson> = {}): TestPerson[] =>
  Array.from({ length: n }, (_, i) => ({ vbo: v, byAddress: i % 2 === 1, ...extra }));

export function inboxPath(inbox: string, source: string, name: string): string {
  return join(inbox, source, name);
}
