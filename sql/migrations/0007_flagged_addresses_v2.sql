-- flagged_addresses gains the triage state and counts per source, so an analyst sees at a glance
-- what each register says about the object. Columns are appended: existing queries keep working.

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
  coalesce(z.damocles_cases, 0) AS damocles_cases
FROM open_signals o
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
LEFT JOIN bewoners b ON b.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN vergunningen g ON g.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN zaken z ON z.verblijfsobject_id = o.verblijfsobject_id;

COMMENT ON COLUMN signals.flagged_addresses.triage_statuses IS 'Menselijke oordelen over de open signalen op dit object (nieuw = nog niet beoordeeld; in_onderzoek, vals_positief, afgehandeld).';
COMMENT ON COLUMN signals.flagged_addresses.permits IS 'Aantal vergunningen op dit object (uit het vergunningenregister).';
COMMENT ON COLUMN signals.flagged_addresses.damocles_cases IS 'Aantal Damocles-zaken op dit object.';
COMMENT ON COLUMN signals.flagged_addresses.registered_persons IS 'Aantal personen dat nu op dit object staat ingeschreven volgens de BRP (woon- en briefadres).';
