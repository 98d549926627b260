-- The analysts' six questions (issue 15), each answered by a documented view in `signals`:
--  1. most serious addresses first      signals.addresses (score; ADRES_ONBEKEND with the address as given)
--  2. what changed since last night      signals.signal_changes, signals.runs; the previous score,
--                                        severity and evidence of a worsened signal in pakhuis.signal_history
--  3. everything on this address         signals.addresses (past and present), signal_details.address_key
--  4. per rule per month                 signals.trend (migration 0061), unchanged
--  5. in onderzoek, and how old          signals.triage_history; assignee and the due dates of the
--                                        Landelijke Aanpak Adreskwaliteit on signals.signal_details
--  6. persons at several addresses       signals.signal_persons (pseudonyms only)
-- and `pakhuis status` / `pakhuis report --all` as an analyst login read signals.runs and
-- signals.signal_details instead of pakhuis_meta and the raw tables.

-- ------------------------------------------------------------------ guards

-- Tables only the owner's functions write. Grants already keep the application roles out; the
-- trigger holds even where a later grant is too wide (apply_grants gives the loading role every
-- table in schema pakhuis), for INSERT, UPDATE, DELETE and TRUNCATE alike.
CREATE FUNCTION pakhuis.only_through_owner() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF current_user = 'pakhuis_owner' OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RETURN CASE WHEN TG_LEVEL = 'STATEMENT' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = '42501';
END
$$;

CREATE TRIGGER triage_only_through_triage BEFORE INSERT OR UPDATE OR DELETE ON pakhuis.triage
  FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_owner('een oordeel over een signaal wordt alleen vastgelegd via signals.triage');
CREATE TRIGGER triage_no_truncate BEFORE TRUNCATE ON pakhuis.triage
  FOR EACH STATEMENT EXECUTE FUNCTION pakhuis.only_through_owner('een oordeel over een signaal wordt alleen vastgelegd via signals.triage');

-- ------------------------------------------------------------------ history of a worsened signal

-- What a signal was before it worsened (score or severity rose) or came back after being resolved:
-- the merge overwrote it, so "what changed since last night" could not say from what.
CREATE TABLE pakhuis.signal_history (
  id              bigserial PRIMARY KEY,
  signal_id       bigint NOT NULL REFERENCES pakhuis.signal_store (id) ON DELETE CASCADE,
  run_id          bigint NOT NULL,
  change          text NOT NULL CHECK (change IN ('verergerd', 'terug')),
  severity        text NOT NULL,
  score           numeric,
  evidence        jsonb NOT NULL,
  explanation     text NOT NULL,
  rule_version    text NOT NULL,
  last_seen_run   bigint NOT NULL
);
CREATE INDEX signal_history_signal_idx ON pakhuis.signal_history (signal_id, id);
CREATE INDEX signal_history_run_idx ON pakhuis.signal_history (run_id);
COMMENT ON TABLE pakhuis.signal_history IS 'Hoe een signaal was voordat het verergerde of terugkwam; alleen pakhuis.merge_signals schrijft hierin.';
CREATE TRIGGER signal_history_only_through_merge BEFORE INSERT OR UPDATE OR DELETE ON pakhuis.signal_history
  FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_owner('de geschiedenis van signalen wordt alleen geschreven door pakhuis.merge_signals');
CREATE TRIGGER signal_history_no_truncate BEFORE TRUNCATE ON pakhuis.signal_history
  FOR EACH STATEMENT EXECUTE FUNCTION pakhuis.only_through_owner('de geschiedenis van signalen wordt alleen geschreven door pakhuis.merge_signals');

