import { readCsv } from '../csv.ts';
import type { ColumnSpec } from '../columns.ts';
import { FileRejectedError, type ReadOptions, type SourceRecord } from '../source.ts';

/**
 * GBA/LO3 exports (RvIG GBA-V selections): `;`, UTF-8 with BOM, headers are element numbers
 * `CC.GG.EE`. The first column holds the persoonslijst id; a row with an empty first column
 * continues the person above with historic occurrences, each category independently: its
 * category-08 columns, when filled, are an older verblijfplaats (LO3 category 58), most recent
 * first. Each `CC.H` column only marks that a history row follows, so it carries no data.
 *
 * One record per verblijfplaats occurrence: the current one (the person's first row) has
 * historie_index '0', older ones '1', '2', ... in file order. Person fields (categories 01, 06
 * overlijden and 07 inschrijving) come from the first row and are repeated on history records;
 * names on continuation rows are name history.
 *
 * Each older occurrence also carries the start and the index of the occurrence that ended it
 * (`volgende_aanvang`, `volgende_index`): the nearest newer one that is not marked onjuist. Only
 * the reader sees that neighbour for certain: a newer row that fails validation (a bad postcode,
 * a date that does not exist) never reaches staging, and the older occurrence must end all the
 * same. Staging every row, invalid ones included, would have put unchecked values in typed tables;
 * carrying one date down keeps staging clean and the history closed.
 */

/** Element numbers per canonical field; the element number is the column header in the file. */
const PERSON_ELEMENTS = {
  bsn: '01.01.20',
  voornamen: '01.02.10',
  voorvoegsel: '01.02.30',
  geslachtsnaam: '01.02.40',
  geboortedatum: '01.03.10',
  // A person who died, or whose list is no longer kept (opschorting), lives nowhere from that date.
  datum_overlijden: '06.08.10',
  datum_opschorting: '07.67.10',
  reden_opschorting: '07.67.20',
} as const;

const ADDRESS_ELEMENTS = {
  gemeente_van_inschrijving: '08.09.10',
  functie_adres: '08.10.10',
  datum_aanvang_adreshouding: '08.10.30',
  straatnaam: '08.11.10',
  huisnummer: '08.11.20',
  huisletter: '08.11.30',
  huisnummertoevoeging: '08.11.40',
  aanduiding_bij_huisnummer: '08.11.50',
  postcode: '08.11.60',
  woonplaats: '08.11.70',
  verblijfsobject_id: '08.11.80',
  nummeraanduiding_id: '08.11.90',
  // A woonboot or woonwagen without postcode and huisnummer.
  locatiebeschrijving: '08.12.10',
  // Set when the person lives abroad (RNI); the Dutch address fields are then empty.
  land_adres_buitenland: '08.13.10',
  datum_aanvang_adres_buitenland: '08.13.20',
  // An occurrence marked onjuist was never a real address; consumers must not count it as a move.
  indicatie_onjuist: '08.84.10',
  ingangsdatum_geldigheid: '08.85.10',
  // 089999 / 589999: the municipality established that the person does not live at this address.
  onderzoek_aanduiding: '08.83.10',
  onderzoek_datum_ingang: '08.83.20',
  onderzoek_datum_einde: '08.83.30',
} as const;

const REQUIRED = new Set(['bsn', 'datum_aanvang_adreshouding']);

export const LO3_COLUMNS: ColumnSpec = Object.fromEntries(
  Object.entries({ ...PERSON_ELEMENTS, ...ADDRESS_ELEMENTS }).map(([canonical, element]) => [
    canonical,
    { aliases: [element], required: REQUIRED.has(canonical) },
  ]),
);

const ELEMENT = /^\d{2}\.\d{2}\.\d{2}$/;
const CATEGORY_08 = /^08\.\d{2}\.\d{2}$/;

/** True when most named columns are LO3 element numbers, to tell LO3 from readable-header BRP CSV. */
export function isLo3Header(header: string[]): boolean {
  const named = header.map((h) => h.trim()).filter((h) => h !== '');
  if (named.length === 0) return false;
  return named.filter((h) => ELEMENT.test(h)).length > named.length / 2;
}

export async function* readLo3(path: string, options: ReadOptions = {}): AsyncGenerator<SourceRecord> {
  const displayName = options.displayName ?? path;
  let addressColumns: number[] = [];
  const onHeader = (header: string[]) => {
    if (ELEMENT.test(header[0]?.trim() ?? '')) {
      throw new FileRejectedError(
        displayName,
        'de eerste kolom moet het persoonslijst-id zijn (zonder kopnaam); zonder die kolom is niet te zien welke regels historie van welke persoon zijn',
      );
    }
    addressColumns = header.flatMap((h, i) => (CATEGORY_08.test(h.trim()) ? [i] : []));
    const has = (element: string) => header.some((h) => h.trim() === element);
    if (!has(ADDRESS_ELEMENTS.verblijfsobject_id) && !(has(ADDRESS_ELEMENTS.postcode) && has(ADDRESS_ELEMENTS.huisnummer))) {
      throw new FileRejectedError(
        displayName,
        `de export moet ${ADDRESS_ELEMENTS.verblijfsobject_id} (adresseerbaar object) of ${ADDRESS_ELEMENTS.postcode} en ${ADDRESS_ELEMENTS.huisnummer} (postcode en huisnummer) bevatten`,
      );
    }
  };

  let person: { plId: string; line: number; fields: Record<string, string | undefined>; fieldCount?: SourceRecord['fieldCount'] } | undefined;
  let olderAddresses = 0;
  // The nearest newer occurrence of this list that is not onjuist: it ends the next older one.
  let newer: { aanvang: string; index: number } | undefined;
  for await (const row of readCsv(path, { displayName, columns: LO3_COLUMNS, raw: true, onHeader })) {
    const raw = row.raw ?? [];
    const plId = raw[0]?.trim() ?? '';
    if (plId !== '') {
      person = { plId, line: row.line, fields: pick(row.fields, PERSON_ELEMENTS), fieldCount: row.fieldCount };
      olderAddresses = 0;
      newer = undefined;
    } else if (!person) {
      throw new FileRejectedError(displayName, `${row.location ?? `regel ${row.line}`}: vervolgregel (lege eerste kolom) zonder persoonslijst erboven`);
    }
    // A row without category-08 data carries history of other categories only.
    if (!addressColumns.some((i) => (raw[i]?.trim() ?? '') !== '')) continue;
    // Index 0 is the first row's address only: if that row has none, the history still starts at 1.
    const historyIndex = plId !== '' ? 0 : ++olderAddresses;
    const address = pick(row.fields, ADDRESS_ELEMENTS);
    yield {
      location: row.location ?? `regel ${row.line}`,
      line: row.line,
      // A shifted person row taints the history rows that inherit its fields.
      fieldCount: row.fieldCount ?? person.fieldCount,
      fields: {
        pl_id: person.plId,
        pl_regel: String(person.line),
        ...person.fields,
        ...address,
        historie_index: String(historyIndex),
        volgende_aanvang: newer?.aanvang,
        volgende_index: newer === undefined ? undefined : String(newer.index),
      },
    };
    if (address.indicatie_onjuist?.trim().toUpperCase() !== 'O') {
      // An occurrence without a start still ends the older one; its end is then unknown.
      const aanvang = address.datum_aanvang_adreshouding?.trim() || address.datum_aanvang_adres_buitenland?.trim() || '00000000';
      newer = { aanvang, index: historyIndex };
    }
  }
}

function pick(fields: Record<string, string | undefined>, names: Record<string, string>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(names)) out[name] = fields[name];
  return out;
}
