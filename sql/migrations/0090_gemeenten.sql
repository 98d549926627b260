-- Several municipalities in one warehouse (Woerden 0632 and Oudewater 0589 share one OOV team).
--  * Every load belongs to one municipality (pakhuis.loads.gemeentecode); "a delivery is a full
--    state" holds per source and municipality, so the model keeps each town's newest load.
--  * Model rows, signals and every row of every view in schema signals carry the gemeentecode and
--    name; an analyst sees the rows of the municipalities granted to that login
--    (audit.access_grants), and nothing without a grant. The views run with the owner's rights, so
--    the predicate stands in each view (signals.zichtbaar), as well as in pakhuis.signals beneath.
--  * Case numbers are unique per municipality: the keys become (gemeentecode, number).
-- '0000' is the code of a load from before this migration, or of a single-municipality warehouse
-- whose delivery names none.

CREATE TABLE pakhuis.gemeenten (
  code  text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
  naam  text NOT NULL CHECK (length(naam) BETWEEN 1 AND 80)
);
COMMENT ON TABLE pakhuis.gemeenten IS 'De gemeenten waarvoor het pakhuis werkt (GEMEENTEN), met hun naam; bijgewerkt door elke run.';

CREATE TABLE pakhuis.samenwerking (
  naam       text NOT NULL CHECK (length(naam) BETWEEN 1 AND 80),
  gemeente   text NOT NULL REFERENCES pakhuis.gemeenten (code) ON DELETE CASCADE,
  PRIMARY KEY (naam, gemeente)
);
COMMENT ON TABLE pakhuis.samenwerking IS 'Afspraken (SAMENWERKING) waaronder regels die personen en bedrijven over adressen heen volgen, ook over de gemeentegrens kijken; bijgewerkt door elke run.';

ALTER TABLE pakhuis.loads ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000' CHECK (gemeentecode ~ '^[0-9]{4}$');
CREATE INDEX loads_source_gemeente_idx ON pakhuis.loads (source, gemeentecode, id DESC);

ALTER TABLE model.source_state ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.source_state DROP CONSTRAINT source_state_pkey, ADD PRIMARY KEY (source, gemeentecode);

ALTER TABLE model.verblijfsobject ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.nummeraanduiding ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.inschrijving ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.vergunning ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.vergunning DROP CONSTRAINT vergunning_pkey, ADD PRIMARY KEY (gemeentecode, zaaknummer);
ALTER TABLE model.damocles_zaak ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.damocles_zaak DROP CONSTRAINT damocles_zaak_pkey, ADD PRIMARY KEY (gemeentecode, zaaknummer);
ALTER TABLE model.partij ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
DROP INDEX model.partij_uniek_idx;
CREATE UNIQUE INDEX partij_uniek_idx ON model.partij (gemeentecode, zaak_soort, zaaknummer, rol, coalesce(pseudonym, kvk));
ALTER TABLE model.melding ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE model.melding DROP CONSTRAINT melding_pkey, ADD PRIMARY KEY (gemeentecode, melding_id);
ALTER TABLE pakhuis.melding_ledger ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE pakhuis.melding_ledger DROP CONSTRAINT melding_ledger_pkey, ADD PRIMARY KEY (gemeentecode, melding_id);

-- Trend and nulmeting per municipality.
ALTER TABLE pakhuis.trend_rule_counts ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE pakhuis.trend_rule_counts DROP CONSTRAINT trend_rule_counts_pkey, ADD PRIMARY KEY (run_id, gemeentecode, rule_code);
ALTER TABLE pakhuis.baseline_counts ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
ALTER TABLE pakhuis.baseline_counts DROP CONSTRAINT baseline_counts_pkey, ADD PRIMARY KEY (set_id, gemeentecode, rule_code);

ALTER TABLE pakhuis.signal_candidates ADD COLUMN gemeentecode text;
ALTER TABLE pakhuis.signal_store ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000' CHECK (gemeentecode ~ '^[0-9]{4}$');
-- A signal about a BAG object belongs to the municipality in the object's id.
UPDATE pakhuis.signal_store SET gemeentecode = left(verblijfsobject_id, 4) WHERE verblijfsobject_id ~ '^[0-9]{16}$';
CREATE INDEX signal_store_gemeente_idx ON pakhuis.signal_store (gemeentecode);