CREATE FUNCTION pakhuis.severity_rank(severity text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE severity WHEN 'hoog' THEN 3 WHEN 'midden' THEN 2 WHEN 'laag' THEN 1 ELSE 0 END
$$;

-- As 0021, and: a rise in severity counts as worsening too (a permit that lapsed turns OVERBEWONING
-- from laag to midden at the same score), and what a worsened signal was goes to signal_history
-- before the upsert overwrites it.
CREATE OR REPLACE FUNCTION pakhuis.merge_signals(p_run_id bigint, p_rule_codes text[])
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

  INSERT INTO pakhuis.signal_history (signal_id, run_id, change, severity, score, evidence, explanation, rule_version, last_seen_run)
  SELECT s.id, p_run_id, CASE WHEN s.status = 'resolved' THEN 'terug' ELSE 'verergerd' END,
    s.severity, s.score, s.evidence, s.explanation, s.rule_version, s.last_seen_run
  FROM pakhuis.signal_candidates c
  JOIN pakhuis.signal_store s ON s.rule_code = c.rule_code AND s.subject_key = c.subject_key
  WHERE c.run_id = p_run_id
    AND (s.status = 'resolved' OR c.score > s.score OR pakhuis.severity_rank(c.severity) > pakhuis.severity_rank(s.severity));

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
      worsened_run = CASE WHEN s.status = 'resolved' OR EXCLUDED.score > s.score
                            OR pakhuis.severity_rank(EXCLUDED.severity) > pakhuis.severity_rank(s.severity)
                          THEN EXCLUDED.last_seen_run ELSE s.worsened_run END
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
COMMENT ON FUNCTION pakhuis.merge_signals(bigint, text[]) IS 'Verwerkt de kandidaten van een run in de signalen (nieuw, bijgewerkt, verergerd, opgelost), bewaart hoe een verergerd signaal was, en de persoonskoppelingen.';

-- ------------------------------------------------------------------ triage: assignee

ALTER TABLE pakhuis.triage ADD COLUMN assigned_to text CHECK (length(assigned_to) <= 200);
ALTER TABLE pakhuis.triage_log ADD COLUMN assigned_to text;
-- signal_details finds a signal's judgements by its identity (in_onderzoek_since, the history view).
CREATE INDEX triage_log_identity_idx ON pakhuis.triage_log (rule_code, subject_key, id);

-- As 0021, with the person the signal is assigned to. Leaving p_assigned_to out keeps the current
-- assignee; an empty string removes it.
DROP FUNCTION signals.triage(bigint, text, text, text);
CREATE FUNCTION signals.triage(p_signal_id bigint, p_status text, p_note text DEFAULT NULL, p_by text DEFAULT NULL, p_assigned_to text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  s record;
  assignee text;
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
  IF length(p_assigned_to) > 200 THEN
    RAISE EXCEPTION 'naam van de behandelaar is % tekens lang; het maximum is 200', length(p_assigned_to) USING ERRCODE = '22001';
  END IF;
  IF p_assigned_to ~ '[[:cntrl:]]' THEN
    RAISE EXCEPTION 'naam van de behandelaar bevat een stuurteken' USING ERRCODE = '22023';
  END IF;
  SELECT st.rule_code, st.subject_key, st.score INTO s FROM pakhuis.signal_store st WHERE st.id = p_signal_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO pakhuis.triage AS t (rule_code, subject_key, status, note, by_user, stated_by, at, score, assigned_to)
  VALUES (s.rule_code, s.subject_key, p_status, p_note, session_user, p_by, clock_timestamp(), s.score, nullif(btrim(p_assigned_to), ''))
  ON CONFLICT (rule_code, subject_key) DO UPDATE SET
    status = EXCLUDED.status, note = EXCLUDED.note, by_user = EXCLUDED.by_user, stated_by = EXCLUDED.stated_by,
    at = EXCLUDED.at, score = EXCLUDED.score,
    assigned_to = CASE WHEN p_assigned_to IS NULL THEN t.assigned_to ELSE EXCLUDED.assigned_to END
  RETURNING t.assigned_to INTO assignee;
  INSERT INTO pakhuis.triage_log (signal_id, rule_code, subject_key, status, note, by_user, stated_by, assigned_to)
  VALUES (p_signal_id, s.rule_code, s.subject_key, p_status, p_note, session_user, p_by, assignee);
END
$$;
COMMENT ON FUNCTION signals.triage(bigint, text, text, text, text) IS 'Leg een oordeel over een signaal vast: in_onderzoek, vals_positief of afgehandeld, met toelichting, een naam naast de databasegebruiker en desgewenst aan wie het is toegewezen (leeg laten houdt de huidige behandelaar, een lege tekst haalt hem weg). De geschiedenis staat in signals.triage_history.';
DELETE FROM pakhuis_meta.function_grants WHERE function_signature = 'signals.triage(bigint, text, text, text)';
INSERT INTO pakhuis_meta.function_grants (function_signature, role_name) VALUES ('signals.triage(bigint, text, text, text, text)', 'pakhuis_analyst');

-- ------------------------------------------------------------------ the address of a signal

-- One place that says where a signal is: the BAG hoofdadres of its object, or for ADRES_ONBEKEND
-- (no object: the address is not in the BAG) the address as the registers gave it, from the
-- signal's subject key (postcode|huisnummer|huisletter|toevoeging, pakhuis.adres_sleutel). A
-- signal about a person or a zaak has no address here. Owner's view; analysts read it through
-- the views below.
CREATE VIEW pakhuis.signal_addresses AS
WITH given AS (
  SELECT s.id, s.verblijfsobject_id, s.rule_code, s.subject_key, s.evidence,
    s.verblijfsobject_id IS NULL AND s.rule_code = 'ADRES_ONBEKEND' AS as_given,
    s.subject_key ~ '^[^|:]*\|[0-9]+\|[^|]*\|[^|]*$' AS keyed
  FROM pakhuis.signal_store s
)
SELECT g.id AS signal_id,
  CASE WHEN g.verblijfsobject_id IS NOT NULL THEN g.verblijfsobject_id WHEN g.as_given THEN g.subject_key END AS address_key,
  CASE WHEN g.verblijfsobject_id IS NOT NULL THEN 'bag' WHEN g.as_given THEN 'opgegeven' END AS address_source,
  CASE WHEN g.as_given AND g.keyed THEN nullif(split_part(g.subject_key, '|', 1), '') ELSE n.postcode END AS postcode,
  CASE WHEN g.as_given AND g.keyed THEN split_part(g.subject_key, '|', 2)::integer ELSE n.huisnummer END AS huisnummer,
  CASE WHEN g.as_given AND g.keyed THEN nullif(split_part(g.subject_key, '|', 3), '') ELSE n.huisletter END AS huisletter,
  CASE WHEN g.as_given AND g.keyed THEN nullif(split_part(g.subject_key, '|', 4), '') ELSE n.huisnummertoevoeging END AS huisnummertoevoeging,
  n.openbareruimte AS straat,
  n.woonplaats,
  CASE WHEN g.verblijfsobject_id IS NOT NULL THEN
      nullif(concat_ws(', ',
        nullif(concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, '')), ''),
        nullif(concat_ws(' ', n.postcode, n.woonplaats), '')), '')
    WHEN g.as_given THEN coalesce(g.evidence ->> 'adres', g.subject_key) || ' (zoals opgegeven, niet in de BAG)'
  END AS adres,
  v.lat,
  v.lon
