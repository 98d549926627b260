-- The loading role no longer reads names. It could read every name in the staging tables and in
-- identity.persoon, with no audit. Now (grants in migration 0024):
--  * it may not SELECT the name columns of staging (geslachtsnaam, voornamen, geboortedatum of the
--    BRP; the named party of a permit or Damocles case), only write them with COPY;
--  * it has no right on identity.persoon at all: the names are written from staging by the three
--    functions below, with the owner's rights, when a load is published;
--  * a permit's or case's company name (a name without a BSN beside it, public in the
--    Handelsregister) reaches the model through the two views below, which show a name only
--    where no BSN stands next to it.
-- Reading names is left to reident.reveal, which audits every call.

CREATE VIEW staging.permits_for_model AS
SELECT load_id, line, zaaknummer, vergunning_type, verblijfsobject_id, postcode, huisnummer, huisletter,
  huisnummertoevoeging, houder_pseudonym, houder_kvk,
  CASE WHEN houder_pseudonym IS NULL THEN houder_naam END AS houder_bedrijfsnaam,
  key_version, datum_verleend, geldig_tot, status
FROM staging.permits;
COMMENT ON VIEW staging.permits_for_model IS 'Vergunningen zoals het model ze leest: een naam alleen als bedrijfsnaam (geen BSN ernaast).';

CREATE VIEW staging.damocles_for_model AS
SELECT load_id, line, zaaknummer, verblijfsobject_id, postcode, huisnummer, huisletter, huisnummertoevoeging,
  object_type, datum_constatering, drugs_categorie, besluit, sluiting_start, sluiting_einde,
  eigenaar_pseudonym, eigenaar_kvk, CASE WHEN eigenaar_pseudonym IS NULL THEN eigenaar_naam END AS eigenaar_bedrijfsnaam,
  huurder_pseudonym, huurder_kvk, CASE WHEN huurder_pseudonym IS NULL THEN huurder_naam END AS huurder_bedrijfsnaam,
  key_version
FROM staging.damocles;
COMMENT ON VIEW staging.damocles_for_model IS 'Damocles-zaken zoals het model ze leest: een naam alleen als bedrijfsnaam (geen BSN ernaast).';

-- The names of the published BRP load, written by difference (formerly sql/transforms/25_identity.sql).
CREATE FUNCTION identity.refresh_from_brp(p_load_id bigint)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM model.defer_indexes('identity.persoon', only_when_empty => true);
  WITH current_names AS (
    -- One row per person, from the newest occurrence staged (the current one, unless it was
    -- rejected); of two persoonslijsten with one BSN, the first by list.
    SELECT DISTINCT ON (b.pseudonym COLLATE "C") b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum
    FROM staging.brp b
    WHERE b.load_id = p_load_id
    ORDER BY b.pseudonym COLLATE "C", b.historie_index, coalesce(b.persoonslijst, b.pseudonym) COLLATE "C", b.line DESC
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

-- Data minimisation: a name a register brought in goes when that register no longer names the
-- person, unless the other register still does; a register's name never replaces a known one.
-- Run after the register's model.partij rows are rebuilt (30_permits.sql, 40_damocles.sql).
CREATE FUNCTION identity.refresh_from_permits(p_load_id bigint)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM identity.persoon i
  WHERE i.bron = 'permits'
    AND NOT EXISTS (SELECT 1 FROM staging.permits p WHERE p.load_id = p_load_id AND p.houder_pseudonym = i.pseudonym)
    AND NOT EXISTS (SELECT 1 FROM model.partij d WHERE d.zaak_soort = 'damocles' AND d.pseudonym = i.pseudonym);
  INSERT INTO identity.persoon (pseudonym, key_version, naam, bron)
  SELECT DISTINCT ON (houder_pseudonym) houder_pseudonym, key_version, houder_naam, 'permits'
  FROM staging.permits
  WHERE load_id = p_load_id AND houder_pseudonym IS NOT NULL AND houder_naam IS NOT NULL
  ORDER BY houder_pseudonym, line DESC
  ON CONFLICT (pseudonym) DO NOTHING;
END
$$;

CREATE FUNCTION identity.refresh_from_damocles(p_load_id bigint)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM identity.persoon i
  WHERE i.bron = 'damocles'
    AND NOT EXISTS (SELECT 1 FROM staging.damocles d WHERE d.load_id = p_load_id AND i.pseudonym IN (d.eigenaar_pseudonym, d.huurder_pseudonym))
    AND NOT EXISTS (SELECT 1 FROM model.partij v WHERE v.zaak_soort = 'vergunning' AND v.pseudonym = i.pseudonym);
  INSERT INTO identity.persoon (pseudonym, key_version, naam, bron)
  SELECT DISTINCT ON (pseudonym) pseudonym, key_version, naam, 'damocles'
  FROM (
    SELECT line, eigenaar_pseudonym AS pseudonym, eigenaar_naam AS naam, key_version FROM staging.damocles WHERE load_id = p_load_id
    UNION ALL
    SELECT line, huurder_pseudonym, huurder_naam, key_version FROM staging.damocles WHERE load_id = p_load_id
  ) parties
  WHERE pseudonym IS NOT NULL AND naam IS NOT NULL
  ORDER BY pseudonym, line DESC
  ON CONFLICT (pseudonym) DO NOTHING;
END
$$;

-- Names were stored with control characters before the readers cleaned them (sources/validate.ts
-- cleanName): the same cleaning, once, for what identity already holds.
UPDATE identity.persoon
SET geslachtsnaam = nullif(btrim(regexp_replace(regexp_replace(geslachtsnaam, '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+', ' ', 'g'), ' {2,}', ' ', 'g')), ''),
  voornamen = nullif(btrim(regexp_replace(regexp_replace(voornamen, '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+', ' ', 'g'), ' {2,}', ' ', 'g')), ''),
  naam = nullif(btrim(regexp_replace(regexp_replace(naam, '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+', ' ', 'g'), ' {2,}', ' ', 'g')), '')
WHERE concat(geslachtsnaam, voornamen, naam) ~ '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]';
