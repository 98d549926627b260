import { z } from 'zod';
import { defineRule } from './rule.ts';

export default defineRule({
  code: 'MELDING_EN_DATASIGNAAL',
  title: 'Melding van het meldpunt op een adres met een open signaal uit de registers',
  rationale:
    'Een collega, partner of inwoner meldde iets op een adres waar ook de registers iets opvallends laten zien. ' +
    'Twee onafhankelijke bronnen die naar hetzelfde adres wijzen, wegen zwaarder dan elk apart: dit adres verdient ' +
    'voorrang bij onderzoek. Alleen meldingen uit de laatste maanden tellen. Een registersignaal dat als vals positief ' +
    'is beoordeeld telt wel mee: de melding is nieuwe informatie die een medewerker opnieuw moet wegen. De regel ' +
    'kijkt naar de signalen die de andere regels in dezelfde run geven, en wordt daarom na hen uitgevoerd.',
  norm:
    'Plan van aanpak informatiepakhuis Woerden en Oudewater (2019): meldpunt ondermijning naast de registeranalyse. ' +
    'AVG art. 6 lid 1 sub e (taak van algemeen belang); de melding zelf is een aanwijzing, geen bewijs.',
  severity: 'hoog',
  requires: ['meldingen', 'bag'],
  // Checked against the SQL by tests/verantwoording.test.ts; the DPIA appendix lists these per source.
  reads: {
    'model.melding': ['categorie', 'datum_ontvangen', 'kanaal', 'melding_id', 'verblijfsobject_id'],
    signal_candidates: ['evidence', 'explanation', 'rule_code', 'score', 'severity', 'subject_key', 'verblijfsobject_id'],
  },
  readsCandidates: true,
  parameters: z.object({
    maanden: z.coerce.number().int().min(1).max(60).default(12),
  }),
  // signal_candidates holds what the other rules found in this publish (rules/rule.ts,
  // readsCandidates); this rule's own code is left out so it never feeds on itself.
  sql: `
    WITH recent AS (
      SELECT verblijfsobject_id, melding_id, datum_ontvangen, kanaal, categorie
      FROM model.melding
      WHERE verblijfsobject_id IS NOT NULL
        AND datum_ontvangen <= current_date
        AND datum_ontvangen > (current_date - make_interval(months => :maanden::integer))::date
    ),
    register AS (
      SELECT DISTINCT verblijfsobject_id, rule_code, subject_key, severity
      FROM signal_candidates
      WHERE verblijfsobject_id IS NOT NULL AND rule_code <> 'MELDING_EN_DATASIGNAAL'
    ),
    per_object AS (
      SELECT m.verblijfsobject_id,
        count(*) AS meldingen,
        max(m.datum_ontvangen) AS laatste,
        jsonb_agg(jsonb_build_object('melding', m.melding_id, 'datum_ontvangen', m.datum_ontvangen, 'kanaal', m.kanaal,
          'categorie', m.categorie) ORDER BY m.datum_ontvangen DESC, m.melding_id) AS lijst,
        string_agg(DISTINCT coalesce(m.categorie, 'zonder categorie'), ', ') AS categorieen
      FROM recent m
      WHERE EXISTS (SELECT 1 FROM register r WHERE r.verblijfsobject_id = m.verblijfsobject_id)
      GROUP BY m.verblijfsobject_id
    ),
    signalen AS (
      SELECT verblijfsobject_id, count(*) AS aantal,
        jsonb_agg(jsonb_build_object('regel', rule_code, 'onderwerp', subject_key, 'ernst', severity) ORDER BY rule_code, subject_key) AS lijst,
        string_agg(DISTINCT rule_code, ', ') AS regels
      FROM register
      WHERE verblijfsobject_id IN (SELECT verblijfsobject_id FROM per_object)
      GROUP BY verblijfsobject_id
    )
    SELECT p.verblijfsobject_id AS subject_key,
      p.verblijfsobject_id,
      'hoog' AS severity,
      (p.meldingen + s.aantal)::numeric AS score,
      jsonb_build_object(
        'meldingen', p.lijst, 'aantal_meldingen', p.meldingen, 'laatste_melding', p.laatste,
        'registersignalen', s.lijst, 'aantal_registersignalen', s.aantal, 'venster_maanden', :maanden::integer
      ) AS evidence,
      format('%s van het meldpunt in de laatste %s maanden (laatste %s; %s), en de registers geven hier een open signaal: %s.',
        CASE WHEN p.meldingen = 1 THEN '1 melding' ELSE p.meldingen || ' meldingen' END, :maanden::integer,
        to_char(p.laatste, 'DD-MM-YYYY'), p.categorieen, s.regels) AS explanation
    FROM per_object p
    JOIN signalen s USING (verblijfsobject_id)
  `,
});