FROM given g
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = g.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id;
COMMENT ON VIEW pakhuis.signal_addresses IS 'Het adres van elk signaal: het BAG-hoofdadres van het object, of bij ADRES_ONBEKEND het adres zoals opgegeven.';

-- ------------------------------------------------------------------ signal_details, extended

-- The columns it had stay where they were (CREATE OR REPLACE keeps their comments); new ones follow.
CREATE OR REPLACE VIEW signals.signal_details AS
WITH instelling AS (
  SELECT coalesce(nullif(current_setting('pakhuis.vandaag', true), '')::date, current_date) AS vandaag
)
SELECT s.id AS signal_id,
  s.rule_code,
  r.title AS rule_title,
  s.subject_key,
  s.verblijfsobject_id,
  s.severity,
  s.status,
  s.explanation,
  s.evidence,
  s.rule_version,
  s.first_seen_at,
  s.last_seen_at,
  s.resolved_at,
  s.first_seen_run,
  s.last_seen_run,
  s.triage_status,
  s.triage_note,
  s.triage_by,
  s.triage_at,
  s.score,
  s.worsened_run,
  s.resolved_run,
  h.severity AS previous_severity,
  h.score AS previous_score,
  h.explanation AS previous_explanation,
  a.address_key,
  a.address_source,
  a.adres,
  a.straat,
  a.huisnummer,
  a.huisletter,
  a.huisnummertoevoeging,
  a.postcode,
  a.woonplaats,
  t.assigned_to,
  o.in_onderzoek_since,
  d.status_due,
  d.result_due,
  (s.status = 'open' AND s.triage_status IS NULL AND i.vandaag > d.status_due) AS status_overdue,
  (s.status = 'open' AND coalesce(s.triage_status, '') NOT IN ('vals_positief', 'afgehandeld') AND i.vandaag > d.result_due) AS result_overdue
FROM pakhuis.signals s
CROSS JOIN instelling i
LEFT JOIN pakhuis.rules r ON r.code = s.rule_code
LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key
LEFT JOIN LATERAL (
  SELECT hh.severity, hh.score, hh.explanation FROM pakhuis.signal_history hh WHERE hh.signal_id = s.id ORDER BY hh.id DESC LIMIT 1
) h ON true
-- Since when it is in onderzoek without a break: the first such judgement after the last other one.
LEFT JOIN LATERAL (
  SELECT min(l.at) AS in_onderzoek_since FROM pakhuis.triage_log l
  WHERE s.triage_status = 'in_onderzoek' AND l.rule_code = s.rule_code AND l.subject_key = s.subject_key AND l.status = 'in_onderzoek'
    AND l.id > coalesce((SELECT max(x.id) FROM pakhuis.triage_log x
                         WHERE x.rule_code = s.rule_code AND x.subject_key = s.subject_key AND x.status <> 'in_onderzoek'), 0)
) o ON true
CROSS JOIN LATERAL (
  SELECT (s.first_seen_at AT TIME ZONE 'Europe/Amsterdam')::date + 28 AS status_due,
    ((s.first_seen_at AT TIME ZONE 'Europe/Amsterdam')::date + interval '6 months')::date AS result_due
) d;

