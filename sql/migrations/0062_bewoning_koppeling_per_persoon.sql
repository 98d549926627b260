-- How each counted person was matched to the object (issue 13, point 9), beside the person lists
-- of migration 0023: woon_koppelingen[i] says how woon_pseudoniemen[i] was matched (vbo_id, num_id
-- or adres), brief_koppelingen likewise. The evidence counted the methods; the rules now also name
-- the method on each person they link (rol "bewoner via adres"), so whoever re-identifies a signal
-- sees which registrations rest on a postcode and huisnummer only, which can be mistyped.
ALTER TABLE model.bewoning
  ADD COLUMN woon_koppelingen text[] NOT NULL DEFAULT '{}',
  ADD COLUMN brief_koppelingen text[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN model.bewoning.woon_koppelingen IS 'Per persoon in woon_pseudoniemen (zelfde volgorde): vbo_id, num_id of adres (alleen postcode en huisnummer).';
COMMENT ON COLUMN model.bewoning.brief_koppelingen IS 'Per persoon in brief_pseudoniemen (zelfde volgorde): vbo_id, num_id of adres.';

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
    (count(*) FILTER (WHERE functie_adres = 'B' AND methode = 3))::integer,
    coalesce(array_agg(pseudonym ORDER BY pseudonym) FILTER (WHERE functie_adres = 'W'), '{}'),
    coalesce(array_agg(pseudonym ORDER BY pseudonym) FILTER (WHERE functie_adres = 'B'), '{}'),
    -- Ordered as the pseudonym arrays above, so that element i of each belongs to one person.
    coalesce(array_agg((ARRAY['vbo_id', 'num_id', 'adres'])[methode] ORDER BY pseudonym) FILTER (WHERE functie_adres = 'W'), '{}'),
    coalesce(array_agg((ARRAY['vbo_id', 'num_id', 'adres'])[methode] ORDER BY pseudonym) FILTER (WHERE functie_adres = 'B'), '{}')
  FROM (
    -- One row per person, object and function: two persoonslijsten with one BSN count once.
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
