import { z } from 'zod';
import { gekoppeldJson, gekoppeldUitleg, personenMetKoppeling } from './gekoppeld.ts';
import { defineRule, lijst } from './rule.ts';

export default defineRule({
  code: 'BRIEFADRES_CLUSTER',
  title: 'Veel briefadressen op één verblijfsobject',
  rationale:
    'Een briefadres is bedoeld voor wie tijdelijk geen woonadres heeft; de briefadresgever ontvangt de post. Veel ' +
    'briefadressen op één gewoon adres kunnen wijzen op een adres dat wordt "verhuurd" voor uitkeringen, toeslagen ' +
    'of het ontlopen van toezicht. Alleen wie nu een briefadres heeft telt: wie overleden is, in het buitenland woont of ' +
    'een opgeschorte persoonslijst heeft, niet. Erkende briefadresgevers (maatschappelijke opvang, het gemeentehuis) zet de ' +
    'gemeente op de lijst uitgezonderde objecten, die met de regel wordt gepubliceerd.',
  norm:
    'Wet BRP art. 2.40–2.42 (briefadres alleen bij geen woonadres, met instemming van de briefadresgever). ' +
    'Landelijke Aanpak Adreskwaliteit: signaaltype briefadres.',
  severity: 'midden',
  requires: ['bag', 'brp'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gebruiksdoelen', 'status', 'verblijfsobject_id'],
    'model.bewoning': [
      'brief_koppelingen',
      'brief_pseudoniemen',
      'brief_via_adres',
      'brief_via_nummeraanduiding',
      'brief_via_object',
      'briefadressen',
      'briefadressen_onzeker',
      'nieuwste_briefadres_aanvang',
      'oudste_briefadres_aanvang',
      'verblijfsobject_id',
      'woon_koppelingen',
      'woon_pseudoniemen',
      'woonadressen',
    ],
  },
  parameters: z.object({
    minBriefadressen: z.coerce.number().int().min(2).default(5),
    hoogVanafBriefadressen: z.coerce.number().int().min(2).default(10),
    uitgezonderdeObjecten: lijst(z.string().regex(/^\d{16}$/, 'BAG-identificatie van 16 cijfers')).default([]),
  }),
  sql: `
    WITH per_object AS (
      SELECT verblijfsobject_id, briefadressen, woonadressen, briefadressen_onzeker AS onzeker,
        brief_via_object, brief_via_nummeraanduiding, brief_via_adres,
        oudste_briefadres_aanvang AS oudste_aanvang, nieuwste_briefadres_aanvang AS nieuwste_aanvang,
        brief_pseudoniemen, woon_pseudoniemen, brief_koppelingen, woon_koppelingen
      FROM model.bewoning
    )
    SELECT v.verblijfsobject_id AS subject_key,
      v.verblijfsobject_id,
      CASE WHEN p.briefadressen >= :hoogVanafBriefadressen::integer THEN 'hoog' ELSE 'midden' END AS severity,
      p.briefadressen::numeric AS score,
      jsonb_build_object(
        'briefadressen', p.briefadressen,
        'woonadressen', p.woonadressen,
        'oudste_aanvang', p.oudste_aanvang,
        'nieuwste_aanvang', p.nieuwste_aanvang,
        'gebruiksdoelen', v.gebruiksdoelen,
        'bag_status', v.status,
        'gekoppeld', ${gekoppeldJson('p.brief_via_object', 'p.brief_via_nummeraanduiding', 'p.brief_via_adres')},
        'met_onbekende_aanvangsdatum', p.onzeker
      ) AS evidence,
      format('%s personen hebben hier een briefadres (en %s een woonadres); de drempel is %s briefadressen op één object.',
        p.briefadressen, p.woonadressen, :minBriefadressen::integer)
        || ${gekoppeldUitleg('p.brief_via_adres', 'p.onzeker')} AS explanation,
      -- Both counts of the explanation: whoever has a briefadres here, and whoever lives here.
      (SELECT jsonb_agg(jsonb_build_object('pseudonym', x.pseudonym, 'rol', x.rol) ORDER BY x.rol, x.pseudonym)
       FROM (${personenMetKoppeling('p.brief_pseudoniemen', 'p.brief_koppelingen', 'briefadres')}
             UNION ALL ${personenMetKoppeling('p.woon_pseudoniemen', 'p.woon_koppelingen', 'bewoner')}) x) AS persons
    FROM per_object p
    JOIN model.verblijfsobject v USING (verblijfsobject_id)
    WHERE p.briefadressen >= :minBriefadressen::integer
      AND NOT (v.verblijfsobject_id = ANY (:uitgezonderdeObjecten::text[]))
  `,
});
