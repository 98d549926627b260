-- Who really lives where (issue 13): the BRP's own meaning of death, suspension, living abroad,
-- unknown values, onjuist occurrences and persoonslijsten. See sql/transforms/20_brp.sql for how
-- the model uses these columns, and sources/brp/ for how the readers fill them.

-- Staging keeps every valid occurrence, addressable or not, with what it is and what ends it.
ALTER TABLE staging.brp
  -- The list the row belongs to (the file's pl id, the JSON person's position, a pseudonymised
  -- A-nummer); null when the BSN is all an export gives, and then the BSN is the list.
  ADD COLUMN persoonslijst text COLLATE "C",
  ADD COLUMN soort text NOT NULL DEFAULT 'adres' CHECK (soort IN ('adres', 'zonder_postcode', 'locatie', 'buitenland', 'onbekend')),
  ADD COLUMN onjuist boolean NOT NULL DEFAULT false,
  ADD COLUMN land text,
  -- Dates as given: ISO with 00 for unknown parts, 0000-00-00 when wholly unknown.
  ADD COLUMN datum_overlijden text,
  ADD COLUMN datum_opschorting text,
  ADD COLUMN reden_opschorting text,
  ADD COLUMN niet_op_adres_vanaf text,
  -- The nearest newer occurrence of the list that is not onjuist, as the reader saw it: its
  -- index and start, even when that row itself was rejected and never reached staging.
  ADD COLUMN volgende_index integer,
  ADD COLUMN volgende_aanvang text;

COMMENT ON COLUMN staging.brp.soort IS 'adres: met BAG-identificatie of postcode en huisnummer; zonder_postcode: adres van vóór de postcode; locatie: locatiebeschrijving (woonboot, woonwagen); buitenland: adres in het buitenland of land onbekend; onbekend: Nederlands adres met de standaardwaarde onbekend.';
COMMENT ON COLUMN staging.brp.onjuist IS 'Voorkomen gemarkeerd als onjuist (08.84.10): bewaard, maar nooit een periode, verhuizing of bewoner.';
COMMENT ON COLUMN staging.brp.niet_op_adres_vanaf IS 'Aanduiding in onderzoek 089999/589999 zonder einde onderzoek: vastgesteld dat de persoon niet op het adres verblijft, vanaf 08.83.20.';

ALTER TABLE model.inschrijving
  ADD COLUMN persoonslijst text COLLATE "C",
  ADD COLUMN gesloten_door text CHECK (gesloten_door IN ('volgende', 'volgende_elders', 'overlijden', 'opschorting', 'niet_op_adres')),
  ADD COLUMN einde_onbekend boolean NOT NULL DEFAULT false,
  ADD COLUMN aanvang_onzeker boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN model.inschrijving.geldig_tot IS 'Leeg: de lopende inschrijving (hooguit één per persoonslijst). Anders de eerste dag niet meer ingeschreven; bij einde_onbekend de vroegste dag die het kan zijn.';
COMMENT ON COLUMN model.inschrijving.gesloten_door IS 'volgende: een nieuwere inschrijving in het model; volgende_elders: een nieuwer voorkomen buiten het model (buitenland, locatiebeschrijving, afgekeurde rij); overlijden; opschorting; niet_op_adres: vastgesteld verblijft niet op adres.';
COMMENT ON COLUMN model.inschrijving.einde_onbekend IS 'De periode is afgesloten, maar de einddatum is onbekend (00000000).';
COMMENT ON COLUMN model.inschrijving.aanvang_onzeker IS 'De datum aanvang is (deels) onbekend en de onzekerheid loopt nog: een mogelijke bewoner in de zin van de BRP-bewoning-API.';

-- A partial BRP date (YYYY-MM-DD with 00 parts) as the first day it can be; null when unknown.
CREATE FUNCTION model.brp_datum(raw text) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN raw IS NULL OR left(raw, 4) = '0000' THEN NULL
    ELSE make_date(left(raw, 4)::integer, greatest(substr(raw, 6, 2)::integer, 1), greatest(substr(raw, 9, 2)::integer, 1)) END
