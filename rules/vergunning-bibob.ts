import { z } from 'zod';
import { defineRule } from './rule.ts';

export default defineRule({
  code: 'VERGUNNING_BIBOB',
  title: 'Vergunning met een band met een Damocleszaak: aanleiding voor een Bibob-toets',
  rationale:
    'De burgemeester kan een vergunning weigeren of intrekken bij ernstig gevaar dat zij wordt gebruikt voor ' +
    'strafbare feiten. Een houder die zelf eigenaar of huurder is in een Damocleszaak, of een vergunning op een ' +
    'object dat onder het Damoclesbeleid gesloten is geweest, is precies wat een Bibob-onderzoek bekijkt. Alleen ' +
    'vergunningen die gelden of zijn aangevraagd tellen, en alleen zaken uit de laatste jaren. Een Damocleszaak in een ' +
    'andere gemeente telt alleen waar een samenwerkingsafspraak (SAMENWERKING) beide gemeenten noemt.',
  norm: 'Wet Bibob art. 3 (weigeren of intrekken bij ernstig gevaar); art. 13b Opiumwet (Damocles); ' + 'Alcoholwet en APV (exploitatievergunning).',
  severity: 'midden',
  acrossMunicipalities: true,
  requires: ['permits', 'damocles'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.vergunning': ['geldig_tot', 'geldig_van', 'gemeentecode', 'status', 'type', 'verblijfsobject_id', 'zaaknummer'],
    'model.damocles_zaak': ['besluit', 'datum_constatering', 'gemeentecode', 'sluiting_einde', 'sluiting_start', 'verblijfsobject_id', 'zaaknummer'],
    'model.partij': ['gemeentecode', 'kvk', 'pseudonym', 'rol', 'zaak_soort', 'zaaknummer'],
  },
  parameters: z.object({
    maxJaren: z.coerce.number().int().min(1).max(20).default(5),
  }),
  sql: `
    WITH vergunningen AS (
      SELECT * FROM model.vergunning
      WHERE (status IS NULL OR status NOT IN ('geweigerd', 'ingetrokken', 'vervallen'))
        AND (geldig_tot IS NULL OR geldig_tot >= current_date)
    ),
    zaken AS (
      -- The date a case is judged by: the end of its closure (today while it lasts), else the finding.
      SELECT z.*, coalesce(CASE WHEN z.sluiting_start IS NOT NULL THEN least(coalesce(z.sluiting_einde, current_date), current_date) END,
          z.datum_constatering, current_date) AS peildatum
      FROM model.damocles_zaak z
    ),
    recente_zaken AS (
      SELECT * FROM zaken WHERE peildatum >= (current_date - make_interval(years => :maxJaren::integer))::date
    ),
    via_houder AS (
      SELECT v.gemeentecode, v.zaaknummer AS vergunning, z.gemeentecode AS zaak_gemeente, z.zaaknummer AS damocles_zaak, 'houder is ' || d.rol AS grond,
        CASE WHEN h.pseudonym IS NOT NULL THEN jsonb_build_object('pseudoniem', h.pseudonym) ELSE jsonb_build_object('kvk', h.kvk) END AS houder,
        h.pseudonym AS houder_pseudonym
      FROM vergunningen v
      JOIN model.partij h ON h.zaak_soort = 'vergunning' AND h.gemeentecode = v.gemeentecode AND h.zaaknummer = v.zaaknummer
      JOIN model.partij d ON d.zaak_soort = 'damocles' AND coalesce(d.pseudonym, 'kvk ' || d.kvk) = coalesce(h.pseudonym, 'kvk ' || h.kvk)
        AND pakhuis.samen(v.gemeentecode, d.gemeentecode)
      JOIN recente_zaken z ON z.gemeentecode = d.gemeentecode AND z.zaaknummer = d.zaaknummer
    ),
    via_object AS (
      SELECT v.gemeentecode, v.zaaknummer AS vergunning, z.gemeentecode, z.zaaknummer AS damocles_zaak, 'object gesloten' AS grond, NULL::jsonb AS houder,
        NULL::text AS houder_pseudonym
      FROM vergunningen v
      JOIN recente_zaken z ON z.verblijfsobject_id = v.verblijfsobject_id
      WHERE z.sluiting_start IS NOT NULL AND z.sluiting_start <= current_date
    ),
    banden AS (
      SELECT b.*, z.besluit, z.sluiting_start, z.sluiting_einde, z.datum_constatering, z.verblijfsobject_id AS damocles_object,
        CASE WHEN b.grond = 'object gesloten' THEN 'het object is onder Damocles gesloten geweest (zaak ' || b.damocles_zaak || ')'
          ELSE 'de ' || b.grond || ' in Damocles-zaak ' || b.damocles_zaak END AS omschrijving
      FROM (SELECT * FROM via_houder UNION ALL SELECT * FROM via_object) b
      JOIN zaken z ON z.gemeentecode = b.zaak_gemeente AND z.zaaknummer = b.damocles_zaak
    ),
    per_vergunning AS (
      SELECT gemeentecode, vergunning,
        count(DISTINCT damocles_zaak) AS zaken,
        array_agg(DISTINCT zaak_gemeente) FILTER (WHERE zaak_gemeente <> gemeentecode) AS andere_gemeenten,
        bool_or(grond <> 'object gesloten') AS via_houder,
        jsonb_agg(jsonb_build_object('damocles_zaak', damocles_zaak, 'grond', grond, 'houder', houder, 'besluit', besluit,
          'datum_constatering', datum_constatering, 'sluiting_start', sluiting_start, 'sluiting_einde', sluiting_einde,
          'damocles_object', damocles_object, 'gemeente', zaak_gemeente) ORDER BY damocles_zaak, grond) AS banden,
        string_agg(DISTINCT omschrijving, '; ' ORDER BY omschrijving) AS opsomming,
        jsonb_agg(DISTINCT jsonb_build_object('pseudonym', houder_pseudonym, 'rol', 'houder')) FILTER (WHERE houder_pseudonym IS NOT NULL) AS persons
      FROM banden
      GROUP BY gemeentecode, vergunning
    )
    SELECT pakhuis.zaak_sleutel(v.gemeentecode, v.zaaknummer) AS subject_key, v.gemeentecode,
      v.verblijfsobject_id,
      CASE WHEN p.via_houder THEN 'hoog' ELSE 'midden' END AS severity,
      p.zaken::numeric AS score,
      jsonb_build_object(
        'vergunning', jsonb_build_object('zaaknummer', v.zaaknummer, 'type', v.type, 'status', v.status,
          'geldig_van', v.geldig_van, 'geldig_tot', v.geldig_tot),
        'damocles', p.banden, 'aantal_zaken', p.zaken, 'andere_gemeenten', p.andere_gemeenten
      ) AS evidence,
      format('Vergunning %s (%s) heeft een band met het Damoclesbeleid: %s.', v.zaaknummer, v.type, p.opsomming)
        || CASE WHEN p.andere_gemeenten IS NOT NULL THEN format(' De zaak ligt in %s (onder een samenwerkingsafspraak).', array_to_string(ARRAY(SELECT signals.gemeente_naam(g) FROM unnest(p.andere_gemeenten) g ORDER BY 1), ', ')) ELSE '' END
        AS explanation,
      p.persons
    FROM per_vergunning p
    JOIN vergunningen v ON v.gemeentecode = p.gemeentecode AND v.zaaknummer = p.vergunning
  `,
});
