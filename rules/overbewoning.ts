import { z } from 'zod';
import { gekoppeldJson, gekoppeldUitleg, personenMetKoppeling } from './gekoppeld.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  code: 'OVERBEWONING',
  title: 'Overbewoning: minder woonoppervlakte per ingeschreven persoon dan de norm',
  rationale:
    'Veel inschrijvingen op een kleine woning kunnen wijzen op illegale kamerverhuur, uitbuiting van ' +
    'arbeidsmigranten of adresfraude. Alleen woonadressen (functie W) op een verblijfsobject met woonfunctie tellen, ' +
    'van personen die nu bewoner zijn: wie overleden is, in het buitenland woont of een opgeschorte persoonslijst heeft, ' +
    'telt niet; iemand met een onbekende datum van inschrijving telt mee, en het signaal zegt het. ' +
    'Een geldige omzettingsvergunning, kamerverhuurvergunning of vergunning voor huisvesting van arbeidsmigranten ' +
    'maakt veel bewoners legitiem: het signaal blijft dan zichtbaar, maar met ernst laag en de vergunning als uitleg.',
  norm:
    'Bouwbesluit 2012 art. 7.18 (nu omgevingsplan): ten hoogste 1 persoon per 12 m2 gebruiksoppervlakte. ' +
    'Huisvestingswet 2014 art. 21 (omzettingsvergunning).',
  severity: 'midden',
  requires: ['bag', 'brp'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gebruiksdoelen', 'oppervlakte', 'status', 'verblijfsobject_id'],
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
    'model.vergunning': ['geldig_tot', 'geldig_van', 'status', 'type', 'verblijfsobject_id', 'zaaknummer'],
  },
  parameters: z.object({
    normM2: z.coerce.number().positive().default(12),
    minPersonen: z.coerce.number().int().min(1).default(2),
  }),
  sql: `
    -- The persons counted come with the count, from the same aggregate (model.bewoning_telling).
    WITH bewoners AS (
      SELECT verblijfsobject_id, woonadressen AS personen, woonadressen_onzeker AS onzeker,
        woon_via_object, woon_via_nummeraanduiding, woon_via_adres, woon_pseudoniemen AS pseudoniemen, woon_koppelingen AS koppelingen
      FROM model.bewoning WHERE woonadressen > 0
    ),
    -- Permits in force today that allow more households or rooms; the one running longest is named.
    vergunningen AS (
      SELECT DISTINCT ON (verblijfsobject_id) verblijfsobject_id, zaaknummer, type
      FROM model.vergunning
      WHERE type IN ('omzettingsvergunning', 'kamerverhuur', 'huisvesting arbeidsmigranten')
        AND verblijfsobject_id IS NOT NULL
        AND (status IS NULL OR status NOT IN ('aangevraagd', 'geweigerd', 'ingetrokken', 'vervallen'))
        AND (geldig_van IS NULL OR geldig_van <= current_date)
        AND (geldig_tot IS NULL OR geldig_tot >= current_date)
      ORDER BY verblijfsobject_id, geldig_tot DESC NULLS FIRST, zaaknummer
    )
    SELECT v.verblijfsobject_id AS subject_key,
      v.verblijfsobject_id,
      CASE WHEN p.zaaknummer IS NOT NULL THEN 'laag'
           WHEN v.oppervlakte::numeric / b.personen < :normM2::numeric / 2 THEN 'hoog' ELSE 'midden' END AS severity,
      b.personen::numeric AS score,
      jsonb_build_object(
        'personen', b.personen,
        'oppervlakte_m2', v.oppervlakte,
        'm2_per_persoon', round(v.oppervlakte::numeric / b.personen, 1),
        'norm_m2', :normM2::numeric,
        'gebruiksdoelen', v.gebruiksdoelen,
        'gekoppeld', ${gekoppeldJson('b.woon_via_object', 'b.woon_via_nummeraanduiding', 'b.woon_via_adres')},
        'met_onbekende_aanvangsdatum', b.onzeker
      ) || CASE WHEN p.zaaknummer IS NULL THEN '{}'::jsonb
                ELSE jsonb_build_object('vergunning', jsonb_build_object('zaaknummer', p.zaaknummer, 'type', p.type)) END AS evidence,
      format('%s personen ingeschreven op %s m2 (%s m2 per persoon); de norm is %s m2 per persoon.',
        b.personen, v.oppervlakte, round(v.oppervlakte::numeric / b.personen, 1), :normM2::numeric)
        || ${gekoppeldUitleg('b.woon_via_adres', 'b.onzeker')}
        || CASE WHEN p.zaaknummer IS NULL THEN ''
                ELSE format(' Er geldt een %s (zaak %s) voor dit object: de bewoning kan daardoor toegestaan zijn, daarom ernst laag.', p.type, p.zaaknummer) END
        AS explanation,
      (SELECT jsonb_agg(jsonb_build_object('pseudonym', x.pseudonym, 'rol', x.rol) ORDER BY x.pseudonym)
       FROM (${personenMetKoppeling('b.pseudoniemen', 'b.koppelingen', 'bewoner')}) x) AS persons
    FROM bewoners b
    JOIN model.verblijfsobject v USING (verblijfsobject_id)
    LEFT JOIN vergunningen p USING (verblijfsobject_id)
    WHERE 'woonfunctie' = ANY (v.gebruiksdoelen)
      AND v.oppervlakte IS NOT NULL
      AND b.personen >= :minPersonen::integer
      AND v.oppervlakte::numeric / b.personen < :normM2::numeric
  `,
});
