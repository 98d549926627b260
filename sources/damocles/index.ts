import { csvSplitting, readCsv } from '../csv.ts';
import { oneOf, optional, req } from '../fields.ts';
import { checkPeriod, partyValues, registerAddress, registerDate } from '../register-fields.ts';
import { RowError, stagingTable, tablesByName, validation, type SourceDefinition, type SourceFormat, type SourceRecord } from '../source.ts';
import { spreadsheetFormat } from '../xlsx.ts';
import { DAMOCLES_COLUMNS } from './columns.ts';
import { closureEnd, parseDuration } from './duration.ts';

const STAGING = stagingTable('staging.damocles', [
  'zaaknummer',
  'verblijfsobject_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'object_type',
  'datum_constatering',
  'drugs_categorie',
  'besluit',
  'sluiting_start',
  'sluiting_einde',
  'eigenaar_pseudonym',
  'eigenaar_kvk',
  'eigenaar_naam',
  'huurder_pseudonym',
  'huurder_kvk',
  'huurder_naam',
  'key_version',
]);

// Art. 13b Opiumwet names woning, lokaal and erf; registers add their own words for them.
const objectType = oneOf(['woning', 'lokaal', 'erf'], {
  woonhuis: 'woning',
  woonruimte: 'woning',
  huis: 'woning',
  bedrijfspand: 'lokaal',
  bedrijfsruimte: 'lokaal',
  pand: 'lokaal',
  winkel: 'lokaal',
  loods: 'lokaal',
  'openbaar lokaal': 'lokaal',
  'niet voor het publiek toegankelijk lokaal': 'lokaal',
  tuin: 'erf',
  'erf bij woning': 'erf',
});

const drugsCategorie = oneOf(['hard', 'soft', 'hennep', 'voorbereidingshandelingen'], {
  harddrugs: 'hard',
  'lijst i': 'hard',
  'lijst 1': 'hard',
  softdrugs: 'soft',
  'lijst ii': 'soft',
  'lijst 2': 'soft',
  hennepkwekerij: 'hennep',
  wietkwekerij: 'hennep',
  voorbereiding: 'voorbereidingshandelingen',
  'art. 10a': 'voorbereidingshandelingen',
  'art 10a': 'voorbereidingshandelingen',
  drugslab: 'voorbereidingshandelingen',
});

const besluit = oneOf(['waarschuwing', 'sluiting', 'last onder dwangsom'], {
  'schriftelijke waarschuwing': 'waarschuwing',
  bestuursdwang: 'sluiting',
  'last onder bestuursdwang': 'sluiting',
  'sluiting (bestuursdwang)': 'sluiting',
  lod: 'last onder dwangsom',
  dwangsom: 'last onder dwangsom',
});

/** The closure period: an end date as given, or computed from start and duration in months. */
function closure(record: SourceRecord, decision: string | null): [string | null, string | null] {
  const start = registerDate(record, 'sluiting_start');
  const givenEnd = registerDate(record, 'sluiting_einde');
  const duration = optional(record, 'duur_maanden', parseDuration);
  if (decision === 'waarschuwing' && (start !== null || givenEnd !== null)) {
    // A warning closes nothing; a period next to it means the row is wrong, and guessing which half is right is not ours.
    throw new RowError('besluit', 'besluit is een waarschuwing, maar er is een sluitingsperiode ingevuld');
  }
  if (start === null && (givenEnd !== null || (duration !== null && duration.months !== null))) {
    throw new RowError('sluiting_start', 'einde of duur van de sluiting staat ingevuld, de startdatum niet');
  }
  const end = givenEnd ?? (start !== null && duration?.months ? closureEnd(start, duration.months) : null);
  checkPeriod(start, end, givenEnd !== null ? 'sluiting_einde' : 'duur_maanden', 'einde van de sluiting');
  return [start, end];
}

const csv: SourceFormat = {
  name: 'damocles-csv',
  claims: (path) => /\.(csv|txt)$/i.test(path),
  read: (path, { displayName }) => readCsv(path, { displayName, columns: DAMOCLES_COLUMNS }),
  split: csvSplitting(DAMOCLES_COLUMNS),
};

const spreadsheet = spreadsheetFormat('damocles-xlsx', DAMOCLES_COLUMNS);

export const damocles: SourceDefinition<'damocles'> = {
  name: 'damocles',
  label: 'Damocles',
  freshnessDays: 8,
  formats: [spreadsheet, csv],
  tables: tablesByName(STAGING),
  matchRates: { table: 'model.damocles_zaak' },
  keyVersionIn: STAGING,
  // Names too: in a rejected row they would otherwise sit next to a drug case in pakhuis.rejected_rows.
  maskedFields: ['eigenaar_bsn', 'huurder_bsn', 'eigenaar_naam', 'huurder_naam'],
  validate(record, { pseudonymizer }) {
    return validation(() => {
      const zaaknummer = req(record, 'zaaknummer');
      const address = registerAddress(record);
      const type = optional(record, 'object_type', objectType);
      const constatering = registerDate(record, 'datum_constatering');
      const categorie = optional(record, 'drugs_categorie', drugsCategorie);
      const decision = optional(record, 'besluit', besluit);
      const [start, end] = closure(record, decision);
      const eigenaar = partyValues(record, 'eigenaar', pseudonymizer);
      const huurder = partyValues(record, 'huurder', pseudonymizer);
      const anyPseudonym = eigenaar.pseudonym !== null || huurder.pseudonym !== null;
      return [
        STAGING.row({
          zaaknummer,
          ...address,
          object_type: type,
          datum_constatering: constatering,
          drugs_categorie: categorie,
          besluit: decision,
          sluiting_start: start,
          sluiting_einde: end,
          eigenaar_pseudonym: eigenaar.pseudonym,
          eigenaar_kvk: eigenaar.kvk,
          eigenaar_naam: eigenaar.naam,
          huurder_pseudonym: huurder.pseudonym,
          huurder_kvk: huurder.kvk,
          huurder_naam: huurder.naam,
          key_version: anyPseudonym ? pseudonymizer.keyVersion : null,
        }),
      ];
    });
  },
};
