-- reads: staging.meldingen, model.verblijfsobject, model.adres_index
-- builds: model.melding, pakhuis.melding_ledger
-- Meldingen from the load being published, matched to BAG like permits (30_permits.sql): the
-- verblijfsobject id when BAG knows it, then the normalised address. A melding id repeated in the
-- export (edited and exported again) keeps its last row. The given address stays as its key, so an
-- address the BAG does not know is an ADRES_ONBEKEND case.
TRUNCATE model.melding;

CREATE TEMP TABLE melding_rows ON COMMIT DROP AS
SELECT s.*, p.gemeentecode FROM staging.meldingen s
JOIN publish_loads p ON p.source = 'meldingen' AND p.load_id = s.load_id;

INSERT INTO model.melding (melding_id, datum_ontvangen, kanaal, melder_referentie, categorie, verblijfsobject_id, nummeraanduiding_id,
  match_method, adres_sleutel, opgegeven_verblijfsobject_id, vrije_tekst, source_line, gemeentecode)
SELECT DISTINCT ON (m.gemeentecode, m.melding_id) m.melding_id, m.datum_ontvangen, m.kanaal, m.melder_referentie, m.categorie,
  coalesce(v.verblijfsobject_id, a.verblijfsobject_id),
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN v.hoofdadres_id ELSE a.nummeraanduiding_id END,
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id' WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres' ELSE 'geen' END,
  pakhuis.adres_sleutel(m.postcode, m.huisnummer, m.huisletter, m.huisnummertoevoeging),
  CASE WHEN v.verblijfsobject_id IS NULL THEN m.verblijfsobject_id END,
  m.vrije_tekst, m.line, m.gemeentecode
FROM melding_rows m
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = m.verblijfsobject_id
LEFT JOIN model.adres_index a ON a.adres_sleutel = pakhuis.adres_sleutel(m.postcode, m.huisnummer, m.huisletter, m.huisnummertoevoeging)
ORDER BY m.gemeentecode, m.melding_id, m.line DESC;

-- Received meldingen are counted per month from this ledger, which keeps a melding an export drops.
INSERT INTO pakhuis.melding_ledger (gemeentecode, melding_id, datum_ontvangen, kanaal, categorie, first_seen_load)
SELECT m.gemeentecode, m.melding_id, m.datum_ontvangen, m.kanaal, m.categorie, p.load_id
FROM model.melding m
JOIN publish_loads p ON p.source = 'meldingen' AND p.gemeentecode = m.gemeentecode
ON CONFLICT (gemeentecode, melding_id) DO NOTHING;

ANALYZE model.melding;
