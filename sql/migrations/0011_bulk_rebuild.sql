-- Bulk rebuilds of the model. Inserting millions of rows into a table whose indexes are kept up
-- to date row by row costs a random B-tree descent (and, after each checkpoint, a full-page WAL
-- image) per row and index; at national scale that was most of the publishing time. Building the
-- index once after the insert is a sort. These two functions let a transform drop a table's
-- indexes and constraints for the rest of its transaction and put the same definitions back.
-- They run as the owner (the ETL role owns nothing) and only touch tables in model and identity.

CREATE FUNCTION model.defer_indexes(tbl regclass, only_when_empty boolean DEFAULT false)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
  r record;
  empty boolean;
BEGIN
  IF (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl)
     NOT IN ('model', 'identity') THEN
    RAISE EXCEPTION 'defer_indexes: % is not a model or identity table', tbl USING ERRCODE = '42501';
  END IF;
  IF only_when_empty THEN
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %s)', tbl) INTO empty;
    IF NOT empty THEN
      RETURN false;
    END IF;
  END IF;
  CREATE TEMP TABLE IF NOT EXISTS deferred_indexes (tbl regclass, ddl text, is_constraint boolean) ON COMMIT DROP;
  FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = tbl AND contype IN ('p', 'u') LOOP
    INSERT INTO pg_temp.deferred_indexes VALUES (tbl, format('ALTER TABLE %s ADD CONSTRAINT %I %s', tbl, r.conname, r.def), true);
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, r.conname);
  END LOOP;
  FOR r IN SELECT indexrelid::regclass AS idx, pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = tbl LOOP
    INSERT INTO pg_temp.deferred_indexes VALUES (tbl, r.def, false);
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
  RETURN true;
END
$$;

CREATE FUNCTION model.restore_indexes(tbl regclass)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
  r record;
BEGIN
  IF to_regclass('pg_temp.deferred_indexes') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT ddl FROM pg_temp.deferred_indexes d WHERE d.tbl = restore_indexes.tbl ORDER BY is_constraint DESC LOOP
    EXECUTE r.ddl;
  END LOOP;
  DELETE FROM pg_temp.deferred_indexes d WHERE d.tbl = restore_indexes.tbl;
END
$$;

REVOKE ALL ON FUNCTION model.defer_indexes(regclass, boolean), model.restore_indexes(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION model.defer_indexes(regclass, boolean), model.restore_indexes(regclass) TO pakhuis_etl;

-- Occupancy per verblijfsobject, computed once per publish (20_brp.sql) for the three rules that
-- count residents: one aggregate over all registrations instead of three.
CREATE TABLE model.bewoning (
  verblijfsobject_id        text PRIMARY KEY,
  woonadressen              integer NOT NULL,
  briefadressen             integer NOT NULL,
  oudste_briefadres_aanvang date,
  nieuwste_briefadres_aanvang date
);
COMMENT ON TABLE model.bewoning IS 'Per verblijfsobject: aantal personen met een lopende inschrijving als woonadres en als briefadres.';

-- The history is now merged by difference: a nightly load touches only the rows that changed,
-- so a row no longer records the last load that showed it, but the last load that changed it.
ALTER TABLE model.inschrijving_historie RENAME COLUMN laatst_gezien_load TO laatst_gewijzigd_load;
DROP INDEX model.inschrijving_historie_open_idx;
