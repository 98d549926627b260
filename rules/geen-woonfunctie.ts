import { z } from 'zod';
import { GEBRUIKSDOELEN } from '../sources/bag/index.ts';
import { gekoppeldJson, gekoppeldUitleg, personenMetKoppeling } from './gekoppeld.ts';
import { defineRule, lijst } from './rule.ts';

export default defineRule({
  code: 'GEEN_WOONFUNCTIE',
  title: 'Woonadres op een verblijfsobject zonder woonfunctie',
  rationale:
    'Wie op een kantoor, winkel of bedrijfsruimte als woonadres staat ingeschreven, woont daar in strijd met het ' +
    'gebruiksdoel, of staat daar alleen op papier (adresfraude, uitbuiting, illegale bewoning). Alleen woonadressen ' +
    '(functie W) van personen die nu bewoner zijn tellen: een briefadres mag op elk adres, en wie overleden is, in het ' +
    'buitenland woont of een opgeschorte persoonslijst heeft, telt niet. Ligplaatsen en standplaatsen (woonboot, woonwagen) hebben ' +
    'geen gebruiksdoel en tellen niet. Zorginstellingen en penitentiaire inrichtingen zijn standaard uitgezonderd: ' +
    'daar staan bewoners rechtmatig ingeschreven.',
  norm:
    'Wet BRP art. 2.38 en 2.39 (inschrijving op het adres waar iemand woont); BAG-gebruiksdoel volgens Besluit ' +
    'bouwwerken leefomgeving / omgevingsplan. Landelijke Aanpak Adreskwaliteit: inschrijving op object zonder woonfunctie.',
  severity: 'midden',
  requires: ['bag', 'brp'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gebruiksdoelen', 'object_type', 'oppervlakte', 'status', 'verblijfsobject_id'],
    'model.bewoning': [
      'verblijfsobject_id',
      'woon_koppelingen',
      'woon_pseudoniemen',
      'woon_via_adres',
      'woon_via_nummeraanduiding',
      'woon_via_object',
      'woonadressen',
      'woonadressen_onzeker',
    ],
  },
  parameters: z.object({
    minPersonen: z.coerce.number().int().min(1).default(1),
    hoogVanafPersonen: z.coerce.number().int().min(1).default(4),
    uitgezonderdeDoelen: lijst(z.enum(GEBRUIKSDOELEN)).default(['gezondheidszorgfunctie', 'celfunctie']),
  }),
  sql: `
    WITH bewoners AS (
      SELECT verblijfsobject_id, woonadressen AS personen, woonadressen_onzeker AS onzeker,
        woon_via_object, woon_via_nummeraanduiding, woon_via_adres, woon_pseudoniemen AS pseudoniemen, woon_koppelingen AS koppelingen
      FROM model.bewoning WHERE woonadressen > 0
    )
    SELECT v.verblijfsobject_id AS subject_key,
      v.verblijfsobject_id,
      CASE WHEN b.personen >= :hoogVanafPersonen::integer THEN 'hoog' ELSE 'midden' END AS severity,
      b.personen::numeric AS score,
      jsonb_build_object(
        'personen', b.personen,
        'gebruiksdoelen', v.gebruiksdoelen,
        'bag_status', v.status,
        'oppervlakte_m2', v.oppervlakte,
        'gekoppeld', ${gekoppeldJson('b.woon_via_object', 'b.woon_via_nummeraanduiding', 'b.woon_via_adres')},
        'met_onbekende_aanvangsdatum', b.onzeker
      ) AS evidence,
      format('%s met een woonadres ingeschreven op een verblijfsobject zonder woonfunctie (gebruiksdoel volgens de BAG: %s).',
        CASE WHEN b.personen = 1 THEN '1 persoon staat' ELSE b.personen || ' personen staan' END,
        array_to_string(v.gebruiksdoelen, ', '))
        || ${gekoppeldUitleg('b.woon_via_adres', 'b.onzeker')} AS explanation,
      (SELECT jsonb_agg(jsonb_build_object('pseudonym', x.pseudonym, 'rol', x.rol) ORDER BY x.pseudonym)
       FROM (${personenMetKoppeling('b.pseudoniemen', 'b.koppelingen', 'bewoner')}) x) AS persons
    FROM bewoners b
    JOIN model.verblijfsobject v USING (verblijfsobject_id)
    WHERE v.object_type = 'VBO'
      AND NOT ('woonfunctie' = ANY (v.gebruiksdoelen))
      AND NOT (v.gebruiksdoelen && :uitgezonderdeDoelen::text[])
      AND b.personen >= :minPersonen::integer
  `,
});
