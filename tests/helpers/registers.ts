import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { bsnFor } from '../../synthetic/random.ts';
import { writeFileIn } from './files.ts';

/**
 * Inbox files for the permit and Damocles tests, independent of the BRP/BAG helpers other tests
 * use, so those can change without breaking these. Dates are relative to today, because the rules
 * judge validity and windows against current_date.
 */

export interface Obj {
  id: string;
  numId: string;
  postcode: string;
  huisnummer: number;
  oppervlakte: number;
  doelen: string;
}

/** Test gemeente 0998, so ids never collide with the 0999 of the other helpers. */
export function obj(n: number, doelen = 'woonfunctie', oppervlakte = 100): Obj {
  const serial = String(n).padStart(10, '0');
  return { id: `099801${serial}`, numId: `099820${serial}`, postcode: `${3400 + n}XY`, huisnummer: n, oppervlakte, doelen };
}

export function bagFile(objs: Obj[]): string {
  const header =
    'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
  const rows = objs.map((o) =>
    [
      'Proefstraat',
      o.huisnummer,
      '',
      '',
      o.postcode,
      'Proefdorp',
      'Proefgemeente',
      'Utrecht',
      o.numId,
      `"${o.doelen}"`,
      o.oppervlakte,
      'Verblijfsobject in gebruik',
      o.id,
      'VBO',
      'f',
      '0998100000000001',
      'Pand in gebruik',
      '1990',
      '',
      '',
      '',
      '',
      '',
    ].join(';'),
  );
  return [header, ...rows].join('\n') + '\n';
}

let nextBsn = 900_000;
export const freshBsn = (): string => bsnFor(nextBsn++);

/** One address of a person; the first is the current one (historie 0), then older ones. */
export interface Stay {
  obj: Obj;
  since: Date;
  functie?: 'W' | 'B';
  /** Only postcode and huisnummer, to exercise matching by address. */
  byAddress?: boolean;
}

export interface Person {
  bsn: string;
  naam: string;
  stays: Stay[];
}

export function brpFile(persons: Person[]): string {
  const header =
    'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id;historie_index';
  const rows = persons.flatMap((p) =>
    p.stays.map((s, i) =>
      [
        p.bsn,
        p.naam,
        'Jan',
        '19800101',
        s.obj.postcode,
        s.obj.huisnummer,
        s.functie ?? 'W',
        dmy(s.since),
        s.byAddress ? '' : s.obj.id,
        s.byAddress ? '' : s.obj.numId,
        i,
      ].join(';'),
    ),
  );
  return [header, ...rows].join('\n') + '\n';
}

export const DAY = 86_400_000;

/** Today at UTC midnight, plus n days. */
export function day(n = 0): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + n * DAY);
}

