import { ADDRESS_ALIASES } from '../address-fields.ts';
import type { ColumnSpec } from '../columns.ts';

/**
 * Header names of meldpunt exports: what a form tool (Forms, a zaaksysteem) or a spreadsheet kept
 * by hand writes, and what Meld Misdaad Anoniem forwards. None of them may equal an address alias
 * (`nummer` is the huisnummer).
 */
export const MELDING_COLUMNS: ColumnSpec = {
  melding_id: {
    required: true,
    aliases: ['melding', 'meldingnummer', 'meldingsnummer', 'melding_nr', 'meldingnr', 'id', 'kenmerk', 'registratienummer', 'mma_nummer'],
  },
  datum_ontvangen: {
    required: true,
    aliases: [
      'datum',
      'datum_melding',
      'meldingsdatum',
      'ontvangen',
      'ontvangen_op',
      'datum_ontvangst',
      'ontvangstdatum',
      'datum_binnenkomst',
      'tijdstempel',
      'ingediend_op',
    ],
  },
  kanaal: { required: true, aliases: ['bron', 'herkomst', 'soort_melder', 'type_melder', 'via', 'kanaal_melding', 'meldkanaal'] },
  melder_referentie: { aliases: ['melder', 'afdeling', 'partner', 'organisatie', 'afdeling_partner', 'afdeling_of_partner', 'melder_afdeling', 'gemeld_door'] },
  categorie: { aliases: ['thema', 'soort', 'onderwerp', 'categorie_melding', 'fenomeen', 'soort_melding'] },
  ...ADDRESS_ALIASES,
  vrije_tekst: { aliases: ['omschrijving', 'toelichting', 'tekst', 'beschrijving', 'inhoud', 'opmerking', 'omschrijving_melding', 'wat_is_er_gezien'] },
};
