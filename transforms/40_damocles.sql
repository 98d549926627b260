-- reads: staging.damocles_for_model (view of staging.damocles), model.verblijfsobject, model.adres_index, identity.persoon
-- builds: model.damocles_zaak, model.partij (part: zaak_soort = 'damocles')
-- Damocles cases from the load being published, matched to BAG like permits (30_permits.sql);
-- owner and tenant become parties, a person by pseudonym, a company by KvK number.
TRUNCATE model.damocles_zaak;
DELETE FROM model.partij WHERE zaak_soort = 'damocles';

-- The view shows a name only as a company name; a person's name stays in staging (migration 0022).
CREATE TEMP TABLE damocles_rows ON COMMIT DROP AS
SELECT s.*, p.gemeentecode FROM staging.damocles_for_model s
JOIN publish_loads p ON p.source = 'damocles' AND p.load_id = s.load_id;


INSERT INTO model.damocles_zaak (zaaknummer, verblijfsobject_id, nummeraanduiding_id, match_method, adres_sleutel,
  object_type, datum_constatering, drugs_categorie, besluit, sluiting_start, sluiting_einde, source_line, opgegeven_verblijfsobject_id, gemeentecode)
SELECT DISTINCT ON (d.gemeentecode, d.zaaknummer) d.zaaknummer,
  coalesce(v.verblijfsobject_id, a.verblijfsobject_id),
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN v.hoofdadres_id ELSE a.nummeraanduiding_id END,
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id' WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres' ELSE 'geen' END,
  pakhuis.adres_sleutel(d.postcode, d.huisnummer, d.huisletter, d.huisnummertoevoeging),
  d.object_type, d.datum_constatering, d.drugs_categorie, d.besluit, d.sluiting_start, d.sluiting_einde, d.line,
  CASE WHEN v.verblijfsobject_id IS NULL THEN d.verblijfsobject_id END, d.gemeentecode
FROM damocles_rows d
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = d.verblijfsobject_id
LEFT JOIN model.adres_index a ON a.adres_sleutel = pakhuis.adres_sleutel(d.postcode, d.huisnummer, d.huisletter, d.huisnummertoevoeging)
ORDER BY d.gemeentecode, d.zaaknummer, d.line DESC;

CREATE TEMP TABLE damocles_parties ON COMMIT DROP AS
SELECT gemeentecode, zaaknummer, line, 'eigenaar' AS rol, eigenaar_pseudonym AS pseudonym, eigenaar_kvk AS kvk, eigenaar_bedrijfsnaam AS bedrijfsnaam, key_version
FROM damocles_rows
UNION ALL
SELECT gemeentecode, zaaknummer, line, 'huurder', huurder_pseudonym, huurder_kvk, huurder_bedrijfsnaam, key_version
FROM damocles_rows;

-- As for permit holders: a name is a company name only when no BSN stands next to it (the view).
INSERT INTO model.partij (gemeentecode, zaak_soort, zaaknummer, rol, pseudonym, key_version, kvk, bedrijfsnaam)
SELECT DISTINCT ON (gemeentecode, zaaknummer, rol, coalesce(pseudonym, kvk)) gemeentecode, 'damocles', zaaknummer, rol, pseudonym, key_version, kvk, bedrijfsnaam
FROM (
  SELECT gemeentecode, zaaknummer, line, rol, pseudonym, key_version, NULL::text AS kvk, NULL::text AS bedrijfsnaam
  FROM damocles_parties WHERE pseudonym IS NOT NULL
  UNION ALL
  SELECT gemeentecode, zaaknummer, line, rol, NULL, NULL, kvk, bedrijfsnaam
  FROM damocles_parties WHERE kvk IS NOT NULL
) p
ORDER BY gemeentecode, zaaknummer, rol, coalesce(pseudonym, kvk), line DESC;

-- Owners' and tenants' names to identity by the function 30_permits.sql calls (migration 0072).
SELECT identity.refresh_from_register('damocles', (SELECT array_agg(load_id) FROM publish_loads WHERE source = 'damocles'));

ANALYZE model.damocles_zaak;
ANALYZE model.partij;
