import type { ColumnSpec } from '../columns.ts';
import { ADDRESS_ALIASES } from '../address-fields.ts';

/** Readable-header BRP exports (municipal CSV, often from Dutch Excel). */
export const BRP_COLUMNS: ColumnSpec = {
  bsn: { required: true, aliases: ['burgerservicenummer', 'bsn_nummer', 'sofinummer', 'a_nummer_bsn'] },
  geslachtsnaam: { aliases: ['achternaam', 'naam', 'familienaam'] },
  voorvoegsel: { aliases: ['voorvoegsel_geslachtsnaam', 'tussenvoegsel'] },
  voornamen: { aliases: ['voornaam', 'voorletters_voornamen'] },
  geboortedatum: { aliases: ['geb_datum', 'geboorte_datum', 'datum_geboorte'] },
  functie_adres: { aliases: ['functieadres', 'adresfunctie', 'soort_adres'] },
  datum_aanvang_adreshouding: { aliases: ['datum_aanvang', 'datum_inschrijving', 'aanvang_adreshouding', 'datum_vestiging'] },
  ...ADDRESS_ALIASES,
  nummeraanduiding_id: { aliases: ['nummeraanduiding', 'nummeraanduidingidentificatie', 'num_id'] },
  historie_index: { aliases: ['volgnummer_historie', 'historie'] },
  gemeente_van_inschrijving: { aliases: ['gemeente', 'gemeentecode'] },
};
