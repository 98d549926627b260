import { csvSplitting, readCsv } from '../csv.ts';
import { addressValues } from '../address-fields.ts';
import { must, oneOf, opt, optional, req } from '../fields.ts';
import { RowError, validation, type SourceDefinition, type SourceFormat } from '../source.ts';
import type { SourceRecord } from '../types.ts';
import { checkBagId, checkBsn, checkInt, cleanName, parseDate } from '../validate.ts';
import { BRP_COLUMNS } from './readable-csv.ts';
import { readHaalCentraalBrp } from './haalcentraal-reader.ts';
import { isLo3Header, readLo3 } from './lo3-reader.ts';
import { spreadsheetFormat } from '../xlsx.ts';

const STAGING_COLUMNS = [
  'historie_index', 'pseudonym', 'key_version', 'geslachtsnaam', 'voornamen', 'geboortedatum',
  'functie_adres', 'datum_aanvang', 'datum_aanvang_raw', 'verblijfsobject_id', 'postcode', 'huisnummer',
  'huisletter', 'huisnummertoevoeging', 'nummeraanduiding_id', 'gemeente',
] as const;

const nummeraanduidingId = (s: string) => checkBagId(s, 'nummeraanduiding');
const partialDate = (s: string) => parseDate(s, { allowPartial: true });
const historieIndex = (s: string) => checkInt(s, 0, 10_000, 'historie_index');
const functieAdres = oneOf(['W', 'B'], { woonadres: 'W', briefadres: 'B', woon: 'W', brief: 'B' });

const readableCsv: SourceFormat = {
  name: 'brp-csv',
  claims: (path) => /\.(csv|txt)$/i.test(path),
  read: (path, { displayName }) => readCsv(path, { displayName, columns: BRP_COLUMNS }),
  split: csvSplitting(BRP_COLUMNS),
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

export const brp: SourceDefinition = {
  name: 'brp',
  formats: brpFormats,
  tables: { 'staging.brp': STAGING_COLUMNS },
  maskedFields: ['bsn', 'geslachtsnaam', 'voornamen', 'voorvoegsel', 'geboortedatum'],
  validate(record: SourceRecord, { pseudonymizer }) {
    return validation(() => {
      const bsn = must(checkBsn(req(record, 'bsn')), 'bsn');
      if (opt(record, 'land_adres_buitenland')) throw new RowError('land_adres_buitenland', 'persoon woont in het buitenland (geen Nederlandse verblijfplaats)');
      const address = addressValues(record);
      const nummeraanduiding = optional(record, 'nummeraanduiding_id', nummeraanduidingId);
      const [vbo, postcode, huisnummer] = address;
      if (vbo === null && nummeraanduiding === null && (postcode === null || huisnummer === null)) {
        throw new RowError('postcode', 'geen verblijfplaats: geen BAG-identificatie en geen postcode met huisnummer');
      }
      const aanvang = optional(record, 'datum_aanvang_adreshouding', partialDate);
      const geboorte = optional(record, 'geboortedatum', partialDate);
      const historie = optional(record, 'historie_index', historieIndex) ?? 0;
      const prefix = cleanName(opt(record, 'voorvoegsel'));
      const naam = cleanName(opt(record, 'geslachtsnaam'));
      return [
        {
          table: 'staging.brp',
          values: [
            historie,
            pseudonymizer.pseudonymise(bsn),
            pseudonymizer.keyVersion,
            prefix && naam ? `${prefix} ${naam}` : naam ?? null,
            cleanName(opt(record, 'voornamen')),
            geboorte?.partial ?? null,
            optional(record, 'functie_adres', functieAdres) ?? 'W',
            aanvang?.date ?? null,
            aanvang?.partial ?? null,
            ...address,
            nummeraanduiding,
            opt(record, 'gemeente_van_inschrijving') ?? null,
          ],
        },
      ];
    });
  },
};
