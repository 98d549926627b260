-- reads: model.inschrijving
-- builds: model.inschrijving_historie
-- reruns on: brp
-- History follows BRP loads only (hence `reruns on`, not the sources of model.inschrijving): a BAG
-- change re-matches the current rows (20_brp.sql), not the past.
-- Fold the published BRP load into the registration history (see migrations 0008 and 0011).
-- Merged by difference: only rows that are new, changed or gone are written, so a nightly export
-- that is mostly unchanged costs a few joins, not an update of every row.
CREATE TEMP TABLE historie_nu ON COMMIT DROP AS
SELECT DISTINCT ON (pseudonym COLLATE "C", ref COLLATE "C", functie_adres, coalesce(geldig_van, '-infinity'::date))
  pseudonym, ref AS adres_ref, verblijfsobject_id, functie_adres, geldig_van, coalesce(geldig_van, '-infinity'::date) AS van_sleutel,
  geldig_tot, CASE WHEN geldig_tot IS NOT NULL THEN 'export' END AS gesloten_door
FROM (
  SELECT i.*, coalesce(i.verblijfsobject_id, 'adres:' || i.adres_sleutel, 'num:' || i.nummeraanduiding_id, 'onbekend') AS ref
  FROM model.inschrijving i
) i
ORDER BY pseudonym COLLATE "C", ref COLLATE "C", functie_adres, coalesce(geldig_van, '-infinity'::date), geldig_tot NULLS FIRST;

ANALYZE historie_nu;

-- The first load into an empty history is a bulk insert: indexes are built after it.
SELECT model.defer_indexes('model.inschrijving_historie', only_when_empty => true);

-- Changed: another object for the same address reference, or a period closed or reopened.
UPDATE model.inschrijving_historie h
SET verblijfsobject_id = n.verblijfsobject_id, geldig_tot = n.geldig_tot, gesloten_door = n.gesloten_door,
  laatst_gewijzigd_load = (SELECT max(load_id) FROM publish_loads WHERE source = 'brp')
FROM historie_nu n
WHERE h.pseudonym = n.pseudonym AND h.adres_ref = n.adres_ref AND h.functie_adres = n.functie_adres AND h.van_sleutel = n.van_sleutel
  AND (h.verblijfsobject_id, h.geldig_tot, h.gesloten_door) IS DISTINCT FROM (n.verblijfsobject_id, n.geldig_tot, n.gesloten_door);

-- Open registrations this export no longer shows: closed where the person's newer registration
-- begins, or today when the person is gone from the export altogether (moved away, died).
UPDATE model.inschrijving_historie h
SET geldig_tot = coalesce(
      (SELECT max(i.geldig_van) FROM model.inschrijving i
       WHERE i.pseudonym = h.pseudonym AND i.geldig_tot IS NULL AND i.geldig_van > h.van_sleutel),
      current_date),
    gesloten_door = 'verdwenen',
    laatst_gewijzigd_load = (SELECT max(load_id) FROM publish_loads WHERE source = 'brp')
WHERE h.geldig_tot IS NULL
  AND NOT EXISTS (SELECT 1 FROM historie_nu n
                  WHERE n.pseudonym = h.pseudonym AND n.adres_ref = h.adres_ref AND n.functie_adres = h.functie_adres
                    AND n.van_sleutel = h.van_sleutel);

-- New: registrations no export showed before.
INSERT INTO model.inschrijving_historie (pseudonym, adres_ref, verblijfsobject_id, functie_adres, geldig_van, van_sleutel,
  geldig_tot, gesloten_door, eerst_gezien_load, laatst_gewijzigd_load)
SELECT n.pseudonym, n.adres_ref, n.verblijfsobject_id, n.functie_adres, n.geldig_van, n.van_sleutel, n.geldig_tot, n.gesloten_door,
  (SELECT max(load_id) FROM publish_loads WHERE source = 'brp'), (SELECT max(load_id) FROM publish_loads WHERE source = 'brp')
FROM historie_nu n
WHERE NOT EXISTS (SELECT 1 FROM model.inschrijving_historie h
                  WHERE h.pseudonym = n.pseudonym AND h.adres_ref = n.adres_ref AND h.functie_adres = n.functie_adres
                    AND h.van_sleutel = n.van_sleutel);

SELECT model.restore_indexes('model.inschrijving_historie');
ANALYZE model.inschrijving_historie;