COMMENT ON COLUMN signals.signal_details.score IS 'Score van het signaal: het getal van de regel dat groeit als de situatie erger wordt (bij de meeste regels het aantal betrokken personen, zaken, objecten of meldingen; welk getal, staat in de uitleg en het bewijs). Alleen binnen één regel vergelijkbaar; een verergering is een hogere score of ernst.';
COMMENT ON COLUMN signals.signal_details.worsened_run IS 'Laatste run waarin het signaal verergerde (hogere score of ernst) of terugkwam nadat het was opgelost; leeg als dat nooit gebeurde.';
COMMENT ON COLUMN signals.signal_details.resolved_run IS 'Run waarin de regel het signaal niet meer gaf (leeg als het open is).';
COMMENT ON COLUMN signals.signal_details.previous_severity IS 'Ernst vóór de laatste verergering of terugkeer (leeg als die er niet was; alle eerdere staan in signals.signal_changes).';
COMMENT ON COLUMN signals.signal_details.previous_score IS 'Score vóór de laatste verergering of terugkeer.';
COMMENT ON COLUMN signals.signal_details.previous_explanation IS 'Uitleg vóór de laatste verergering of terugkeer.';
COMMENT ON COLUMN signals.signal_details.address_key IS 'Sleutel van het adres, gelijk aan signals.addresses.address_key: het verblijfsobject-id, of bij ADRES_ONBEKEND het opgegeven adres (postcode|huisnummer|huisletter|toevoeging). Leeg als het signaal over een persoon of zaak gaat.';
COMMENT ON COLUMN signals.signal_details.address_source IS 'bag: het hoofdadres van het verblijfsobject; opgegeven: het adres zoals de registers het gaven (niet in de BAG).';
COMMENT ON COLUMN signals.signal_details.adres IS 'Het adres in één regel (straat, huisnummer, postcode, woonplaats), of zoals opgegeven.';
COMMENT ON COLUMN signals.signal_details.straat IS 'Straat volgens de BAG (leeg bij een opgegeven adres).';
COMMENT ON COLUMN signals.signal_details.huisnummer IS 'Huisnummer.';
COMMENT ON COLUMN signals.signal_details.huisletter IS 'Huisletter.';
COMMENT ON COLUMN signals.signal_details.huisnummertoevoeging IS 'Huisnummertoevoeging.';
COMMENT ON COLUMN signals.signal_details.postcode IS 'Postcode.';
COMMENT ON COLUMN signals.signal_details.woonplaats IS 'Woonplaats volgens de BAG (leeg bij een opgegeven adres).';
COMMENT ON COLUMN signals.signal_details.assigned_to IS 'Aan wie het signaal is toegewezen (pakhuis triage --toegewezen).';
COMMENT ON COLUMN signals.signal_details.in_onderzoek_since IS 'Sinds wanneer het signaal onafgebroken in onderzoek is (leeg als het dat nu niet is).';
COMMENT ON COLUMN signals.signal_details.status_due IS 'Uiterste datum voor een eerste oordeel: 4 weken na eerst gezien (Landelijke Aanpak Adreskwaliteit: binnen 4 weken een status).';
COMMENT ON COLUMN signals.signal_details.result_due IS 'Uiterste datum voor een resultaat (afgehandeld of vals positief): 6 maanden na eerst gezien (Landelijke Aanpak Adreskwaliteit).';
COMMENT ON COLUMN signals.signal_details.status_overdue IS 'Open, nog zonder oordeel, en de termijn voor een status (status_due) is voorbij.';
COMMENT ON COLUMN signals.signal_details.result_overdue IS 'Open, nog niet afgehandeld of vals positief, en de termijn voor een resultaat (result_due) is voorbij.';

-- ------------------------------------------------------------------ signals.addresses

