import { z } from 'zod';
import { VBO_STATUSES } from '../sources/bag/index.ts';
import { defineRule, lijst } from './rule.ts';

export default defineRule({
  code: 'OBJECT_NIET_IN_GEBRUIK',
  title: 'Inschrijving op een verblijfsobject dat volgens de BAG niet in gebruik is',
  rationale:
    'Een object dat is ingetrokken, nooit is gebouwd, buiten gebruik is of ten onrechte is opgevoerd, kan niet ' +
    'bewoond worden; een inschrijving daarop wijst op adresfraude of op een fout in BRP of BAG. Woon- en briefadressen ' +
    'tellen allebei. Bij een object in de status "gevormd" (in aanbouw) loopt de BAG vaak achter op de eerste ' +
    'bewoners: inschrijvingen die korter dan de respijttermijn bestaan tellen daar niet, en oudere geven ernst laag.',
  norm:
    'Wet BRP art. 2.38 (inschrijving op het adres waar iemand woont); Wet BAG: status van het verblijfsobject. ' +
    'Landelijke Aanpak Adreskwaliteit: inschrijving op object dat niet in gebruik is.',
  severity: 'midden',
  requires: ['bag', 'brp'],
  parameters: z.object({
    statussen: lijst(z.enum(VBO_STATUSES)).default([
      'Verblijfsobject gevormd',
      'Niet gerealiseerd verblijfsobject',
      'Verblijfsobject ingetrokken',
      'Verblijfsobject buiten gebruik',
      'Verblijfsobject ten onrechte opgevoerd',
      'Plaats ingetrokken',
    ]),
    respijtGevormdMaanden: z.coerce.number().int().min(0).default(3),
    hoogVanafPersonen: z.coerce.number().int().min(1).default(4),
  }),
  sql: `
    WITH ingeschreven AS (
      SELECT i.verblijfsobject_id,
        count(DISTINCT i.pseudonym) AS personen,
        count(DISTINCT i.pseudonym) FILTER (WHERE i.functie_adres = 'W') AS woonadressen,
        count(DISTINCT i.pseudonym) FILTER (WHERE i.functie_adres = 'B') AS briefadressen,
        min(i.geldig_van) AS eerste_aanvang,
        jsonb_agg(DISTINCT jsonb_build_object('pseudonym', i.pseudonym, 'rol', CASE i.functie_adres WHEN 'B' THEN 'briefadres' ELSE 'bewoner' END)) AS persons
      FROM model.inschrijving i
      JOIN model.verblijfsobject v USING (verblijfsobject_id)
      WHERE i.geldig_tot IS NULL
        AND v.status = ANY (:statussen::text[])
        AND NOT (v.status = 'Verblijfsobject gevormd' AND i.geldig_van IS NOT NULL
                 AND i.geldig_van > (current_date - make_interval(months => :respijtGevormdMaanden::integer))::date)
      GROUP BY i.verblijfsobject_id
    )
    SELECT v.verblijfsobject_id AS subject_key,
      v.verblijfsobject_id,
      CASE WHEN v.status = 'Verblijfsobject gevormd' THEN 'laag'
           WHEN g.personen >= :hoogVanafPersonen::integer THEN 'hoog'
           ELSE 'midden' END AS severity,
      g.personen::numeric AS score,
      jsonb_build_object(
        'personen', g.personen,
        'woonadressen', g.woonadressen,
        'briefadressen', g.briefadressen,
        'bag_status', v.status,
        'eerste_aanvang', g.eerste_aanvang,
        'gebruiksdoelen', v.gebruiksdoelen
      ) AS evidence,
      format('%s ingeschreven (woonadres: %s, briefadres: %s) op een verblijfsobject met BAG-status "%s".',
        CASE WHEN g.personen = 1 THEN '1 persoon staat' ELSE g.personen || ' personen staan' END,
        g.woonadressen, g.briefadressen, v.status) AS explanation,
      g.persons
    FROM ingeschreven g
    JOIN model.verblijfsobject v USING (verblijfsobject_id)
  `,
});
