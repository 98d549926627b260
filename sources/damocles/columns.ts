import { ADDRESS_ALIASES } from '../address-fields.ts';
import type { ColumnSpec } from '../columns.ts';

/** Header names seen in Damocles case registers (art. 13b Opiumwet), mostly kept in Excel. */
export const DAMOCLES_COLUMNS: ColumnSpec = {
  zaaknummer: { required: true, aliases: ['zaak', 'zaaknr', 'zaak_id', 'zaakid', 'dossiernummer', 'dossier', 'kenmerk'] },
  ...ADDRESS_ALIASES,
  object_type: { aliases: ['object', 'soort_object', 'type_object', 'objecttype', 'soort_pand'] },
  datum_constatering: { aliases: ['constatering', 'constateringsdatum', 'datum_bevinding', 'datum_aantreffen', 'datum_inval', 'pleegdatum'] },
  drugs_categorie: { aliases: ['drugscategorie', 'categorie', 'categorie_drugs', 'soort_drugs', 'drugs', 'middel', 'soort_middel'] },
  besluit: { aliases: ['maatregel', 'besluit_burgemeester', 'sanctie', 'handhavingsbesluit'] },
  sluiting_start: {
    aliases: ['sluiting_van', 'sluiting_vanaf', 'startdatum_sluiting', 'begin_sluiting', 'ingang_sluiting', 'datum_sluiting', 'gesloten_vanaf'],
  },
  sluiting_einde: {
    aliases: ['sluiting_tot', 'sluiting_tot_en_met', 'sluiting_t_m', 'einddatum_sluiting', 'einde_sluiting', 'gesloten_tot', 'gesloten_tot_en_met'],
  },
  duur_maanden: { aliases: ['duur', 'duur_sluiting', 'sluitingsduur', 'duur_in_maanden', 'duur_sluiting_maanden', 'maanden'] },
  eigenaar_bsn: { aliases: ['bsn_eigenaar', 'bsn_verhuurder'] },
  eigenaar_kvk: { aliases: ['kvk_eigenaar', 'kvk_nummer_eigenaar', 'kvk_verhuurder'] },
  eigenaar_naam: { aliases: ['eigenaar', 'naam_eigenaar', 'verhuurder', 'naam_verhuurder', 'eigenaar_verhuurder'] },
  huurder_bsn: { aliases: ['bsn_huurder', 'bsn_gebruiker', 'bsn_bewoner'] },
  huurder_kvk: { aliases: ['kvk_huurder', 'kvk_nummer_huurder', 'kvk_gebruiker'] },
  huurder_naam: { aliases: ['huurder', 'naam_huurder', 'gebruiker', 'naam_gebruiker', 'bewoner'] },
};
