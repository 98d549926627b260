-- Signals and their triage, out of the loading role's hands.
--
-- An attacker with the loading login (pakhuis_etl) deleted a signal row and inserted it again
-- with triage_status 'vals_positief', another login's name in triage_by and a huge triage_score:
-- the trigger of 0015 guarded UPDATEs of the triage columns only. The signal then showed a
-- judgement nobody made, with no line in the triage history, and never reached a report again
-- however much worse its evidence got. So:
--  * a judgement lives in pakhuis.triage, keyed by the signal's stable identity (rule code and
--    subject key), written by signals.triage alone; no application role may write it;
--  * signals live in pakhuis.signal_store, which only the owner writes: the night's candidates go
--    to pakhuis.signal_candidates and pakhuis.merge_signals (owner's rights) merges them, and
--    retention goes through pakhuis.purge_resolved_signals. Grants: migration 0024;
--  * pakhuis.signals stays, as a view of a signal with its judgement, with the columns it had:
--    the reports, the analysts' views and every query that read it go on reading it.
-- The rule's person links (migration 0023's reveal reads nothing else) are stored by the merge
-- in pakhuis.signal_persons.

-- The views that read pakhuis.signals are kept as they are (definition, comments) and put back
-- unchanged on the new view, as 0012 did; views on those views go and come back with them.
CREATE TEMP TABLE kept_views ON COMMIT DROP AS
WITH RECURSIVE dependent (oid) AS (
  SELECT DISTINCT r.ev_class
  FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
  WHERE d.refobjid = 'pakhuis.signals'::regclass AND r.ev_class <> 'pakhuis.signals'::regclass
  UNION
  SELECT r.ev_class
  FROM dependent v JOIN pg_depend d ON d.refobjid = v.oid JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
  WHERE r.ev_class <> v.oid
)
SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name, pg_get_viewdef(c.oid) AS definition,
  obj_description(c.oid, 'pg_class') AS comment,
  (SELECT jsonb_object_agg(a.attname, col_description(a.attrelid, a.attnum)) FILTER (WHERE col_description(a.attrelid, a.attnum) IS NOT NULL)
   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS column_comments
FROM dependent v JOIN pg_class c ON c.oid = v.oid JOIN pg_namespace n ON n.oid = c.relnamespace;

DO $$
DECLARE v record;
BEGIN
  FOR v IN SELECT name FROM kept_views ORDER BY oid DESC LOOP
    EXECUTE format('DROP VIEW %s', v.name);
  END LOOP;
END
$$;

DROP TRIGGER signals_triage_only_through_triage ON pakhuis.signals;
ALTER TABLE pakhuis.signals RENAME TO signal_store;
ALTER SEQUENCE pakhuis.signals_id_seq RENAME TO signal_store_id_seq;
COMMENT ON TABLE pakhuis.signal_store IS 'Signalen zoals de regels ze gaven; alleen pakhuis.merge_signals en pakhuis.purge_resolved_signals schrijven hierin (rechten van de eigenaar).';

CREATE TABLE pakhuis.triage (
  rule_code       text NOT NULL,
  subject_key     text NOT NULL,
  status          text NOT NULL CHECK (status IN ('in_onderzoek', 'vals_positief', 'afgehandeld')),
  note            text CHECK (length(note) <= 2000),
  by_user         text NOT NULL,
  stated_by       text,
  at              timestamptz NOT NULL,
  -- The score the signal had when judged: a vals positief comes back in a report only above it.
  score           numeric,
  PRIMARY KEY (rule_code, subject_key)
);
COMMENT ON TABLE pakhuis.triage IS 'Het geldende menselijke oordeel per signaal (regel en onderwerp); alleen signals.triage schrijft hierin. De geschiedenis staat in pakhuis.triage_log.';

INSERT INTO pakhuis.triage (rule_code, subject_key, status, note, by_user, at, score)
SELECT rule_code, subject_key, triage_status, triage_note, triage_by, triage_at, triage_score
FROM pakhuis.signal_store WHERE triage_status IS NOT NULL;

ALTER TABLE pakhuis.signal_store
  DROP COLUMN triage_status, DROP COLUMN triage_note, DROP COLUMN triage_by, DROP COLUMN triage_at, DROP COLUMN triage_score;

-- The history names the signal's identity too: the signal row may be purged, the judgement stays.
ALTER TABLE pakhuis.triage_log ADD COLUMN rule_code text, ADD COLUMN subject_key text;
ALTER TABLE pakhuis.triage_log DISABLE TRIGGER triage_log_append_only;
UPDATE pakhuis.triage_log l SET rule_code = s.rule_code, subject_key = s.subject_key FROM pakhuis.signal_store s WHERE s.id = l.signal_id;
ALTER TABLE pakhuis.triage_log ENABLE TRIGGER triage_log_append_only;

CREATE VIEW pakhuis.signals AS
SELECT s.id, s.rule_code, s.subject_key, s.verblijfsobject_id, s.severity, s.score, s.evidence, s.explanation,
  s.rule_version, s.status, s.first_seen_run, s.last_seen_run, s.first_seen_at, s.last_seen_at, s.resolved_run,
  s.resolved_at, s.worsened_run,
  t.status AS triage_status, t.note AS triage_note, t.by_user AS triage_by, t.at AS triage_at, t.score AS triage_score
FROM pakhuis.signal_store s
LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key;
COMMENT ON VIEW pakhuis.signals IS 'Elk signaal met het geldende oordeel erover (pakhuis.signal_store en pakhuis.triage).';

DO $$
DECLARE
  v record;
  col record;
BEGIN
  FOR v IN SELECT * FROM kept_views ORDER BY oid LOOP
    EXECUTE format('CREATE VIEW %s AS %s', v.name, v.definition);
    IF v.comment IS NOT NULL THEN
      EXECUTE format('COMMENT ON VIEW %s IS %L', v.name, v.comment);
    END IF;
    FOR col IN SELECT key, value FROM jsonb_each_text(coalesce(v.column_comments, '{}')) LOOP
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', v.name, col.key, col.value);
    END LOOP;
  END LOOP;
END
$$;

-- Typed person links: which persons a rule linked to a signal, and as what (bewoner, briefadres,
-- eigenaar, huurder, houder, ...). A rule yields them as a column `persons`, a JSON array of
-- {"pseudonym": "<64 hex>", "rol": "<rol>"}; the merge refreshes them whenever the rule produces
-- the signal again. reident.reveal shows no one else.
CREATE TABLE pakhuis.signal_persons (
  signal_id       bigint NOT NULL REFERENCES pakhuis.signal_store (id) ON DELETE CASCADE,
  pseudonym       text COLLATE "C" NOT NULL CHECK (pseudonym ~ '^[0-9a-f]{64}$'),
  rol             text NOT NULL CHECK (rol ~ '^[a-z][a-z -]{1,39}$'),
  PRIMARY KEY (signal_id, pseudonym, rol)
);
COMMENT ON TABLE pakhuis.signal_persons IS 'De personen die de regel aan een signaal koppelde, met hun rol; heridentificatie toont alleen deze personen.';

-- The night's rule results, written by the loading role, merged and removed by merge_signals in
-- the same publishing transaction. A table of the owner's, not the caller's temp table: a
-- function with the owner's rights must not read a relation the caller could make itself (a view
-- of the caller's would run the caller's functions with the owner's rights).
CREATE TABLE pakhuis.signal_candidates (
  run_id              bigint NOT NULL,
  rule_code           text NOT NULL,
  subject_key         text NOT NULL,
  verblijfsobject_id  text,
  severity            text NOT NULL,
  score               numeric,
  evidence            jsonb NOT NULL,
  explanation         text NOT NULL,
  rule_version        text NOT NULL,
  persons             jsonb
);

-- Signal lifecycle, as pipelines/publish.ts did it: a candidate opens a new signal or refreshes
-- an open one; an open signal of an evaluated rule that was not produced again is resolved. A
-- signal counts as worsened when its score rises or it comes back after being resolved: that is
-- what puts it in the next report again. Links are replaced wholesale for every signal produced
-- tonight (a diff would save writes, but the links of one signal are few).
CREATE FUNCTION pakhuis.merge_signals(p_run_id bigint, p_rule_codes text[])
RETURNS TABLE (new_signals integer, open_signals integer, resolved_signals integer, worsened_signals integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n_new integer;
  n_open integer;
  n_worsened integer;
  n_resolved integer;
  ids bigint[];
  bad text;
BEGIN
  SELECT c.rule_code INTO bad
  FROM pakhuis.signal_candidates c
  WHERE c.run_id = p_run_id AND c.persons IS NOT NULL AND jsonb_typeof(c.persons) <> 'null'
    AND (jsonb_typeof(c.persons) <> 'array'
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(c.persons) p
                    WHERE jsonb_typeof(p) <> 'object' OR NOT coalesce(p ->> 'pseudonym' ~ '^[0-9a-f]{64}$', false)
                      OR NOT coalesce(p ->> 'rol' ~ '^[a-z][a-z -]{1,39}$', false)))
  LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'regel % koppelt personen niet als een lijst van {"pseudonym": ..., "rol": ...}', bad USING ERRCODE = '22023';
  END IF;

  WITH upserted AS (
    INSERT INTO pakhuis.signal_store AS s (rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation,
      rule_version, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at)
    SELECT c.rule_code, c.subject_key, c.verblijfsobject_id, c.severity, c.score, c.evidence, c.explanation, c.rule_version, 'open',
      p_run_id, p_run_id, clock_timestamp(), clock_timestamp()
    FROM pakhuis.signal_candidates c
    WHERE c.run_id = p_run_id
    ON CONFLICT (rule_code, subject_key) DO UPDATE SET
      verblijfsobject_id = EXCLUDED.verblijfsobject_id,
      severity = EXCLUDED.severity,
      score = EXCLUDED.score,
      evidence = EXCLUDED.evidence,
      explanation = EXCLUDED.explanation,
      rule_version = EXCLUDED.rule_version,
      status = 'open',
      last_seen_run = EXCLUDED.last_seen_run,
      last_seen_at = EXCLUDED.last_seen_at,
      resolved_run = NULL,
      resolved_at = NULL,
      worsened_run = CASE WHEN s.status = 'resolved' OR EXCLUDED.score > s.score THEN EXCLUDED.last_seen_run ELSE s.worsened_run END
    RETURNING s.id, (xmax = 0) AS inserted, (s.worsened_run = p_run_id) AS worsened
  )
  SELECT count(*) FILTER (WHERE inserted), count(*), count(*) FILTER (WHERE NOT inserted AND worsened), coalesce(array_agg(id), '{}')
    INTO n_new, n_open, n_worsened, ids
  FROM upserted;

  DELETE FROM pakhuis.signal_persons WHERE signal_id = ANY (ids);
  INSERT INTO pakhuis.signal_persons (signal_id, pseudonym, rol)
  SELECT DISTINCT s.id, p ->> 'pseudonym', p ->> 'rol'
  FROM pakhuis.signal_candidates c
  JOIN pakhuis.signal_store s ON s.rule_code = c.rule_code AND s.subject_key = c.subject_key
  CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(c.persons) WHEN 'array' THEN c.persons ELSE '[]' END) p
  WHERE c.run_id = p_run_id;

  UPDATE pakhuis.signal_store s SET status = 'resolved', resolved_run = p_run_id, resolved_at = clock_timestamp()
  WHERE s.status = 'open' AND s.rule_code = ANY (p_rule_codes)
    AND NOT EXISTS (SELECT 1 FROM pakhuis.signal_candidates c WHERE c.run_id = p_run_id AND c.rule_code = s.rule_code AND c.subject_key = s.subject_key);
  GET DIAGNOSTICS n_resolved = ROW_COUNT;

  DELETE FROM pakhuis.signal_candidates WHERE run_id = p_run_id;
  RETURN QUERY SELECT n_new, n_open, n_resolved, n_worsened;
