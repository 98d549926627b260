import type { ColumnSpec } from '../columns.ts';
import { ADDRESS_ALIASES } from '../address-fields.ts';

/**
 * Readable-header BRP exports (municipal CSV, often from Dutch Excel). The life events, the
 * A-nummer and the kinds of verblijfplaats are optional columns: where an export has them, they
 * mean what their LO3 elements mean (see lo3-reader.ts).
 */
export const BRP_COLUMNS: ColumnSpec = {
  bsn: { required: true, aliases: ['burgerservicenummer', 'bsn_nummer', 'sofinummer', 'a_nummer_bsn'] },
  a_nummer: { aliases: ['anummer', 'administratienummer'] },
  geslachtsnaam: { aliases: ['achternaam', 'naam', 'familienaam'] },
  voorvoegsel: { aliases: ['voorvoegsel_geslachtsnaam', 'tussenvoegsel'] },
  voornamen: { aliases: ['voornaam', 'voorletters_voornamen'] },
  geboortedatum: { aliases: ['geb_datum', 'geboorte_datum', 'datum_geboorte'] },
  datum_overlijden: { aliases: ['overlijdensdatum', 'datum_van_overlijden', 'overleden_op'] },
  datum_opschorting: { aliases: ['datum_opschorting_bijhouding', 'opschorting_datum'] },
  reden_opschorting: { aliases: ['reden_opschorting_bijhouding', 'omschrijving_reden_opschorting'] },
  functie_adres: { aliases: ['functieadres', 'adresfunctie', 'soort_adres'] },
  datum_aanvang_adreshouding: { aliases: ['datum_aanvang', 'datum_inschrijving', 'aanvang_adreshouding', 'datum_vestiging'] },
  ...ADDRESS_ALIASES,
  straatnaam: { aliases: ['straat', 'naam_openbare_ruimte'] },
  woonplaats: { aliases: ['woonplaatsnaam', 'plaats'] },
  nummeraanduiding_id: { aliases: ['nummeraanduiding', 'nummeraanduidingidentificatie', 'num_id'] },
  locatiebeschrijving: { aliases: ['locatie', 'locatieomschrijving'] },
  land_adres_buitenland: { aliases: ['land', 'landcode_buitenland', 'land_buitenland'] },
  datum_aanvang_adres_buitenland: { aliases: ['datum_aanvang_buitenland', 'datum_vertrek_buitenland'] },
  indicatie_onjuist: { aliases: ['onjuist'] },
  onderzoek_aanduiding: { aliases: ['aanduiding_in_onderzoek', 'aanduiding_gegevens_in_onderzoek'] },
  onderzoek_datum_ingang: { aliases: ['datum_ingang_onderzoek'] },
  onderzoek_datum_einde: { aliases: ['datum_einde_onderzoek'] },
  historie_index: { aliases: ['volgnummer_historie', 'historie'] },
  gemeente_van_inschrijving: { aliases: ['gemeente', 'gemeentecode'] },
};
