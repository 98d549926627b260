-- Free text that may name people is written by the loading role's run or an analyst's act, and
-- read by analysts only. Two holes after issue 14's review and issue 15's views:
--  * the melder's feedback note (pakhuis.terugkoppeling_log.note, 0060) was readable by the loading
--    role, which reads every table of schema pakhuis;
--  * signals.triage_history (0070) showed the judgement note to every reader of schema signals,
--    the loading role among them, which 0066 had just closed on pakhuis.signals.
-- The columns the loading role writes but never reads back move from a list inside apply_grants
-- (0024) to a table, so a migration that adds such a column adds a row, as with function_grants.
CREATE TABLE pakhuis_meta.private_columns (
  table_name  text NOT NULL,
  column_name text NOT NULL,
  why         text NOT NULL,
  PRIMARY KEY (table_name, column_name)
);
INSERT INTO pakhuis_meta.private_columns (table_name, column_name, why) VALUES
  ('staging.brp', 'geslachtsnaam', 'naam'),
  ('staging.brp', 'voornamen', 'naam'),
  ('staging.brp', 'geboortedatum', 'geboortedatum'),
  ('staging.permits', 'houder_naam', 'naam'),
  ('staging.damocles', 'eigenaar_naam', 'naam'),
  ('staging.damocles', 'huurder_naam', 'naam'),
  ('pakhuis.terugkoppeling_log', 'note', 'vrije tekst van een analist over de terugkoppeling aan een melder');

CREATE OR REPLACE FUNCTION pakhuis_meta.apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  obj record;
  app_schemas text[] := ARRAY['pakhuis', 'staging', 'model', 'identity', 'signals', 'reident', 'audit'];
  readable text;
BEGIN
  -- Ownership moves to pakhuis_owner where the migrating user may give it away (serial
  -- sequences follow their table).
  FOR obj IN
    SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (app_schemas) AND c.relkind IN ('r', 'v', 'p')
      AND pg_get_userbyid(c.relowner) <> 'pakhuis_owner'
  LOOP
    BEGIN
      EXECUTE format('ALTER %s %I.%I OWNER TO pakhuis_owner',
        CASE obj.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, obj.nspname, obj.relname);
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;
  FOR obj IN
    SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY (app_schemas) AND pg_get_userbyid(p.proowner) <> 'pakhuis_owner'
  LOOP
    BEGIN
      EXECUTE format('ALTER FUNCTION %s OWNER TO pakhuis_owner', obj.signature);
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;
  FOR obj IN SELECT nspname FROM pg_namespace WHERE nspname = ANY (app_schemas) LOOP
    BEGIN
      EXECUTE format('ALTER SCHEMA %I OWNER TO pakhuis_owner', obj.nspname);
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;

  -- Nobody reads, writes or calls anything by default.
  EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';
  EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';
  EXECUTE 'REVOKE ALL ON ALL FUNCTIONS IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';
  EXECUTE 'REVOKE ALL ON SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';

  -- ETL: the nightly run. Staging, model, run records, outbox, rules: all of it.
  EXECUTE 'GRANT USAGE ON SCHEMA pakhuis_meta TO pakhuis_etl';
  EXECUTE 'GRANT SELECT ON pakhuis_meta.migrations TO pakhuis_etl';
  EXECUTE 'GRANT USAGE ON SCHEMA pakhuis, staging, model, identity, signals TO pakhuis_etl';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA pakhuis, staging, model TO pakhuis_etl';
  EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pakhuis, staging, model TO pakhuis_etl';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA signals TO pakhuis_etl';
  EXECUTE 'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pakhuis, model TO pakhuis_etl';
  -- ... except signals and judgements, which it reads but only the owner's functions write.
  EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON pakhuis.signal_store, pakhuis.signals, pakhuis.signal_persons FROM pakhuis_etl';
  EXECUTE 'REVOKE ALL ON pakhuis.triage, pakhuis.triage_log FROM pakhuis_etl';
  -- Who judged what and when, without the note (free text): the trend counts judgements per run
  -- and the overleg overview lists them (pipelines/trend.ts, reports/overleg/).
  EXECUTE 'GRANT SELECT (id, signal_id, status, by_user, at) ON pakhuis.triage_log TO pakhuis_etl';
  EXECUTE 'REVOKE ALL ON SEQUENCE pakhuis.signal_store_id_seq, pakhuis.triage_log_id_seq FROM pakhuis_etl';
  EXECUTE 'REVOKE SELECT, UPDATE, DELETE, TRUNCATE ON pakhuis.signal_candidates FROM pakhuis_etl';
  EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON pakhuis.key_checks FROM pakhuis_etl';
  -- ... and names and free text (pakhuis_meta.private_columns): written, never read back.
  FOR obj IN SELECT table_name AS tbl, jsonb_agg(column_name) AS cols FROM pakhuis_meta.private_columns
             WHERE to_regclass(table_name) IS NOT NULL GROUP BY table_name LOOP
    EXECUTE format('REVOKE SELECT, UPDATE, TRUNCATE ON %s FROM pakhuis_etl', obj.tbl);
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO readable
    FROM pg_attribute a
    WHERE a.attrelid = obj.tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT (obj.cols ? a.attname);
    EXECUTE format('GRANT SELECT (%s) ON %s TO pakhuis_etl', readable, obj.tbl);
  END LOOP;
  EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON staging.permits_for_model, staging.damocles_for_model FROM pakhuis_etl';

  -- Analysts: the views in signals and triage, nothing more.
  EXECUTE 'GRANT USAGE ON SCHEMA signals TO pakhuis_analyst';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA signals TO pakhuis_analyst';

  -- Re-identification: the audited function only.
  EXECUTE 'GRANT USAGE ON SCHEMA reident TO pakhuis_reident';

  -- The owner's functions each role may call (pakhuis_meta.function_grants).
  FOR obj IN SELECT function_signature, role_name FROM pakhuis_meta.function_grants LOOP
    IF to_regprocedure(obj.function_signature) IS NOT NULL THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', to_regprocedure(obj.function_signature)::text, obj.role_name);
    END IF;
  END LOOP;
END
$$;

-- As 0066 on pakhuis.signals: the note to members of pakhuis_analyst only.
CREATE OR REPLACE VIEW signals.triage_history AS
SELECT l.id AS triage_id,
  l.signal_id,
  l.rule_code,
  a.address_key,
  a.adres,
  l.status,
  CASE WHEN pg_catalog.pg_has_role(current_user, 'pakhuis_analyst', 'MEMBER') THEN l.note END AS note,
  l.by_user,
  l.stated_by,
  l.assigned_to,
  l.at
FROM pakhuis.triage_log l
LEFT JOIN pakhuis.signal_store s ON s.rule_code = l.rule_code AND s.subject_key = l.subject_key
LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s.id;
COMMENT ON COLUMN signals.triage_history.note IS 'Toelichting bij het oordeel; alleen zichtbaar voor leden van pakhuis_analyst.';