END
$$;
COMMENT ON FUNCTION pakhuis.merge_signals(bigint, text[]) IS 'Verwerkt de kandidaten van een run in de signalen (nieuw, bijgewerkt, opgelost) en hun persoonskoppelingen.';

-- Retention of long-resolved signals. The judgement about one stays (pakhuis.triage is keyed by
-- the signal's identity, not its row), so purging cannot wipe a judgement either: if the signal
-- comes back, the judgement still holds, up to the score it was given at.
CREATE FUNCTION pakhuis.purge_resolved_signals(p_now timestamptz, p_months integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE n integer;
BEGIN
  IF p_months IS NULL OR p_months < 1 THEN
    RAISE EXCEPTION 'opgeloste signalen blijven ten minste een maand bewaard' USING ERRCODE = '22023';
  END IF;
  DELETE FROM pakhuis.signal_store WHERE status = 'resolved' AND resolved_at < p_now - make_interval(months => p_months);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION signals.triage(p_signal_id bigint, p_status text, p_note text DEFAULT NULL, p_by text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE s record;
BEGIN
  IF p_status IS NULL OR p_status NOT IN ('in_onderzoek', 'vals_positief', 'afgehandeld') THEN
    RAISE EXCEPTION 'onbekende triagestatus %; kies in_onderzoek, vals_positief of afgehandeld', p_status
      USING ERRCODE = '22023';
  END IF;
  IF length(p_note) > 2000 THEN
    RAISE EXCEPTION 'toelichting is % tekens lang; het maximum is 2000', length(p_note) USING ERRCODE = '22001';
  END IF;
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'opgegeven naam is % tekens lang; het maximum is 200', length(p_by) USING ERRCODE = '22001';
  END IF;
  SELECT st.rule_code, st.subject_key, st.score INTO s FROM pakhuis.signal_store st WHERE st.id = p_signal_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO pakhuis.triage AS t (rule_code, subject_key, status, note, by_user, stated_by, at, score)
  VALUES (s.rule_code, s.subject_key, p_status, p_note, session_user, p_by, clock_timestamp(), s.score)
  ON CONFLICT (rule_code, subject_key) DO UPDATE SET
    status = EXCLUDED.status, note = EXCLUDED.note, by_user = EXCLUDED.by_user, stated_by = EXCLUDED.stated_by,
    at = EXCLUDED.at, score = EXCLUDED.score;
  INSERT INTO pakhuis.triage_log (signal_id, rule_code, subject_key, status, note, by_user, stated_by)
  VALUES (p_signal_id, s.rule_code, s.subject_key, p_status, p_note, session_user, p_by);
END
$$;