export const iso = (d: Date): string => d.toISOString().slice(0, 10);
export const dmy = (d: Date): string => `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
/** Excel's serial day number of a date. */
export const serial = (d: Date): number => Math.round((d.getTime() - Date.UTC(1899, 11, 30)) / DAY);

/** A `;`-separated CSV with a BOM, as Dutch Excel saves it. */
export function csvFile(header: string[], rows: (string | number | null | undefined)[][]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))).join(';')).join('\r\n') + '\r\n';
}

/** A workbook whose Date values become real date cells (serial number plus a date format). */
export function xlsxFile(sheets: Record<string, (string | number | Date | null)[][]>): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = XLSX.utils.aoa_to_sheet(rows.map((r) => r.map((v) => (v instanceof Date ? null : v))));
    rows.forEach((r, ri) =>
      r.forEach((v, ci) => {
        if (v instanceof Date) ws[XLSX.utils.encode_cell({ r: ri, c: ci })] = { t: 'n', v: serial(v), z: 'dd-mm-yyyy' };
      }),
    );
    XLSX.utils.book_append_sheet(wb, ws, name);
  }
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

export const PERMIT_HEADER = [
  'Zaaknummer',
  'Soort vergunning',
  'Verblijfsobject',
  'Postcode',
  'Huisnummer',
  'BSN houder',
  'KvK-nummer',
  'Naam houder',
  'Datum verleend',
  'Geldig tot',
  'Status',
];

export interface PermitRow {
  zaak: string;
  type: string;
  obj?: Obj;
  /** Use the address instead of the verblijfsobject id. */
  byAddress?: boolean;
  bsn?: string;
  kvk?: string;
  naam?: string;
  van?: Date;
  tot?: Date;
  status?: string;
}

export function permitRow(p: PermitRow): (string | number | Date | null)[] {
  return [
    p.zaak,
    p.type,
    p.obj && !p.byAddress ? p.obj.id : null,
    p.obj?.postcode ?? null,
    p.obj?.huisnummer ?? null,
    p.bsn ?? null,
    p.kvk ?? null,
    p.naam ?? null,
    p.van ?? null,
    p.tot ?? null,
    p.status ?? 'verleend',
  ];
}

export const DAMOCLES_HEADER = [
  'Zaaknummer',
  'BAG-id',
  'Postcode',
  'Huisnummer',
  'Object',
  'Datum constatering',
  'Drugs',
  'Besluit',
  'Sluiting van',
  'Sluiting tot',
  'Duur (maanden)',
  'BSN eigenaar',
  'KvK eigenaar',
  'Eigenaar',
  'BSN huurder',
  'KvK huurder',
  'Huurder',
];

export interface DamoclesRow {
  zaak: string;
  obj?: Obj;
  byAddress?: boolean;
  type?: string;
  constatering?: Date;
  drugs?: string;
  besluit?: string;
  start?: Date;
  einde?: Date;
  duur?: string | number;
  eigenaarBsn?: string;
  eigenaarKvk?: string;
  eigenaar?: string;
  huurderBsn?: string;
  huurderKvk?: string;
  huurder?: string;
}

export function damoclesRow(d: DamoclesRow): (string | number | Date | null)[] {
  return [
    d.zaak,
    d.obj && !d.byAddress ? d.obj.id : null,
    d.obj?.postcode ?? null,
    d.obj?.huisnummer ?? null,
    d.type ?? 'woning',
    d.constatering ?? d.start ?? null,
    d.drugs ?? 'hard',
    d.besluit ?? 'sluiting',
    d.start ?? null,
    d.einde ?? null,
    d.duur ?? null,
    d.eigenaarBsn ?? null,
    d.eigenaarKvk ?? null,
    d.eigenaar ?? null,
    d.huurderBsn ?? null,
    d.huurderKvk ?? null,
    d.huurder ?? null,
  ];
}

/** Rows with dates written as dd-mm-jjjj text, for CSV. */
export const asText = (row: (string | number | Date | null)[]) => row.map((v) => (v instanceof Date ? dmy(v) : v));

export interface Inbox {
  bag?: Obj[];
  brp?: Person[];
  permits?: PermitRow[];
  damocles?: DamoclesRow[];
}

/** Writes BAG and BRP as CSV, permits as a workbook and Damocles as a CSV, the usual way round. */
export async function writeInbox(inbox: string, files: Inbox): Promise<void> {
  if (files.bag) await writeFileIn(join(inbox, 'bag', 'bag.csv'), bagFile(files.bag));
  if (files.brp) await writeFileIn(join(inbox, 'brp', 'brp.csv'), brpFile(files.brp));
  if (files.permits)
    await writeFileIn(join(inbox, 'permits', 'vergunningen.xlsx'), xlsxFile({ Vergunningen: [PERMIT_HEADER, ...files.permits.map(permitRow)] }));
  if (files.damocles)
    await writeFileIn(
      join(inbox, 'damocles', 'damocles.csv'),
      csvFile(
        DAMOCLES_HEADER,
        files.damocles.map((d) => asText(damoclesRow(d))),
      ),
    );
}