CREATE VIEW signals.addresses AS
WITH per_signal AS (
  -- The rank written out: a function in a view is called with the reader's rights, and analysts
  -- may call none of the owner's functions.
  SELECT d.*, CASE d.severity WHEN 'hoog' THEN 3 WHEN 'midden' THEN 2 WHEN 'laag' THEN 1 ELSE 0 END AS rank,
    (d.status = 'open' AND coalesce(d.triage_status, '') NOT IN ('vals_positief', 'afgehandeld')) AS counts
  FROM signals.signal_details d
  WHERE d.address_key IS NOT NULL
),
per_address AS (
  SELECT address_key,
    sum(rank) FILTER (WHERE counts)::integer AS score,
    max(rank) FILTER (WHERE status = 'open') AS open_rank,
    count(*) FILTER (WHERE status = 'open')::integer AS open_signals,
    count(*) FILTER (WHERE status = 'resolved')::integer AS resolved_signals,
    array_agg(DISTINCT rule_code ORDER BY rule_code) FILTER (WHERE status = 'open') AS open_rule_codes,
    array_agg(DISTINCT rule_code ORDER BY rule_code) AS all_rule_codes,
    array_agg(signal_id ORDER BY signal_id) AS signal_ids,
    array_agg(DISTINCT coalesce(triage_status, 'nieuw') ORDER BY coalesce(triage_status, 'nieuw')) FILTER (WHERE status = 'open') AS triage_statuses,
    min(first_seen_at) AS first_seen_at,
    max(greatest(last_seen_at, resolved_at)) AS last_change_at,
    string_agg(rule_code || ': ' || explanation, E'\n' ORDER BY rule_code) FILTER (WHERE status = 'open') AS explanation,
    bool_or(status_overdue OR result_overdue) AS overdue,
    (array_agg(signal_id ORDER BY signal_id))[1] AS any_signal
  FROM per_signal
  GROUP BY address_key
)
SELECT p.address_key,
  a.address_source,
  CASE WHEN a.address_source = 'bag' THEN p.address_key END AS verblijfsobject_id,
  a.adres,
  a.straat,
  a.huisnummer,
  a.huisletter,
  a.huisnummertoevoeging,
  a.postcode,
  a.woonplaats,
  coalesce(p.score, 0) AS score,
  CASE p.open_rank WHEN 3 THEN 'hoog' WHEN 2 THEN 'midden' WHEN 1 THEN 'laag' END AS highest_severity,
  p.open_signals,
  p.resolved_signals,
  coalesce(p.open_rule_codes, '{}') AS open_rule_codes,
  p.all_rule_codes,
  p.signal_ids,
  coalesce(p.triage_statuses, '{}') AS triage_statuses,
  p.first_seen_at,
  p.last_change_at,
  p.explanation,
  coalesce(p.overdue, false) AS overdue,
  a.lat,
  a.lon
FROM per_address p
JOIN pakhuis.signal_addresses a ON a.signal_id = p.any_signal;

COMMENT ON VIEW signals.addresses IS 'Dossier per adres: alle signalen die er ooit waren, open en opgelost, met een score om de ernstigste adressen eerst te zien. Ook adressen die niet in de BAG staan (ADRES_ONBEKEND), met het adres zoals opgegeven. De signalen zelf: signals.signal_details WHERE address_key = ...';
COMMENT ON COLUMN signals.addresses.address_key IS 'Sleutel van het adres: het verblijfsobject-id (16 cijfers), of bij een adres dat niet in de BAG staat het opgegeven adres als postcode|huisnummer|huisletter|toevoeging. Zelfde sleutel als in signals.signal_details en signals.signal_persons.';
COMMENT ON COLUMN signals.addresses.address_source IS 'bag: een verblijfsobject met zijn hoofdadres; opgegeven: het adres zoals de registers het gaven, niet in de BAG (ADRES_ONBEKEND).';
COMMENT ON COLUMN signals.addresses.verblijfsobject_id IS 'BAG-identificatie van het verblijfsobject (leeg bij een opgegeven adres).';
COMMENT ON COLUMN signals.addresses.adres IS 'Het adres in één regel, of zoals opgegeven.';
COMMENT ON COLUMN signals.addresses.straat IS 'Straat volgens de BAG.';
COMMENT ON COLUMN signals.addresses.huisnummer IS 'Huisnummer.';
COMMENT ON COLUMN signals.addresses.huisletter IS 'Huisletter.';
COMMENT ON COLUMN signals.addresses.huisnummertoevoeging IS 'Huisnummertoevoeging.';
COMMENT ON COLUMN signals.addresses.postcode IS 'Postcode.';
COMMENT ON COLUMN signals.addresses.woonplaats IS 'Woonplaats volgens de BAG.';
COMMENT ON COLUMN signals.addresses.score IS 'Rangorde: de som over de open signalen die niet als vals positief of afgehandeld zijn beoordeeld van 3 (ernst hoog), 2 (midden) of 1 (laag). Hoger is eerst bekijken: twee signalen van ernst midden (4) gaan voor één van ernst hoog (3). 0: niets open dat nog een oordeel vraagt. Een rangorde voor het werk, geen kans of bewijs.';
COMMENT ON COLUMN signals.addresses.highest_severity IS 'Hoogste ernst van de open signalen (leeg als er geen open zijn).';
COMMENT ON COLUMN signals.addresses.open_signals IS 'Aantal open signalen op dit adres.';
COMMENT ON COLUMN signals.addresses.resolved_signals IS 'Aantal opgeloste signalen (de regel gaf ze niet meer) op dit adres.';
COMMENT ON COLUMN signals.addresses.open_rule_codes IS 'Codes van de regels met een open signaal hier.';
COMMENT ON COLUMN signals.addresses.all_rule_codes IS 'Codes van alle regels die hier ooit een signaal gaven.';
COMMENT ON COLUMN signals.addresses.signal_ids IS 'Nummers van alle signalen op dit adres, open en opgelost (zie signals.signal_details).';
COMMENT ON COLUMN signals.addresses.triage_statuses IS 'Oordelen over de open signalen (nieuw = nog niet beoordeeld).';
COMMENT ON COLUMN signals.addresses.first_seen_at IS 'Wanneer het eerste signaal op dit adres verscheen.';
COMMENT ON COLUMN signals.addresses.last_change_at IS 'Laatste keer dat een signaal hier werd gegeven of opgelost.';
COMMENT ON COLUMN signals.addresses.explanation IS 'Uitleg van de open signalen, per regel.';
COMMENT ON COLUMN signals.addresses.overdue IS 'Een open signaal hier is over de termijn voor een status (4 weken) of een resultaat (6 maanden).';
COMMENT ON COLUMN signals.addresses.lat IS 'Breedtegraad van het object (WGS84), leeg bij een opgegeven adres.';
COMMENT ON COLUMN signals.addresses.lon IS 'Lengtegraad van het object (WGS84), leeg bij een opgegeven adres.';

