-- Accountability (issue 19): inzage for a resident (AVG art. 15) and the spread monitor.

-- ------------------------------------------------------------------ inzage

-- Every inzage request, shown or refused, like audit.reidentification. The pseudonym is kept: the
-- audit must say whose data was looked up; the BSN never reaches the database.
CREATE TABLE audit.inzage (
  id              bigserial PRIMARY KEY,
  pseudonym       text COLLATE "C",
  reason          text NOT NULL,
  by_user         text NOT NULL,
  stated_by       text,
  at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  outcome         text NOT NULL CHECK (outcome IN ('getoond', 'geweigerd')),
  refusal         text,
  items_shown     integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE audit.inzage IS 'Elke inzage (AVG art. 15) via reident.inzage, ook een geweigerde: wie, wanneer, waarom, over welk pseudoniem, hoeveel onderdelen.';
CREATE TRIGGER inzage_append_only BEFORE UPDATE OR DELETE ON audit.inzage
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER inzage_no_truncate BEFORE TRUNCATE ON audit.inzage
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- What the warehouse holds about one person, by pseudonym (the CLI makes it from the BSN with the
-- warehouse key; the BSN never comes here). Co-residents and others in a signal are counts only:
-- no other pseudonym, name or free text (a triage note or a melding's text may name people) is
-- returned. A refusal is a result with `weigering`, so that its audit row commits (as reveal).
-- The caller's key must be the one its version was first used with (pakhuis.key_checks): under
-- another key the pseudonym matches no one, and the answer "nothing about you" would be false.
CREATE FUNCTION reident.inzage(p_pseudonym text, p_key_version integer, p_check_value text, p_reason text, p_by text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  refused text;
  result jsonb;
  shown integer;
BEGIN
  IF length(p_reason) > 1000 THEN
    refused := format('de reden is %s tekens lang; het maximum is 1000', length(p_reason));
  ELSIF p_reason IS NULL OR pakhuis.visible_length(p_reason) < 10 THEN
    refused := 'inzage vraagt een reden (het kenmerk van het verzoek) van ten minste 10 zichtbare tekens';
  ELSIF length(p_by) > 200 THEN
    refused := format('de opgegeven naam is %s tekens lang; het maximum is 200', length(p_by));
  ELSIF p_pseudonym IS NULL OR p_pseudonym !~ '^[0-9a-f]{64}$' THEN
    refused := 'geen geldig pseudoniem';
  ELSIF NOT EXISTS (SELECT 1 FROM pakhuis.key_checks k WHERE k.key_version = p_key_version) THEN
    refused := format('sleutelversie %s is nooit gebruikt: met deze sleutel is niemand gepseudonimiseerd', p_key_version);
  ELSIF NOT EXISTS (SELECT 1 FROM pakhuis.key_checks k WHERE k.key_version = p_key_version AND k.check_value = p_check_value) THEN
    refused := format('de sleutel is niet de sleutel waarmee versie %s is gebruikt: met deze sleutel zou de inzage niemand vinden', p_key_version);
  END IF;

  IF refused IS NOT NULL THEN
    INSERT INTO audit.inzage (pseudonym, reason, by_user, stated_by, outcome, refusal)
    VALUES (CASE WHEN p_pseudonym ~ '^[0-9a-f]{64}$' THEN p_pseudonym END, left(coalesce(p_reason, ''), 1000), session_user, left(p_by, 200), 'geweigerd', refused);
    RAISE LOG 'informatiepakhuis inzage geweigerd, door %', session_user;
    RETURN jsonb_build_object('weigering', refused);
  END IF;

  SELECT jsonb_build_object(
    'weigering', NULL,
    'persoon', (
      SELECT jsonb_build_object('geslachtsnaam', p.geslachtsnaam, 'voornamen', p.voornamen, 'geboortedatum', p.geboortedatum, 'naam', p.naam, 'bron', p.bron)
      FROM identity.persoon p WHERE p.pseudonym = p_pseudonym),
    -- Which deliveries carried the person, as far as their rows are still kept (retention).
    'leveringen', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'load_id', l.id, 'bron', l.source, 'bestand', l.file_name, 'geladen_op', l.loaded_at,
          'geldend', EXISTS (SELECT 1 FROM model.source_state s WHERE s.load_id = l.id), 'rijen', x.rijen)
        ORDER BY l.loaded_at, l.id)
      FROM (
        SELECT load_id, count(*)::int AS rijen FROM (
          SELECT load_id FROM staging.brp WHERE pseudonym = p_pseudonym
          UNION ALL SELECT load_id FROM staging.permits WHERE houder_pseudonym = p_pseudonym
          UNION ALL SELECT load_id FROM staging.damocles WHERE p_pseudonym IN (eigenaar_pseudonym, huurder_pseudonym)
        ) r GROUP BY load_id
      ) x JOIN pakhuis.loads l ON l.id = x.load_id), '[]'::jsonb),
    'inschrijvingen', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'functie', CASE i.functie_adres WHEN 'W' THEN 'woonadres' ELSE 'briefadres' END,
          'van', i.geldig_van, 'tot', i.geldig_tot,
          'adres', CASE WHEN n.nummeraanduiding_id IS NOT NULL
                        THEN concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''))
                        ELSE replace(i.adres_sleutel, '|', ' ') END,
          'postcode', n.postcode, 'woonplaats', n.woonplaats, 'verblijfsobject_id', i.verblijfsobject_id,
          'gesloten_door', i.gesloten_door,
          -- Others registered on the same object now: a number, never who.
          'andere_ingeschrevenen', CASE WHEN i.geldig_tot IS NULL AND i.verblijfsobject_id IS NOT NULL THEN (
            SELECT count(DISTINCT o.pseudonym)::int FROM model.inschrijving o
            WHERE o.verblijfsobject_id = i.verblijfsobject_id AND o.geldig_tot IS NULL AND o.pseudonym <> p_pseudonym) END)
        ORDER BY i.geldig_van DESC NULLS LAST)
      FROM model.inschrijving i
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = coalesce(i.nummeraanduiding_id,
        (SELECT v.hoofdadres_id FROM model.verblijfsobject v WHERE v.verblijfsobject_id = i.verblijfsobject_id))
      WHERE i.pseudonym = p_pseudonym), '[]'::jsonb),
    -- Every registration any export ever showed (migration 0008): kept across loads.
    'historie', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'functie', CASE h.functie_adres WHEN 'W' THEN 'woonadres' ELSE 'briefadres' END,
          'van', h.geldig_van, 'tot', h.geldig_tot, 'gesloten_door', h.gesloten_door, 'verblijfsobject_id', h.verblijfsobject_id,
          'adres', CASE WHEN n.nummeraanduiding_id IS NOT NULL
                        THEN concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''), n.postcode, n.woonplaats)
                        WHEN h.verblijfsobject_id IS NULL THEN replace(h.adres_ref, '|', ' ') END)
        ORDER BY h.van_sleutel DESC, h.adres_ref)
      FROM model.inschrijving_historie h
      LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = h.verblijfsobject_id
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
      WHERE h.pseudonym = p_pseudonym), '[]'::jsonb),
    'zaken', coalesce((
      SELECT jsonb_agg(jsonb_build_object('soort', pa.zaak_soort, 'zaaknummer', pa.zaaknummer, 'rol', pa.rol) ORDER BY pa.zaak_soort, pa.zaaknummer)
      FROM model.partij pa WHERE pa.pseudonym = p_pseudonym), '[]'::jsonb),
    'signalen', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'signaal', s.id, 'regel', s.rule_code, 'titel', r.title, 'norm', r.norm, 'uitleg', s.explanation,
          'ernst', s.severity, 'status', s.status, 'rol', sp.rollen,
          'eerst_gezien', s.first_seen_at, 'laatst_gezien', s.last_seen_at, 'opgelost_op', s.resolved_at,
          'oordeel', t.status, 'oordeel_op', t.at,
          'adres', CASE WHEN n.nummeraanduiding_id IS NOT NULL
                        THEN concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''), n.postcode, n.woonplaats) END,
          'andere_personen', (SELECT count(DISTINCT o.pseudonym)::int FROM pakhuis.signal_persons o WHERE o.signal_id = s.id AND o.pseudonym <> p_pseudonym))
        ORDER BY s.first_seen_at, s.id)
      FROM (SELECT signal_id, string_agg(DISTINCT rol, ', ') AS rollen FROM pakhuis.signal_persons WHERE pseudonym = p_pseudonym GROUP BY signal_id) sp
      JOIN pakhuis.signal_store s ON s.id = sp.signal_id
      LEFT JOIN pakhuis.rules r ON r.code = s.rule_code
      LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key
      LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = s.verblijfsobject_id
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id), '[]'::jsonb)
  ) INTO result;

  shown := jsonb_array_length(result -> 'leveringen') + jsonb_array_length(result -> 'inschrijvingen')
    + jsonb_array_length(result -> 'historie') + jsonb_array_length(result -> 'zaken') + jsonb_array_length(result -> 'signalen');
  INSERT INTO audit.inzage (pseudonym, reason, by_user, stated_by, outcome, items_shown)
  VALUES (p_pseudonym, p_reason, session_user, p_by, 'getoond', shown);
  -- A count only: the reason is free text and may name people.
  RAISE LOG 'informatiepakhuis inzage, door %, % onderdelen', session_user, shown;
  RETURN result;
