-- reads: staging.brp, model.verblijfsobject, model.nummeraanduiding, model.adres_index
-- builds: model.persoon, model.inschrijving, model.bewoning
-- BRP: persons (pseudonyms only) and their registrations with periods, matched to BAG in order:
-- verblijfsobject id, nummeraanduiding id (nevenadressen included), normalised address.
-- Names stay behind in staging and go to the identity schema only (see 25_identity.sql): the
-- loading role may not read them (migration 0022), so the columns are listed.
--
-- Who lives where follows the BRP's own meaning (Logisch Ontwerp BRP; the Haal Centraal BRP
-- bewoning API spells out the same rules case by case):
--  * rows belong to a persoonslijst, never to a BSN alone: two lists with one BSN stay two; and a
--    list is the pl id together with the BSN, because a pl id is only a label in the file: two
--    exports put together, or one A-nummer typed for two persons, give two persons one pl id, and
--    keyed by the pl id alone one of them vanished from the model without a word;
--  * an occurrence ends where the nearest newer occurrence of its list begins that is not marked
--    onjuist, whatever became of that one: abroad, a locatiebeschrijving, or a row rejected by
--    validation (the LO3 reader carries its start down, sources/brp/lo3-reader.ts). When that
--    start is unknown the period is still closed, its end unknown;
--  * death, suspension of the list (opschorting) and "vastgesteld verblijft niet op adres" end the
--    registrations at the earliest of their dates; a list suspended with reason F (fout) or W
--    (wissen) never made anyone a resident, not even before that date;
--  * only an occurrence with an address the BAG can know is a registration here: one marked
--    onjuist, abroad, a locatiebeschrijving or an address from before postcodes stays in staging;
--  * no period ends before it starts.
-- geldig_tot IS NULL means "current", as every reader of model.inschrijving assumes; a closed
-- period always has a geldig_tot, the earliest day the end can be when it is unknown.
TRUNCATE model.persoon, model.inschrijving, model.bewoning;
SELECT model.defer_indexes('model.persoon'), model.defer_indexes('model.inschrijving'), model.defer_indexes('model.bewoning');

-- One row per occurrence of a list; a repeated (list, index) keeps the newest start, then its last
-- line: a readable export without a historie_index column that lists a person's addresses newest
-- first made every row index 0, and the last line, the oldest address, became the current one.
-- The list is
-- pseudonym || coalesce(persoonslijst, '') (a pseudonym is 64 hex characters, so the two parts
-- cannot run into each other), written out rather than kept as a column: at national scale
-- a copy of the 64-character pseudonym per row would add a gigabyte to this table.
-- For the same reason (pseudonym, coalesce(persoonslijst, '')) orders and groups the lists as
-- their concatenation does; sorting on the two columns skips a concatenation per row, and the
-- pseudonym's random first characters let the sort decide most comparisons on its abbreviated key.
-- The address key is computed here once per occurrence, for the look-up and the column both.
CREATE TEMP TABLE brp_rows ON COMMIT DROP AS
SELECT DISTINCT ON (pseudonym, coalesce(persoonslijst, '') COLLATE "C", historie_index) b.load_id, line, historie_index, pseudonym,
  key_version, functie_adres, datum_aanvang, datum_aanvang_raw, postcode, huisnummer, huisletter, huisnummertoevoeging,
  verblijfsobject_id, nummeraanduiding_id, gemeente, persoonslijst, soort, onjuist, land, datum_overlijden,
  datum_opschorting, reden_opschorting, niet_op_adres_vanaf, volgende_index, volgende_aanvang, p.gemeentecode,
  pakhuis.adres_sleutel(postcode, huisnummer, huisletter, huisnummertoevoeging) AS adres_sleutel
FROM staging.brp b
-- One load per municipality; a list in two towns' exports (a person who moved between them) is
-- taken from the newest.
JOIN publish_loads p ON p.source = 'brp' AND p.load_id = b.load_id
ORDER BY pseudonym, coalesce(persoonslijst, '') COLLATE "C", historie_index, b.load_id DESC, datum_aanvang DESC NULLS LAST, line DESC;

ANALYZE brp_rows;

-- An export without the reader's carried neighbour (readable CSV with history rows): the nearest
-- newer staged occurrence of the list that is not onjuist. From here on a list is named by its
-- two parts, (pseudonym, lijst = coalesce(persoonslijst, '')): joins on them need no
-- concatenation per staged row, and the planner knows the pseudonym's statistics.
CREATE TEMP TABLE brp_volgende ON COMMIT DROP AS
SELECT DISTINCT ON (o.pseudonym, coalesce(o.persoonslijst, '') COLLATE "C", o.historie_index)
  o.pseudonym, coalesce(o.persoonslijst, '') AS lijst, o.historie_index, n.historie_index AS volgende_index