-- ------------------------------------------------------------------ signals.signal_changes

CREATE VIEW signals.signal_changes AS
WITH history AS (
  SELECT h.*,
    lead(h.severity) OVER w AS next_severity, lead(h.score) OVER w AS next_score, lead(h.explanation) OVER w AS next_explanation,
    lead(h.id) OVER w AS next_id
  FROM pakhuis.signal_history h
  WINDOW w AS (PARTITION BY h.signal_id ORDER BY h.id)
)
SELECT s.first_seen_run AS run_id, 'nieuw'::text AS change, s.id AS signal_id, s.rule_code, a.address_key, a.adres,
  NULL::text AS previous_severity, NULL::numeric AS previous_score, NULL::text AS previous_explanation,
  coalesce(f.severity, s.severity) AS severity, coalesce(f.score, s.score) AS score, coalesce(f.explanation, s.explanation) AS explanation
FROM pakhuis.signal_store s
JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
LEFT JOIN LATERAL (SELECT f.severity, f.score, f.explanation FROM pakhuis.signal_history f WHERE f.signal_id = s.id ORDER BY f.id LIMIT 1) f ON true
UNION ALL
SELECT h.run_id, h.change, s.id, s.rule_code, a.address_key, a.adres,
  h.severity, h.score, h.explanation,
  CASE WHEN h.next_id IS NULL THEN s.severity ELSE h.next_severity END,
  CASE WHEN h.next_id IS NULL THEN s.score ELSE h.next_score END,
  CASE WHEN h.next_id IS NULL THEN s.explanation ELSE h.next_explanation END
FROM history h
JOIN pakhuis.signal_store s ON s.id = h.signal_id
JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
UNION ALL
SELECT s.resolved_run, 'opgelost', s.id, s.rule_code, a.address_key, a.adres,
  s.severity, s.score, s.explanation, NULL, NULL, NULL
FROM pakhuis.signal_store s
JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
WHERE s.status = 'resolved';

COMMENT ON VIEW signals.signal_changes IS 'Wat elke run aan de signalen veranderde: nieuw, verergerd (hogere score of ernst), terug (weer gegeven na opgelost) en opgelost, met de waarden ervoor en erna. "Sinds vannacht": WHERE run_id = de laatste gepubliceerde run in signals.runs.';
COMMENT ON COLUMN signals.signal_changes.run_id IS 'De run waarin het gebeurde (zie signals.runs).';
COMMENT ON COLUMN signals.signal_changes.change IS 'nieuw, verergerd, terug of opgelost. Van een signaal dat vaker opgelost werd, staat alleen de laatste keer opgelost hier.';
COMMENT ON COLUMN signals.signal_changes.signal_id IS 'Nummer van het signaal (zie signals.signal_details).';
COMMENT ON COLUMN signals.signal_changes.rule_code IS 'Code van de regel.';
COMMENT ON COLUMN signals.signal_changes.address_key IS 'Sleutel van het adres (zie signals.addresses); leeg als het signaal geen adres heeft.';
COMMENT ON COLUMN signals.signal_changes.adres IS 'Het adres in één regel.';
COMMENT ON COLUMN signals.signal_changes.previous_severity IS 'Ernst ervoor (bij verergerd en terug: wat het was; bij opgelost: de laatste ernst).';
COMMENT ON COLUMN signals.signal_changes.previous_score IS 'Score ervoor.';
COMMENT ON COLUMN signals.signal_changes.previous_explanation IS 'Uitleg ervoor.';
COMMENT ON COLUMN signals.signal_changes.severity IS 'Ernst erna (leeg bij opgelost).';
COMMENT ON COLUMN signals.signal_changes.score IS 'Score erna (leeg bij opgelost).';
COMMENT ON COLUMN signals.signal_changes.explanation IS 'Uitleg erna (leeg bij opgelost).';

