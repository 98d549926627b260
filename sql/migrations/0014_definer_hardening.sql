-- The two functions that other roles call with the owner's rights (SECURITY DEFINER), hardened
-- after a security review found:
--  * reveal filled a temp table by name, and every login may create temp tables: a caller could
--    create one of its own first, with a trigger that then ran as the owner (read every name,
--    disable the audit trigger). reveal now keeps its list in variables, and pg_temp is named
--    last in both search paths (unnamed, it is searched first for tables);
--  * both recorded the name the caller passed as who acted, so anyone could act in a colleague's
--    name. The database login (session_user) is recorded now; a name passed along is kept beside
--    it as stated_by;
--  * a reveal inside a transaction that is then rolled back left no audit row. The row cannot be
--    made to outlive a rollback from inside the transaction, so every reveal also writes a line
--    to the server log, which no rollback takes back.

ALTER TABLE audit.reidentification ADD COLUMN stated_by text;
ALTER TABLE pakhuis.triage_log ADD COLUMN stated_by text;
COMMENT ON COLUMN audit.reidentification.by_user IS 'De databasegebruiker (login) die de namen opvroeg.';
COMMENT ON COLUMN audit.reidentification.stated_by IS 'De naam die de aanvrager zelf opgaf (bijvoorbeeld de OS-gebruiker van pakhuis reveal); niet gecontroleerd.';

CREATE OR REPLACE FUNCTION reident.reveal(p_signal_id bigint, p_reason text, p_by text DEFAULT NULL)
RETURNS TABLE (pseudonym text, geslachtsnaam text, voornamen text, geboortedatum text, bron text, relatie text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
  s pakhuis.signals%ROWTYPE;
  shown text[];
  relations text[];
BEGIN
  IF p_reason IS NULL OR length(btrim(p_reason)) < 10 THEN
    RAISE EXCEPTION 'heridentificatie vraagt een reden van ten minste 10 tekens' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO s FROM pakhuis.signals WHERE id = p_signal_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  -- Persons registered on the object now, then every other pseudonym the evidence names.
  SELECT coalesce(array_agg(x.pseudonym ORDER BY x.rank, x.pseudonym), '{}'), coalesce(array_agg(x.relatie ORDER BY x.rank, x.pseudonym), '{}')
    INTO shown, relations
  FROM (
    SELECT DISTINCT ON (a.pseudonym) a.pseudonym, a.relatie, a.rank
    FROM (
      SELECT i.pseudonym COLLATE "C" AS pseudonym, 'ingeschreven op het object' AS relatie, 1 AS rank
      FROM model.inschrijving i
      WHERE s.verblijfsobject_id IS NOT NULL AND i.verblijfsobject_id = s.verblijfsobject_id AND i.geldig_tot IS NULL
      UNION ALL
      SELECT (v #>> '{}') COLLATE "C", 'genoemd in het bewijs', 2
      FROM jsonb_path_query(s.evidence, 'strict $.**') AS v
      WHERE jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ '^[0-9a-f]{64}$'
    ) a
    ORDER BY a.pseudonym, a.rank
  ) x;
  INSERT INTO audit.reidentification (signal_id, rule_code, subject_key, reason, by_user, stated_by, persons_shown)
  VALUES (s.id, s.rule_code, s.subject_key, btrim(p_reason), session_user, p_by, cardinality(shown));
  -- Identifiers and a count only: the reason is free text and may name people.
  RAISE LOG 'informatiepakhuis heridentificatie: signaal %, door %, % personen', s.id, session_user, cardinality(shown);
  RETURN QUERY
  SELECT u.pseudonym::text, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron, u.relatie
  FROM unnest(shown, relations) AS u(pseudonym, relatie)
  LEFT JOIN identity.persoon p ON p.pseudonym = u.pseudonym
  ORDER BY u.relatie DESC, p.geslachtsnaam, u.pseudonym;
END
$$;

CREATE OR REPLACE FUNCTION signals.triage(p_signal_id bigint, p_status text, p_note text DEFAULT NULL, p_by text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_status NOT IN ('in_onderzoek', 'vals_positief', 'afgehandeld') THEN
    RAISE EXCEPTION 'onbekende triagestatus %; kies in_onderzoek, vals_positief of afgehandeld', p_status
      USING ERRCODE = '22023';
  END IF;
  UPDATE pakhuis.signals
     SET triage_status = p_status, triage_note = p_note, triage_by = session_user, triage_at = clock_timestamp(),
         triage_score = score
   WHERE id = p_signal_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO pakhuis.triage_log (signal_id, status, note, by_user, stated_by) VALUES (p_signal_id, p_status, p_note, session_user, p_by);
END
$$;
