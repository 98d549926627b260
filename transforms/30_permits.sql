-- reads: staging.permits_for_model (view of staging.permits), model.verblijfsobject, model.adres_index, identity.persoon
-- builds: model.vergunning, model.partij (part: zaak_soort = 'vergunning')
-- Permits from the load being published, matched to BAG in order: verblijfsobject id (when BAG
-- knows it), then the normalised address. A zaaknummer repeated in the register (a renewal, a
-- second holder) keeps its last row as the permit, and the holders of all its rows.
TRUNCATE model.vergunning;
DELETE FROM model.partij WHERE zaak_soort = 'vergunning';

-- The view shows a name only as a company name; a person's name stays in staging (migration 0022).
CREATE TEMP TABLE permit_rows ON COMMIT DROP AS
SELECT s.*, p.gemeentecode FROM staging.permits_for_model s
JOIN publish_loads p ON p.source = 'permits' AND p.load_id = s.load_id;


INSERT INTO model.vergunning (zaaknummer, type, verblijfsobject_id, nummeraanduiding_id, match_method, adres_sleutel,
  geldig_van, geldig_tot, status, source_line, opgegeven_verblijfsobject_id, gemeentecode)
SELECT DISTINCT ON (p.gemeentecode, p.zaaknummer) p.zaaknummer, p.vergunning_type,
  coalesce(v.verblijfsobject_id, a.verblijfsobject_id),
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN v.hoofdadres_id ELSE a.nummeraanduiding_id END,
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id' WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres' ELSE 'geen' END,
  pakhuis.adres_sleutel(p.postcode, p.huisnummer, p.huisletter, p.huisnummertoevoeging),
  p.datum_verleend, p.geldig_tot, p.status, p.line,
  CASE WHEN v.verblijfsobject_id IS NULL THEN p.verblijfsobject_id END, p.gemeentecode
FROM permit_rows p
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = p.verblijfsobject_id
LEFT JOIN model.adres_index a ON a.adres_sleutel = pakhuis.adres_sleutel(p.postcode, p.huisnummer, p.huisletter, p.huisnummertoevoeging)
ORDER BY p.gemeentecode, p.zaaknummer, p.line DESC;

-- The holder's name goes to the model only for a company without a BSN next to it: with a BSN
-- it may be the person's own name (an eenmanszaak), and that belongs in identity.
INSERT INTO model.partij (gemeentecode, zaak_soort, zaaknummer, rol, pseudonym, key_version, kvk, bedrijfsnaam)
SELECT DISTINCT ON (gemeentecode, zaaknummer, coalesce(pseudonym, kvk)) gemeentecode, 'vergunning', zaaknummer, 'houder', pseudonym, key_version, kvk, bedrijfsnaam
FROM (
  SELECT gemeentecode, zaaknummer, line, houder_pseudonym AS pseudonym, key_version, NULL::text AS kvk, NULL::text AS bedrijfsnaam
  FROM permit_rows WHERE houder_pseudonym IS NOT NULL
  UNION ALL
  SELECT gemeentecode, zaaknummer, line, NULL, NULL, houder_kvk, houder_bedrijfsnaam
  FROM permit_rows WHERE houder_kvk IS NOT NULL
) h
ORDER BY gemeentecode, zaaknummer, coalesce(pseudonym, kvk), line DESC;

-- Holders' names to identity, with the owner's rights (migrations 0022, 0072): a name this register
-- brought in goes when it no longer names the person, unless the Damocles register still does; a
-- name from a permit never replaces one that is already known. That is why the header reads
-- identity.persoon: the BRP's names (25_identity.sql) come first, and a BRP change reruns this.
-- The Damocles parties the function looks at are taken as they stand, not as a dependency.
SELECT identity.refresh_from_register('permits', (SELECT array_agg(load_id) FROM publish_loads WHERE source = 'permits'));

ANALYZE model.vergunning;
ANALYZE model.partij;