$$;

-- Whether a start date leaves it uncertain that the person lives there on the given day (the
-- run's day, which the transform passes as current_date so that a replayed run judges its own
-- day): wholly unknown, or partly unknown with that day still inside the month or year it names.
CREATE FUNCTION model.brp_aanvang_onzeker(raw text, peildag date) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN raw IS NULL OR left(raw, 4) = '0000' THEN true
    WHEN right(raw, 2) <> '00' THEN false
    WHEN substr(raw, 6, 2) = '00' THEN peildag < make_date(left(raw, 4)::integer + 1, 1, 1)
    ELSE peildag < (make_date(left(raw, 4)::integer, substr(raw, 6, 2)::integer, 1) + interval '1 month')::date END
$$;

-- Occupancy also says how many residents are uncertain (mogelijke bewoners) and how each counted
-- person was matched to the object, so that a signal can say so.
ALTER TABLE model.bewoning
  ADD COLUMN woonadressen_onzeker integer NOT NULL DEFAULT 0,
  ADD COLUMN briefadressen_onzeker integer NOT NULL DEFAULT 0,
  ADD COLUMN woon_via_object integer NOT NULL DEFAULT 0,
  ADD COLUMN woon_via_nummeraanduiding integer NOT NULL DEFAULT 0,
  ADD COLUMN woon_via_adres integer NOT NULL DEFAULT 0,
  ADD COLUMN brief_via_object integer NOT NULL DEFAULT 0,
  ADD COLUMN brief_via_nummeraanduiding integer NOT NULL DEFAULT 0,
  ADD COLUMN brief_via_adres integer NOT NULL DEFAULT 0;

-- A person (pseudonym) counts once per object and function, however many lists or registrations
-- put them there: by the surest match any of them has, and as uncertain only when every one is.
CREATE OR REPLACE FUNCTION model.bewoning_telling() RETURNS SETOF model.bewoning LANGUAGE sql STABLE AS $$
  SELECT verblijfsobject_id,
    (count(*) FILTER (WHERE functie_adres = 'W'))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B'))::integer,
    min(van) FILTER (WHERE functie_adres = 'B'),
    max(laatste) FILTER (WHERE functie_adres = 'B'),
    (count(*) FILTER (WHERE functie_adres = 'W' AND onzeker))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND onzeker))::integer,
    (count(*) FILTER (WHERE functie_adres = 'W' AND methode = 1))::integer,
    (count(*) FILTER (WHERE functie_adres = 'W' AND methode = 2))::integer,
    (count(*) FILTER (WHERE functie_adres = 'W' AND methode = 3))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 1))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 2))::integer,
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 3))::integer
  FROM (
    SELECT verblijfsobject_id, pseudonym, functie_adres, min(geldig_van) AS van, max(geldig_van) AS laatste,
      bool_and(aanvang_onzeker) AS onzeker,
      min(CASE match_method WHEN 'vbo_id' THEN 1 WHEN 'num_id' THEN 2 ELSE 3 END) AS methode
    FROM model.inschrijving
    WHERE geldig_tot IS NULL AND verblijfsobject_id IS NOT NULL
    GROUP BY verblijfsobject_id, pseudonym, functie_adres
  ) per_persoon
  GROUP BY verblijfsobject_id
$$;

TRUNCATE model.bewoning;
INSERT INTO model.bewoning SELECT * FROM model.bewoning_telling();
COMMENT ON COLUMN model.bewoning.woonadressen_onzeker IS 'Van de woonadressen: personen met een (deels) onbekende datum aanvang, mogelijke bewoners.';
COMMENT ON COLUMN model.bewoning.woon_via_adres IS 'Van de woonadressen: personen die alleen op postcode en huisnummer aan dit object zijn gekoppeld.';
