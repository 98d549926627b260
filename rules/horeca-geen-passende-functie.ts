import { z } from 'zod';
import { GEBRUIKSDOELEN } from '../sources/bag/index.ts';
import { defineRule } from './rule.ts';

const gebruiksdoelen = z
  .string()
  .refine(
    (s) =>
      s
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean).length > 0 && s.split(',').every((d) => (GEBRUIKSDOELEN as readonly string[]).includes(d.trim())),
    { message: `een kommagescheiden lijst van BAG-gebruiksdoelen (${GEBRUIKSDOELEN.join(', ')})` },
  )
  .transform((s) =>
    s
      .split(',')
      .map((d) => d.trim())
      .join(','),
  );

export default defineRule({
  code: 'HORECA_GEEN_PASSENDE_FUNCTIE',
  title: 'Horeca- of alcoholvergunning op een object zonder passend gebruiksdoel',
  rationale:
    'Een horecazaak of alcoholverstrekking hoort in een object met een bijeenkomst-, winkel- of logiesfunctie. ' +
    'Een vergunning op een woning, kantoor of bedrijfshal kan wijzen op een dekmantel (witwassen via horeca) of op ' +
    'een fout in de BAG of het vergunningenregister. Alleen vergunningen die gelden of zijn aangevraagd tellen.',
  norm:
    'APV (exploitatievergunning) en Alcoholwet; het gebruik moet passen binnen het omgevingsplan, waarvan de ' +
    'BAG-gebruiksdoelen (Besluit bouwwerken leefomgeving) een afspiegeling zijn.',
  severity: 'midden',
  requires: ['bag', 'permits'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gebruiksdoelen', 'gemeentecode', 'status', 'verblijfsobject_id'],
    'model.vergunning': ['geldig_tot', 'geldig_van', 'gemeentecode', 'status', 'type', 'verblijfsobject_id', 'zaaknummer'],
    'model.partij': ['gemeentecode', 'pseudonym', 'zaak_soort', 'zaaknummer'],
  },
  parameters: z.object({
    passendeFuncties: gebruiksdoelen.default('bijeenkomstfunctie,winkelfunctie,logiesfunctie'),
  }),
  sql: `
    SELECT pakhuis.zaak_sleutel(v.gemeentecode, v.zaaknummer) AS subject_key, v.gemeentecode,
      v.verblijfsobject_id,
      'midden' AS severity,
      1::numeric AS score,
      jsonb_build_object(
        'vergunning', jsonb_build_object('zaaknummer', v.zaaknummer, 'type', v.type, 'status', v.status,
          'geldig_van', v.geldig_van, 'geldig_tot', v.geldig_tot),
        'gebruiksdoelen', o.gebruiksdoelen,
        'passende_functies', string_to_array(:passendeFuncties::text, ',')
      ) AS evidence,
      format('Er is een %s (zaak %s) voor dit object, maar volgens de BAG is het gebruiksdoel %s: geen van %s.',
        v.type, v.zaaknummer, array_to_string(o.gebruiksdoelen, ', '), replace(:passendeFuncties::text, ',', ', ')) AS explanation,
      (SELECT jsonb_agg(DISTINCT jsonb_build_object('pseudonym', h.pseudonym, 'rol', 'houder')) FROM model.partij h
       WHERE h.zaak_soort = 'vergunning' AND h.gemeentecode = v.gemeentecode AND h.zaaknummer = v.zaaknummer AND h.pseudonym IS NOT NULL) AS persons
    FROM model.vergunning v
    JOIN model.verblijfsobject o ON o.verblijfsobject_id = v.verblijfsobject_id
    WHERE v.type IN ('exploitatievergunning', 'alcoholwetvergunning')
      AND (v.status IS NULL OR v.status NOT IN ('geweigerd', 'ingetrokken', 'vervallen'))
      AND (v.geldig_tot IS NULL OR v.geldig_tot >= current_date)
      AND NOT (o.gebruiksdoelen && string_to_array(:passendeFuncties::text, ','))
  `,
});
