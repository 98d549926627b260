import { z } from 'zod';
import { GEBRUIKSDOELEN } from '../sources/bag/index.ts';
import { defineRule, lijst } from './rule.ts';

export default defineRule({
  code: 'DOORGANGSADRES',
  title: 'Doorgangsadres: veel verschillende personen die kort na elkaar in- en uitschrijven',
  rationale:
    'Een woning waar in korte tijd veel verschillende mensen komen en gaan, kan dienen als doorgangshuis voor ' +
    'uitgebuite arbeidsmigranten, als adres om uitkeringen of toeslagen op te krijgen, of voor illegale kamerverhuur. ' +
    'Geteld worden verschillende personen van wie een woonadres (functie W) op het object binnen het venster begon ' +
    'of eindigde; een nieuwe adreshouding op hetzelfde object (correctie, straatnaamwijziging) is geen verhuizing. ' +
    'Wie naar een andere gemeente verhuisde, staat niet meer in een gemeentelijke BRP-levering en telt dus niet mee als ' +
    'vertrek; wie naar het buitenland vertrok wel. Overlijden en opschorting van de persoonslijst zijn geen vertrek, en ' +
    'een voorkomen dat als onjuist is gemarkeerd is geen verhuizing. ' +
    'Zorginstellingen en penitentiaire inrichtingen zijn standaard uitgezonderd. Het venster eindigt op de peildatum, ' +
    'standaard de dag van de run.',
  norm: 'Wet BRP art. 2.38 en 2.39 (inschrijving op het adres waar iemand woont). Landelijke Aanpak Adreskwaliteit: ' + 'signaaltype doorgangsadres.',
  severity: 'midden',
  requires: ['bag', 'brp'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.verblijfsobject': ['gebruiksdoelen', 'oppervlakte', 'verblijfsobject_id'],
    'model.inschrijving': [
      'einde_onbekend',
      'functie_adres',
      'geldig_tot',
      'geldig_van',
      'gesloten_door',
      'persoonslijst',
      'pseudonym',
      'source_line',
      'verblijfsobject_id',
    ],
  },
  parameters: z.object({
    minPersonen: z.coerce.number().int().min(2).default(6),
    maanden: z.coerce.number().int().min(1).max(120).default(12),
    hoogVanafPersonen: z.coerce.number().int().min(2).default(12),
    // Empty means the day of the run (SQL current_date), so the version does not change every day.
    peildatum: z.iso.date().nullable().default(null),
    uitgezonderdeDoelen: lijst(z.enum(GEBRUIKSDOELEN)).default(['gezondheidszorgfunctie', 'celfunctie']),
  }),
  sql: `
    WITH venster AS (
      SELECT coalesce(:peildatum::date, current_date) AS tot,
        (coalesce(:peildatum::date, current_date) - make_interval(months => :maanden::integer))::date AS van
    ),
    -- Only persons who moved in the window need their history walked.
    verhuizers AS (
      SELECT DISTINCT i.pseudonym
      FROM model.inschrijving i, venster w
      WHERE (i.geldig_van > w.van AND i.geldig_van <= w.tot) OR (i.geldig_tot > w.van AND i.geldig_tot <= w.tot)
    ),
    reeks AS (
      SELECT i.pseudonym, i.verblijfsobject_id, i.functie_adres, i.geldig_van, i.geldig_tot,
        -- Only a move ends a stay: a death or a suspension of the list is no departure, and an
        -- end whose date is unknown falls in no window.
        i.gesloten_door IN ('volgende', 'volgende_elders') AND NOT i.einde_onbekend AS vertrokken,
        lag(i.verblijfsobject_id) OVER p AS vorig_object,
        lead(i.verblijfsobject_id) OVER p AS volgend_object
      FROM model.inschrijving i
      JOIN verhuizers USING (pseudonym)
      -- A person's moves are those of one persoonslijst: two lists with one BSN do not interleave,
      -- nor do two persons whom an export gave one pl id.
      -- Newer BRP history rows come first in the file (historie_index 0 = current), hence line DESC.
      WINDOW p AS (PARTITION BY i.pseudonym, i.persoonslijst ORDER BY i.geldig_van NULLS FIRST, i.source_line DESC)
    ),
    bewegingen AS (
      SELECT r.verblijfsobject_id, r.pseudonym,
        coalesce(r.geldig_van > w.van AND r.geldig_van <= w.tot, false)
          AND r.vorig_object IS DISTINCT FROM r.verblijfsobject_id AS erin,
        coalesce(r.vertrokken AND r.geldig_tot > w.van AND r.geldig_tot <= w.tot, false)
          AND r.volgend_object IS DISTINCT FROM r.verblijfsobject_id AS eruit
      FROM reeks r, venster w
      WHERE r.verblijfsobject_id IS NOT NULL AND r.functie_adres = 'W'
    ),
    per_object AS (
      SELECT verblijfsobject_id,
        count(DISTINCT pseudonym) AS personen,
        count(DISTINCT pseudonym) FILTER (WHERE erin) AS ingekomen,
        count(DISTINCT pseudonym) FILTER (WHERE eruit) AS vertrokken,
        jsonb_agg(DISTINCT jsonb_build_object('pseudonym', pseudonym,
          'rol', CASE WHEN erin AND eruit THEN 'ingekomen en vertrokken' WHEN erin THEN 'ingekomen' ELSE 'vertrokken' END)) AS persons
      FROM bewegingen
      WHERE erin OR eruit
      GROUP BY verblijfsobject_id
      HAVING count(DISTINCT pseudonym) >= :minPersonen::integer
    ),
    bewoners AS (
      SELECT verblijfsobject_id, count(DISTINCT pseudonym) AS personen
      FROM model.inschrijving
      WHERE geldig_tot IS NULL AND functie_adres = 'W' AND verblijfsobject_id IN (SELECT verblijfsobject_id FROM per_object)
      GROUP BY verblijfsobject_id
    )
    SELECT v.verblijfsobject_id AS subject_key,
      v.verblijfsobject_id,
      CASE WHEN p.personen >= :hoogVanafPersonen::integer THEN 'hoog' ELSE 'midden' END AS severity,
      p.personen::numeric AS score,
      jsonb_build_object(
        'personen', p.personen,
        'ingekomen', p.ingekomen,
        'vertrokken', p.vertrokken,
        'huidige_bewoners', coalesce(b.personen, 0),
        'venster_van', w.van,
        'venster_tot', w.tot,
        'maanden', :maanden::integer,
        'gebruiksdoelen', v.gebruiksdoelen,
        'oppervlakte_m2', v.oppervlakte
      ) AS evidence,
      format('%s verschillende personen schreven zich hier in of uit tussen %s en %s (%s ingekomen, %s vertrokken); nu wonen er %s. De drempel is %s personen in %s maanden.',
        p.personen, to_char(w.van, 'DD-MM-YYYY'), to_char(w.tot, 'DD-MM-YYYY'), p.ingekomen, p.vertrokken,
        coalesce(b.personen, 0), :minPersonen::integer, :maanden::integer) AS explanation,
      p.persons
    FROM per_object p
    JOIN model.verblijfsobject v USING (verblijfsobject_id)
    LEFT JOIN bewoners b USING (verblijfsobject_id)
    CROSS JOIN venster w
    WHERE NOT (v.gebruiksdoelen && :uitgezonderdeDoelen::text[])
  `,
});
