import type { Pseudonymizer } from '../../lib/pseudonym.ts';
import { csvSplitting, readCsv } from '../csv.ts';
import { plainCsv } from '../plain-csv.ts';
import { brpPlainRows } from './plain-rows.ts';
import { must, oneOf, opt, optional, req } from '../fields.ts';
import { stagingTable, tablesByName, validation, type Note, type SourceDefinition, type SourceFormat, type SourceRecord } from '../source.ts';
import { checkBsn, checkInt, cleanName } from '../validate.ts';
import { brpDate, UNKNOWN_DATE } from './dates.ts';
import { duplicateBsnWarnings } from './duplicate-lists.ts';
import { lifeEvents } from './life-events.ts';
import { ONBEKEND_WAARHEEN, SOORT_LABELS, verblijfplaats } from './verblijfplaats.ts';
import { BRP_COLUMNS } from './readable-csv.ts';
import { readHaalCentraalBrp } from './haalcentraal-reader.ts';
import { isLo3Header, readLo3 } from './lo3-reader.ts';
import { spreadsheetFormat } from '../xlsx.ts';

const STAGING = stagingTable('staging.brp', [
  'historie_index',
  'pseudonym',
  'key_version',
  'geslachtsnaam',
  'voornamen',
  'geboortedatum',
  'functie_adres',
  'datum_aanvang',
  'datum_aanvang_raw',
  'verblijfsobject_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'nummeraanduiding_id',
  'gemeente',
  'persoonslijst',
  'soort',
  'onjuist',
  'land',
  'datum_overlijden',
  'datum_opschorting',
  'reden_opschorting',
  'niet_op_adres_vanaf',
  'volgende_index',
  'volgende_aanvang',
]);

const historieIndex = (s: string) => checkInt(s, 0, 10_000, 'historie_index');
const functieAdres = oneOf(['W', 'B'], { woonadres: 'W', briefadres: 'B', woon: 'W', brief: 'B' });
const indicatieOnjuist = oneOf(['O']);

const readableCsv: SourceFormat = {
  name: 'brp-csv',
  claims: (path) => /\.(csv|txt)$/i.test(path),
  read: (path, { displayName }) => readCsv(path, { displayName, columns: BRP_COLUMNS }),
  split: csvSplitting(BRP_COLUMNS),
  readPlain: plainCsv(BRP_COLUMNS, brpPlainRows()),
};

const lo3: SourceFormat = {
  name: 'brp-lo3-csv',
  claims: (path, head) => /\.(csv|txt)$/i.test(path) && isLo3Header(firstLine(head).split(/[;,\t]/)),
  read: (path, { displayName }) => readLo3(path, { displayName }),
};

const haalCentraal: SourceFormat = {
  name: 'brp-haalcentraal-json',
  claims: (path) => /\.json$/i.test(path),
  read: (path, { displayName }) => readHaalCentraalBrp(path, { displayName }),
};

const spreadsheet = spreadsheetFormat('brp-xlsx', BRP_COLUMNS);

