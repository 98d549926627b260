-- The occupancy count of migration 0062, the same rows, built without a sort per object. On
-- PostgreSQL 15 an aggregate with its own ORDER BY sorts its input group by group: at 2 M residents
-- the four ordered array_agg calls cost more than the rest of the statement (EXPLAIN ANALYZE: the
-- outer aggregate 25 s of 64 s on the bench machine). Here the per-person rows arrive sorted by
-- object and then pseudonym, and array_agg keeps the order it is fed, so each array is still
-- sorted by pseudonym and element i of each array still belongs to one person.
-- Sorting on the object id first was itself slow: the ids share their first eight characters, so
-- PostgreSQL's abbreviated sort keys tell none apart and every comparison reads whole strings.
-- hashtext(id) in front gives each comparison an integer to decide on; grouping by hash and id
-- groups by id alone, since equal ids have equal hashes.
-- The order is only kept without parallel aggregation (partial arrays would be joined in the
-- order the workers finish): PostgreSQL 15 cannot aggregate array_agg in parallel, and
-- 20_brp.sql turns parallel workers off around its call for later versions.
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
    coalesce(array_agg(pseudonym) FILTER (WHERE functie_adres = 'W'), '{}'),
    coalesce(array_agg(pseudonym) FILTER (WHERE functie_adres = 'B'), '{}'),
    coalesce(array_agg((ARRAY['vbo_id', 'num_id', 'adres'])[methode]) FILTER (WHERE functie_adres = 'W'), '{}'),
    coalesce(array_agg((ARRAY['vbo_id', 'num_id', 'adres'])[methode]) FILTER (WHERE functie_adres = 'B'), '{}')
  FROM (
    -- One row per person, object and function: two persoonslijsten with one BSN count once.
    SELECT hashtext(verblijfsobject_id) AS h, verblijfsobject_id, pseudonym, functie_adres, min(geldig_van) AS van, max(geldig_van) AS laatste,
      bool_and(aanvang_onzeker) AS onzeker,
      min(CASE match_method WHEN 'vbo_id' THEN 1 WHEN 'num_id' THEN 2 ELSE 3 END) AS methode
    FROM model.inschrijving
    WHERE geldig_tot IS NULL AND verblijfsobject_id IS NOT NULL
    GROUP BY hashtext(verblijfsobject_id), verblijfsobject_id, pseudonym, functie_adres
    ORDER BY hashtext(verblijfsobject_id), verblijfsobject_id, pseudonym, functie_adres
  ) per_persoon
  GROUP BY h, verblijfsobject_id
$$;