FROM brp_rows o
JOIN brp_rows n ON n.pseudonym = o.pseudonym AND coalesce(n.persoonslijst, '') = coalesce(o.persoonslijst, '')
  AND n.historie_index < o.historie_index AND NOT n.onjuist
WHERE o.historie_index > 0 AND o.volgende_index IS NULL
ORDER BY o.pseudonym, coalesce(o.persoonslijst, '') COLLATE "C", o.historie_index, n.historie_index DESC;

-- The registrations that are not current, with what ends them. Only history rows and lists with
-- an event are here: the current address of an ordinary resident (nearly every row) is not. Death
-- and suspension are person fields, repeated on every row of the list.
CREATE TEMP TABLE brp_sluiten ON COMMIT DROP AS
SELECT b.pseudonym, coalesce(b.persoonslijst, '') AS lijst, b.historie_index, b.datum_aanvang AS van,
  coalesce(b.reden_opschorting IN ('F', 'W'), false) AS nooit_bewoner,
  -- A history row always had a newer occurrence. When none is staged and none was carried (it was
  -- rejected in an export whose reader cannot carry), -1 stands for it: closed, its end unknown.
  coalesce(b.volgende_index, d.volgende_index, CASE WHEN b.historie_index > 0 THEN -1 END) AS volgende_index, b.volgende_aanvang,
  b.datum_overlijden AS o_raw, b.datum_opschorting AS p_raw, b.niet_op_adres_vanaf AS n_raw
FROM brp_rows b
LEFT JOIN brp_volgende d ON d.pseudonym = b.pseudonym AND d.lijst = coalesce(b.persoonslijst, '') AND d.historie_index = b.historie_index
WHERE b.soort = 'adres' AND NOT b.onjuist
  AND (b.historie_index > 0 OR b.datum_overlijden IS NOT NULL OR b.datum_opschorting IS NOT NULL OR b.niet_op_adres_vanaf IS NOT NULL);

ANALYZE brp_sluiten;

-- How each ended: at the earliest known of the newer occurrence's start, death, suspension and
-- "vastgesteld verblijft niet op adres". The newer occurrence is looked up to say whether it is a
-- registration in the model; it may be missing from staging (rejected), and the reader's carried
-- start then stands alone.
CREATE TEMP TABLE brp_einde ON COMMIT DROP AS
SELECT pseudonym, lijst, historie_index, nooit_bewoner,
  CASE WHEN afgesloten THEN greatest(einde, van) END AS geldig_tot,
  afgesloten AND einde IS NULL AS einde_onbekend,
  coalesce(einde < van, false) AS einde_voor_aanvang,
  CASE WHEN NOT afgesloten THEN NULL
       WHEN v_raw IS NOT NULL AND (einde IS NULL OR v = einde) THEN CASE WHEN volgende_in_model THEN 'volgende' ELSE 'volgende_elders' END
       WHEN o_raw IS NOT NULL AND (einde IS NULL OR o = einde) THEN 'overlijden'
       WHEN p_raw IS NOT NULL AND (einde IS NULL OR p = einde) THEN 'opschorting'
       ELSE 'niet_op_adres' END AS gesloten_door
FROM (
  SELECT x.*, v_raw IS NOT NULL OR o_raw IS NOT NULL OR p_raw IS NOT NULL OR n_raw IS NOT NULL AS afgesloten,
    model.brp_datum(v_raw) AS v, model.brp_datum(o_raw) AS o, model.brp_datum(p_raw) AS p, model.brp_datum(n_raw) AS n,
    -- least() passes over unknown (null) dates: the earliest known one ends the period.
    least(model.brp_datum(v_raw), model.brp_datum(o_raw), model.brp_datum(p_raw), model.brp_datum(n_raw)) AS einde
  FROM (
    SELECT s.pseudonym, s.lijst, s.historie_index, s.van, s.nooit_bewoner, s.o_raw, s.p_raw, s.n_raw,
      CASE WHEN s.volgende_index IS NOT NULL THEN coalesce(s.volgende_aanvang, nb.datum_aanvang_raw, '0000-00-00') END AS v_raw,
      coalesce(nb.soort = 'adres' AND NOT nb.onjuist, false) AS volgende_in_model
    FROM brp_sluiten s
    LEFT JOIN brp_rows nb ON nb.pseudonym = s.pseudonym AND coalesce(nb.persoonslijst, '') = s.lijst AND nb.historie_index = s.volgende_index
  ) x
) y;

