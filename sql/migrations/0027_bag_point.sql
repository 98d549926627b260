-- The object's point, for maps: RD x/y as the BAG gives them (a ligplaats or standplaats from the
-- BAG 2.0 XML: the centroid of its outline), and WGS84 latitude/longitude as the file gives them or
-- computed from RD at ingest (the Schreutelkamp and Strang van Hees series, lib/rd-wgs84.ts).
-- signals.flagged_addresses gains the four columns at its end; the rest of it is unchanged.

ALTER TABLE staging.bag_vbo
  ADD COLUMN rd_x double precision,
  ADD COLUMN rd_y double precision,
  ADD COLUMN lat double precision,
  ADD COLUMN lon double precision;

ALTER TABLE model.verblijfsobject
  ADD COLUMN rd_x double precision,
  ADD COLUMN rd_y double precision,
  ADD COLUMN lat double precision,
  ADD COLUMN lon double precision;

COMMENT ON COLUMN model.verblijfsobject.rd_x IS 'RD-x in meters (Rijksdriehoeksstelsel, EPSG:28992) zoals de BAG hem gaf; bij een ligplaats of standplaats uit het BAG-XML-extract het zwaartepunt van de contour. Leeg als het bestand geen (bruikbaar) punt had.';
COMMENT ON COLUMN model.verblijfsobject.rd_y IS 'RD-y in meters (Rijksdriehoeksstelsel, EPSG:28992), zoals rd_x.';
COMMENT ON COLUMN model.verblijfsobject.lat IS 'Breedtegraad in graden (WGS84, EPSG:4326): uit het bestand, of berekend uit rd_x/rd_y met de benaderingsformules van Schreutelkamp en Strang van Hees (nauwkeurig tot ongeveer een meter).';
COMMENT ON COLUMN model.verblijfsobject.lon IS 'Lengtegraad in graden (WGS84, EPSG:4326), zoals lat.';

CREATE OR REPLACE VIEW signals.flagged_addresses AS
WITH open_signals AS (
  SELECT verblijfsobject_id,
    array_agg(DISTINCT rule_code ORDER BY rule_code) AS rule_codes,
    max(CASE severity WHEN 'hoog' THEN 3 WHEN 'midden' THEN 2 ELSE 1 END) AS severity_rank,
    min(first_seen_at) AS first_seen_at,
    count(*) AS signal_count,
    string_agg(rule_code || ': ' || explanation, E'\n' ORDER BY rule_code) AS explanation,
    array_agg(DISTINCT coalesce(triage_status, 'nieuw') ORDER BY coalesce(triage_status, 'nieuw')) AS triage_statuses
  FROM pakhuis.signals
  WHERE status = 'open' AND verblijfsobject_id IS NOT NULL
  GROUP BY verblijfsobject_id
),
bewoners AS (
  SELECT verblijfsobject_id, count(DISTINCT pseudonym) AS registered_persons
  FROM model.inschrijving
  WHERE geldig_tot IS NULL AND verblijfsobject_id IN (SELECT verblijfsobject_id FROM open_signals)
  GROUP BY verblijfsobject_id
),
vergunningen AS (
  SELECT verblijfsobject_id, count(*) AS permits
  FROM model.vergunning WHERE verblijfsobject_id IN (SELECT verblijfsobject_id FROM open_signals)
  GROUP BY verblijfsobject_id
),
zaken AS (
  SELECT verblijfsobject_id, count(*) AS damocles_cases
  FROM model.damocles_zaak WHERE verblijfsobject_id IN (SELECT verblijfsobject_id FROM open_signals)
  GROUP BY verblijfsobject_id
)
SELECT o.verblijfsobject_id,
  n.postcode,
  n.huisnummer,
  n.huisletter,
  n.huisnummertoevoeging,
  n.openbareruimte AS straat,
  n.woonplaats,
  v.oppervlakte,
  v.gebruiksdoelen,
  v.status AS bag_status,
  coalesce(b.registered_persons, 0) AS registered_persons,
  o.rule_codes,
  CASE o.severity_rank WHEN 3 THEN 'hoog' WHEN 2 THEN 'midden' ELSE 'laag' END AS highest_severity,
  o.signal_count,
  o.first_seen_at,
  o.explanation,
  o.triage_statuses,
  coalesce(g.permits, 0) AS permits,
  coalesce(z.damocles_cases, 0) AS damocles_cases,
  v.rd_x,
  v.rd_y,
  v.lat,
  v.lon
FROM open_signals o
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
LEFT JOIN bewoners b ON b.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN vergunningen g ON g.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN zaken z ON z.verblijfsobject_id = o.verblijfsobject_id;

COMMENT ON COLUMN signals.flagged_addresses.rd_x IS 'RD-x van het object in meters (Rijksdriehoeksstelsel, EPSG:28992), zoals de BAG hem gaf; bij een ligplaats of standplaats uit het BAG-XML-extract het zwaartepunt van de contour. Leeg: de BAG gaf geen bruikbaar punt.';
COMMENT ON COLUMN signals.flagged_addresses.rd_y IS 'RD-y van het object in meters (Rijksdriehoeksstelsel, EPSG:28992), zoals rd_x.';
COMMENT ON COLUMN signals.flagged_addresses.lat IS 'Breedtegraad van het object in graden (WGS84, EPSG:4326): uit het BAG-bestand, of berekend uit rd_x/rd_y (nauwkeurig tot ongeveer een meter). Voor kaarten, zoals pakhuis report --geojson.';
COMMENT ON COLUMN signals.flagged_addresses.lon IS 'Lengtegraad van het object in graden (WGS84, EPSG:4326), zoals lat.';
