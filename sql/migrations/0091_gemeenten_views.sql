-- Every view in schema signals carries gemeentecode and gemeente_naam and shows the caller only
-- the municipalities granted to it (migration 0090), also the views other migrations added before
-- this one. Each is wrapped around its current definition (CREATE OR REPLACE keeps its columns,
-- their comments and the views built on it), by what its rows are about:
--  * a gemeentecode of its own: that code;
--  * a signal (signal_id, or signal_ids of an address dossier): the signal's municipality;
--  * a verblijfsobject: the object's municipality.
-- A view with none of these stops the migration: it must be given its municipality by hand.

-- The spread monitor measures each municipality against itself; its municipality is the one the
-- model gives the object (0000 in a warehouse of one, as the grants), not the BAG id's digits.
DO $$
DECLARE
  def text;
BEGIN
  IF to_regclass('signals.spreiding') IS NOT NULL THEN
    def := pg_get_viewdef('signals.spreiding'::regclass);
    IF position('"left"((v.verblijfsobject_id)::text, 4) AS gemeentecode' IN def) > 0 THEN
      EXECUTE 'CREATE OR REPLACE VIEW signals.spreiding AS ' || replace(def, '"left"((v.verblijfsobject_id)::text, 4) AS gemeentecode', 'v.gemeentecode');
    ELSIF position('left((v.verblijfsobject_id)::text, 4) AS gemeentecode' IN def) > 0 THEN
      EXECUTE 'CREATE OR REPLACE VIEW signals.spreiding AS ' || replace(def, 'left((v.verblijfsobject_id)::text, 4) AS gemeentecode', 'v.gemeentecode');
    ELSE
      RAISE EXCEPTION 'signals.spreiding is not the view migration 0091 expects';
    END IF;
  END IF;
END
$$;

-- The address of an ADRES_ONBEKEND signal is read from its subject, which names its municipality
-- in a shared warehouse (pakhuis.zaak_sleutel: 0589/3421AB|1||).
DO $$
DECLARE
  def text;
BEGIN
  IF to_regclass('pakhuis.signal_addresses') IS NOT NULL THEN
    def := pg_get_viewdef('pakhuis.signal_addresses'::regclass);
    IF position('FROM pakhuis.signal_store s' IN def) = 0 THEN
      RAISE EXCEPTION 'pakhuis.signal_addresses is not the view migration 0091 expects';
    END IF;
    EXECUTE 'CREATE OR REPLACE VIEW pakhuis.signal_addresses AS ' || replace(def, 'FROM pakhuis.signal_store s',
      'FROM (SELECT s0.id, s0.verblijfsobject_id, s0.rule_code, regexp_replace(s0.subject_key, ''^[0-9]{4}/'', '''') AS subject_key, s0.evidence, s0.gemeentecode FROM pakhuis.signal_store s0) s');
  END IF;
END
$$;

DO $$
DECLARE
  v record;
  def text;
  cols text[];
  wrapped text;
BEGIN
  FOR v IN
    SELECT c.oid, c.relname FROM pg_class c
    WHERE c.relnamespace = 'signals'::regnamespace AND c.relkind = 'v'
    ORDER BY c.oid
  LOOP
    SELECT array_agg(a.attname::text) INTO cols FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped;
    CONTINUE WHEN cols @> ARRAY['gemeentecode', 'gemeente_naam'];
    def := rtrim(btrim(pg_get_viewdef(v.oid)), ';');
    IF 'gemeentecode' = ANY (cols) THEN
      wrapped := 'SELECT w.*, signals.gemeente_naam(w.gemeentecode) AS gemeente_naam FROM (' || def || ') w WHERE signals.zichtbaar(w.gemeentecode)';
    ELSIF 'signal_id' = ANY (cols) THEN
      wrapped := 'SELECT w.*, g.gemeentecode, signals.gemeente_naam(g.gemeentecode) AS gemeente_naam FROM (' || def
        || ') w LEFT JOIN pakhuis.signal_store g ON g.id = w.signal_id WHERE signals.zichtbaar(g.gemeentecode)';
    ELSIF 'signal_ids' = ANY (cols) THEN
      wrapped := 'SELECT w.*, g.gemeentecode, signals.gemeente_naam(g.gemeentecode) AS gemeente_naam FROM (' || def
        || ') w LEFT JOIN pakhuis.signal_store g ON g.id = w.signal_ids[1] WHERE signals.zichtbaar(g.gemeentecode)';
    ELSIF 'verblijfsobject_id' = ANY (cols) THEN
      wrapped := 'SELECT w.*, g.gemeentecode, signals.gemeente_naam(g.gemeentecode) AS gemeente_naam FROM (' || def
        || ') w LEFT JOIN model.verblijfsobject g ON g.verblijfsobject_id = w.verblijfsobject_id WHERE signals.zichtbaar(g.gemeentecode)';
    ELSE
      RAISE EXCEPTION 'signals.% has no municipality: give it gemeentecode and gemeente_naam by hand', v.relname;
    END IF;
    EXECUTE format('CREATE OR REPLACE VIEW signals.%I AS %s', v.relname, wrapped);
    EXECUTE format('COMMENT ON COLUMN signals.%I.gemeentecode IS %L', v.relname, 'CBS-code van de gemeente waar de rij over gaat.');
    EXECUTE format('COMMENT ON COLUMN signals.%I.gemeente_naam IS %L', v.relname, 'Naam van die gemeente.');
  END LOOP;
END
$$;
