import { z } from 'zod';
import { defineRule } from './rule.ts';

export default defineRule({
  code: 'DAMOCLES_BETROKKENE_ELDERS',
  title: 'Eigenaar of huurder van een Damocles-object komt elders in de gemeente voor',
  acrossMunicipalities: true,
  rationale:
    'Het voorbeeld uit het plan van aanpak: de eigenaar of huurder van een pand dat onder het Damoclesbeleid is ' +
    'aangepakt, waar komt die nog meer voor in de gemeente, en waarvoor? Een inschrijving op of een vergunning voor ' +
    'een ander adres kan wijzen op verplaatsing van de activiteiten. Een vergunning elders weegt zwaarder (Bibob). ' +
    'Alleen zaken uit de laatste jaren tellen, zodat oude zaken niet blijven doorwerken. Een andere gemeente telt alleen ' +
    'mee waar een samenwerkingsafspraak (SAMENWERKING) beide gemeenten noemt.',
  norm: 'Art. 13b Opiumwet; Wet Bibob (ernstig gevaar dat een vergunning wordt misbruikt). Plan van aanpak ' + 'informatiepakhuis Woerden en Oudewater (2019).',
  severity: 'midden',
  requires: ['bag', 'damocles'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gemeentecode', 'hoofdadres_id', 'status', 'verblijfsobject_id'],
    'model.nummeraanduiding': [
      'gemeentecode',
      'huisletter',
      'huisnummer',
      'huisnummertoevoeging',
      'nummeraanduiding_id',
      'postcode',
      'status',
      'verblijfsobject_id',
    ],
    'model.inschrijving': ['functie_adres', 'geldig_tot', 'gemeentecode', 'nummeraanduiding_id', 'pseudonym', 'verblijfsobject_id'],
    'model.vergunning': ['geldig_tot', 'gemeentecode', 'nummeraanduiding_id', 'status', 'type', 'verblijfsobject_id', 'zaaknummer'],
    'model.damocles_zaak': [
      'besluit',
      'datum_constatering',
      'gemeentecode',
      'nummeraanduiding_id',
      'sluiting_einde',
      'sluiting_start',
      'verblijfsobject_id',
      'zaaknummer',
    ],
    'model.partij': ['gemeentecode', 'kvk', 'pseudonym', 'rol', 'zaak_soort', 'zaaknummer'],
  },
  parameters: z.object({
    maxJaren: z.coerce.number().int().min(1).max(20).default(5),
  }),
  sql: `
    WITH zaken AS (
      -- The date a case is judged by: the end of its closure (today while it lasts), else the finding.
      SELECT z.*, coalesce(CASE WHEN z.sluiting_start IS NOT NULL THEN least(coalesce(z.sluiting_einde, current_date), current_date) END,
          z.datum_constatering, current_date) AS peildatum
      FROM model.damocles_zaak z
    ),
    betrokkenen AS (
      SELECT z.gemeentecode, z.zaaknummer, z.verblijfsobject_id AS zaak_object, z.besluit, z.peildatum, p.rol, p.pseudonym, p.kvk,
        coalesce(p.pseudonym, 'kvk ' || p.kvk) AS partij
      FROM zaken z
      JOIN model.partij p ON p.zaak_soort = 'damocles' AND p.gemeentecode = z.gemeentecode AND p.zaaknummer = z.zaaknummer
      WHERE z.peildatum >= (current_date - make_interval(years => :maxJaren::integer))::date
    ),
    elders AS (
      SELECT b.gemeentecode, b.zaaknummer, b.rol, b.partij, b.pseudonym, 'inschrijving' AS soort, i.verblijfsobject_id, NULL::text AS vergunning,
        NULL::text AS vergunning_type, i.functie_adres
      FROM betrokkenen b
      JOIN model.inschrijving i ON i.pseudonym = b.pseudonym
      WHERE i.geldig_tot IS NULL AND i.verblijfsobject_id IS NOT NULL AND i.verblijfsobject_id IS DISTINCT FROM b.zaak_object
        AND pakhuis.samen(b.gemeentecode, i.gemeentecode)
      UNION ALL
      SELECT b.gemeentecode, b.zaaknummer, b.rol, b.partij, b.pseudonym, 'vergunning', v.verblijfsobject_id, v.zaaknummer, v.type, NULL
      FROM betrokkenen b
      JOIN model.partij h ON h.zaak_soort = 'vergunning' AND coalesce(h.pseudonym, 'kvk ' || h.kvk) = b.partij
      JOIN model.vergunning v ON v.gemeentecode = h.gemeentecode AND v.zaaknummer = h.zaaknummer
      WHERE v.verblijfsobject_id IS NOT NULL AND v.verblijfsobject_id IS DISTINCT FROM b.zaak_object
        AND pakhuis.samen(b.gemeentecode, v.gemeentecode)
        AND (v.status IS NULL OR v.status NOT IN ('geweigerd', 'ingetrokken', 'vervallen'))
        AND (v.geldig_tot IS NULL OR v.geldig_tot >= current_date)
    ),
    beschreven AS (
      SELECT e.*, o.gemeentecode AS elders_gemeente, coalesce(n.postcode || ' ' || n.huisnummer || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''),
          'verblijfsobject ' || e.verblijfsobject_id) AS adres
      FROM elders e
      LEFT JOIN model.verblijfsobject o ON o.verblijfsobject_id = e.verblijfsobject_id
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = o.hoofdadres_id
    ),
    partijen AS (
      SELECT gemeentecode, zaaknummer, rol, jsonb_agg(CASE WHEN pseudonym IS NOT NULL THEN jsonb_build_object('pseudoniem', pseudonym)
          ELSE jsonb_build_object('kvk', kvk) END ORDER BY partij) AS partijen
      FROM betrokkenen
      GROUP BY gemeentecode, zaaknummer, rol
    ),
    per_rol AS (
      SELECT gemeentecode, zaaknummer, rol,
        count(DISTINCT verblijfsobject_id) AS objecten,
        array_agg(DISTINCT elders_gemeente) FILTER (WHERE elders_gemeente <> gemeentecode) AS andere_gemeenten,
        bool_or(soort = 'vergunning') AS met_vergunning,
        jsonb_agg(jsonb_build_object('partij', partij, 'soort', soort, 'verblijfsobject_id', verblijfsobject_id, 'functie_adres', functie_adres,
          'gemeente', elders_gemeente, 'vergunning', vergunning, 'vergunning_type', vergunning_type) ORDER BY partij, soort, verblijfsobject_id, vergunning) AS elders,
        string_agg(CASE WHEN soort = 'inschrijving' THEN 'ingeschreven op ' || adres
          ELSE 'houder van ' || vergunning_type || ' (zaak ' || vergunning || ') op ' || adres END, '; ' ORDER BY soort, adres, vergunning) AS opsomming,
        -- The owner or tenant found elsewhere, when a person (a company has no name to reveal).
        jsonb_agg(DISTINCT jsonb_build_object('pseudonym', pseudonym, 'rol', rol)) FILTER (WHERE pseudonym IS NOT NULL) AS persons
      FROM beschreven
      GROUP BY gemeentecode, zaaknummer, rol
    )
    SELECT pakhuis.zaak_sleutel(r.gemeentecode, r.zaaknummer) || '/' || r.rol AS subject_key, r.gemeentecode,
      z.verblijfsobject_id,
      CASE WHEN r.met_vergunning THEN 'hoog' ELSE 'midden' END AS severity,
      r.objecten::numeric AS score,
      jsonb_build_object(
        'damocles_zaak', r.zaaknummer, 'rol', r.rol, 'besluit', z.besluit, 'datum_constatering', z.datum_constatering,
        'sluiting_start', z.sluiting_start, 'sluiting_einde', z.sluiting_einde, 'damocles_object', z.verblijfsobject_id,
        'partijen', p.partijen,
        'elders', r.elders, 'aantal_andere_objecten', r.objecten, 'andere_gemeenten', r.andere_gemeenten
      ) AS evidence,
      format('De %s van Damocles-zaak %s (%s) komt elders in de gemeente voor: %s.',
        r.rol, r.zaaknummer, coalesce(z.besluit, 'besluit onbekend'), r.opsomming)
        || CASE WHEN r.andere_gemeenten IS NOT NULL THEN format(' Ook in %s (onder een samenwerkingsafspraak).', array_to_string(ARRAY(SELECT signals.gemeente_naam(g) FROM unnest(r.andere_gemeenten) g ORDER BY 1), ', ')) ELSE '' END
        AS explanation,
      r.persons
    FROM per_rol r
    JOIN model.damocles_zaak z ON z.gemeentecode = r.gemeentecode AND z.zaaknummer = r.zaaknummer
    JOIN partijen p ON p.gemeentecode = r.gemeentecode AND p.zaaknummer = r.zaaknummer AND p.rol = r.rol
  `,
});