function firstLine(head: Buffer): string {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

/** Formats in the order they are tried; specific ones first so the generic CSV comes last. */
export const brpFormats: SourceFormat[] = [lo3, haalCentraal, spreadsheet, readableCsv];

export const brp: SourceDefinition<'brp'> = {
  name: 'brp',
  label: 'BRP',
  freshnessDays: 2,
  formats: brpFormats,
  tables: tablesByName(STAGING),
  matchRates: { table: 'model.inschrijving', where: 'geldig_tot IS NULL' },
  keyVersionIn: STAGING,
  // The gemeente van inschrijving (08.09.10, Haal Centraal gemeenteVanInschrijving) of each list's
  // current occurrence; 1999 is the RNI (niet-ingezetenen), not a municipality.
  gemeentecodesSql: `SELECT gemeente AS code, count(*)::bigint AS n FROM staging.brp
    WHERE load_id = $1 AND historie_index = 0 AND gemeente ~ '^[0-9]{4}$' AND gemeente NOT IN ('0000', '1999')
    GROUP BY 1 ORDER BY n DESC, code`,
  maskedFields: ['bsn', 'a_nummer', 'pl_id', 'geslachtsnaam', 'voornamen', 'voorvoegsel', 'geboortedatum', 'datum_overlijden'],
  validate(record: SourceRecord, { pseudonymizer }) {
    return validation(() => {
      const bsn = must(checkBsn(req(record, 'bsn')), 'bsn');
      const notes: Note[] = [];
      const onjuist = optional(record, 'indicatie_onjuist', indicatieOnjuist) !== null;
      const plaats = verblijfplaats(record, notes);
      const events = lifeEvents(record, notes);
      const historie = optional(record, 'historie_index', historieIndex) ?? 0;
      const volgende = opt(record, 'volgende_index');
      const prefix = cleanName(opt(record, 'voorvoegsel'));
      const naam = cleanName(opt(record, 'geslachtsnaam'));
      const lijst = persoonslijst(record, pseudonymizer, notes);
      return {
        rows: [
          STAGING.row({
            historie_index: historie,
            pseudonym: pseudonymizer.pseudonymise(bsn),
            key_version: pseudonymizer.keyVersion,
            geslachtsnaam: prefix && naam ? `${prefix} ${naam}` : (naam ?? null),
            voornamen: cleanName(opt(record, 'voornamen')),
            geboortedatum: geboortedatum(record, notes),
            functie_adres: plaats.soort === 'adres' ? (optional(record, 'functie_adres', functieAdres) ?? 'W') : null,
            datum_aanvang: plaats.aanvang.date,
            datum_aanvang_raw: plaats.aanvang.partial,
            // Written out rather than spread: a spread in the middle of the literal takes V8's slow
            // path for every one of millions of rows.
            verblijfsobject_id: plaats.address.verblijfsobject_id,
            postcode: plaats.address.postcode,
            huisnummer: plaats.address.huisnummer,
            huisletter: plaats.address.huisletter,
            huisnummertoevoeging: plaats.address.huisnummertoevoeging,
            nummeraanduiding_id: plaats.nummeraanduidingId,
            gemeente: opt(record, 'gemeente_van_inschrijving') ?? null,
            persoonslijst: lijst,
            soort: plaats.soort,
            onjuist,
            land: plaats.land,
            datum_overlijden: events.overlijden,
            datum_opschorting: events.opschorting,
            reden_opschorting: events.redenOpschorting,
            niet_op_adres_vanaf: events.nietOpAdresVanaf,
            volgende_index: volgende === undefined ? null : Number(volgende),
            volgende_aanvang: volgende === undefined ? null : volgendeAanvang(record),
          }),
        ],
        kind: onjuist
          ? 'gemarkeerd als onjuist (bewaard, telt niet mee)'
          : plaats.soort === 'adres'
            ? undefined
            : plaats.land === '0000'
              ? ONBEKEND_WAARHEEN
              : SOORT_LABELS[plaats.soort],
        notes,
        // Only a load with list ids can hold two lists with one BSN: the others skip that query.
        mark: lijst === null ? undefined : 'persoonslijst',
      };
    });
  },
  inspect: duplicateBsnWarnings,
};

/** An unknown birth date is the standard value; one that cannot be read is dropped, not the person. */
function geboortedatum(record: SourceRecord, notes: Note[]): string | null {
  const raw = opt(record, 'geboortedatum');
  if (raw === undefined) return null;
  const checked = brpDate(raw);
  if (checked.ok) return checked.value.partial;
  notes.push({ column: 'geboortedatum', reason: 'geen geldige datum; weggelaten' });
  return null;
}

/** The start of the occurrence that ended this one, as the reader carried it; unreadable is unknown. */
function volgendeAanvang(record: SourceRecord): string {
  const checked = brpDate(opt(record, 'volgende_aanvang') ?? '00000000');
  return checked.ok ? checked.value.partial : UNKNOWN_DATE.partial;
}

/**
 * Which persoonslijst the row belongs to, so that two lists with one BSN stay two. LO3 names it in
 * its first column, the JSON reader by the person's position; a readable export may have the
 * A-nummer. A pl id of digits only may itself be an A-nummer or a BSN: the list is then named by
 * its first line, and an A-nummer is kept only as a pseudonym. Null means "the BSN is the list".
 */
function persoonslijst(record: SourceRecord, pseudonymizer: Pseudonymizer, notes: Note[]): string | null {
  const plId = opt(record, 'pl_id');
  // Nine digits in a row may be a BSN or part of an A-nummer ("PL-999993653-1"): such a list is
  // named by its line too, since warnings and the run record quote the list's name.
  if (plId !== undefined) return /^\d+$|\d{9}/.test(plId) ? `regel ${opt(record, 'pl_regel') ?? record.line}` : plId;
  const aNummer = opt(record, 'a_nummer');
  if (aNummer === undefined) return null;
  if (/^\d{10}$/.test(aNummer)) return `a-nummer ${pseudonymizer.pseudonymise(`a${aNummer}`)}`;
  notes.push({ column: 'a_nummer', reason: 'A-nummer is geen 10 cijfers; de rij hoort bij de persoonslijst van haar BSN' });
  return null;
}
