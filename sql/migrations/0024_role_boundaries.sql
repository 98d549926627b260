-- The grants, redrawn (re-applied after every migration by lib/migrate.ts). What changed since
-- 0006, and why:
--  * pakhuis_etl no longer writes signals or judgements: signal_store, triage, triage_log and
--    signal_persons are the owner's, written by pakhuis.merge_signals, purge_resolved_signals and
--    signals.triage (migration 0021); the loading role may only add candidates. It may not call
--    signals.triage either: judging signals is an analyst's act.
--  * pakhuis_etl reads no names: no SELECT on the name columns of staging (column privileges; new
--    columns are granted as they come), no right on identity.persoon (migration 0022).
--  * key check values can be added, not changed or removed (migration 0020).
--  * Functions in the application schemas are no longer executable by PUBLIC by default (a
--    SECURITY DEFINER function is a door): each role gets the ones it needs.
-- The README's privacy section has the resulting table per role; tests/roles.test.ts checks it
-- against these grants with a login per role.

-- Which role may call which of the owner's functions. A later migration that adds a function for a
-- role adds its row here, and apply_grants grants exactly these: no migration has to redraw all
-- grants to add one.
CREATE TABLE pakhuis_meta.function_grants (
  function_signature  text NOT NULL,
  role_name           text NOT NULL CHECK (role_name IN ('pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident')),
  PRIMARY KEY (function_signature, role_name)
);
INSERT INTO pakhuis_meta.function_grants (function_signature, role_name) VALUES
  ('identity.refresh_from_brp(bigint)', 'pakhuis_etl'),
  ('identity.refresh_from_permits(bigint)', 'pakhuis_etl'),
  ('identity.refresh_from_damocles(bigint)', 'pakhuis_etl'),
  ('signals.triage(bigint, text, text, text)', 'pakhuis_analyst'),
  ('reident.reveal(bigint, text, text)', 'pakhuis_reident');

CREATE OR REPLACE FUNCTION pakhuis_meta.apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  obj record;
  app_schemas text[] := ARRAY['pakhuis', 'staging', 'model', 'identity', 'signals', 'reident', 'audit'];
  -- Columns of staging that hold a person's name or birth date.
  name_columns constant jsonb := '{"staging.brp": ["geslachtsnaam", "voornamen", "geboortedatum"],
                                   "staging.permits": ["houder_naam"],
                                   "staging.damocles": ["eigenaar_naam", "huurder_naam"]}';
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
  -- ... and names: the name columns of staging are written (COPY), never read back.
  FOR obj IN SELECT key AS tbl, value AS cols FROM jsonb_each(name_columns) LOOP
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
