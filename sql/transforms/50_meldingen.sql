-- Meldingen from the load being published, matched to BAG like permits (30_permits.sql): the
-- verblijfsobject id when BAG knows it, then the normalised address. A melding id repeated in the
-- export (edited and exported again) keeps its last row. The given address stays as its key, so an
-- address the BAG does not know is an ADRES_ONBEKEND case.
TRUNCATE model.melding;

CREATE TEMP TABLE melding_rows ON COMMIT DROP AS
SELECT * FROM staging.meldingen
WHERE load_id = (SELECT load_id FROM publish_loads WHERE source = 'meldingen');

INSERT INTO model.melding (melding_id, datum_ontvangen, kanaal, melder_referentie, categorie, verblijfsobject_id, nummeraanduiding_id,
  match_method, adres_sleutel, opgegeven_verblijfsobject_id, vrije_tekst, source_line)
SELECT DISTINCT ON (m.melding_id) m.melding_id, m.datum_ontvangen, m.kanaal, m.melder_referentie, m.categorie,
  coalesce(v.verblijfsobject_id, a.verblijfsobject_id),
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN v.hoofdadres_id ELSE a.nummeraanduiding_id END,
  CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id' WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres' ELSE 'geen' END,
  pakhuis.adres_sleutel(m.postcode, m.huisnummer, m.huisletter, m.huisnummertoevoeging),
  CASE WHEN v.verblijfsobject_id IS NULL THEN m.verblijfsobject_id END,
  m.vrije_tekst, m.line
FROM melding_rows m
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = m.verblijfsobject_id
LEFT JOIN model.adres_index a ON a.adres_sleutel = pakhuis.adres_sleutel(m.postcode, m.huisnummer, m.huisletter, m.huisnummertoevoeging)
ORDER BY m.melding_id, m.line DESC;

-- Received meldingen are counted per month from this ledger, which keeps a melding an export drops.
INSERT INTO pakhuis.melding_ledger (melding_id, datum_ontvangen, kanaal, categorie, first_seen_load)
SELECT melding_id, datum_ontvangen, kanaal, categorie, (SELECT load_id FROM publish_loads WHERE source = 'meldingen')
FROM model.melding
ON CONFLICT (melding_id) DO NOTHING;

ANALYZE model.melding;