-- ------------------------------------------------------------------ signals.runs

-- A night with nothing new (REPORT_NOTHING_NEW): the report is kept, and mailed daily, weekly or
-- never; report_date is the run's day, against which "once a week" is counted.
ALTER TABLE pakhuis.report_outbox ADD COLUMN report_date date, ADD COLUMN quiet boolean NOT NULL DEFAULT false;

CREATE VIEW signals.runs AS
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
  (SELECT count(*)::integer FROM pakhuis.loads l WHERE l.run_id = r.id) AS files,
  (SELECT coalesce(sum(l.rows_staged), 0)::integer FROM pakhuis.loads l WHERE l.run_id = r.id) AS rows_loaded,
  (SELECT coalesce(sum(l.rows_rejected), 0)::integer FROM pakhuis.loads l WHERE l.run_id = r.id) AS rows_rejected,
  (r.summary -> 'signals' ->> 'new')::integer AS new_signals,
  (r.summary -> 'signals' ->> 'worsened')::integer AS worsened_signals,
  (r.summary -> 'signals' ->> 'resolved')::integer AS resolved_signals,
  (r.summary -> 'signals' ->> 'open')::integer AS open_signals,
  CASE WHEN o.status = 'not_sent' AND o.quiet THEN 'niets_nieuws' ELSE o.status END AS mail_status
FROM pakhuis.runs r
LEFT JOIN pakhuis.trend_runs tr ON tr.run_id = r.id
LEFT JOIN LATERAL (SELECT ob.status, ob.quiet FROM pakhuis.report_outbox ob WHERE ob.run_id = r.id AND ob.kind = 'nachtrapport' ORDER BY ob.id DESC LIMIT 1) o ON true;

COMMENT ON VIEW signals.runs IS 'Eén rij per nachtelijke (of handmatige) run: wanneer, of hij slaagde en publiceerde, wat hij laadde, wat hij aan signalen veranderde en of het rapport gemaild is. Dit leest pakhuis status.';
COMMENT ON COLUMN signals.runs.run_id IS 'Nummer van de run (first_seen_run, worsened_run en resolved_run van een signaal verwijzen hiernaar).';
COMMENT ON COLUMN signals.runs.trigger IS 'Aanleiding: schedule (de nachtelijke planning), cli, demo, ...';
COMMENT ON COLUMN signals.runs.started_at IS 'Begin van de run.';
COMMENT ON COLUMN signals.runs.finished_at IS 'Einde van de run (leeg terwijl hij loopt).';
COMMENT ON COLUMN signals.runs.status IS 'running, succeeded of failed.';
COMMENT ON COLUMN signals.runs.published IS 'De run publiceerde model, signalen en rapport (een run kan daarna nog in een latere stap mislukken).';
COMMENT ON COLUMN signals.runs.peildatum IS 'De dag waarop de run telt (pakhuis run --today kan hem verzetten); leeg als hij niets publiceerde.';
COMMENT ON COLUMN signals.runs.failed_step IS 'De stap die mislukte.';
COMMENT ON COLUMN signals.runs.error IS 'Waarom de run mislukte, in één regel.';
COMMENT ON COLUMN signals.runs.warnings IS 'Waarschuwingen van de run (verouderde bron, afgekeurd bestand, mail niet verzonden, ...).';
COMMENT ON COLUMN signals.runs.files IS 'Aantal geladen bestanden.';
COMMENT ON COLUMN signals.runs.rows_loaded IS 'Aantal geladen rijen.';
COMMENT ON COLUMN signals.runs.rows_rejected IS 'Aantal afgekeurde rijen (met reden bewaard).';
COMMENT ON COLUMN signals.runs.new_signals IS 'Signalen die deze run voor het eerst gaf.';
COMMENT ON COLUMN signals.runs.worsened_signals IS 'Signalen die deze run erger (hogere score of ernst) of opnieuw gaf.';
COMMENT ON COLUMN signals.runs.resolved_signals IS 'Signalen die deze run niet meer gaf.';
COMMENT ON COLUMN signals.runs.open_signals IS 'Open signalen na deze run.';
COMMENT ON COLUMN signals.runs.mail_status IS 'Het nachtrapport per e-mail: sent (verzonden), pending (wacht in de outbox), not_sent (geen SMTP ingesteld), niets_nieuws (een nacht zonder nieuwe of verergerde signalen, niet gemaild volgens REPORT_NOTHING_NEW); leeg als er geen rapport was.';

-- ------------------------------------------------------------------ triage history

CREATE VIEW signals.triage_history AS
SELECT l.id AS triage_id,
  l.signal_id,
  l.rule_code,
  a.address_key,
  a.adres,
  l.status,
  l.note,
  l.by_user,
  l.stated_by,
  l.assigned_to,
  l.at
