-- Every view in schema signals carries gemeentecode and gemeente_naam and shows the caller only
-- the municipalities granted to it (migration 0090), also the views other migrations added before
-- this one. Each is wrapped around its current definition (CREATE OR REPLACE keeps its columns,
-- their comments and the views built on it), by what its rows are about:
--  * a gemeentecode of its own: that code;
--  * a signal (signal_id, or signal_ids of an address dossier): the signal's municipality;
--  * a verblijfsobject: the object's municipality.
-- A view with none of these stops the migration: it must be given its municipality by hand.

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

-- A run serves every municipality: signals.runs has a row per run and municipality, with what the
-- run loaded and changed for that one (the run's own state, warnings and times on each).
DO $$
BEGIN
  IF to_regclass('signals.runs') IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('signals.runs') AND attname = 'gemeentecode')
  THEN
    CREATE OR REPLACE VIEW signals.runs AS
    SELECT r.id AS run_id,
      r.trigger,
      r.started_at,
      r.finished_at,
      r.status,
      EXISTS (SELECT 1 FROM pakhuis.run_steps st WHERE st.run_id = r.id AND st.step = 'publish' AND st.status = 'succeeded') AS published,
      tr.peildatum,
      r.failed_step,
      r.error,
      ARRAY(SELECT jsonb_array_elements_text(r.warnings)) AS warnings,
      (SELECT count(*)::integer FROM pakhuis.loads l WHERE l.run_id = r.id AND l.gemeentecode = g.code) AS files,
      (SELECT coalesce(sum(l.rows_staged), 0)::integer FROM pakhuis.loads l WHERE l.run_id = r.id AND l.gemeentecode = g.code) AS rows_loaded,
      (SELECT coalesce(sum(l.rows_rejected), 0)::integer FROM pakhuis.loads l WHERE l.run_id = r.id AND l.gemeentecode = g.code) AS rows_rejected,
      CASE WHEN tr.run_id IS NOT NULL THEN (SELECT count(*)::integer FROM pakhuis.signal_store s WHERE s.first_seen_run = r.id AND s.gemeentecode = g.code) END AS new_signals,
      CASE WHEN tr.run_id IS NOT NULL THEN (SELECT count(*)::integer FROM pakhuis.signal_store s
        WHERE s.worsened_run = r.id AND s.first_seen_run <> r.id AND s.gemeentecode = g.code) END AS worsened_signals,
      CASE WHEN tr.run_id IS NOT NULL THEN (SELECT count(*)::integer FROM pakhuis.signal_store s WHERE s.resolved_run = r.id AND s.gemeentecode = g.code) END AS resolved_signals,
      CASE WHEN tr.run_id IS NOT NULL THEN (SELECT coalesce(sum(c.open_signals), 0)::integer FROM pakhuis.trend_rule_counts c WHERE c.run_id = r.id AND c.gemeentecode = g.code) END AS open_signals,
      CASE WHEN o.status = 'not_sent' AND o.quiet THEN 'niets_nieuws' ELSE o.status END AS mail_status,
      g.code AS gemeentecode,
      g.naam AS gemeente_naam
    FROM pakhuis.runs r
    CROSS JOIN (SELECT code, naam FROM pakhuis.gemeenten UNION ALL SELECT '0000', 'gemeente' WHERE NOT EXISTS (SELECT 1 FROM pakhuis.gemeenten)) g
    LEFT JOIN pakhuis.trend_runs tr ON tr.run_id = r.id
    LEFT JOIN LATERAL (
      SELECT ob.status, ob.quiet FROM pakhuis.report_outbox ob
      WHERE ob.run_id = r.id AND ob.kind = 'nachtrapport' AND coalesce(ob.gemeentecode, '0000') IN (g.code, '0000')
      ORDER BY ob.id DESC LIMIT 1
    ) o ON true
    WHERE signals.zichtbaar(g.code);
    COMMENT ON COLUMN signals.runs.gemeentecode IS 'De gemeente waarvoor de rij telt: wat de run voor haar laadde en aan haar signalen veranderde.';
    COMMENT ON COLUMN signals.runs.gemeente_naam IS 'Naam van die gemeente.';
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
      -- A code of its own (the spread monitor's is the BAG id's, so that each municipality is
      -- measured against itself); in a warehouse of one the grants are for 0000.
      wrapped := 'SELECT w.*, signals.gemeente_naam(w.gemeentecode) AS gemeente_naam FROM (' || def
        || ') w WHERE signals.zichtbaar(CASE WHEN EXISTS (SELECT 1 FROM pakhuis.gemeenten) THEN w.gemeentecode ELSE ''0000'' END)';
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

-- Inzage (AVG art. 15, migration 0080) answers with what the caller's municipalities hold about a
-- person, as reveal does: deliveries, registrations, cases and signals of a municipality not
-- granted stay out (all of them for the owner and a superuser).
DO $$
DECLARE
  def text;
  patches text[][] := ARRAY[
    ARRAY['x JOIN pakhuis.loads l ON l.id = x.load_id)', 'x JOIN pakhuis.loads l ON l.id = x.load_id AND signals.zichtbaar(l.gemeentecode))'],
    ARRAY['WHERE i.pseudonym = p_pseudonym)', 'WHERE i.pseudonym = p_pseudonym AND signals.zichtbaar(i.gemeentecode))'],
    ARRAY['WHERE h.pseudonym = p_pseudonym)', 'WHERE h.pseudonym = p_pseudonym AND signals.zichtbaar(v.gemeentecode))'],
    ARRAY['FROM model.partij pa WHERE pa.pseudonym = p_pseudonym)', 'FROM model.partij pa WHERE pa.pseudonym = p_pseudonym AND signals.zichtbaar(pa.gemeentecode))'],
    ARRAY['JOIN pakhuis.signal_store s ON s.id = sp.signal_id', 'JOIN pakhuis.signal_store s ON s.id = sp.signal_id AND signals.zichtbaar(s.gemeentecode)']
  ];
  i integer;
BEGIN
  IF to_regprocedure('reident.inzage(text, integer, text, text, text)') IS NULL THEN
    RETURN;
  END IF;
  def := pg_get_functiondef('reident.inzage(text, integer, text, text, text)'::regprocedure);
  FOR i IN 1 .. array_length(patches, 1) LOOP
    IF position(patches[i][1] IN def) = 0 THEN
      RAISE EXCEPTION 'reident.inzage is not the function migration 0091 expects (%)', left(patches[i][1], 40);
    END IF;
    def := replace(def, patches[i][1], patches[i][2]);
  END LOOP;
  EXECUTE def;
END
$$;

-- An analyst may write a function of its own (in pg_temp) and put it in a WHERE: without a
-- barrier the planner may call it on rows the view's own condition would drop, and the function
-- sees them. Every view of schema signals, and pakhuis.signals beneath them, is a barrier.
DO $$
DECLARE
  v record;
BEGIN
  FOR v IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'signals'::regnamespace AND c.relkind = 'v' LOOP
    EXECUTE format('ALTER VIEW signals.%I SET (security_barrier = true)', v.relname);
  END LOOP;
END
$$;
ALTER VIEW pakhuis.signals SET (security_barrier = true);
