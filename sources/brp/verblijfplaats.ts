import type { Address } from '../address-fields.ts';
import { opt } from '../fields.ts';
import { RowError, type Note, type SourceRecord } from '../source.ts';
import { checkBagId, checkHuisletter, checkInt, checkToevoeging, normalisePostcode, type Checked } from '../validate.ts';
import { brpDate, UNKNOWN_DATE, type BrpDate } from './dates.ts';

/**
 * What one verblijfplaats occurrence is, in the BRP's own terms:
 * - `adres`: a Dutch address that can be looked up in the BAG (an object or nummeraanduiding id,
 *   or a postcode with a huisnummer);
 * - `zonder_postcode`: a Dutch address from before postcodes existed (street and number only);
 * - `locatie`: a Dutch residence described in words (08.12.10), a woonboot or woonwagen;
 * - `buitenland`: an address abroad (08.13.10), or land 0000, vertrokken onbekend waarheen;
 * - `onbekend`: a Dutch verblijfplaats whose address is the standard value for unknown (straatnaam
 *   `.`), as the municipality records it while the address is being investigated.
 * Only `adres` occurrences can make a resident of a verblijfsobject; the others are valid, loaded,
 * counted by kind, and still end the occurrence before them.
 */
export type Soort = 'adres' | 'zonder_postcode' | 'locatie' | 'buitenland' | 'onbekend';

export interface Verblijfplaats {
  soort: Soort;
  address: Address;
  nummeraanduidingId: string | null;
  land: string | null;
  /** Start of the occurrence (08.10.30, or 08.13.20 abroad); unknown when absent or 00000000. */
  aanvang: BrpDate;
}

/** How the summary names a kind of occurrence that is loaded but not addressable. */
export const SOORT_LABELS: Record<Exclude<Soort, 'adres'>, string> = {
  buitenland: 'in het buitenland',
  locatie: 'met een locatiebeschrijving (woonboot, woonwagen)',
  zonder_postcode: 'met een adres zonder postcode (van vóór de postcode)',
  onbekend: 'met een onbekend adres (standaardwaarde)',
};
export const ONBEKEND_WAARHEEN = 'vertrokken onbekend waarheen (land 0000)';

const NEDERLAND = '6030';
/** Shared by every occurrence without a Dutch address: rows copy its fields, none changes it. */
const NO_ADDRESS: Address = Object.freeze({ verblijfsobject_id: null, postcode: null, huisnummer: null, huisletter: null, huisnummertoevoeging: null });
const objectId = (s: string) => checkBagId(s, 'verblijfsobject', 'ligplaats', 'standplaats');
const nummeraanduidingId = (s: string) => checkBagId(s, 'nummeraanduiding');
const huisnummer = (s: string) => checkInt(s, 1, 99999, 'huisnummer');

/** An id of zeros only is the standard value for "unknown object" (or nummeraanduiding). */
function isZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

type Field = { column: string; value: string | number | null; fault?: string };

function field(record: SourceRecord, column: string, check: (raw: string) => Checked<string | number>): Field {
  const raw = opt(record, column);
  if (raw === undefined || (column.endsWith('_id') && isZeros(raw))) return { column, value: null };
  const checked = check(raw);
  return checked.ok ? { column, value: checked.value } : { column, value: null, fault: checked.reason };
}

/**
 * Classifies the occurrence and checks its address. A part of the address that fails its check
 * (an id of the wrong length or type, a malformed postal address) is dropped with a note when the
 * other part still locates the occurrence, and rejects the row only when nothing else does: one
 * bad optional field must not cost the person.
 */
export function verblijfplaats(record: SourceRecord, notes: Note[]): Verblijfplaats {
  const land = opt(record, 'land_adres_buitenland');
  if (land !== undefined && land !== NEDERLAND) {
    if (!/^\d{4}$/.test(land)) throw new RowError('land_adres_buitenland', 'landcode moet 4 cijfers zijn (tabel 34)');
    return {
      soort: 'buitenland',
      address: NO_ADDRESS,
      nummeraanduidingId: null,
      land,
      aanvang: date(record, 'datum_aanvang_adres_buitenland'),
    };
  }
  const vbo = field(record, 'verblijfsobject_id', objectId);
  const num = field(record, 'nummeraanduiding_id', nummeraanduidingId);
  const postal = [
    field(record, 'postcode', normalisePostcode),
    field(record, 'huisnummer', huisnummer),
    field(record, 'huisletter', checkHuisletter),
    field(record, 'huisnummertoevoeging', checkToevoeging),
  ];
  const postalFault = postal.find((f) => f.fault !== undefined);
  // The postal address locates only as a whole: a bad huisletter would point at the neighbours.
  const postalLocates = postalFault === undefined && postal[0]!.value !== null && postal[1]!.value !== null;
  const idLocates = vbo.value !== null || num.value !== null;
  const firstFault = [vbo, num, ...postal].find((f) => f.fault !== undefined);
  if (firstFault && !idLocates && !postalLocates) throw new RowError(firstFault.column, firstFault.fault!);
  const via = (other: Field, otherName: string) => (other.value !== null ? otherName : 'postcode en huisnummer');
  if (vbo.fault !== undefined) notes.push({ column: vbo.column, reason: `${vbo.fault}; genegeerd, gekoppeld op ${via(num, 'nummeraanduiding')}` });
  if (num.fault !== undefined) notes.push({ column: num.column, reason: `${num.fault}; genegeerd, gekoppeld op ${via(vbo, 'verblijfsobject')}` });
  if (postalFault) notes.push({ column: postalFault.column, reason: `${postalFault.fault}; postadres genegeerd, gekoppeld op BAG-identificatie` });
  const address: Address = postalFault
    ? { ...NO_ADDRESS, verblijfsobject_id: vbo.value as string | null }
    : {
        verblijfsobject_id: vbo.value as string | null,
        postcode: postal[0]!.value as string | null,
        huisnummer: postal[1]!.value as number | null,
        huisletter: postal[2]!.value as string | null,
        huisnummertoevoeging: postal[3]!.value as string | null,
      };
  if (idLocates || postalLocates) {
    return { soort: 'adres', address, nummeraanduidingId: num.value as string | null, land: null, aanvang: date(record, 'datum_aanvang_adreshouding') };
  }
  if (opt(record, 'locatiebeschrijving') !== undefined) return outside('locatie', record);
  const straat = opt(record, 'straatnaam');
  if (postal[0]!.value === null && postal[1]!.value === null && straat === '.') return outside('onbekend', record);
  if (postal[0]!.value === null && (postal[1]!.value !== null || straat !== undefined)) return outside('zonder_postcode', record);
  throw new RowError(
    'postcode',
    'geen verblijfplaats: geen BAG-identificatie, geen postcode met huisnummer, geen locatiebeschrijving en geen adres in het buitenland',
  );
}

function outside(soort: Exclude<Soort, 'adres' | 'buitenland'>, record: SourceRecord): Verblijfplaats {
  return { soort, address: NO_ADDRESS, nummeraanduidingId: null, land: null, aanvang: date(record, 'datum_aanvang_adreshouding') };
}

/** A start date; absent is as unknown as 00000000, a date that does not exist rejects the row. */
function date(record: SourceRecord, column: string): BrpDate {
  const raw = opt(record, column);
  if (raw === undefined) return UNKNOWN_DATE;
  const checked = brpDate(raw);
  if (!checked.ok) throw new RowError(column, checked.reason);
  return checked.value;
}
