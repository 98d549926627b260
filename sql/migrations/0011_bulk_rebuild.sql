-- Bulk rebuilds of the model. Inserting millions of rows into a table whose indexes are kept up
-- to date row by row costs a random B-tree descent (and, after each checkpoint, a full-page WAL
-- image) per row and index; at national scale that was most of the publishing time. Building the
-- index once after the insert is a sort. These two functions let a transform drop a table's
-- indexes and constraints for the rest of its transaction and put the same definitions back.
-- They run as the owner (the ETL role owns nothing) and touch tables in model and identity only.

-- The definitions wait in a table only the owner can write: the functions execute what it holds.
-- It is not a temp table, so a caller cannot slip in one of its own, and a defer made outside a
-- transaction block (its drop committed at once) is still restored by the next restore call.
CREATE TABLE pakhuis_meta.deferred_indexes (
  tbl             text NOT NULL,
  ddl             text NOT NULL,
  is_constraint   boolean NOT NULL
);

CREATE FUNCTION pakhuis_meta.check_bulk_table(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF coalesce((SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl), '')
     NOT IN ('model', 'identity') THEN
    RAISE EXCEPTION 'indexes of % are not for the bulk rebuild: only model and identity tables', tbl USING ERRCODE = '42501';
  END IF;
END
$$;

CREATE FUNCTION model.defer_indexes(tbl regclass, only_when_empty boolean DEFAULT false)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r record;
  empty boolean;
BEGIN
  PERFORM pakhuis_meta.check_bulk_table(tbl);
  IF only_when_empty THEN
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %s)', tbl) INTO empty;
    IF NOT empty THEN
      RETURN false;
    END IF;
  END IF;
  FOR r IN SELECT conname, pg_catalog.pg_get_constraintdef(oid) AS def FROM pg_catalog.pg_constraint
           WHERE conrelid = tbl AND contype IN ('p', 'u') LOOP
    INSERT INTO pakhuis_meta.deferred_indexes VALUES (tbl::text, format('ALTER TABLE %s ADD CONSTRAINT %I %s', tbl, r.conname, r.def), true);
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, r.conname);
  END LOOP;
  FOR r IN SELECT indexrelid::regclass AS idx, pg_catalog.pg_get_indexdef(indexrelid) AS def FROM pg_catalog.pg_index WHERE indrelid = tbl LOOP
    INSERT INTO pakhuis_meta.deferred_indexes VALUES (tbl::text, r.def, false);
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
  RETURN true;
END
$$;

CREATE FUNCTION model.restore_indexes(tbl regclass)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  ddls text[];
BEGIN
  PERFORM pakhuis_meta.check_bulk_table(tbl);
  WITH restored AS (
    DELETE FROM pakhuis_meta.deferred_indexes d WHERE d.tbl = restore_indexes.tbl::text RETURNING d.ddl, d.is_constraint
  )
  SELECT array_agg(ddl ORDER BY is_constraint DESC) INTO ddls FROM restored;
  FOR i IN 1 .. coalesce(array_length(ddls, 1), 0) LOOP
    EXECUTE ddls[i];
  END LOOP;
END
$$;

REVOKE ALL ON TABLE pakhuis_meta.deferred_indexes FROM PUBLIC;
-- The functions run as the owner role once ownership has moved to it (pakhuis_meta.apply_grants).
GRANT USAGE ON SCHEMA pakhuis_meta TO pakhuis_owner;
GRANT SELECT, INSERT, DELETE ON pakhuis_meta.deferred_indexes TO pakhuis_owner;
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
-- The count, in one place for this migration and for 20_brp.sql. A person counts once per object
-- and function, whatever number of open registrations the export gives them there. A function,
-- not a view: a view would pin the columns it reads, and 0012 changes their collation.
CREATE FUNCTION model.bewoning_telling() RETURNS SETOF model.bewoning LANGUAGE sql STABLE AS $$
  SELECT verblijfsobject_id,
    (count(*) FILTER (WHERE functie_adres = 'W'))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B'))::integer,
    min(van) FILTER (WHERE functie_adres = 'B'),
    max(laatste) FILTER (WHERE functie_adres = 'B')
  FROM (
    SELECT verblijfsobject_id, pseudonym, functie_adres, min(geldig_van) AS van, max(geldig_van) AS laatste
    FROM model.inschrijving
    WHERE geldig_tot IS NULL AND verblijfsobject_id IS NOT NULL
    GROUP BY verblijfsobject_id, pseudonym, functie_adres
  ) per_persoon
  GROUP BY verblijfsobject_id
$$;

-- Filled now from the model as published, so the rules that read it have it before the next BRP load.
INSERT INTO model.bewoning SELECT * FROM model.bewoning_telling();
COMMENT ON TABLE model.bewoning IS 'Per verblijfsobject: aantal personen met een lopende inschrijving als woonadres en als briefadres.';

-- The history is now merged by difference: a nightly load touches only the rows that changed,
-- so a row no longer records the last load that showed it, but the last load that changed it.
ALTER TABLE model.inschrijving_historie RENAME COLUMN laatst_gezien_load TO laatst_gewijzigd_load;
DROP INDEX model.inschrijving_historie_open_idx;
COMMENT ON COLUMN model.inschrijving_historie.laatst_gewijzigd_load IS 'De BRP-levering die deze rij het laatst veranderde (nieuw, gesloten, heropend of ander object); rijen van vóór migratie 0011: de levering die haar het laatst liet zien.';
