import { csvSplitting, readCsv } from '../csv.ts';
import { oneOf, opt, optional, req, must } from '../fields.ts';
import { registerAddress, registerDate } from '../register-fields.ts';
import { RowError, stagingTable, tablesByName, validation, type SourceDefinition, type SourceFormat } from '../source.ts';
import { spreadsheetFormat } from '../xlsx.ts';
import type { Checked } from '../validate.ts';
import { MELDING_COLUMNS } from './columns.ts';

const STAGING = stagingTable('staging.meldingen', [
  'melding_id',
  'datum_ontvangen',
  'kanaal',
  'melder_referentie',
  'categorie',
  'verblijfsobject_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'vrije_tekst',
]);

/** A melding's free text may run long; other fields keep the loader's general limit. */
export const MAX_VRIJE_TEKST = 10_000;
const MAX_REFERENTIE = 100;

// Meld Misdaad Anoniem forwards come as 'MMA'; form tools write the option's label.
export const kanaal = oneOf(['intern', 'partner', 'anoniem', 'inwoner'], {
  mma: 'anoniem',
  'meld misdaad anoniem': 'anoniem',
  'mma/anoniem': 'anoniem',
  'anonieme melding': 'anoniem',
  anoniem: 'anoniem',
  collega: 'intern',
  medewerker: 'intern',
  'interne melding': 'intern',
  gemeente: 'intern',
  'intern (collega)': 'intern',
  ketenpartner: 'partner',
  'externe partner': 'partner',
  'partner (politie, om, riec, corporatie)': 'partner',
  bewoner: 'inwoner',
  burger: 'inwoner',
  buurtbewoner: 'inwoner',
  'inwoner (niet anoniem)': 'inwoner',
});

export const categorie = oneOf(['drugs', 'mensenhandel/uitbuiting', 'witwassen', 'huisvesting', 'horeca', 'vastgoed', 'overig'], {
  drugshandel: 'drugs',
  hennep: 'drugs',
  hennepteelt: 'drugs',
  drugslab: 'drugs',
  drugsoverlast: 'drugs',
  mensenhandel: 'mensenhandel/uitbuiting',
  uitbuiting: 'mensenhandel/uitbuiting',
  arbeidsuitbuiting: 'mensenhandel/uitbuiting',
  'mensenhandel en uitbuiting': 'mensenhandel/uitbuiting',
  'mensenhandel / uitbuiting': 'mensenhandel/uitbuiting',
  prostitutie: 'mensenhandel/uitbuiting',
  'witwassen / financieel': 'witwassen',
  'financiele criminaliteit': 'witwassen',
  woonfraude: 'huisvesting',
  adresfraude: 'huisvesting',
  'illegale kamerverhuur': 'huisvesting',
  overbewoning: 'huisvesting',
  'horeca / ondernemingen': 'horeca',
  vastgoedfraude: 'vastgoed',
  anders: 'overig',
  overige: 'overig',
});

/** An id the meldpunt gave: letters, digits and / . _ - or a space; never what a spreadsheet reads as a formula. */
function meldingId(raw: string): Checked<string> {
  return /^[0-9A-Za-z][0-9A-Za-z/._ -]{0,63}$/.test(raw)
    ? { ok: true, value: raw.replace(/\s+/g, ' ') }
    : {
        ok: false,
        reason: 'meldingnummer moet met een letter of cijfer beginnen en mag alleen letters, cijfers, spatie en / . _ - bevatten (hoogstens 64 tekens)',
      };
}

const csv: SourceFormat = {
  name: 'meldingen-csv',
  claims: (path) => /\.(csv|txt)$/i.test(path),
  read: (path, { displayName }) => readCsv(path, { displayName, columns: MELDING_COLUMNS }),
  split: csvSplitting(MELDING_COLUMNS),
};

const spreadsheet = spreadsheetFormat('meldingen-xlsx', MELDING_COLUMNS);

/**
 * The meldpunt ondermijning: one row per melding. The melder is known only as a department or a
 * partner organisation, and only for an internal or partner melding: for an anonymous melding or
 * one from a resident the reference column is not kept, whatever it holds, so a melder cannot be
 * traced through this product. Every melding needs an address, as every other case does: this
 * warehouse places what it knows on addresses.
 */
export const meldingen: SourceDefinition<'meldingen'> = {
  name: 'meldingen',
  label: 'meldpunt',
  // The meldpunt exports weekly at least; a form tool can export every night.
  freshnessDays: 8,
  formats: [spreadsheet, csv],
  tables: tablesByName(STAGING),
  matchRates: { table: 'model.melding' },
  // The text can name people, a reference might: a rejected row keeps their length, not their content.
  maskedFields: ['vrije_tekst', 'melder_referentie'],
  maxLength: { vrije_tekst: MAX_VRIJE_TEKST },
  validate(record) {
    return validation(() => {
      const id = must(meldingId(req(record, 'melding_id')), 'melding_id');
      const datum = registerDate(record, 'datum_ontvangen');
      if (datum === null) throw new RowError('datum_ontvangen', 'verplicht veld is leeg');
      const channel = must(kanaal(req(record, 'kanaal')), 'kanaal');
      const referentie = channel === 'intern' || channel === 'partner' ? (opt(record, 'melder_referentie') ?? null) : null;
      if (referentie !== null && referentie.length > MAX_REFERENTIE) {
        throw new RowError('melder_referentie', `de referentie is ${referentie.length} tekens; een afdeling of partner past in ${MAX_REFERENTIE}`);
      }
      const soort = optional(record, 'categorie', categorie);
      const address = registerAddress(record);
      return [
        STAGING.row({
          melding_id: id,
          datum_ontvangen: datum,
          kanaal: channel,
          melder_referentie: referentie,
          categorie: soort,
          ...address,
          vrije_tekst: opt(record, 'vrije_tekst') ?? null,
        }),
      ];
    });
  },
};
