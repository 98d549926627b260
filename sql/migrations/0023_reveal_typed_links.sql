-- Re-identification, hardened after a second attack round:
--  * reveal took any 64-character hex string in a signal's evidence as a person: a permit whose
--    zaaknummer was set to an unrelated resident's pseudonym made reveal show that resident's
--    name. It also showed everyone registered on the signal's object, whether the rule counted
--    them or not. Now it shows only the persons the rule linked to the signal, by role, in
--    pakhuis.signal_persons (migration 0021);
--  * a reason of tabs, line breaks, non-breaking or zero-width spaces passed as a reason: a reason
--    now needs 10 visible characters, and at most 1000 characters in all (10 MB was accepted);
--  * a refused reveal was not audited: a function that raises takes its own audit row with it
--    when its transaction rolls back. A refusal is now recorded and answered with a row that says
--    why (column weigering) instead of an error, so the transaction commits with its audit row.

-- The three rules that read occupancy from model.bewoning link the persons they counted. Who
-- counts is decided in one place, model.bewoning_telling: the person lists come out of the same
-- aggregate as the counts, so the two stay equal whatever that function comes to count.
ALTER TABLE model.bewoning
  ADD COLUMN woon_pseudoniemen text[] COLLATE "C" NOT NULL DEFAULT '{}',
  ADD COLUMN brief_pseudoniemen text[] COLLATE "C" NOT NULL DEFAULT '{}';
COMMENT ON COLUMN model.bewoning.woon_pseudoniemen IS 'De personen die woonadressen telt.';
COMMENT ON COLUMN model.bewoning.brief_pseudoniemen IS 'De personen die briefadressen telt.';

CREATE OR REPLACE FUNCTION model.bewoning_telling() RETURNS SETOF model.bewoning LANGUAGE sql STABLE AS $$
  SELECT verblijfsobject_id,
    (count(*) FILTER (WHERE functie_adres = 'W'))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B'))::integer,
    min(van) FILTER (WHERE functie_adres = 'B'),
    max(laatste) FILTER (WHERE functie_adres = 'B'),
    (count(*) FILTER (WHERE functie_adres = 'W' AND onzeker))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND onzeker))::integer,
    (count(*) FILTER (WHERE functie_adres = 'W' AND methode = 1))::integer,
    (count(*) FILTER (WHERE functie_adres = 'W' AND methode = 2))::integer,
    (count(*) FILTER (WHERE functie_adres = 'W' AND methode = 3))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 1))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 2))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 3))::integer,
    coalesce(array_agg(pseudonym ORDER BY pseudonym) FILTER (WHERE functie_adres = 'W'), '{}'),
    coalesce(array_agg(pseudonym ORDER BY pseudonym) FILTER (WHERE functie_adres = 'B'), '{}')
  FROM (
    -- One row per person, object and function: two persoonslijsten with one BSN count once.
    SELECT verblijfsobject_id, pseudonym, functie_adres, min(geldig_van) AS van, max(geldig_van) AS laatste,
      bool_and(aanvang_onzeker) AS onzeker,
      min(CASE match_method WHEN 'vbo_id' THEN 1 WHEN 'num_id' THEN 2 ELSE 3 END) AS methode
    FROM model.inschrijving
    WHERE geldig_tot IS NULL AND verblijfsobject_id IS NOT NULL
    GROUP BY verblijfsobject_id, pseudonym, functie_adres
  ) per_persoon
  GROUP BY verblijfsobject_id
$$;

TRUNCATE model.bewoning;
INSERT INTO model.bewoning SELECT * FROM model.bewoning_telling();

ALTER TABLE audit.reidentification
  ADD COLUMN outcome text NOT NULL DEFAULT 'getoond' CHECK (outcome IN ('getoond', 'geweigerd')),
  ADD COLUMN refusal text;
