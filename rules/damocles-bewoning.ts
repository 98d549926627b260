import { z } from 'zod';
import { gekoppeldJson, gekoppeldUitleg } from './gekoppeld.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  code: 'DAMOCLES_BEWONING',
  title: 'Inschrijving op een object terwijl het onder het Damoclesbeleid gesloten is',
  rationale:
    'Een woning of lokaal dat de burgemeester heeft gesloten, mag niet worden gebruikt. Staat er tijdens de sluiting ' +
    'toch iemand ingeschreven, dan wordt het object mogelijk toch bewoond of is de inschrijving onjuist (adresfraude). ' +
    'Wie tijdens de sluiting nieuw is ingeschreven, weegt zwaarder dan wie er al stond en nog niet is uitgeschreven. ' +
    'Een overlap tot de meldtermijn van een verhuizing telt niet mee: die kan een gewone, late verhuismelding zijn.',
  norm:
    'Art. 13b Opiumwet (sluiting door de burgemeester); Wet BRP: een verhuizing wordt binnen vijf dagen gemeld, ' +
    'dus een inschrijving die langer dan vijf dagen in de sluiting doorloopt, is opvallend.',
  severity: 'midden',
  requires: ['bag', 'brp', 'damocles'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.inschrijving': ['functie_adres', 'geldig_tot', 'geldig_van', 'gemeentecode', 'match_method', 'pseudonym', 'verblijfsobject_id'],
    'model.damocles_zaak': ['besluit', 'gemeentecode', 'match_method', 'object_type', 'sluiting_einde', 'sluiting_start', 'verblijfsobject_id', 'zaaknummer'],
  },
  parameters: z.object({
    minDagen: z.coerce.number().int().min(1).default(6),
  }),
  sql: `
    WITH sluitingen AS (
      SELECT gemeentecode, zaaknummer, verblijfsobject_id, object_type, besluit, sluiting_start, sluiting_einde
      FROM model.damocles_zaak
      WHERE sluiting_start IS NOT NULL AND sluiting_start <= current_date AND verblijfsobject_id IS NOT NULL
    ),
    overlap AS (
      -- A registration runs from geldig_van up to the day before geldig_tot (the start of the next
      -- address); only the part of the closure up to today counts.
      SELECT s.*, i.pseudonym, i.functie_adres, i.geldig_van, i.geldig_tot, i.match_method,
        coalesce(i.geldig_van > s.sluiting_start, false) AS ingeschreven_tijdens_sluiting,
        least(coalesce(s.sluiting_einde, current_date), current_date, coalesce(i.geldig_tot - 1, current_date))
          - greatest(s.sluiting_start, coalesce(i.geldig_van, s.sluiting_start)) + 1 AS dagen
      FROM sluitingen s
      JOIN model.inschrijving i ON i.verblijfsobject_id = s.verblijfsobject_id
    ),
    per_zaak AS (
      SELECT gemeentecode, zaaknummer, verblijfsobject_id, object_type, besluit, sluiting_start, sluiting_einde,
        count(DISTINCT pseudonym) AS personen,
        max(dagen) AS langste_overlap,
        bool_or(ingeschreven_tijdens_sluiting) AS nieuw_ingeschreven,
        count(DISTINCT pseudonym) FILTER (WHERE match_method = 'vbo_id') AS via_object,
        count(DISTINCT pseudonym) FILTER (WHERE match_method = 'num_id') AS via_nummeraanduiding,
        count(DISTINCT pseudonym) FILTER (WHERE match_method = 'adres') AS via_adres,
        jsonb_agg(DISTINCT jsonb_build_object('pseudonym', pseudonym, 'rol', CASE functie_adres WHEN 'B' THEN 'briefadres' ELSE 'bewoner' END)) AS persons,
        jsonb_agg(jsonb_build_object(
          'pseudoniem', pseudonym, 'functie_adres', functie_adres, 'ingeschreven_van', geldig_van,
          'ingeschreven_tot', geldig_tot, 'dagen_tijdens_sluiting', dagen
        ) ORDER BY pseudonym, geldig_van) AS inschrijvingen
      FROM overlap
      WHERE dagen >= :minDagen::integer
      GROUP BY gemeentecode, zaaknummer, verblijfsobject_id, object_type, besluit, sluiting_start, sluiting_einde
    )
    SELECT pakhuis.zaak_sleutel(gemeentecode, zaaknummer) AS subject_key, gemeentecode,
      verblijfsobject_id,
      CASE WHEN nieuw_ingeschreven THEN 'hoog' ELSE 'midden' END AS severity,
      personen::numeric AS score,
      jsonb_build_object(
        'damocles_zaak', zaaknummer, 'object_type', object_type, 'besluit', besluit,
        'sluiting_start', sluiting_start, 'sluiting_einde', sluiting_einde,
        'personen', personen, 'langste_overlap_dagen', langste_overlap,
        'nieuw_ingeschreven_tijdens_sluiting', nieuw_ingeschreven, 'inschrijvingen', inschrijvingen,
        'gekoppeld', ${gekoppeldJson('via_object', 'via_nummeraanduiding', 'via_adres')}
      ) AS evidence,
      format('%s %s ingeschreven op dit object tijdens de Damocles-sluiting (zaak %s, gesloten vanaf %s%s); langste overlap %s dagen%s.',
        personen, CASE WHEN personen = 1 THEN 'persoon' ELSE 'personen' END, zaaknummer, to_char(sluiting_start, 'DD-MM-YYYY'),
        CASE WHEN sluiting_einde IS NULL THEN ', onbepaalde tijd' ELSE ' tot en met ' || to_char(sluiting_einde, 'DD-MM-YYYY') END,
        langste_overlap,
        CASE WHEN nieuw_ingeschreven THEN '; er is iemand ingeschreven nadat de sluiting begon' ELSE '' END)
        || ${gekoppeldUitleg('via_adres')} AS explanation,
      persons
    FROM per_zaak
  `,
});
