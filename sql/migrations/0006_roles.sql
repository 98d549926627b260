-- Who may see what. Four roles, created once per cluster (roles are cluster-wide, so creation
-- tolerates another database having made them first):
--   pakhuis_owner    owns every object; the role migrations run as (or a superuser does)
--   pakhuis_etl      loads, transforms and publishes: staging, model, signals, outbox
--   pakhuis_analyst  reads the views in schema signals and records triage; nothing else
--   pakhuis_reident  may call reident.reveal(), which audits every use
-- None of the application roles owns anything, so none can change a grant or drop a table.
-- Login users are granted one of these by the DBA (GRANT pakhuis_analyst TO jan).

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pakhuis_owner', 'pakhuis_etl', 'pakhuis_analyst', 'pakhuis_reident'] LOOP
    -- Made beforehand by the DBA: the migrating user then need not be allowed to create roles.
    CONTINUE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
END
$$;

-- Triage history is audit: it outlives the signal it judged.
ALTER TABLE pakhuis.triage_log DROP CONSTRAINT triage_log_signal_id_fkey;

-- ------------------------------------------------------------------ re-identification

CREATE SCHEMA IF NOT EXISTS reident;
CREATE SCHEMA IF NOT EXISTS audit;

-- Append-only: every reveal of names behind a signal, with who, when and why.
CREATE TABLE audit.reidentification (
  id              bigserial PRIMARY KEY,
  signal_id       bigint NOT NULL,
  rule_code       text,
  subject_key     text,
  reason          text NOT NULL,
  by_user         text NOT NULL,
  persons_shown   integer NOT NULL,
  at              timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER reidentification_append_only BEFORE UPDATE OR DELETE ON audit.reidentification
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER reidentification_no_truncate BEFORE TRUNCATE ON audit.reidentification
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- The names behind one signal: persons registered now on its verblijfsobject and every
-- pseudonym its evidence names. Refuses without a reason; audits before it returns anything.
CREATE FUNCTION reident.reveal(p_signal_id bigint, p_reason text, p_by text DEFAULT NULL)
RETURNS TABLE (pseudonym text, geslachtsnaam text, voornamen text, geboortedatum text, bron text, relatie text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pakhuis AS $$
DECLARE
  s pakhuis.signals%ROWTYPE;
  n integer;
BEGIN
  IF p_reason IS NULL OR length(btrim(p_reason)) < 10 THEN
    RAISE EXCEPTION 'heridentificatie vraagt een reden van ten minste 10 tekens' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO s FROM pakhuis.signals WHERE id = p_signal_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  CREATE TEMP TABLE IF NOT EXISTS pg_temp.revealed (pseudonym text, relatie text) ON COMMIT DROP;
  DELETE FROM pg_temp.revealed;
  INSERT INTO pg_temp.revealed
  SELECT DISTINCT i.pseudonym, 'ingeschreven op het object'
  FROM model.inschrijving i
  WHERE s.verblijfsobject_id IS NOT NULL AND i.verblijfsobject_id = s.verblijfsobject_id AND i.geldig_tot IS NULL;
  INSERT INTO pg_temp.revealed
  SELECT DISTINCT v #>> '{}', 'genoemd in het bewijs'
  FROM jsonb_path_query(s.evidence, 'strict $.**') AS v
  WHERE jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ '^[0-9a-f]{64}$'
    AND NOT EXISTS (SELECT 1 FROM pg_temp.revealed r WHERE r.pseudonym = v #>> '{}');
  SELECT count(*) INTO n FROM pg_temp.revealed;
  INSERT INTO audit.reidentification (signal_id, rule_code, subject_key, reason, by_user, persons_shown)
  VALUES (s.id, s.rule_code, s.subject_key, btrim(p_reason), coalesce(p_by, session_user), n);
  RETURN QUERY
  SELECT r.pseudonym, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron, r.relatie
  FROM pg_temp.revealed r LEFT JOIN identity.persoon p ON p.pseudonym = r.pseudonym
  ORDER BY r.relatie DESC, p.geslachtsnaam, r.pseudonym;
END
$$;
COMMENT ON FUNCTION reident.reveal(bigint, text, text) IS 'Toont de namen achter één signaal. Elke aanroep wordt met wie, wanneer, waarom en welk signaal vastgelegd in audit.reidentification.';

-- ------------------------------------------------------------------ ownership and grants

-- Re-run after every migration (lib/migrate.ts calls it), so later tables get the same rights.
CREATE FUNCTION pakhuis_meta.apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  obj record;
  app_schemas text[] := ARRAY['pakhuis', 'staging', 'model', 'identity', 'signals', 'reident', 'audit'];
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

  -- Nobody reads by default.
  EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC';
  EXECUTE 'REVOKE ALL ON SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC';
  EXECUTE 'REVOKE ALL ON FUNCTION reident.reveal(bigint, text, text) FROM PUBLIC';
  EXECUTE 'REVOKE ALL ON FUNCTION signals.triage(bigint, text, text, text) FROM PUBLIC';

  -- ETL: everything the nightly run writes; the audit table only by way of reveal().
  EXECUTE 'GRANT USAGE ON SCHEMA pakhuis_meta TO pakhuis_etl';
  EXECUTE 'GRANT SELECT ON pakhuis_meta.migrations TO pakhuis_etl';
  EXECUTE 'GRANT USAGE ON SCHEMA pakhuis, staging, model, identity, signals TO pakhuis_etl';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA pakhuis, staging, model, identity TO pakhuis_etl';
  EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pakhuis, staging, model, identity TO pakhuis_etl';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA signals TO pakhuis_etl';
  EXECUTE 'GRANT EXECUTE ON FUNCTION signals.triage(bigint, text, text, text) TO pakhuis_etl';

  -- Analysts: the views in signals and triage, nothing more.
  EXECUTE 'GRANT USAGE ON SCHEMA signals TO pakhuis_analyst';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA signals TO pakhuis_analyst';
  EXECUTE 'GRANT EXECUTE ON FUNCTION signals.triage(bigint, text, text, text) TO pakhuis_analyst';

  -- Re-identification: the audited function only.
  EXECUTE 'GRANT USAGE ON SCHEMA reident TO pakhuis_reident';
  EXECUTE 'GRANT EXECUTE ON FUNCTION reident.reveal(bigint, text, text) TO pakhuis_reident';
END
$$;