END
$$;
COMMENT ON FUNCTION reident.inzage(text, integer, text, text, text) IS 'Inzage (AVG art. 15): wat het pakhuis over één persoon (pseudoniem) bewaart: leveringen, inschrijvingen, zaken en signalen met regel, norm, uitleg en oordeel; anderen alleen als aantal. Elke aanroep, ook een geweigerde, staat in audit.inzage.';

INSERT INTO pakhuis_meta.function_grants (function_signature, role_name) VALUES ('reident.inzage(text, integer, text, text, text)', 'pakhuis_reident');

-- ------------------------------------------------------------------ spread monitor

-- Open signals per rule and area against the municipality's rate for that rule. The area is the
-- PC4 (the four digits of the postcode of the object's hoofdadres): every source has it. The BAG
-- extract carries no CBS buurt code (neither the LV XML nor NLExtract's CSV), so there is no buurt
-- level until a source brings one. Residents are the persons with a current woonadres (the count
-- the rules use, model.bewoning); a signal without a BAG object or postcode has no area. The
-- municipality is the gemeentecode of the BAG id, so that in a shared warehouse each is measured
-- against its own rate, and a filter on gemeentecode is a plain WHERE.
CREATE VIEW signals.spreiding AS
WITH gebied AS (
  SELECT v.verblijfsobject_id, left(v.verblijfsobject_id, 4) AS gemeentecode, left(n.postcode, 4) AS pc4
  FROM model.verblijfsobject v
  JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
  WHERE n.postcode ~ '^[0-9]{4}'
),
inwoners AS (
  SELECT g.gemeentecode, g.pc4, sum(b.woonadressen)::integer AS inwoners
  FROM model.bewoning b JOIN gebied g USING (verblijfsobject_id)
  GROUP BY g.gemeentecode, g.pc4
),
signalen AS (
  SELECT s.rule_code, g.gemeentecode, g.pc4, count(*)::integer AS open_signalen
  FROM pakhuis.signal_store s JOIN gebied g USING (verblijfsobject_id)
  WHERE s.status = 'open'
  GROUP BY s.rule_code, g.gemeentecode, g.pc4
),
gemeente AS (
  SELECT s.rule_code, s.gemeentecode, sum(s.open_signalen)::integer AS open_signalen,
    (SELECT sum(i.inwoners) FROM inwoners i WHERE i.gemeentecode = s.gemeentecode)::integer AS inwoners
  FROM signalen s GROUP BY s.rule_code, s.gemeentecode
)
SELECT s.rule_code AS regel,
  s.gemeentecode,
  'pc4'::text AS gebiedssoort,
  s.pc4 AS gebied,
  s.open_signalen,
  coalesce(i.inwoners, 0) AS inwoners,
  round(1000.0 * s.open_signalen / nullif(i.inwoners, 0), 2) AS per_1000_inwoners,
  g.open_signalen AS gemeente_open_signalen,
  g.inwoners AS gemeente_inwoners,
  round(1000.0 * g.open_signalen / nullif(g.inwoners, 0), 2) AS gemeente_per_1000_inwoners,
  round((s.open_signalen::numeric / nullif(i.inwoners, 0)) / nullif(g.open_signalen::numeric / nullif(g.inwoners, 0), 0), 2) AS verhouding
FROM signalen s
JOIN gemeente g USING (rule_code, gemeentecode)
LEFT JOIN inwoners i USING (gemeentecode, pc4);
COMMENT ON VIEW signals.spreiding IS 'Open signalen per regel, gemeente en gebied (PC4) per 1.000 ingeschreven bewoners, tegen het cijfer van die gemeente voor die regel. Een hoog cijfer kan laten zien waar de regels aanslaan, niet waar het misgaat.';
COMMENT ON COLUMN signals.spreiding.gemeentecode IS 'De gemeentecode van het BAG-object (de eerste vier cijfers).';
COMMENT ON COLUMN signals.spreiding.gebied IS 'De vier cijfers van de postcode (PC4) van het hoofdadres.';
COMMENT ON COLUMN signals.spreiding.inwoners IS 'Personen met een woonadres in het gebied nu, zoals de regels ze tellen.';
COMMENT ON COLUMN signals.spreiding.verhouding IS 'per_1000_inwoners gedeeld door gemeente_per_1000_inwoners; leeg zonder ingeschreven bewoners in het gebied.';
