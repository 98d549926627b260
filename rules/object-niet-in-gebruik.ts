import { z } from 'zod';
import { VBO_STATUSES } from '../sources/bag/index.ts';
import { gekoppeldJson, gekoppeldUitleg } from './gekoppeld.ts';
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
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gebruiksdoelen', 'status', 'verblijfsobject_id'],
    'model.inschrijving': ['aanvang_onzeker', 'functie_adres', 'geldig_tot', 'geldig_van', 'match_method', 'pseudonym', 'verblijfsobject_id'],
  },
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
    WITH per_persoon AS (
      -- A person counts once per object, by the surest match any registration there has.
      SELECT i.verblijfsobject_id, i.pseudonym,
        bool_or(i.functie_adres = 'W') AS woon,
        bool_or(i.functie_adres = 'B') AS brief,
        bool_and(i.aanvang_onzeker) AS onzeker,
        min(CASE i.match_method WHEN 'vbo_id' THEN 1 WHEN 'num_id' THEN 2 ELSE 3 END) AS methode,
        min(i.geldig_van) AS eerste_aanvang
      FROM model.inschrijving i
      JOIN model.verblijfsobject v USING (verblijfsobject_id)
      WHERE i.geldig_tot IS NULL
        AND v.status = ANY (:statussen::text[])
        AND NOT (v.status = 'Verblijfsobject gevormd' AND i.geldig_van IS NOT NULL
                 AND i.geldig_van > (current_date - make_interval(months => :respijtGevormdMaanden::integer))::date)
      GROUP BY i.verblijfsobject_id, i.pseudonym
    ),
    ingeschreven AS (
      SELECT verblijfsobject_id,
        count(*) AS personen,
        count(*) FILTER (WHERE woon) AS woonadressen,
        count(*) FILTER (WHERE brief) AS briefadressen,
        count(*) FILTER (WHERE onzeker) AS onzeker,
        count(*) FILTER (WHERE methode = 1) AS via_object,
        count(*) FILTER (WHERE methode = 2) AS via_nummeraanduiding,
        count(*) FILTER (WHERE methode = 3) AS via_adres,
        min(eerste_aanvang) AS eerste_aanvang,
        -- The persons counted, one each, from the same rows as the count.
        jsonb_agg(jsonb_build_object('pseudonym', pseudonym, 'rol', CASE WHEN woon THEN 'bewoner' ELSE 'briefadres' END
          || CASE methode WHEN 2 THEN ' via nummeraanduiding' WHEN 3 THEN ' via adres' ELSE '' END) ORDER BY pseudonym) AS persons
      FROM per_persoon
      GROUP BY verblijfsobject_id
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
        'gebruiksdoelen', v.gebruiksdoelen,
        'gekoppeld', ${gekoppeldJson('g.via_object', 'g.via_nummeraanduiding', 'g.via_adres')},
        'met_onbekende_aanvangsdatum', g.onzeker
      ) AS evidence,
      format('%s ingeschreven (woonadres: %s, briefadres: %s) op een verblijfsobject met BAG-status "%s".',
        CASE WHEN g.personen = 1 THEN '1 persoon staat' ELSE g.personen || ' personen staan' END,
        g.woonadressen, g.briefadressen, v.status)
        || ${gekoppeldUitleg('g.via_adres', 'g.onzeker')} AS explanation,
      g.persons
    FROM ingeschreven g
    JOIN model.verblijfsobject v USING (verblijfsobject_id)
  `,
});