-- ------------------------------------------------------------------ access per municipality

CREATE TABLE audit.access_grants (
  login         text NOT NULL CHECK (login ~ '^[a-z_][a-z0-9_$-]{0,62}$'),
  gemeentecode  text NOT NULL CHECK (gemeentecode ~ '^[0-9]{4}$'),
  granted_by    text NOT NULL,
  at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (login, gemeentecode)
);
COMMENT ON TABLE audit.access_grants IS 'Welke login de signalen van welke gemeente ziet; alleen audit.grant_access en audit.revoke_access schrijven hierin, en elk van beide komt in audit.access_log.';

CREATE TABLE audit.access_log (
  id            bigserial PRIMARY KEY,
  action        text NOT NULL CHECK (action IN ('toegekend', 'ingetrokken')),
  login         text NOT NULL,
  gemeentecode  text NOT NULL,
  by_user       text NOT NULL DEFAULT session_user,
  stated_by     text,
  at            timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE audit.access_log IS 'Elke toekenning en intrekking van toegang tot een gemeente: wie, aan wie, welke gemeente, wanneer. Kan niet worden gewijzigd.';
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON audit.access_log
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON audit.access_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- Who is asking: the role set with SET ROLE, else the login. Inside a function with the owner's
-- rights current_user is the owner, but the role setting is still the caller's, and SET ROLE (like
-- set_config('role')) only takes a role the login is a member of.
CREATE FUNCTION pakhuis.caller() RETURNS name LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN coalesce(current_setting('role', true), 'none') IN ('none', '') THEN session_user
              ELSE current_setting('role', true)::name END
$$;

