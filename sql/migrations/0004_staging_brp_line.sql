-- ADRES_ONBEKEND reads back the verblijfsobject id the BRP gave for a registration that matched no
-- BAG object (the model keeps none for such rows): one row of the published load, by line.
CREATE INDEX staging_brp_load_line_idx ON staging.brp (load_id, line);
