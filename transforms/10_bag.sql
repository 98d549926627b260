-- reads: staging.bag_vbo, staging.bag_num, staging.bag_vbo_num
-- builds: model.verblijfsobject, model.nummeraanduiding, model.adres_index
-- BAG: the current verblijfsobjecten and nummeraanduidingen from the loads being published (one
-- per municipality; a BAG id is unique in the country).
-- A repeated id in one load (an extract with two current voorkomens) keeps its last row.
-- Indexes are dropped for the bulk insert and built once at the end (see migration 0011).
TRUNCATE model.verblijfsobject, model.nummeraanduiding, model.adres_index;
SELECT model.defer_indexes('model.verblijfsobject'), model.defer_indexes('model.nummeraanduiding'), model.defer_indexes('model.adres_index');

CREATE TEMP TABLE bag_links ON COMMIT DROP AS
SELECT DISTINCT ON (nummeraanduiding_id COLLATE "C") nummeraanduiding_id, verblijfsobject_id, is_nevenadres
FROM staging.bag_vbo_num
WHERE load_id IN (SELECT load_id FROM publish_loads WHERE source = 'bag')
ORDER BY nummeraanduiding_id COLLATE "C", is_nevenadres, line DESC;

-- The hoofdadres is set in the insert: an UPDATE afterwards would write every row twice.
INSERT INTO model.verblijfsobject (verblijfsobject_id, object_type, oppervlakte, gebruiksdoelen, status, pand_ids, hoofdadres_id,
  rd_x, rd_y, lat, lon, gemeentecode)
SELECT DISTINCT ON (s.verblijfsobject_id COLLATE "C") s.verblijfsobject_id, s.object_type, s.oppervlakte, s.gebruiksdoelen, s.status, s.pand_ids,
  h.nummeraanduiding_id, s.rd_x, s.rd_y, s.lat, s.lon, p.gemeentecode
FROM staging.bag_vbo s
JOIN publish_loads p ON p.source = 'bag' AND p.load_id = s.load_id
LEFT JOIN (SELECT DISTINCT ON (verblijfsobject_id COLLATE "C") verblijfsobject_id, nummeraanduiding_id
           FROM bag_links WHERE NOT is_nevenadres
           ORDER BY verblijfsobject_id COLLATE "C", nummeraanduiding_id COLLATE "C") h
  ON h.verblijfsobject_id = s.verblijfsobject_id
ORDER BY s.verblijfsobject_id COLLATE "C", s.load_id DESC, s.line DESC;

INSERT INTO model.nummeraanduiding (nummeraanduiding_id, verblijfsobject_id, is_nevenadres, postcode, huisnummer,
  huisletter, huisnummertoevoeging, adres_sleutel, openbareruimte, woonplaats, status, gemeentecode)
SELECT DISTINCT ON (n.nummeraanduiding_id COLLATE "C") n.nummeraanduiding_id, l.verblijfsobject_id, coalesce(l.is_nevenadres, false),
  n.postcode, n.huisnummer, n.huisletter, n.huisnummertoevoeging,
  pakhuis.adres_sleutel(n.postcode, n.huisnummer, n.huisletter, n.huisnummertoevoeging),
  n.openbareruimte, n.woonplaats, n.status, p.gemeentecode
FROM staging.bag_num n
JOIN publish_loads p ON p.source = 'bag' AND p.load_id = n.load_id
LEFT JOIN bag_links l USING (nummeraanduiding_id)
ORDER BY n.nummeraanduiding_id COLLATE "C", n.load_id DESC, n.line DESC;

-- An address key can name more than one object only in a faulty extract; the hoofdadres wins.
INSERT INTO model.adres_index (adres_sleutel, verblijfsobject_id, nummeraanduiding_id)
SELECT DISTINCT ON (adres_sleutel COLLATE "C") adres_sleutel, verblijfsobject_id, nummeraanduiding_id
FROM model.nummeraanduiding
WHERE adres_sleutel IS NOT NULL AND verblijfsobject_id IS NOT NULL
ORDER BY adres_sleutel COLLATE "C", is_nevenadres, nummeraanduiding_id COLLATE "C";

SELECT model.restore_indexes('model.verblijfsobject'), model.restore_indexes('model.nummeraanduiding'), model.restore_indexes('model.adres_index');

ANALYZE model.verblijfsobject;
ANALYZE model.nummeraanduiding;
ANALYZE model.adres_index;
