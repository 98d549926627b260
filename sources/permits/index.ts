import { csvSplitting, readCsv } from '../csv.ts';
import { opt, req } from '../fields.ts';
import { checkPeriod, normaliseTerm, partyValues, registerAddress, registerDate, synonymTable } from '../register-fields.ts';
import { stagingTable, tablesByName, validation, type SourceDefinition, type SourceFormat } from '../source.ts';
import { spreadsheetFormat } from '../xlsx.ts';
import { PERMIT_COLUMNS } from './columns.ts';

/**
 * The types the rules know, under the names the model uses. Registers write them in many ways;
 * a type not listed is kept as written (lower case) so nothing is lost, it just triggers no rule.
 */
export const PERMIT_TYPES = synonymTable({
  exploitatievergunning: ['horeca', 'horecavergunning', 'horeca exploitatievergunning', 'exploitatievergunning horeca', 'exploitatie'],
  alcoholwetvergunning: ['alcoholwet', 'alcoholvergunning', 'alcohol', 'drank- en horecavergunning', 'drank en horeca', 'dhw-vergunning', 'dhw'],
  omzettingsvergunning: ['omzetting', 'omzettingsvergunning woonruimte', 'vergunning omzetting'],
  kamerverhuur: ['kamerverhuurvergunning', 'vergunning kamerverhuur', 'kamerbewoning'],
  'huisvesting arbeidsmigranten': [
    'arbeidsmigranten',
    'huisvesting arbeidsmigranten',
    'arbeidsmigrantenhuisvesting',
    'vergunning huisvesting arbeidsmigranten',
    'logies arbeidsmigranten',
  ],
});

/**
 * Statuses the rules read: a permit that is ingetrokken, geweigerd or vervallen no longer counts.
 * Other statuses are kept as written.
 */
export const PERMIT_STATUSES = synonymTable({
  verleend: ['afgegeven', 'toegekend', 'vergund', 'actief', 'geldig', 'onherroepelijk'],
  aangevraagd: ['aanvraag', 'in behandeling', 'ontvangen', 'lopend'],
  geweigerd: ['afgewezen', 'weigering'],
  ingetrokken: ['intrekking', 'ingetrokken door burgemeester'],
  vervallen: ['verlopen', 'beeindigd', 'beëindigd', 'afgelopen'],
});

const STAGING = stagingTable('staging.permits', [
  'zaaknummer',
  'vergunning_type',
  'verblijfsobject_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'houder_pseudonym',
  'houder_kvk',
  'houder_naam',
  'key_version',
  'datum_verleend',
  'geldig_tot',
  'status',
]);

const csv: SourceFormat = {
  name: 'permits-csv',
  claims: (path) => /\.(csv|txt)$/i.test(path),
  read: (path, { displayName }) => readCsv(path, { displayName, columns: PERMIT_COLUMNS }),
  split: csvSplitting(PERMIT_COLUMNS),
};

const spreadsheet = spreadsheetFormat('permits-xlsx', PERMIT_COLUMNS);

export const permits: SourceDefinition<'permits'> = {
  name: 'permits',
  label: 'vergunningen',
  freshnessDays: 8,
  formats: [spreadsheet, csv],
  tables: tablesByName(STAGING),
  matchRates: { table: 'model.vergunning' },
  keyVersionIn: STAGING,
  // The name fields too: a rejected row would otherwise keep a holder's name in pakhuis.rejected_rows,
  // and a name next to a permit or drug case is as sensitive as the BSN. Masking treats them the same.
  maskedFields: ['houder_bsn', 'houder_naam'],
  validate(record, { pseudonymizer }) {
    return validation(() => {
      const zaaknummer = req(record, 'zaaknummer');
      const type = normaliseTerm(req(record, 'vergunning_type'), PERMIT_TYPES);
      const address = registerAddress(record);
      const houder = partyValues(record, 'houder', pseudonymizer);
      const verleend = registerDate(record, 'datum_verleend');
      const tot = registerDate(record, 'geldig_tot');
      checkPeriod(verleend, tot, 'geldig_tot', 'einde geldigheid');
      const status = opt(record, 'status');
      return [
        STAGING.row({
          zaaknummer,
          vergunning_type: type,
          ...address,
          houder_pseudonym: houder.pseudonym,
          houder_kvk: houder.kvk,
          houder_naam: houder.naam,
          key_version: houder.pseudonym === null ? null : pseudonymizer.keyVersion,
          datum_verleend: verleend,
          geldig_tot: tot,
          status: status === undefined ? null : normaliseTerm(status, PERMIT_STATUSES),
        }),
      ];
    });
  },
};
