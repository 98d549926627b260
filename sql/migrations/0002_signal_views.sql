-- The analysts' window: views in schema signals. Views run with their owner's rights, so an
-- analyst role granted these views alone sees signals and addresses, never staging, names or
-- model tables.

CREATE VIEW signals.signal_details AS
SELECT s.id AS signal_id,
  s.rule_code,
  r.title AS rule_title,
  s.subject_key,
  s.verblijfsobject_id,
  s.severity,
  s.status,
  s.explanation,
  s.evidence,
  s.rule_version,
  s.first_seen_at,
  s.last_seen_at,
  s.resolved_at,
  s.first_seen_run,
  s.last_seen_run
FROM pakhuis.signals s
LEFT JOIN pakhuis.rules r ON r.code = s.rule_code;

COMMENT ON VIEW signals.signal_details IS 'Eén rij per signaal: welke regel, over welk object, met bewijs en uitleg. Een signaal is een aanwijzing voor onderzoek, nooit een besluit.';
COMMENT ON COLUMN signals.signal_details.signal_id IS 'Nummer van het signaal (gebruik dit bij triage en heridentificatie).';
COMMENT ON COLUMN signals.signal_details.rule_code IS 'Code van de regel die het signaal gaf (zie signals.rules).';
COMMENT ON COLUMN signals.signal_details.rule_title IS 'Titel van de regel.';
COMMENT ON COLUMN signals.signal_details.subject_key IS 'Waar het signaal over gaat: meestal een verblijfsobject-id, soms een zaak of pseudoniem.';
COMMENT ON COLUMN signals.signal_details.verblijfsobject_id IS 'BAG-identificatie van het verblijfsobject (16 cijfers), als het signaal een adres betreft.';
COMMENT ON COLUMN signals.signal_details.severity IS 'Ernst: laag, midden of hoog.';
COMMENT ON COLUMN signals.signal_details.status IS 'open: de regel geeft het signaal nog; resolved: niet meer gegeven.';
COMMENT ON COLUMN signals.signal_details.explanation IS 'Uitleg in gewone taal: waarom dit signaal er is.';
COMMENT ON COLUMN signals.signal_details.evidence IS 'Het bewijs als JSON: de invoer, de parameters, de regelversie en de run.';
COMMENT ON COLUMN signals.signal_details.rule_version IS 'Versie van de regel (afgeleid van SQL en parameters) die het signaal maakte.';
COMMENT ON COLUMN signals.signal_details.first_seen_at IS 'Wanneer het signaal voor het eerst verscheen.';
COMMENT ON COLUMN signals.signal_details.last_seen_at IS 'Wanneer het signaal het laatst door de regel werd gegeven.';
COMMENT ON COLUMN signals.signal_details.resolved_at IS 'Wanneer de regel het signaal niet meer gaf (leeg als het open is).';
COMMENT ON COLUMN signals.signal_details.first_seen_run IS 'Nachtelijke run waarin het signaal verscheen.';
COMMENT ON COLUMN signals.signal_details.last_seen_run IS 'Laatste run die het signaal gaf.';

CREATE VIEW signals.flagged_addresses AS
WITH open_signals AS (
  SELECT verblijfsobject_id,
    array_agg(DISTINCT rule_code ORDER BY rule_code) AS rule_codes,
    max(CASE severity WHEN 'hoog' THEN 3 WHEN 'midden' THEN 2 ELSE 1 END) AS severity_rank,
    min(first_seen_at) AS first_seen_at,
    count(*) AS signal_count,
    string_agg(rule_code || ': ' || explanation, E'\n' ORDER BY rule_code) AS explanation
  FROM pakhuis.signals
  WHERE status = 'open' AND verblijfsobject_id IS NOT NULL
  GROUP BY verblijfsobject_id
),
bewoners AS (
  SELECT verblijfsobject_id, count(DISTINCT pseudonym) AS registered_persons
  FROM model.inschrijving
  WHERE geldig_tot IS NULL AND verblijfsobject_id IN (SELECT verblijfsobject_id FROM open_signals)
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
  o.explanation
FROM open_signals o
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = o.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
LEFT JOIN bewoners b ON b.verblijfsobject_id = o.verblijfsobject_id;

COMMENT ON VIEW signals.flagged_addresses IS 'Eén rij per verblijfsobject met ten minste één open signaal: adres, oppervlakte, aantal ingeschrevenen, regels en uitleg. Aanwijzingen voor onderzoek door een mens, geen besluiten.';
COMMENT ON COLUMN signals.flagged_addresses.verblijfsobject_id IS 'BAG-identificatie van het verblijfsobject (16 cijfers).';
COMMENT ON COLUMN signals.flagged_addresses.postcode IS 'Postcode van het hoofdadres (1234AB).';
COMMENT ON COLUMN signals.flagged_addresses.huisnummer IS 'Huisnummer van het hoofdadres.';
COMMENT ON COLUMN signals.flagged_addresses.huisletter IS 'Huisletter van het hoofdadres.';
COMMENT ON COLUMN signals.flagged_addresses.huisnummertoevoeging IS 'Huisnummertoevoeging van het hoofdadres.';
COMMENT ON COLUMN signals.flagged_addresses.straat IS 'Naam van de openbare ruimte (straat).';
COMMENT ON COLUMN signals.flagged_addresses.woonplaats IS 'Woonplaats.';
COMMENT ON COLUMN signals.flagged_addresses.oppervlakte IS 'Gebruiksoppervlakte volgens de BAG, in m2.';
COMMENT ON COLUMN signals.flagged_addresses.gebruiksdoelen IS 'Gebruiksdoelen volgens de BAG.';
COMMENT ON COLUMN signals.flagged_addresses.bag_status IS 'Status van het verblijfsobject volgens de BAG.';
COMMENT ON COLUMN signals.flagged_addresses.registered_persons IS 'Aantal personen dat nu op dit object staat ingeschreven (woon- en briefadres).';
COMMENT ON COLUMN signals.flagged_addresses.rule_codes IS 'Codes van de regels met een open signaal op dit object.';
COMMENT ON COLUMN signals.flagged_addresses.highest_severity IS 'Hoogste ernst van de open signalen.';
COMMENT ON COLUMN signals.flagged_addresses.signal_count IS 'Aantal open signalen op dit object.';
COMMENT ON COLUMN signals.flagged_addresses.first_seen_at IS 'Wanneer het oudste open signaal op dit object verscheen.';
COMMENT ON COLUMN signals.flagged_addresses.explanation IS 'Uitleg per regel, in gewone taal.';

CREATE VIEW signals.rules AS
SELECT code, title, rationale, norm, severity, parameters, version, published_at
FROM pakhuis.rules;

COMMENT ON VIEW signals.rules IS 'Het openbare regelregister: elke regel met drempel, motivering, norm en de versie die nu geldt.';
COMMENT ON COLUMN signals.rules.code IS 'Code van de regel.';
COMMENT ON COLUMN signals.rules.title IS 'Titel van de regel.';
COMMENT ON COLUMN signals.rules.rationale IS 'Waarom de regel bestaat: welk risico hij zichtbaar maakt.';
COMMENT ON COLUMN signals.rules.norm IS 'De norm of wettelijke grondslag.';
COMMENT ON COLUMN signals.rules.severity IS 'Standaardernst van de regel.';
COMMENT ON COLUMN signals.rules.parameters IS 'De parameters (drempels) die nu gelden.';
COMMENT ON COLUMN signals.rules.version IS 'Versie: verandert zodra SQL of een parameter verandert.';
COMMENT ON COLUMN signals.rules.published_at IS 'Sinds wanneer deze versie geldt.';
