import { z } from 'zod';
import { defineRule } from './rule.ts';

export default defineRule({
  code: 'ADRES_ONBEKEND',
  title: 'Inschrijving, vergunning, Damocles-zaak of melding op een adres dat bij geen BAG-object hoort',
  rationale:
    'Een inschrijving op een adres dat niet in de BAG staat (of daar bij geen verblijfsobject hoort) kan op geen ' +
    'bestaande woning slaan: een verzonnen adres, een tikfout of een achterstand in de BAG. Het signaal telt per ' +
    'adres hoeveel personen er zo staan ingeschreven, niet per persoon. Zonder postcode en huisnummer is het adres ' +
    "de opgegeven BAG-identificatie. Vergunningen, Damocles-zaken en meldingen van het meldpunt op zo'n adres staan " +
    'in hetzelfde signaal.',
  norm:
    'Wet BRP art. 2.38 en 2.39 (inschrijving op het adres waar iemand woont); Wet BAG art. 2 (de BAG is de ' +
    'authentieke registratie van adressen). Landelijke Aanpak Adreskwaliteit: adres dat niet in de BAG bestaat.',
  severity: 'midden',
  requires: ['bag'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.nummeraanduiding': ['adres_sleutel', 'gemeentecode', 'nummeraanduiding_id', 'verblijfsobject_id'],
    'model.inschrijving': [
      'adres_sleutel',
      'functie_adres',
      'geldig_tot',
      'gemeentecode',
      'match_method',
      'nummeraanduiding_id',
      'opgegeven_verblijfsobject_id',
      'pseudonym',
      'verblijfsobject_id',
    ],
    'model.vergunning': [
      'adres_sleutel',
      'geldig_tot',
      'gemeentecode',
      'match_method',
      'nummeraanduiding_id',
      'opgegeven_verblijfsobject_id',
      'verblijfsobject_id',
      'zaaknummer',
    ],
    'model.damocles_zaak': [
      'adres_sleutel',
      'gemeentecode',
      'match_method',
      'nummeraanduiding_id',
      'opgegeven_verblijfsobject_id',
      'verblijfsobject_id',
      'zaaknummer',
    ],
    'model.melding': [
      'adres_sleutel',
      'gemeentecode',
      'match_method',
      'melding_id',
      'nummeraanduiding_id',
      'opgegeven_verblijfsobject_id',
      'verblijfsobject_id',
    ],
  },
  parameters: z.object({
    minPersonen: z.coerce.number().int().min(1).default(1),
    hoogVanafPersonen: z.coerce.number().int().min(1).default(5),
  }),
  // Permits, Damocles cases and meldingen that match no BAG object join the BRP rows in `onbekend`,
  // with the zaak or melding number as betrokkene: they land in the same signal as registrations at
  // the same address key, and `vermeldingen_overig` makes them fire without any registered person.
  sql: `
    WITH onbekend AS (
      SELECT 'brp'::text AS bron, i.gemeentecode,
        i.adres_sleutel,
        i.nummeraanduiding_id,
        i.opgegeven_verblijfsobject_id AS opgegeven_object_id,
        i.pseudonym AS betrokkene,
        i.functie_adres
      FROM model.inschrijving i
      WHERE i.geldig_tot IS NULL AND i.match_method = 'geen'
      UNION ALL
      SELECT 'vergunningen', gemeentecode, adres_sleutel, nummeraanduiding_id, opgegeven_verblijfsobject_id, zaaknummer, NULL
      FROM model.vergunning WHERE match_method = 'geen'
      UNION ALL
      SELECT 'damocles', gemeentecode, adres_sleutel, nummeraanduiding_id, opgegeven_verblijfsobject_id, zaaknummer, NULL
      FROM model.damocles_zaak WHERE match_method = 'geen'
      UNION ALL
      SELECT 'melding', gemeentecode, adres_sleutel, NULL, opgegeven_verblijfsobject_id, melding_id, NULL
      FROM model.melding WHERE match_method = 'geen'
    ),
    per_adres AS (
      -- An unknown address is one per municipality: each town's registers are its own.
      SELECT gemeentecode, coalesce(adres_sleutel, 'nummeraanduiding:' || nummeraanduiding_id,
          'verblijfsobject:' || opgegeven_object_id, 'onbekend') AS sleutel,
        min(adres_sleutel) AS adres_sleutel,
        coalesce(array_agg(DISTINCT nummeraanduiding_id) FILTER (WHERE nummeraanduiding_id IS NOT NULL), '{}') AS nummeraanduiding_ids,
        coalesce(array_agg(DISTINCT opgegeven_object_id) FILTER (WHERE opgegeven_object_id IS NOT NULL), '{}') AS object_ids,
        count(DISTINCT betrokkene) FILTER (WHERE bron = 'brp') AS personen,
        count(DISTINCT betrokkene) FILTER (WHERE bron = 'brp' AND functie_adres = 'W') AS woonadressen,
        count(DISTINCT betrokkene) FILTER (WHERE bron = 'brp' AND functie_adres = 'B') AS briefadressen,
        count(*) FILTER (WHERE bron <> 'brp') AS vermeldingen_overig,
        coalesce(array_agg(DISTINCT bron || ' ' || betrokkene) FILTER (WHERE bron <> 'brp'), '{}') AS zaken,
        jsonb_agg(DISTINCT jsonb_build_object('pseudonym', betrokkene, 'rol', CASE functie_adres WHEN 'B' THEN 'briefadres' ELSE 'bewoner' END))
          FILTER (WHERE bron = 'brp') AS persons
      FROM onbekend
      GROUP BY 1, 2
    ),
    beschreven AS (
      SELECT p.*,
        CASE WHEN p.adres_sleutel IS NOT NULL THEN
            split_part(p.adres_sleutel, '|', 1) || ' ' || split_part(p.adres_sleutel, '|', 2) || split_part(p.adres_sleutel, '|', 3)
            || CASE WHEN split_part(p.adres_sleutel, '|', 4) <> '' THEN '-' || split_part(p.adres_sleutel, '|', 4) ELSE '' END
          WHEN cardinality(p.nummeraanduiding_ids) > 0 THEN 'nummeraanduiding ' || array_to_string(p.nummeraanduiding_ids, ', ')
          WHEN cardinality(p.object_ids) > 0 THEN 'verblijfsobject ' || array_to_string(p.object_ids, ', ')
          ELSE 'een adres zonder postcode, huisnummer of BAG-identificatie' END AS adres,
        EXISTS (SELECT 1 FROM model.nummeraanduiding n
                WHERE n.adres_sleutel = p.adres_sleutel OR n.nummeraanduiding_id = ANY (p.nummeraanduiding_ids)) AS bekend_in_bag
      FROM per_adres p
      WHERE p.personen >= :minPersonen::integer OR p.vermeldingen_overig > 0
    )
    SELECT pakhuis.zaak_sleutel(b.gemeentecode, b.sleutel) AS subject_key, b.gemeentecode,
      NULL::text AS verblijfsobject_id,
      CASE WHEN b.personen >= :hoogVanafPersonen::integer THEN 'hoog' ELSE 'midden' END AS severity,
      (b.personen + b.vermeldingen_overig)::numeric AS score,
      jsonb_build_object(
        'adres', b.adres,
        'personen', b.personen,
        'woonadressen', b.woonadressen,
        'briefadressen', b.briefadressen,
        'vermeldingen_andere_registers', b.vermeldingen_overig,
        'zaken', b.zaken,
        'nummeraanduiding_ids', b.nummeraanduiding_ids,
        'opgegeven_verblijfsobject_ids', b.object_ids,
        'nummeraanduiding_in_bag_zonder_object', b.bekend_in_bag
      ) AS evidence,
      format('%s op %s, %s.',
        CASE WHEN b.personen = 0 THEN 'Niemand staat ingeschreven'
             ELSE format('%s ingeschreven (woonadres: %s, briefadres: %s)',
               CASE WHEN b.personen = 1 THEN '1 persoon staat' ELSE b.personen || ' personen staan' END,
               b.woonadressen, b.briefadressen) END,
        b.adres,
        CASE WHEN b.bekend_in_bag THEN 'dat in de BAG wel als nummeraanduiding staat maar bij geen verblijfsobject hoort'
             ELSE 'een adres dat niet in de BAG voorkomt' END)
      || CASE WHEN b.vermeldingen_overig > 0 THEN format(' Genoemd in andere registers: %s%s.', array_to_string(b.zaken[1:10], ', '),
           CASE WHEN cardinality(b.zaken) > 10 THEN format(' en %s meer', cardinality(b.zaken) - 10) ELSE '' END) ELSE '' END
        AS explanation,
      b.persons
    FROM beschreven b
  `,
});