-- The municipalities the caller may see: all for the owner, the loading role and a superuser
-- (reports, overleg, the night's run); for anyone else those granted to it, or to a role it
-- belongs to. NULL means all.
CREATE FUNCTION signals.zichtbare_gemeenten() RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  who name := pakhuis.caller();
  r record;
BEGIN
  SELECT rolsuper INTO r FROM pg_roles WHERE rolname = who;
  IF coalesce(r.rolsuper, false) OR pg_has_role(who, 'pakhuis_owner', 'MEMBER') OR pg_has_role(who, 'pakhuis_etl', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  RETURN coalesce((
    SELECT array_agg(DISTINCT g.gemeentecode) FROM audit.access_grants g
    WHERE g.login = who OR (to_regrole(g.login) IS NOT NULL AND pg_has_role(who, g.login::name, 'MEMBER'))), '{}');
END
$$;
COMMENT ON FUNCTION signals.zichtbare_gemeenten() IS 'De gemeentecodes waarvan de vrager de signalen ziet (NULL: alle, voor de eigenaar en de verwerking).';

CREATE FUNCTION signals.zichtbaar(p_gemeentecode text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(p_gemeentecode = ANY (z), z IS NULL) FROM (SELECT signals.zichtbare_gemeenten() AS z) x
$$;
COMMENT ON FUNCTION signals.zichtbaar(text) IS 'Of de vrager rijen van deze gemeente mag zien (zie audit.access_grants).';

CREATE FUNCTION signals.gemeente_naam(p_code text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce((SELECT naam FROM pakhuis.gemeenten WHERE code = p_code), CASE WHEN p_code = '0000' THEN 'gemeente' ELSE 'gemeente ' || p_code END)
$$;

CREATE FUNCTION audit.grant_access(p_login text, p_gemeentecode text, p_by text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_login IS NULL OR p_login !~ '^[a-z_][a-z0-9_$-]{0,62}$' THEN
    RAISE EXCEPTION 'login % is geen geldige PostgreSQL-loginnaam (kleine letters, cijfers, _)', left(p_login, 70) USING ERRCODE = '22023';
  END IF;
  IF p_gemeentecode IS NULL OR p_gemeentecode !~ '^[0-9]{4}$' THEN
    RAISE EXCEPTION 'gemeentecode % is geen 4 cijfers', left(p_gemeentecode, 20) USING ERRCODE = '22023';
  END IF;
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'opgegeven naam is % tekens lang; het maximum is 200', length(p_by) USING ERRCODE = '22001';
  END IF;
  INSERT INTO audit.access_grants (login, gemeentecode, granted_by) VALUES (p_login, p_gemeentecode, session_user)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO audit.access_log (action, login, gemeentecode, stated_by) VALUES ('toegekend', p_login, p_gemeentecode, p_by);
  RETURN true;
END
$$;

CREATE FUNCTION audit.revoke_access(p_login text, p_gemeentecode text, p_by text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'opgegeven naam is % tekens lang; het maximum is 200', length(p_by) USING ERRCODE = '22001';
  END IF;
  DELETE FROM audit.access_grants WHERE login = p_login AND gemeentecode = p_gemeentecode;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO audit.access_log (action, login, gemeentecode, stated_by) VALUES ('ingetrokken', p_login, p_gemeentecode, p_by);
  RETURN true;
END
$$;
-- Granting is the owner's business: in schema audit, whose functions no application role may call.

-- ------------------------------------------------------------------ signals with their municipality

-- merge_signals writes the candidate's municipality. Patched into whatever the function is when
-- this runs (other migrations extend it too), each change checked to have taken.
DO $$
DECLARE
  def text := pg_get_functiondef('pakhuis.merge_signals(bigint, text[])'::regprocedure);
  patches text[][] := ARRAY[
    ARRAY['BEGIN
  SELECT c.rule_code INTO bad', 'BEGIN
  SELECT c.rule_code INTO bad FROM pakhuis.signal_candidates c
  WHERE c.run_id = p_run_id AND c.gemeentecode IS NOT NULL AND c.gemeentecode !~ ''^[0-9]{4}$'' LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION ''regel % geeft een gemeentecode die geen 4 cijfers is'', bad USING ERRCODE = ''22023'';
  END IF;
  SELECT c.rule_code INTO bad'],
    ARRAY['rule_version, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at)', 'rule_version, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at, gemeentecode)'],
    ARRAY['p_run_id, p_run_id, clock_timestamp(), clock_timestamp()', 'p_run_id, p_run_id, clock_timestamp(), clock_timestamp(), coalesce(c.gemeentecode, ''0000'')'],
    ARRAY['rule_version = EXCLUDED.rule_version,', 'rule_version = EXCLUDED.rule_version,
      gemeentecode = EXCLUDED.gemeentecode,']
  ];
  i integer;
BEGIN
  FOR i IN 1 .. array_length(patches, 1) LOOP
    IF position(patches[i][1] IN def) = 0 THEN
      RAISE EXCEPTION 'pakhuis.merge_signals is not the function migration 0090 expects (%)', left(patches[i][1], 40);
    END IF;
    def := replace(def, patches[i][1], patches[i][2]);
  END LOOP;
  EXECUTE def;
END
$$;

-- pakhuis.signals gains the municipality, and shows the caller only what it may see: every view
-- built on it (signal_details, flagged_addresses, the open signals beside a melding) inherits that.
CREATE OR REPLACE VIEW pakhuis.signals AS
SELECT s.id, s.rule_code, s.subject_key, s.verblijfsobject_id, s.severity, s.score, s.evidence, s.explanation,
  s.rule_version, s.status, s.first_seen_run, s.last_seen_run, s.first_seen_at, s.last_seen_at, s.resolved_run,
  s.resolved_at, s.worsened_run,
  t.status AS triage_status,
  -- As migration 0066: the note (free text) only for analysts.
  CASE WHEN pg_catalog.pg_has_role(current_user, 'pakhuis_analyst', 'MEMBER') THEN t.note END AS triage_note,
  t.by_user AS triage_by, t.at AS triage_at, t.score AS triage_score,
  s.gemeentecode, signals.gemeente_naam(s.gemeentecode) AS gemeente_naam
FROM pakhuis.signal_store s
LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key
WHERE signals.zichtbaar(s.gemeentecode);

-- Every view in schema signals: its rows carry gemeentecode and gemeente_naam and pass
-- signals.zichtbaar. Views that rows of pakhuis.signals or the model make are wrapped around
-- their current definition (columns other migrations appended stay where they are).
DO $$
DECLARE
  def text;
BEGIN
  def := rtrim(btrim(pg_get_viewdef('signals.signal_details'::regclass)), ';');
  EXECUTE 'CREATE OR REPLACE VIEW signals.signal_details AS SELECT d.*, s.gemeentecode, signals.gemeente_naam(s.gemeentecode) AS gemeente_naam FROM ('
    || def || ') d JOIN pakhuis.signal_store s ON s.id = d.signal_id WHERE signals.zichtbaar(s.gemeentecode)';

  def := rtrim(btrim(pg_get_viewdef('signals.flagged_addresses'::regclass)), ';');
  EXECUTE 'CREATE OR REPLACE VIEW signals.flagged_addresses AS SELECT f.*, v.gemeentecode, signals.gemeente_naam(v.gemeentecode) AS gemeente_naam FROM ('
    || def || ') f JOIN model.verblijfsobject v ON v.verblijfsobject_id = f.verblijfsobject_id WHERE signals.zichtbaar(v.gemeentecode)';
END
$$;
COMMENT ON COLUMN signals.signal_details.gemeentecode IS 'CBS-code van de gemeente waar het signaal over gaat.';
COMMENT ON COLUMN signals.signal_details.gemeente_naam IS 'Naam van die gemeente.';
COMMENT ON COLUMN signals.flagged_addresses.gemeentecode IS 'CBS-code van de gemeente van het verblijfsobject.';
COMMENT ON COLUMN signals.flagged_addresses.gemeente_naam IS 'Naam van die gemeente.';

-- A melding is one per (municipality, number), and so is its feedback.
ALTER TABLE pakhuis.terugkoppeling_log ADD COLUMN gemeentecode text NOT NULL DEFAULT '0000';
CREATE INDEX terugkoppeling_log_gemeente_melding_idx ON pakhuis.terugkoppeling_log (gemeentecode, melding_id, id DESC);
CREATE OR REPLACE VIEW signals.meldingen AS
SELECT m.melding_id,
  m.datum_ontvangen,
  m.kanaal,
  m.melder_referentie,
  m.categorie,
  m.verblijfsobject_id,
  coalesce(n.postcode, split_part(m.adres_sleutel, '|', 1)) AS postcode,
  coalesce(n.huisnummer, nullif(split_part(m.adres_sleutel, '|', 2), '')::integer) AS huisnummer,
  coalesce(n.huisletter, nullif(split_part(m.adres_sleutel, '|', 3), '')) AS huisletter,
  coalesce(n.huisnummertoevoeging, nullif(split_part(m.adres_sleutel, '|', 4), '')) AS huisnummertoevoeging,
  n.openbareruimte AS straat,
  n.woonplaats,
  m.match_method,
  coalesce(t.status, 'ontvangen') AS terugkoppeling,
  t.at AS terugkoppeling_at,
  t.by_user AS terugkoppeling_door,
  (SELECT array_agg(DISTINCT s.rule_code ORDER BY s.rule_code) FROM pakhuis.signals s
   WHERE s.status = 'open' AND s.verblijfsobject_id = m.verblijfsobject_id) AS open_signals,
  CASE WHEN pg_catalog.pg_has_role(current_user, 'pakhuis_analyst', 'MEMBER') THEN m.vrije_tekst END AS vrije_tekst,
  m.gemeentecode,
  signals.gemeente_naam(m.gemeentecode) AS gemeente_naam
FROM model.melding m
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = m.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
LEFT JOIN LATERAL (
  SELECT l.status, l.at, l.by_user FROM pakhuis.terugkoppeling_log l
  WHERE l.gemeentecode = m.gemeentecode AND l.melding_id = m.melding_id ORDER BY l.id DESC LIMIT 1
) t ON true
WHERE signals.zichtbaar(m.gemeentecode);
COMMENT ON COLUMN signals.meldingen.gemeentecode IS 'CBS-code van de gemeente van het meldpunt dat de melding leverde.';
COMMENT ON COLUMN signals.meldingen.gemeente_naam IS 'Naam van die gemeente.';

CREATE OR REPLACE VIEW signals.terugkoppeling_achterstallig AS
WITH instelling AS (
  SELECT coalesce((SELECT value::integer FROM pakhuis.settings WHERE name = 'MELDING_TERUGKOPPELING_DAGEN'), 28) AS dagen,
    coalesce(nullif(current_setting('pakhuis.vandaag', true), '')::date, current_date) AS vandaag
)
SELECT m.melding_id, m.datum_ontvangen, m.kanaal, m.melder_referentie, m.categorie, m.verblijfsobject_id, m.postcode, m.huisnummer,
  m.huisletter, m.huisnummertoevoeging, m.straat, m.woonplaats, m.terugkoppeling,
  i.vandaag - m.datum_ontvangen AS dagen_sinds_ontvangst, i.dagen AS termijn_dagen,
  m.gemeentecode, m.gemeente_naam
FROM signals.meldingen m CROSS JOIN instelling i
WHERE m.kanaal <> 'anoniem' AND m.terugkoppeling <> 'teruggekoppeld' AND i.vandaag - m.datum_ontvangen > i.dagen
  AND signals.zichtbaar(m.gemeentecode);
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.gemeentecode IS 'CBS-code van de gemeente van de melding.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.gemeente_naam IS 'Naam van die gemeente.';

-- The rule register, per municipality: the rules are the same everywhere, the agreement under
-- which a rule looks across the municipal border is not.
ALTER TABLE pakhuis.rules ADD COLUMN over_gemeentegrens boolean NOT NULL DEFAULT false;
CREATE OR REPLACE VIEW signals.rules AS
SELECT r.code, r.title, r.rationale, r.norm, r.severity, r.parameters, r.version, r.published_at,
  g.code AS gemeentecode, g.naam AS gemeente_naam,
  CASE WHEN r.over_gemeentegrens THEN (SELECT string_agg(DISTINCT s.naam, '; ' ORDER BY s.naam) FROM pakhuis.samenwerking s WHERE s.gemeente = g.code) END AS samenwerking
FROM pakhuis.rules r
CROSS JOIN (SELECT code, naam FROM pakhuis.gemeenten UNION SELECT '0000', 'gemeente' WHERE NOT EXISTS (SELECT 1 FROM pakhuis.gemeenten)) g
WHERE signals.zichtbaar(g.code);
COMMENT ON COLUMN signals.rules.gemeentecode IS 'De gemeente waarvoor de regel zo geldt.';
COMMENT ON COLUMN signals.rules.gemeente_naam IS 'Naam van die gemeente.';
COMMENT ON COLUMN signals.rules.samenwerking IS 'Voor een regel die personen en bedrijven over adressen heen volgt: de afspraak (SAMENWERKING) waaronder hij ook in de andere gemeenten van die afspraak kijkt; leeg: alleen binnen deze gemeente.';

-- The trend per municipality. Its columns keep the comments they had.
CREATE TEMP TABLE trend_comments ON COMMIT DROP AS
SELECT a.attname::text AS col, col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a WHERE a.attrelid = 'signals.trend'::regclass AND a.attnum > 0 AND col_description(a.attrelid, a.attnum) IS NOT NULL;
DROP VIEW signals.trend;
CREATE VIEW signals.trend AS
WITH per_run AS (
  SELECT date_trunc('month', r.peildatum)::date AS month, r.peildatum, c.run_id, c.gemeentecode, c.rule_code, c.new_signals,
    c.resolved_signals, c.open_signals, c.judged_vals_positief, c.judged_afgehandeld
  FROM pakhuis.trend_runs r JOIN pakhuis.trend_rule_counts c ON c.run_id = r.run_id
),
per_month AS (
  SELECT month, gemeentecode, rule_code,
    sum(new_signals)::integer AS new_signals,
    sum(resolved_signals)::integer AS resolved_signals,
    (array_agg(open_signals ORDER BY peildatum DESC, run_id DESC))[1] AS open_signals,
    sum(judged_vals_positief)::integer AS judged_vals_positief,
    sum(judged_afgehandeld)::integer AS judged_afgehandeld,
    NULL::integer AS meldingen_received
  FROM per_run
  GROUP BY month, gemeentecode, rule_code
  UNION ALL
  SELECT date_trunc('month', datum_ontvangen)::date, gemeentecode, 'MELDPUNT', NULL, NULL, NULL, NULL, NULL, count(*)::integer
  FROM pakhuis.melding_ledger
  GROUP BY 1, 2
),
baseline AS (
  SELECT s.month AS baseline_month, c.gemeentecode, c.rule_code, c.new_signals, c.resolved_signals, c.open_signals,
    c.judged_vals_positief, c.judged_afgehandeld, c.meldingen_received
  FROM pakhuis.baseline_counts c JOIN pakhuis.baseline_sets s ON s.id = c.set_id
  WHERE s.id = (SELECT max(id) FROM pakhuis.baseline_sets)
)
SELECT m.month, m.rule_code, m.new_signals, m.resolved_signals, m.open_signals, m.judged_vals_positief, m.judged_afgehandeld,
  m.meldingen_received, b.baseline_month,
  m.new_signals - b.new_signals AS change_new,
  m.resolved_signals - b.resolved_signals AS change_resolved,
  m.open_signals - b.open_signals AS change_open,
  m.judged_vals_positief - b.judged_vals_positief AS change_vals_positief,
  m.judged_afgehandeld - b.judged_afgehandeld AS change_afgehandeld,
  m.meldingen_received - b.meldingen_received AS change_meldingen,
  m.gemeentecode, signals.gemeente_naam(m.gemeentecode) AS gemeente_naam
FROM per_month m
LEFT JOIN baseline b ON b.rule_code = m.rule_code AND b.gemeentecode = m.gemeentecode
WHERE signals.zichtbaar(m.gemeentecode);
COMMENT ON VIEW signals.trend IS 'Per maand, gemeente en regel: nieuwe, opgeloste en open signalen, oordelen vals positief en afgehandeld, en (op de rij MELDPUNT) het aantal ontvangen meldingen; met het verschil ten opzichte van de nulmeting van die gemeente.';
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM trend_comments LOOP
    EXECUTE format('COMMENT ON COLUMN signals.trend.%I IS %L', c.col, c.comment);
  END LOOP;
END
$$;
COMMENT ON COLUMN signals.trend.gemeentecode IS 'CBS-code van de gemeente.';
COMMENT ON COLUMN signals.trend.gemeente_naam IS 'Naam van die gemeente.';

-- ------------------------------------------------------------------ re-identification, limited the same way

DO $$
DECLARE
  def text := pg_get_functiondef('reident.reveal(bigint, text, text)'::regprocedure);
BEGIN
  -- The caller may reveal only behind a signal of a municipality granted to it; a refusal is
  -- audited like the others. Inserted after the existence check of migration 0023's body.
  IF position('refused := format(''signaal %s bestaat niet'', p_signal_id);' IN def) = 0 THEN
    RAISE EXCEPTION 'reident.reveal is not the function this migration expects';
  END IF;
  def := replace(def, 'refused := format(''signaal %s bestaat niet'', p_signal_id);',
    'refused := format(''signaal %s bestaat niet'', p_signal_id);
    ELSIF NOT signals.zichtbaar(s.gemeentecode) THEN
      refused := format(''signaal %s hoort bij een gemeente waarvoor u geen toegang hebt'', p_signal_id);');
  EXECUTE def;
END
$$;

-- The rule SQL reads these with the loading role's rights.
CREATE FUNCTION pakhuis.samen(a text, b text) RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT a = b OR EXISTS (SELECT 1 FROM pakhuis.samenwerking x JOIN pakhuis.samenwerking y ON y.naam = x.naam
                          WHERE x.gemeente = a AND y.gemeente = b)
$$;
COMMENT ON FUNCTION pakhuis.samen(text, text) IS 'Of een regel die personen en bedrijven volgt van gemeente a naar gemeente b mag kijken: dezelfde gemeente, of beide in één afspraak (SAMENWERKING).';

-- A view's functions are called with the reader's rights: whoever reads the views may call these.
INSERT INTO pakhuis_meta.function_grants (function_signature, role_name)
SELECT f, r FROM unnest(ARRAY['signals.zichtbare_gemeenten()', 'signals.zichtbaar(text)', 'signals.gemeente_naam(text)']) f
CROSS JOIN unnest(ARRAY['pakhuis_analyst', 'pakhuis_etl']) r;

-- Names from every published load of a register (one per municipality), as the single-load
-- functions of migration 0022 do for one; a person in two towns' registers is one pseudonym.
CREATE FUNCTION identity.refresh_from_brp(p_load_ids bigint[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM model.defer_indexes('identity.persoon', only_when_empty => true);
  WITH current_names AS (
    SELECT DISTINCT ON (b.pseudonym COLLATE "C") b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum
    FROM staging.brp b
    WHERE b.load_id = ANY (p_load_ids)
    ORDER BY b.pseudonym COLLATE "C", b.load_id DESC, b.historie_index, coalesce(b.persoonslijst, b.pseudonym) COLLATE "C", b.line DESC
  ),
  changed AS (
    UPDATE identity.persoon p
    SET key_version = b.key_version, geslachtsnaam = b.geslachtsnaam, voornamen = b.voornamen,
      geboortedatum = b.geboortedatum, bron = 'brp', updated_at = clock_timestamp()
    FROM current_names b
    WHERE p.pseudonym = b.pseudonym
      AND (p.key_version, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron)
        IS DISTINCT FROM (b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp')
  )
  INSERT INTO identity.persoon (pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, bron)
  SELECT b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp'
  FROM current_names b
  WHERE NOT EXISTS (SELECT 1 FROM identity.persoon p WHERE p.pseudonym = b.pseudonym);
  PERFORM model.restore_indexes('identity.persoon');
END
$$;

CREATE FUNCTION identity.refresh_from_permits(p_load_ids bigint[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM identity.persoon i
  WHERE i.bron = 'permits'
    AND NOT EXISTS (SELECT 1 FROM staging.permits p WHERE p.load_id = ANY (p_load_ids) AND p.houder_pseudonym = i.pseudonym)
    AND NOT EXISTS (SELECT 1 FROM model.partij d WHERE d.zaak_soort = 'damocles' AND d.pseudonym = i.pseudonym);
  INSERT INTO identity.persoon (pseudonym, key_version, naam, bron)
  SELECT DISTINCT ON (houder_pseudonym) houder_pseudonym, key_version, houder_naam, 'permits'
  FROM staging.permits
  WHERE load_id = ANY (p_load_ids) AND houder_pseudonym IS NOT NULL AND houder_naam IS NOT NULL
  ORDER BY houder_pseudonym, load_id DESC, line DESC
  ON CONFLICT (pseudonym) DO NOTHING;
END
$$;

CREATE FUNCTION identity.refresh_from_damocles(p_load_ids bigint[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM identity.persoon i
  WHERE i.bron = 'damocles'
    AND NOT EXISTS (SELECT 1 FROM staging.damocles d WHERE d.load_id = ANY (p_load_ids) AND i.pseudonym IN (d.eigenaar_pseudonym, d.huurder_pseudonym))
    AND NOT EXISTS (SELECT 1 FROM model.partij v WHERE v.zaak_soort = 'vergunning' AND v.pseudonym = i.pseudonym);
  INSERT INTO identity.persoon (pseudonym, key_version, naam, bron)
  SELECT DISTINCT ON (pseudonym) pseudonym, key_version, naam, 'damocles'
  FROM (
    SELECT load_id, line, eigenaar_pseudonym AS pseudonym, eigenaar_naam AS naam, key_version FROM staging.damocles WHERE load_id = ANY (p_load_ids)
    UNION ALL
    SELECT load_id, line, huurder_pseudonym, huurder_naam, key_version FROM staging.damocles WHERE load_id = ANY (p_load_ids)
  ) parties
  WHERE pseudonym IS NOT NULL AND naam IS NOT NULL
  ORDER BY pseudonym, load_id DESC, line DESC
  ON CONFLICT (pseudonym) DO NOTHING;
END
$$;

INSERT INTO pakhuis_meta.function_grants (function_signature, role_name) VALUES
  ('identity.refresh_from_brp(bigint[])', 'pakhuis_etl'),
  ('identity.refresh_from_permits(bigint[])', 'pakhuis_etl'),
  ('identity.refresh_from_damocles(bigint[])', 'pakhuis_etl');

-- A case number is unique within its municipality: the subject of a signal about a case names the
-- municipality too, except in a warehouse of one (0000), whose subjects stay as they were.
CREATE FUNCTION pakhuis.zaak_sleutel(p_gemeentecode text, p_nummer text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_gemeentecode = '0000' THEN p_nummer ELSE p_gemeentecode || '/' || p_nummer END
$$;

-- A nightly report per municipality, to that municipality's recipients.
ALTER TABLE pakhuis.report_outbox ADD COLUMN gemeentecode text CHECK (gemeentecode ~ '^[0-9]{4}$');

-- Feedback and judgements only on what the caller may see. A melding number may exist in two
-- municipalities: then it is named with its code, 0589/M-1.
CREATE OR REPLACE FUNCTION signals.terugkoppeling(p_melding text, p_status text, p_note text DEFAULT NULL, p_by text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_code text;
  v_id text := p_melding;
  found_codes text[];
BEGIN
  IF p_status IS NULL OR p_status NOT IN ('ontvangen', 'in_behandeling', 'teruggekoppeld') THEN
    RAISE EXCEPTION 'onbekende terugkoppelingsstatus %; kies ontvangen, in_behandeling of teruggekoppeld', coalesce(p_status, '(leeg)')
      USING ERRCODE = '22023';
  END IF;
  IF p_note IS NOT NULL AND p_note !~ '\S' THEN
    RAISE EXCEPTION 'de toelichting is leeg (alleen spaties); laat haar weg of schrijf wat er is teruggekoppeld' USING ERRCODE = '22023';
  END IF;
  IF length(p_note) > 2000 THEN
    RAISE EXCEPTION 'de toelichting is % tekens lang; het maximum is 2000', length(p_note) USING ERRCODE = '22023';
  END IF;
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'de opgegeven naam is langer dan 200 tekens' USING ERRCODE = '22023';
  END IF;
  IF p_melding ~ '^[0-9]{4}/' THEN
    v_code := left(p_melding, 4);
    v_id := substr(p_melding, 6);
  END IF;
  SELECT array_agg(m.gemeentecode ORDER BY m.gemeentecode) INTO found_codes FROM model.melding m
  WHERE m.melding_id = v_id AND (v_code IS NULL OR m.gemeentecode = v_code) AND signals.zichtbaar(m.gemeentecode);
  IF found_codes IS NULL THEN
    RAISE EXCEPTION 'melding % bestaat niet', left(p_melding, 100) USING ERRCODE = 'P0002';
  END IF;
  IF cardinality(found_codes) > 1 THEN
    RAISE EXCEPTION 'melding % bestaat in meer dan één gemeente (%); noem de gemeente erbij, zoals %/%', left(v_id, 100),
      array_to_string(found_codes, ', '), found_codes[1], left(v_id, 100) USING ERRCODE = '22023';
  END IF;
  INSERT INTO pakhuis.terugkoppeling_log (melding_id, gemeentecode, status, note, by_user, stated_by)
  VALUES (v_id, found_codes[1], p_status, btrim(p_note, E' \t\r\n'), session_user, p_by);
END
$$;

DO $$
DECLARE
  f record;
  def text;
  missing text := 'INTO s FROM pakhuis.signal_store st WHERE st.id = p_signal_id;';
BEGIN
  -- A signal of a municipality the caller may not see does not exist for it (every signature of
  -- signals.triage there is).
  FOR f IN SELECT p.oid FROM pg_proc p WHERE p.proname = 'triage' AND p.pronamespace = 'signals'::regnamespace LOOP
    def := pg_get_functiondef(f.oid);
    IF position(missing IN def) = 0 THEN
      RAISE EXCEPTION 'signals.triage is not the function migration 0090 expects';
    END IF;
    EXECUTE replace(def, missing, 'INTO s FROM pakhuis.signal_store st WHERE st.id = p_signal_id AND signals.zichtbaar(st.gemeentecode);');
  END LOOP;
END
$$;
