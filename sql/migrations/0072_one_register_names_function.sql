-- The names a permit or Damocles load brings in reach identity.persoon through one function
-- (transforms/30_permits.sql, transforms/40_damocles.sql) instead of two near-twins
-- (refresh_from_permits and refresh_from_damocles, migrations 0022 and 0090), which differed only
-- in the staging columns that hold a party and in which register is "the other". The rules stay:
-- a name a register brought in goes when that register no longer names the person, unless another
-- register still does (a party in model.partij of another kind); a register's name never replaces
-- a known one. SECURITY DEFINER, owned by pakhuis_owner (apply_grants, 0024) and callable by the
-- loading role only (function_grants below), as its predecessors: the caller reads no name.
-- The two old functions are left in place: this migration runs before 0090 on a new database,
-- which creates their bigint[] versions, so dropping them here would leave two schemas; nothing
-- calls them any more, and a migration after 0091 may drop them with their function_grants rows.
CREATE FUNCTION identity.refresh_from_register(p_register text, p_load_ids bigint[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  own_soort constant text := CASE p_register WHEN 'permits' THEN 'vergunning' WHEN 'damocles' THEN 'damocles' END;
BEGIN
  IF own_soort IS NULL THEN
    RAISE EXCEPTION 'identity.refresh_from_register: onbekend register %', p_register USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- A deleted row names a person this load does not, an inserted one a person it does: the two
  -- never meet, so one statement (one pass over the parties) does both.
  WITH parties AS (
    SELECT load_id, line, houder_pseudonym AS pseudonym, houder_naam AS naam, key_version
    FROM staging.permits WHERE p_register = 'permits' AND load_id = ANY (p_load_ids)
    UNION ALL
    SELECT load_id, line, eigenaar_pseudonym, eigenaar_naam, key_version
    FROM staging.damocles WHERE p_register = 'damocles' AND load_id = ANY (p_load_ids)
    UNION ALL
    SELECT load_id, line, huurder_pseudonym, huurder_naam, key_version
    FROM staging.damocles WHERE p_register = 'damocles' AND load_id = ANY (p_load_ids)
  ),
  gone AS (
    DELETE FROM identity.persoon i
    WHERE i.bron = p_register
      AND NOT EXISTS (SELECT 1 FROM parties p WHERE p.pseudonym = i.pseudonym)
      AND NOT EXISTS (SELECT 1 FROM model.partij o WHERE o.zaak_soort <> own_soort AND o.pseudonym = i.pseudonym)
  )
  INSERT INTO identity.persoon (pseudonym, key_version, naam, bron)
  SELECT DISTINCT ON (pseudonym) pseudonym, key_version, naam, p_register
  FROM parties
  WHERE pseudonym IS NOT NULL AND naam IS NOT NULL
  ORDER BY pseudonym, load_id DESC, line DESC
  ON CONFLICT (pseudonym) DO NOTHING;
END
$$;

INSERT INTO pakhuis_meta.function_grants (function_signature, role_name) VALUES
  ('identity.refresh_from_register(text, bigint[])', 'pakhuis_etl');
