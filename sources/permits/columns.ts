import { ADDRESS_ALIASES } from '../address-fields.ts';
import type { ColumnSpec } from '../columns.ts';

/**
 * Header names seen in municipal permit registers (Excel, or CSV saved from it). Matching ignores
 * case, spaces and punctuation, so `KvK-nummer`, `kvk_nummer` and `KVK NUMMER` are one name.
 */
export const PERMIT_COLUMNS: ColumnSpec = {
  zaaknummer: { required: true, aliases: ['zaak', 'zaaknr', 'zaak_id', 'zaakid', 'dossiernummer', 'dossier', 'kenmerk'] },
  vergunning_type: {
    required: true,
    aliases: ['type', 'soort', 'type_vergunning', 'soort_vergunning', 'vergunningtype', 'vergunningsoort', 'vergunning', 'zaaktype'],
  },
  ...ADDRESS_ALIASES,
  houder_bsn: { aliases: ['bsn', 'bsn_houder', 'burgerservicenummer', 'burgerservicenummer_houder', 'bsn_vergunninghouder'] },
  houder_kvk: { aliases: ['kvk', 'kvk_nummer', 'kvk_houder', 'kvk_nummer_houder', 'kvk_vergunninghouder', 'kamer_van_koophandel'] },
  houder_naam: { aliases: ['houder', 'naam_houder', 'vergunninghouder', 'naam_vergunninghouder', 'naam', 'aanvrager'] },
  datum_verleend: {
    aliases: ['verleend', 'verleend_op', 'datum_verlening', 'datum_besluit', 'geldig_van', 'geldig_vanaf', 'ingangsdatum', 'datum_ingang'],
  },
  geldig_tot: { aliases: ['geldig_tot_en_met', 'geldig_t_m', 'einddatum', 'vervaldatum', 'datum_einde', 'datum_vervallen'] },
  status: { aliases: ['status_vergunning', 'zaakstatus', 'stand'] },
};
