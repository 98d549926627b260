-- The note of a judgement is an analyst's free text and may name people. The loading role was
-- meant not to read it (0024 grants it the triage history without the note), yet it could, through
-- pakhuis.signals (the owner's view, read with the owner's rights) and so through
-- signals.signal_details. As with a melding's free text (0060), the column is empty to anyone who
-- is not a member of pakhuis_analyst. A later migration that redefines pakhuis.signals must keep
-- this expression.
CREATE OR REPLACE VIEW pakhuis.signals AS
SELECT s.id, s.rule_code, s.subject_key, s.verblijfsobject_id, s.severity, s.score, s.evidence, s.explanation,
  s.rule_version, s.status, s.first_seen_run, s.last_seen_run, s.first_seen_at, s.last_seen_at, s.resolved_run,
  s.resolved_at, s.worsened_run,
  t.status AS triage_status,
  CASE WHEN pg_catalog.pg_has_role(current_user, 'pakhuis_analyst', 'MEMBER') THEN t.note END AS triage_note,
  t.by_user AS triage_by, t.at AS triage_at, t.score AS triage_score
FROM pakhuis.signal_store s
LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key;
COMMENT ON COLUMN pakhuis.signals.triage_note IS 'Toelichting bij het oordeel; alleen zichtbaar voor leden van pakhuis_analyst.';
