-- Fold the published BRP load into the registration history (see migration 0008).
INSERT INTO model.inschrijving_historie (pseudonym, adres_ref, verblijfsobject_id, functie_adres, geldig_van, van_sleutel,
  geldig_tot, gesloten_door, eerst_gezien_load, laatst_gezien_load)
SELECT DISTINCT ON (pseudonym, ref, functie_adres, coalesce(geldig_van, '-infinity'::date))
  pseudonym, ref, verblijfsobject_id, functie_adres, geldig_van, coalesce(geldig_van, '-infinity'::date),
  geldig_tot, CASE WHEN geldig_tot IS NOT NULL THEN 'export' END,
  (SELECT load_id FROM publish_loads WHERE source = 'brp'), (SELECT load_id FROM publish_loads WHERE source = 'brp')
FROM (
  SELECT i.*, coalesce(i.verblijfsobject_id, 'adres:' || i.adres_sleutel, 'num:' || i.nummeraanduiding_id, 'onbekend') AS ref
  FROM model.inschrijving i
) i
ORDER BY pseudonym, ref, functie_adres, coalesce(geldig_van, '-infinity'::date), geldig_tot NULLS FIRST
ON CONFLICT (pseudonym, adres_ref, functie_adres, van_sleutel) DO UPDATE SET
  verblijfsobject_id = EXCLUDED.verblijfsobject_id,
  geldig_tot = EXCLUDED.geldig_tot,
  gesloten_door = EXCLUDED.gesloten_door,
  laatst_gezien_load = EXCLUDED.laatst_gezien_load;

-- Open registrations this export no longer shows: closed where the person's newer registration
-- begins, or today when the person is gone from the export altogether (moved away, died).
UPDATE model.inschrijving_historie h
SET geldig_tot = coalesce(
      (SELECT max(i.geldig_van) FROM model.inschrijving i
       WHERE i.pseudonym = h.pseudonym AND i.geldig_tot IS NULL AND i.geldig_van > h.van_sleutel),
      current_date),
    gesloten_door = 'verdwenen'
WHERE h.geldig_tot IS NULL
  AND h.laatst_gezien_load <> (SELECT load_id FROM publish_loads WHERE source = 'brp');

ANALYZE model.inschrijving_historie;
