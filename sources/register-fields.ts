import type { Pseudonymizer } from '../lib/pseudonym.ts';
import { addressValues, type Address } from './address-fields.ts';
import { opt, optional } from './fields.ts';
import { RowError, type SourceRecord } from './source.ts';
import { checkBsn, checkKvk, cleanName, parseDate } from './validate.ts';

/**
 * Fields the registers kept by hand (permits, Damocles, the meldpunt) share. These are kept by hand in Excel, so they
 * get the leniency a typed export does not need: "12a" in the huisnummer column, dates as
 * serial numbers or as typed text, a party as a person or as a company.
 */

/** "12a", "12 A", "12-2", "12a-bis": the number, letter and addition, when typed into one cell. */
const COMBINED_HUISNUMMER = /^(\d{1,5})\s*([A-Za-z])?(?:\s*[-/ ]\s*([0-9A-Za-z]{1,4}))?$/;

/**
 * The register's address as staging fields. A huisnummer with letter or addition in the same cell is split, but only
 * when the letter and addition columns are empty: two sources for one part would be a guess.
 */
export function registerAddress(record: SourceRecord): Address {
  const huisnummer = opt(record, 'huisnummer');
  const match = huisnummer === undefined ? null : COMBINED_HUISNUMMER.exec(huisnummer);
  let fields = record.fields;
  if (match && (match[2] || match[3]) && !opt(record, 'huisletter') && !opt(record, 'huisnummertoevoeging')) {
    fields = { ...fields, huisnummer: match[1], huisletter: match[2], huisnummertoevoeging: match[3] };
  }
  const address = addressValues({ ...record, fields });
  const { verblijfsobject_id: vbo, postcode, huisnummer: nummer } = address;
  if (vbo === null && (postcode === null || nummer === null)) {
    throw new RowError(postcode === null ? 'postcode' : 'huisnummer', 'geen adres: geen verblijfsobject-id en geen postcode met huisnummer');
  }
  return address;
}

export interface Party {
  pseudonym: string | null;
  kvk: string | null;
  /** Only when the party is identified: a name alone can be linked to nothing and is dropped. */
  naam: string | null;
}

/**
 * A party (holder, owner, tenant) from `<prefix>_bsn`, `<prefix>_kvk` and `<prefix>_naam`. A KvK
 * number of 7 digits lost its leading zero in an Excel number cell, as BSNs do.
 */
export function partyValues(record: SourceRecord, prefix: string, pseudonymizer: Pseudonymizer): Party {
  const bsn = optional(record, `${prefix}_bsn`, checkBsn);
  const kvk = optional(record, `${prefix}_kvk`, (raw) => checkKvk(/^\d{7}$/.test(raw) ? '0' + raw : raw));
  const identified = bsn !== null || kvk !== null;
  return {
    pseudonym: bsn === null ? null : pseudonymizer.pseudonymise(bsn),
    kvk,
    naam: identified ? cleanName(opt(record, `${prefix}_naam`)) : null,
  };
}

/** A date as a register holds it: typed dd-mm-jjjj, ISO, or an Excel date cell (serial day number). */
export function registerDate(record: SourceRecord, name: string): string | null {
  return optional(record, name, (s) => parseDate(s, { allowSerial: true }))?.date ?? null;
}

/** Rejects a period whose end lies before its start; ISO dates compare as strings. */
export function checkPeriod(start: string | null, end: string | null, endColumn: string, what: string): void {
  if (start !== null && end !== null && end < start) {
    throw new RowError(endColumn, `${what} ligt voor de begindatum`);
  }
}

/**
 * A value from a register's free-text column: known spellings map to one name (matched ignoring
 * case, spaces and punctuation), anything else is kept as written, in lower case.
 */
export function normaliseTerm(raw: string, synonyms: Record<string, string>): string {
  const key = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return synonyms[key] ?? raw.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Builds a synonym table keyed the way normaliseTerm looks values up. */
export function synonymTable(groups: Record<string, string[]>): Record<string, string> {
  const table: Record<string, string> = {};
  for (const [canonical, spellings] of Object.entries(groups)) {
    for (const spelling of [canonical, ...spellings]) {
      table[
        spelling
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
      ] = canonical;
    }
  }
  return table;
}
