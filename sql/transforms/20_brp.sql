-- BRP: persons (pseudonyms only) and their registrations with periods, matched to BAG in order:
-- verblijfsobject id, nummeraanduiding id (nevenadressen included), normalised address.
-- Names stay behind in staging and go to the identity schema only (see 25_identity.sql).
TRUNCATE model.persoon, model.inschrijving;

CREATE TEMP TABLE brp_rows ON COMMIT DROP AS
SELECT DISTINCT ON (pseudonym COLLATE "C", historie_index) *
FROM staging.brp
WHERE load_id = (SELECT load_id FROM publish_loads WHERE source = 'brp')
ORDER BY pseudonym COLLATE "C", historie_index, line DESC;

INSERT INTO model.persoon (pseudonym, key_version)
SELECT DISTINCT ON (pseudonym COLLATE "C") pseudonym, key_version FROM brp_rows ORDER BY pseudonym COLLATE "C";

INSERT INTO model.inschrijving (pseudonym, verblijfsobject_id, nummeraanduiding_id, functie_adres, geldig_van,
  geldig_tot, match_method, adres_sleutel, source_line, opgegeven_verblijfsobject_id)
SELECT b.pseudonym,
  coalesce(v.verblijfsobject_id, n.verblijfsobject_id, a.verblijfsobject_id),
  coalesce(b.nummeraanduiding_id, a.nummeraanduiding_id),
  b.functie_adres,
  b.datum_aanvang,
  lag(b.datum_aanvang) OVER (PARTITION BY b.pseudonym COLLATE "C" ORDER BY b.historie_index),
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

ANALYZE model.inschrijving;