ANALYZE brp_einde;

INSERT INTO model.persoon (pseudonym, key_version)
SELECT DISTINCT ON (pseudonym COLLATE "C") pseudonym, key_version FROM brp_rows ORDER BY pseudonym COLLATE "C";

INSERT INTO model.inschrijving (pseudonym, persoonslijst, verblijfsobject_id, nummeraanduiding_id, functie_adres, geldig_van,
  geldig_tot, gesloten_door, einde_onbekend, aanvang_onzeker, match_method, adres_sleutel, source_line, opgegeven_verblijfsobject_id,
  gemeentecode)
SELECT b.pseudonym,
  b.persoonslijst,
  coalesce(v.verblijfsobject_id, n.verblijfsobject_id, a.verblijfsobject_id),
  coalesce(b.nummeraanduiding_id, a.nummeraanduiding_id),
  b.functie_adres,
  b.datum_aanvang,
  e.geldig_tot,
  e.gesloten_door,
  coalesce(e.einde_onbekend, false),
  model.brp_aanvang_onzeker(b.datum_aanvang_raw, current_date),
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id'
       WHEN n.verblijfsobject_id IS NOT NULL THEN 'num_id'
       WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres'
       ELSE 'geen' END,
  b.adres_sleutel,
  b.line,
  CASE WHEN v.verblijfsobject_id IS NULL THEN b.verblijfsobject_id END,
  b.gemeentecode
FROM brp_rows b
LEFT JOIN brp_einde e ON e.pseudonym = b.pseudonym AND e.lijst = coalesce(b.persoonslijst, '') AND e.historie_index = b.historie_index
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = b.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = b.nummeraanduiding_id
LEFT JOIN model.adres_index a ON a.adres_sleutel = b.adres_sleutel
-- A list suspended for F (fout) or W (wissen) never made anyone a resident.
WHERE b.soort = 'adres' AND NOT b.onjuist AND b.reden_opschorting IS DISTINCT FROM 'F' AND b.reden_opschorting IS DISTINCT FROM 'W'
  -- A closed period of which neither start nor end is known holds nothing a rule can use.
  AND NOT (e.gesloten_door IS NOT NULL AND e.geldig_tot IS NULL);

-- Occupancy for the rules that count residents (the count is model.bewoning_telling, migration 0016).
-- The count keeps each object's persons in pseudonym order by the order it reads them in
-- (migration 0094), which aggregation split over parallel workers would not keep.
SET LOCAL max_parallel_workers_per_gather = 0;
INSERT INTO model.bewoning SELECT * FROM model.bewoning_telling();
RESET max_parallel_workers_per_gather;

SELECT model.restore_indexes('model.persoon'), model.restore_indexes('model.inschrijving'), model.restore_indexes('model.bewoning');

ANALYZE model.persoon;
ANALYZE model.inschrijving;
-- The rules filter and join on the counts, never on the persons' arrays, whose statistics (an
-- element histogram of pseudonyms) cost most of this table's ANALYZE; autovacuum adds them later.
ANALYZE model.bewoning (verblijfsobject_id, woonadressen, briefadressen, oudste_briefadres_aanvang, nieuwste_briefadres_aanvang, woonadressen_onzeker,
  briefadressen_onzeker, woon_via_object, woon_via_nummeraanduiding, woon_via_adres, brief_via_object, brief_via_nummeraanduiding, brief_via_adres);

-- What this build decided, for the run record (pipelines/publish.ts reads it in the same transaction).
CREATE TEMP TABLE brp_model_telling ON COMMIT DROP AS
SELECT
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND gesloten_door = 'volgende_elders')::integer AS gesloten_door_voorkomen_elders,
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND einde_onbekend AND geldig_tot IS NOT NULL)::integer AS einde_onbekend,
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND einde_voor_aanvang)::integer AS einde_voor_aanvang,
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND gesloten_door IS NOT NULL AND geldig_tot IS NULL)::integer AS zonder_datums,
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND gesloten_door = 'overlijden')::integer AS overlijden,
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND gesloten_door = 'opschorting')::integer AS opschorting,
  (SELECT count(*) FROM brp_einde WHERE NOT nooit_bewoner AND gesloten_door = 'niet_op_adres')::integer AS niet_op_adres,
  (SELECT count(*) FROM (SELECT DISTINCT pseudonym, lijst FROM brp_einde WHERE nooit_bewoner) l)::integer AS lijsten_nooit_bewoner,
  (SELECT coalesce(sum(woonadressen_onzeker + briefadressen_onzeker), 0) FROM model.bewoning)::integer AS mogelijke_bewoners;