COMMENT ON COLUMN audit.reidentification.outcome IS 'getoond: de namen zijn getoond; geweigerd: de aanvraag is geweigerd (reden in refusal).';
COMMENT ON COLUMN audit.reidentification.refusal IS 'Waarom de aanvraag is geweigerd.';
COMMENT ON COLUMN audit.reidentification.reason IS 'De opgegeven reden, ten hoogste 1000 tekens (een langere wordt afgekapt vastgelegd).';

-- Length of a text without white space and characters that show nothing: C0/C1 controls,
-- Unicode spaces, soft hyphen, zero-width and bidi marks, fillers, variation selectors and tags.
CREATE FUNCTION pakhuis.visible_length(t text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT length(regexp_replace(t,
    '[\u0001-\u0020\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e0fff]',
    '', 'g'))
$$;

DROP FUNCTION reident.reveal(bigint, text, text);

CREATE FUNCTION reident.reveal(p_signal_id bigint, p_reason text, p_by text DEFAULT NULL)
RETURNS TABLE (pseudonym text, geslachtsnaam text, voornamen text, geboortedatum text, bron text, relatie text, weigering text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
  s pakhuis.signal_store%ROWTYPE;
  refused text;
  shown integer;
BEGIN
  -- Length first: the visible-character count would otherwise run over a reason of megabytes.
  IF length(p_reason) > 1000 THEN
    refused := format('de reden is %s tekens lang; het maximum is 1000', length(p_reason));
  ELSIF p_reason IS NULL OR pakhuis.visible_length(p_reason) < 10 THEN
    refused := 'heridentificatie vraagt een reden van ten minste 10 zichtbare tekens';
  ELSIF length(p_by) > 200 THEN
    refused := format('de opgegeven naam is %s tekens lang; het maximum is 200', length(p_by));
  ELSE
    SELECT * INTO s FROM pakhuis.signal_store WHERE id = p_signal_id;
    IF NOT FOUND THEN
      refused := format('signaal %s bestaat niet', p_signal_id);
    END IF;
  END IF;

  IF refused IS NOT NULL THEN
    INSERT INTO audit.reidentification (signal_id, rule_code, subject_key, reason, by_user, stated_by, persons_shown, outcome, refusal)
    VALUES (coalesce(p_signal_id, 0), s.rule_code, s.subject_key, left(coalesce(p_reason, ''), 1000), session_user, left(p_by, 200), 0, 'geweigerd', refused);
    RAISE LOG 'informatiepakhuis heridentificatie geweigerd: signaal %, door %', p_signal_id, session_user;
    RETURN QUERY SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, refused;
    RETURN;
  END IF;

  SELECT count(DISTINCT sp.pseudonym) INTO shown FROM pakhuis.signal_persons sp WHERE sp.signal_id = s.id;
  INSERT INTO audit.reidentification (signal_id, rule_code, subject_key, reason, by_user, stated_by, persons_shown)
  VALUES (s.id, s.rule_code, s.subject_key, p_reason, session_user, p_by, shown);
  -- Identifiers and a count only: the reason is free text and may name people.
  RAISE LOG 'informatiepakhuis heridentificatie: signaal %, door %, % personen', s.id, session_user, shown;
  RETURN QUERY
  SELECT sp.pseudonym::text, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron, sp.rol, NULL::text
  FROM pakhuis.signal_persons sp
  LEFT JOIN identity.persoon p ON p.pseudonym = sp.pseudonym
  WHERE sp.signal_id = s.id
  ORDER BY sp.rol, p.geslachtsnaam, sp.pseudonym;
END
$$;
COMMENT ON FUNCTION reident.reveal(bigint, text, text) IS 'Toont de namen van de personen die de regel aan één signaal koppelde, met hun rol (relatie). Elke aanroep, ook een geweigerde, wordt met wie, wanneer, waarom en welk signaal vastgelegd in audit.reidentification; een weigering komt terug als één rij met alleen weigering ingevuld.';
