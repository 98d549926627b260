-- Core schema: run bookkeeping, staging, the unified model and the signal store.
-- Schemas separate who may see what: staging and model hold pseudonymised personal data,
-- identity holds names, signals holds only the views analysts read.

CREATE SCHEMA IF NOT EXISTS pakhuis;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS model;
CREATE SCHEMA IF NOT EXISTS identity;
CREATE SCHEMA IF NOT EXISTS signals;

-- ------------------------------------------------------------------ runs and loads

CREATE TABLE pakhuis.runs (
  id            bigserial PRIMARY KEY,
  trigger       text NOT NULL,                       -- cli, schedule, catch-up, demo
  started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at   timestamptz,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  failed_step   text,
  error         text,
  warnings      jsonb NOT NULL DEFAULT '[]',
  summary       jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE pakhuis.run_steps (
  run_id        bigint NOT NULL REFERENCES pakhuis.runs (id) ON DELETE CASCADE,
  step          text NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
  rows_in       bigint,
  rows_out      bigint,
  rows_rejected bigint,
  error         text,
  details       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, step)
);

-- One row per file whose content was staged. The SHA-256 of the content makes a load happen
-- once, whatever the file is called; the row commits with the staged rows.
CREATE TABLE pakhuis.loads (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL CHECK (source IN ('brp', 'bag', 'permits', 'damocles')),
  format        text NOT NULL,
  file_name     text NOT NULL,
  sha256        text NOT NULL UNIQUE,
  bytes         bigint NOT NULL,
  rows_read     bigint NOT NULL,
  rows_staged   bigint NOT NULL,
  rows_rejected bigint NOT NULL,
  run_id        bigint REFERENCES pakhuis.runs (id) ON DELETE SET NULL,
  loaded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  archived_as   text
);
CREATE INDEX loads_source_idx ON pakhuis.loads (source, id DESC);