FROM pakhuis.triage_log l
LEFT JOIN pakhuis.signal_store s ON s.rule_code = l.rule_code AND s.subject_key = l.subject_key
LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s.id;

COMMENT ON VIEW signals.triage_history IS 'Elk oordeel dat ooit over een signaal is vastgelegd (via signals.triage of pakhuis triage), oudste eerst op triage_id; kan niet worden gewijzigd. Het geldende oordeel staat op signals.signal_details.';
COMMENT ON COLUMN signals.triage_history.triage_id IS 'Volgnummer van het oordeel.';
COMMENT ON COLUMN signals.triage_history.signal_id IS 'Nummer van het signaal toen het oordeel werd gegeven.';
COMMENT ON COLUMN signals.triage_history.rule_code IS 'Code van de regel.';
COMMENT ON COLUMN signals.triage_history.address_key IS 'Sleutel van het adres (zie signals.addresses).';
COMMENT ON COLUMN signals.triage_history.adres IS 'Het adres in één regel.';
COMMENT ON COLUMN signals.triage_history.status IS 'in_onderzoek, vals_positief of afgehandeld.';
COMMENT ON COLUMN signals.triage_history.note IS 'Toelichting bij het oordeel.';
COMMENT ON COLUMN signals.triage_history.by_user IS 'De databasegebruiker die het oordeel vastlegde.';
COMMENT ON COLUMN signals.triage_history.stated_by IS 'De naam die bij het oordeel werd opgegeven (--by).';
COMMENT ON COLUMN signals.triage_history.assigned_to IS 'Aan wie het signaal na dit oordeel was toegewezen.';
COMMENT ON COLUMN signals.triage_history.at IS 'Wanneer het oordeel werd vastgelegd.';

-- ------------------------------------------------------------------ persons per signal, as pseudonyms

CREATE VIEW signals.signal_persons AS
SELECT p.signal_id,
  s.rule_code,
  s.status AS signal_status,
  a.address_key,
  a.adres,
  p.pseudonym,
  p.rol
FROM pakhuis.signal_persons p
JOIN pakhuis.signal_store s ON s.id = p.signal_id
LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s.id;

COMMENT ON VIEW signals.signal_persons IS 'De personen die een regel aan een signaal koppelde, als pseudoniem (nooit naam of BSN), met hun rol. Hetzelfde pseudoniem is dezelfde persoon: zo zie je wie op meer gesignaleerde adressen voorkomt. Namen alleen via pakhuis reveal (vastgelegd).';
COMMENT ON COLUMN signals.signal_persons.signal_id IS 'Nummer van het signaal.';
COMMENT ON COLUMN signals.signal_persons.rule_code IS 'Code van de regel.';
COMMENT ON COLUMN signals.signal_persons.signal_status IS 'open of resolved.';
COMMENT ON COLUMN signals.signal_persons.address_key IS 'Sleutel van het adres (zie signals.addresses); leeg als het signaal over een zaak of persoon gaat.';
COMMENT ON COLUMN signals.signal_persons.adres IS 'Het adres in één regel.';
COMMENT ON COLUMN signals.signal_persons.pseudonym IS 'Pseudoniem van de persoon (HMAC van het BSN, 64 tekens); geen naam of BSN.';
COMMENT ON COLUMN signals.signal_persons.rol IS 'Als wat de regel de persoon koppelde: bewoner, briefadres, eigenaar, huurder, houder, ...';

-- ------------------------------------------------------------------ comments that were missing

COMMENT ON COLUMN signals.rules.code IS 'Code van de regel, zoals in de signalen.';
COMMENT ON COLUMN signals.rules.title IS 'Titel van de regel in gewone taal.';
COMMENT ON COLUMN signals.rules.rationale IS 'Waarom de regel bestaat en wat hij telt.';
COMMENT ON COLUMN signals.rules.norm IS 'De wet of norm waarop de regel steunt.';
COMMENT ON COLUMN signals.rules.severity IS 'Standaardernst van een signaal van deze regel: laag, midden of hoog.';
COMMENT ON COLUMN signals.rules.parameters IS 'De drempels die gelden, als JSON.';
COMMENT ON COLUMN signals.rules.version IS 'Versie van de regel (afgeleid van SQL en parameters); elk signaal noemt de versie die het maakte.';
COMMENT ON COLUMN signals.rules.published_at IS 'Wanneer deze versie werd gepubliceerd.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.postcode IS 'Postcode.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.huisnummer IS 'Huisnummer.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.huisletter IS 'Huisletter.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.huisnummertoevoeging IS 'Huisnummertoevoeging.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.straat IS 'Straat volgens de BAG.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.woonplaats IS 'Woonplaats volgens de BAG.';
