-- Staging is written by COPY at millions of rows a night. Measured at 1 million residents, the
-- per-row foreign-key check on load_id and three B-tree indexes cost more than parsing the file.
-- The loader inserts the load record in the same transaction as its rows, and retention deletes
-- by load_id, so the foreign keys bought nothing. Rows arrive in load_id order, which is exactly
-- what a BRIN index summarises at almost no cost.
ALTER TABLE staging.brp DROP CONSTRAINT brp_load_id_fkey;
ALTER TABLE staging.bag_vbo DROP CONSTRAINT bag_vbo_load_id_fkey;
ALTER TABLE staging.bag_num DROP CONSTRAINT bag_num_load_id_fkey;
ALTER TABLE staging.bag_vbo_num DROP CONSTRAINT bag_vbo_num_load_id_fkey;
ALTER TABLE staging.permits DROP CONSTRAINT permits_load_id_fkey;
ALTER TABLE staging.damocles DROP CONSTRAINT damocles_load_id_fkey;

DROP INDEX staging.staging_brp_load_idx;
DROP INDEX staging.staging_brp_load_line_idx;
DROP INDEX staging.staging_bag_vbo_load_idx;
DROP INDEX staging.staging_bag_num_load_idx;
DROP INDEX staging.staging_bag_vbo_num_load_idx;
CREATE INDEX staging_brp_load_brin ON staging.brp USING brin (load_id);
CREATE INDEX staging_bag_vbo_load_brin ON staging.bag_vbo USING brin (load_id);
CREATE INDEX staging_bag_num_load_brin ON staging.bag_num USING brin (load_id);
CREATE INDEX staging_bag_vbo_num_load_brin ON staging.bag_vbo_num USING brin (load_id);

-- The verblijfsobject id a registration gave when it matched nothing, so ADRES_ONBEKEND can name
-- it without reading staging back.
ALTER TABLE model.inschrijving ADD COLUMN opgegeven_verblijfsobject_id text;

-- One address index for every source's matching, rebuilt with BAG (10_bag.sql).
CREATE TABLE model.adres_index (
  adres_sleutel         text PRIMARY KEY,
  verblijfsobject_id    text NOT NULL,
  nummeraanduiding_id   text NOT NULL
);
COMMENT ON TABLE model.adres_index IS 'Genormaliseerd adres naar verblijfsobject (hoofdadres gaat voor), voor het koppelen van BRP, vergunningen en Damocles-zaken.';
