-- BRP: persons (pseudonyms only) and their registrations with periods, matched to BAG in order:
-- verblijfsobject id, nummeraanduiding id (nevenadressen included), normalised address.
-- Names stay behind in staging and go to the identity schema only (see 25_identity.sql): the
-- loading role may not read them (migration 0022), so the columns are listed.
TRUNCATE model.persoon, model.inschrijving, model.bewoning;
SELECT model.defer_indexes('model.persoon'), model.defer_indexes('model.inschrijving'), model.defer_indexes('model.bewoning');

CREATE TEMP TABLE brp_rows ON COMMIT DROP AS
SELECT DISTINCT ON (pseudonym COLLATE "C", historie_index) load_id, line, historie_index, pseudonym, key_version,
  functie_adres, datum_aanvang, datum_aanvang_raw, postcode, huisnummer, huisletter, huisnummertoevoeging,
  verblijfsobject_id, nummeraanduiding_id, gemeente
FROM staging.brp
WHERE load_id = (SELECT load_id FROM publish_loads WHERE source = 'brp')
ORDER BY pseudonym COLLATE "C", historie_index, line DESC;

ANALYZE brp_rows;

-- A history row ends where the next newer row of the same person begins. Only persons with
-- history need the lookup; an export of current addresses only (the usual case) skips it.
CREATE TEMP TABLE brp_history_ends ON COMMIT DROP AS
SELECT older.pseudonym, older.historie_index, newer.datum_aanvang AS geldig_tot
FROM brp_rows older
JOIN brp_rows newer ON newer.pseudonym = older.pseudonym AND newer.historie_index = older.historie_index - 1
WHERE older.historie_index > 0;
CREATE INDEX ON brp_history_ends (pseudonym, historie_index);
ANALYZE brp_history_ends;

INSERT INTO model.persoon (pseudonym, key_version)
SELECT DISTINCT ON (pseudonym COLLATE "C") pseudonym, key_version FROM brp_rows ORDER BY pseudonym COLLATE "C";

INSERT INTO model.inschrijving (pseudonym, verblijfsobject_id, nummeraanduiding_id, functie_adres, geldig_van,
  geldig_tot, match_method, adres_sleutel, source_line, opgegeven_verblijfsobject_id)
SELECT b.pseudonym,
  coalesce(v.verblijfsobject_id, n.verblijfsobject_id, a.verblijfsobject_id),
  coalesce(b.nummeraanduiding_id, a.nummeraanduiding_id),
  b.functie_adres,
  b.datum_aanvang,
  -- A lookup for history rows only: a join here made the planner hash every row of brp_rows.
  CASE WHEN b.historie_index > 0 THEN
    (SELECT e.geldig_tot FROM brp_history_ends e WHERE e.pseudonym = b.pseudonym AND e.historie_index = b.historie_index)
  END,
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id'
       WHEN n.verblijfsobject_id IS NOT NULL THEN 'num_id'
       WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres'
       ELSE 'geen' END,
  pakhuis.adres_sleutel(b.postcode, b.huisnummer, b.huisletter, b.huisnummertoevoeging),
  b.line,
  CASE WHEN v.verblijfsobject_id IS NULL THEN b.verblijfsobject_id END
FROM brp_rows b
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = b.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = b.nummeraanduiding_id
LEFT JOIN model.adres_index a ON a.adres_sleutel = pakhuis.adres_sleutel(b.postcode, b.huisnummer, b.huisletter, b.huisnummertoevoeging);

-- Occupancy for the rules that count residents (the count is model.bewoning_telling, migration 0011).
INSERT INTO model.bewoning SELECT * FROM model.bewoning_telling();

SELECT model.restore_indexes('model.persoon'), model.restore_indexes('model.inschrijving'), model.restore_indexes('model.bewoning');

ANALYZE model.persoon;
ANALYZE model.inschrijving;
ANALYZE model.bewoning;
