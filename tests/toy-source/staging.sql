-- What the migration of a new source holds: its name allowed in pakhuis.loads, and its staging table.
ALTER TABLE pakhuis.loads DROP CONSTRAINT loads_source_check;
ALTER TABLE pakhuis.loads ADD CONSTRAINT loads_source_check CHECK (source IN ('brp', 'bag', 'permits', 'damocles', 'meldingen', 'toy'));

CREATE TABLE staging.toy_meting (
  load_id              bigint NOT NULL,
  line                 integer NOT NULL,
  meting_id            text NOT NULL,
  datum                date NOT NULL,
  waarde               integer,
  verblijfsobject_id   text COLLATE "C",
  postcode             text,
  huisnummer           integer,
  huisletter           text,
  huisnummertoevoeging text
);

-- What its transform builds (tests/toy-source/transforms/).
CREATE TABLE model.toy_meting (
  meting_id  text PRIMARY KEY,
  datum      date NOT NULL,
  waarde     integer,
  postcode   text,
  huisnummer integer
);