-- Files refused whole (missing column, unreadable, truncated): kept so the run summary and report
-- can say so; nothing of their content is used.
CREATE TABLE pakhuis.rejected_files (
  id            bigserial PRIMARY KEY,
  run_id        bigint REFERENCES pakhuis.runs (id) ON DELETE SET NULL,
  source        text NOT NULL,
  file_name     text NOT NULL,
  sha256        text,
  reason        text NOT NULL,
  rejected_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Rows that failed validation. raw holds the row as read, with BSNs replaced by a pseudonym or
-- masked, so a rejected row never brings a BSN into the database.
CREATE TABLE pakhuis.rejected_rows (
  load_id       bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line          integer NOT NULL,
  location      text NOT NULL,
  column_name   text NOT NULL,
  reason        text NOT NULL,
  raw           jsonb NOT NULL,
  rejected_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rejected_rows_load_idx ON pakhuis.rejected_rows (load_id);

-- ------------------------------------------------------------------ staging (typed, validated)

CREATE TABLE staging.brp (
  load_id                   bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line                      integer NOT NULL,
  historie_index            integer NOT NULL DEFAULT 0,  -- 0 = current address, 1.. older
  pseudonym                 text NOT NULL,
  key_version               integer NOT NULL,
  geslachtsnaam             text,
  voornamen                 text,
  geboortedatum             text,                        -- YYYY-MM-DD, 00 kept for unknown parts
  functie_adres             char(1) CHECK (functie_adres IN ('W', 'B')),
  datum_aanvang             date,                        -- partial dates rounded down to the 1st
  datum_aanvang_raw         text,
  postcode                  text,
  huisnummer                integer,
  huisletter                text,
  huisnummertoevoeging      text,
  verblijfsobject_id        text,
  nummeraanduiding_id       text,
  gemeente                  text
);
CREATE INDEX staging_brp_load_idx ON staging.brp (load_id);

CREATE TABLE staging.bag_vbo (
  load_id                   bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line                      integer NOT NULL,
  verblijfsobject_id        text NOT NULL,
  object_type               text NOT NULL,
  oppervlakte               integer,
  gebruiksdoelen            text[] NOT NULL DEFAULT '{}',
  status                    text,
  pand_ids                  text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX staging_bag_vbo_load_idx ON staging.bag_vbo (load_id);

CREATE TABLE staging.bag_num (
  load_id                   bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line                      integer NOT NULL,
  nummeraanduiding_id       text NOT NULL,
  postcode                  text,
  huisnummer                integer,
  huisletter                text,
  huisnummertoevoeging      text,
  openbareruimte            text,
  woonplaats                text,
  status                    text
);
CREATE INDEX staging_bag_num_load_idx ON staging.bag_num (load_id);

CREATE TABLE staging.bag_vbo_num (
  load_id                   bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line                      integer NOT NULL,
  verblijfsobject_id        text NOT NULL,
  nummeraanduiding_id       text NOT NULL,
  is_nevenadres             boolean NOT NULL
);
CREATE INDEX staging_bag_vbo_num_load_idx ON staging.bag_vbo_num (load_id);

CREATE TABLE staging.permits (
  load_id                   bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line                      integer NOT NULL,
  zaaknummer                text NOT NULL,
  vergunning_type           text NOT NULL,
  verblijfsobject_id        text,
  postcode                  text,
  huisnummer                integer,
  huisletter                text,
  huisnummertoevoeging      text,
  houder_pseudonym          text,
  houder_kvk                text,
  houder_naam               text,
  key_version               integer,
  datum_verleend            date,
  geldig_tot                date,
  status                    text
);
CREATE INDEX staging_permits_load_idx ON staging.permits (load_id);

CREATE TABLE staging.damocles (
  load_id                   bigint NOT NULL REFERENCES pakhuis.loads (id) ON DELETE CASCADE,
  line                      integer NOT NULL,
  zaaknummer                text NOT NULL,
  verblijfsobject_id        text,
  postcode                  text,
  huisnummer                integer,
  huisletter                text,
  huisnummertoevoeging      text,
  object_type               text,
  datum_constatering        date,
  drugs_categorie           text,
  besluit                   text,
  sluiting_start            date,
  sluiting_einde            date,
  eigenaar_pseudonym        text,
  eigenaar_kvk              text,
  eigenaar_naam             text,
  huurder_pseudonym         text,
  huurder_kvk               text,
  huurder_naam              text,
  key_version               integer
);
CREATE INDEX staging_damocles_load_idx ON staging.damocles (load_id);

-- ------------------------------------------------------------------ unified model

-- Which load each source's current state comes from; swapped in the publishing transaction.
CREATE TABLE model.source_state (
  source        text PRIMARY KEY,
  load_id       bigint NOT NULL REFERENCES pakhuis.loads (id),
  run_id        bigint REFERENCES pakhuis.runs (id) ON DELETE SET NULL,
  published_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE model.verblijfsobject (
  verblijfsobject_id        text PRIMARY KEY,
  object_type               text NOT NULL,
  oppervlakte               integer,
  gebruiksdoelen            text[] NOT NULL DEFAULT '{}',
  status                    text,
  pand_ids                  text[] NOT NULL DEFAULT '{}',
  hoofdadres_id             text
);

CREATE TABLE model.nummeraanduiding (
  nummeraanduiding_id       text PRIMARY KEY,
  verblijfsobject_id        text,
  is_nevenadres             boolean NOT NULL DEFAULT false,
  postcode                  text,
  huisnummer                integer,
  huisletter                text,
  huisnummertoevoeging      text,
  adres_sleutel             text,
  openbareruimte            text,
  woonplaats                text,
  status                    text
);
CREATE INDEX nummeraanduiding_vbo_idx ON model.nummeraanduiding (verblijfsobject_id);
CREATE INDEX nummeraanduiding_adres_idx ON model.nummeraanduiding (adres_sleutel);

CREATE TABLE model.persoon (
  pseudonym                 text PRIMARY KEY,
  key_version               integer NOT NULL
);

-- A registration of a person on an address, with its period. match_method records how the
-- address was found: vbo_id, num_id, adres, or none (then verblijfsobject_id is null).
CREATE TABLE model.inschrijving (
  pseudonym                 text NOT NULL,
  verblijfsobject_id        text,
  nummeraanduiding_id       text,
  functie_adres             char(1) NOT NULL,
  geldig_van                date,
  geldig_tot                date,
  match_method              text NOT NULL,
  adres_sleutel             text,
  source_line               integer NOT NULL
);
CREATE INDEX inschrijving_vbo_idx ON model.inschrijving (verblijfsobject_id);
CREATE INDEX inschrijving_persoon_idx ON model.inschrijving (pseudonym);

-- ------------------------------------------------------------------ rules and signals

CREATE TABLE pakhuis.rules (
  code          text PRIMARY KEY,
  title         text NOT NULL,
  rationale     text NOT NULL,
  norm          text NOT NULL,
  severity      text NOT NULL,
  parameters    jsonb NOT NULL,
  version       text NOT NULL,
  sql           text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A signal is a rule applied to a subject (usually a verblijfsobject). It lives across runs:
-- opened when first produced, kept open while produced, resolved when no longer produced.
CREATE TABLE pakhuis.signals (
  id                    bigserial PRIMARY KEY,
  rule_code             text NOT NULL,
  subject_key           text NOT NULL,
  verblijfsobject_id    text,
  severity              text NOT NULL,
  score                 numeric,
  evidence              jsonb NOT NULL,
  explanation           text NOT NULL,
  rule_version          text NOT NULL,
  status                text NOT NULL CHECK (status IN ('open', 'resolved')),
  first_seen_run        bigint NOT NULL,
  last_seen_run         bigint NOT NULL,
  first_seen_at         timestamptz NOT NULL,
  last_seen_at          timestamptz NOT NULL,
  resolved_run          bigint,
  resolved_at           timestamptz,
  worsened_run          bigint,
  UNIQUE (rule_code, subject_key)
);
CREATE INDEX signals_vbo_idx ON pakhuis.signals (verblijfsobject_id) WHERE status = 'open';

-- The normalised address key used for matching; staging values are already upper case and
-- stripped by the validators, so this only joins them (TypeScript: sources/validate.ts addressKey).
CREATE FUNCTION pakhuis.adres_sleutel(postcode text, huisnummer integer, huisletter text, toevoeging text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN postcode IS NULL OR huisnummer IS NULL THEN NULL
    ELSE postcode || '|' || huisnummer || '|' || coalesce(huisletter, '') || '|' || coalesce(toevoeging, '') END
$$;

-- ------------------------------------------------------------------ identity (restricted)

-- Names live here and nowhere else in the database, keyed by pseudonym. Only the
-- re-identification path reads it, and every read is audited.
CREATE TABLE identity.persoon (
  pseudonym       text PRIMARY KEY,
  key_version     integer NOT NULL,
  geslachtsnaam   text,
  voornamen       text,
  geboortedatum   text,
  naam            text,
  bron            text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
