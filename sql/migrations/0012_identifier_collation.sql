-- Identifiers (pseudonyms, BAG ids, address keys) compare byte by byte. Under the database's
-- linguistic collation every sort and index build on a 64-character pseudonym went through
-- strcoll without abbreviated keys: about three times slower than under "C", and these columns
-- are sorted and indexed for every resident each night. Equality is the same under both, and a
-- join with a column of the default collation compares under "C" without complaint.
--
-- signals.flagged_addresses reads some of these columns, and PostgreSQL will not change a column
-- a view depends on: the view is kept as it is (definition, comments) and put back unchanged.
DO $$
DECLARE
  view_def text := pg_get_viewdef('signals.flagged_addresses'::regclass);
  view_comment text := obj_description('signals.flagged_addresses'::regclass, 'pg_class');
  column_comments jsonb;
  col record;
BEGIN
  SELECT coalesce(jsonb_object_agg(attname, col_description(attrelid, attnum)) FILTER (WHERE col_description(attrelid, attnum) IS NOT NULL), '{}')
  INTO column_comments
  FROM pg_attribute WHERE attrelid = 'signals.flagged_addresses'::regclass AND attnum > 0;

  DROP VIEW signals.flagged_addresses;

  FOR col IN
    SELECT n.nspname, c.relname, a.attname
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('model', 'identity', 'staging') AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND a.atttypid = 'text'::regtype
      AND a.attname IN ('pseudonym', 'verblijfsobject_id', 'nummeraanduiding_id', 'adres_sleutel', 'adres_ref',
                        'hoofdadres_id', 'opgegeven_verblijfsobject_id', 'kvk')
  LOOP
    EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE text COLLATE "C"', col.nspname, col.relname, col.attname);
  END LOOP;

  EXECUTE 'CREATE VIEW signals.flagged_addresses AS ' || view_def;
  EXECUTE format('COMMENT ON VIEW signals.flagged_addresses IS %L', view_comment);
  FOR col IN SELECT key, value FROM jsonb_each_text(column_comments) LOOP
    EXECUTE format('COMMENT ON COLUMN signals.flagged_addresses.%I IS %L', col.key, col.value);
  END LOOP;
END
$$;
