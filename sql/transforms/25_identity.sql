-- Names of persons in the published BRP load go to the restricted identity table; the model
-- tables never hold them.
INSERT INTO identity.persoon (pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, bron)
SELECT pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, 'brp'
FROM brp_rows WHERE historie_index = 0
ON CONFLICT (pseudonym) DO UPDATE SET
  key_version = EXCLUDED.key_version, geslachtsnaam = EXCLUDED.geslachtsnaam, voornamen = EXCLUDED.voornamen,
  geboortedatum = EXCLUDED.geboortedatum, bron = 'brp', updated_at = clock_timestamp()
WHERE (identity.persoon.geslachtsnaam, identity.persoon.voornamen, identity.persoon.geboortedatum)
  IS DISTINCT FROM (EXCLUDED.geslachtsnaam, EXCLUDED.voornamen, EXCLUDED.geboortedatum);
