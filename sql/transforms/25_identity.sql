-- Names of persons in the published BRP load go to the restricted identity table; the model
-- tables never hold them. Written by difference, like the history (22_brp_history.sql).
SELECT model.defer_indexes('identity.persoon', only_when_empty => true);

-- One row per person, from the newest occurrence staged (the current one, unless it was rejected);
-- of two lists with one BSN, the first by name.
CREATE TEMP TABLE brp_personen ON COMMIT DROP AS
SELECT DISTINCT ON (pseudonym COLLATE "C") pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum
FROM brp_rows
ORDER BY pseudonym COLLATE "C", historie_index, coalesce(persoonslijst, pseudonym) COLLATE "C";

UPDATE identity.persoon p
SET key_version = b.key_version, geslachtsnaam = b.geslachtsnaam, voornamen = b.voornamen,
  geboortedatum = b.geboortedatum, bron = 'brp', updated_at = clock_timestamp()
FROM brp_personen b
WHERE p.pseudonym = b.pseudonym
  AND (p.key_version, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron)
    IS DISTINCT FROM (b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp');

INSERT INTO identity.persoon (pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, bron)
SELECT b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp'
FROM brp_personen b
WHERE NOT EXISTS (SELECT 1 FROM identity.persoon p WHERE p.pseudonym = b.pseudonym);

SELECT model.restore_indexes('identity.persoon');
