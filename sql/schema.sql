-- The current schema, as the migrations in sql/migrations/ leave it: written by `npm run schema`
-- (bin/schema.ts) from the catalog of a freshly migrated database. Do not edit: change the schema
-- with a new migration and run `npm run schema`; tests/schema.test.ts fails until this file matches.
-- Objects are in name order, for reading and for diffs, not in an order that could be run.

-- ==============================================================================================
-- Schemas
-- ==============================================================================================

CREATE SCHEMA audit; -- owner pakhuis_owner
CREATE SCHEMA identity; -- owner pakhuis_owner
CREATE SCHEMA model; -- owner pakhuis_owner
CREATE SCHEMA pakhuis; -- owner pakhuis_owner
CREATE SCHEMA pakhuis_meta; -- owner postgres
CREATE SCHEMA reident; -- owner pakhuis_owner
CREATE SCHEMA signals; -- owner pakhuis_owner
CREATE SCHEMA staging; -- owner pakhuis_owner

-- ==============================================================================================
-- Tables
-- ==============================================================================================

CREATE TABLE audit.access_grants (
  login text NOT NULL,
  gemeentecode text NOT NULL,
  granted_by text NOT NULL,
  at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  CONSTRAINT access_grants_pkey PRIMARY KEY (login, gemeentecode),
  CONSTRAINT access_grants_gemeentecode_check CHECK (gemeentecode ~ '^[0-9]{4}$'::text),
  CONSTRAINT access_grants_login_check CHECK (login ~ '^[a-z_][a-z0-9_$-]{0,62}$'::text)
); -- owner pakhuis_owner

CREATE TABLE audit.access_log (
  id bigint DEFAULT nextval('audit.access_log_id_seq'::regclass) NOT NULL,
  action text NOT NULL,
  login text NOT NULL,
  gemeentecode text NOT NULL,
  by_user text DEFAULT SESSION_USER NOT NULL,
  stated_by text,
  at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  CONSTRAINT access_log_pkey PRIMARY KEY (id),
  CONSTRAINT access_log_action_check CHECK (action = ANY (ARRAY['toegekend'::text, 'ingetrokken'::text]))
); -- owner pakhuis_owner

CREATE TABLE audit.inzage (
  id bigint DEFAULT nextval('audit.inzage_id_seq'::regclass) NOT NULL,
  pseudonym text COLLATE "C",
  reason text NOT NULL,
  by_user text NOT NULL,
  stated_by text,
  at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  outcome text NOT NULL,
  refusal text,
  items_shown integer DEFAULT 0 NOT NULL,
  CONSTRAINT inzage_pkey PRIMARY KEY (id),
  CONSTRAINT inzage_outcome_check CHECK (outcome = ANY (ARRAY['getoond'::text, 'geweigerd'::text]))
); -- owner pakhuis_owner

CREATE TABLE audit.reidentification (
  id bigint DEFAULT nextval('audit.reidentification_id_seq'::regclass) NOT NULL,
  signal_id bigint NOT NULL,
  rule_code text,
  subject_key text,
  reason text NOT NULL,
  by_user text NOT NULL,
  persons_shown integer NOT NULL,
  at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  stated_by text,
  outcome text DEFAULT 'getoond'::text NOT NULL,
  refusal text,
  CONSTRAINT reidentification_pkey PRIMARY KEY (id),
  CONSTRAINT reidentification_outcome_check CHECK (outcome = ANY (ARRAY['getoond'::text, 'geweigerd'::text]))
); -- owner pakhuis_owner

CREATE TABLE identity.persoon (
  pseudonym text COLLATE "C" NOT NULL,
  key_version integer NOT NULL,
  geslachtsnaam text,
  voornamen text,
  geboortedatum text,
  naam text,
  bron text NOT NULL,
  updated_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  CONSTRAINT persoon_pkey PRIMARY KEY (pseudonym)
); -- owner pakhuis_owner

CREATE TABLE model.adres_index (
  adres_sleutel text COLLATE "C" NOT NULL,
  verblijfsobject_id text COLLATE "C" NOT NULL,
  nummeraanduiding_id text COLLATE "C" NOT NULL,
  CONSTRAINT adres_index_pkey PRIMARY KEY (adres_sleutel)
); -- owner pakhuis_owner

CREATE TABLE model.bewoning (
  verblijfsobject_id text COLLATE "C" NOT NULL,
  woonadressen integer NOT NULL,
  briefadressen integer NOT NULL,
  oudste_briefadres_aanvang date,
  nieuwste_briefadres_aanvang date,
  woonadressen_onzeker integer DEFAULT 0 NOT NULL,
  briefadressen_onzeker integer DEFAULT 0 NOT NULL,
  woon_via_object integer DEFAULT 0 NOT NULL,
  woon_via_nummeraanduiding integer DEFAULT 0 NOT NULL,
  woon_via_adres integer DEFAULT 0 NOT NULL,
  brief_via_object integer DEFAULT 0 NOT NULL,
  brief_via_nummeraanduiding integer DEFAULT 0 NOT NULL,
  brief_via_adres integer DEFAULT 0 NOT NULL,
  woon_pseudoniemen text[] COLLATE "C" DEFAULT '{}'::text[] NOT NULL,
  brief_pseudoniemen text[] COLLATE "C" DEFAULT '{}'::text[] NOT NULL,
  woon_koppelingen text[] DEFAULT '{}'::text[] NOT NULL,
  brief_koppelingen text[] DEFAULT '{}'::text[] NOT NULL,
  CONSTRAINT bewoning_pkey PRIMARY KEY (verblijfsobject_id)
); -- owner pakhuis_owner

CREATE TABLE model.damocles_zaak (
  zaaknummer text NOT NULL,
  verblijfsobject_id text COLLATE "C",
  nummeraanduiding_id text COLLATE "C",
  match_method text NOT NULL,
  adres_sleutel text COLLATE "C",
  object_type text,
  datum_constatering date,
  drugs_categorie text,
  besluit text,
  sluiting_start date,
  sluiting_einde date,
  source_line integer NOT NULL,
  opgegeven_verblijfsobject_id text COLLATE "C",
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT damocles_zaak_pkey PRIMARY KEY (gemeentecode, zaaknummer),
  CONSTRAINT damocles_zaak_besluit_check CHECK (besluit = ANY (ARRAY['waarschuwing'::text, 'sluiting'::text, 'last onder dwangsom'::text])),
  CONSTRAINT damocles_zaak_drugs_categorie_check CHECK (drugs_categorie = ANY (ARRAY['hard'::text, 'soft'::text, 'hennep'::text, 'voorbereidingshandelingen'::text])),
  CONSTRAINT damocles_zaak_match_method_check CHECK (match_method = ANY (ARRAY['vbo_id'::text, 'adres'::text, 'geen'::text])),
  CONSTRAINT damocles_zaak_object_type_check CHECK (object_type = ANY (ARRAY['woning'::text, 'lokaal'::text, 'erf'::text]))
); -- owner pakhuis_owner

CREATE TABLE model.inschrijving (
  pseudonym text COLLATE "C" NOT NULL,
  verblijfsobject_id text COLLATE "C",
  nummeraanduiding_id text COLLATE "C",
  functie_adres character(1) NOT NULL,
  geldig_van date,
  geldig_tot date,
  match_method text NOT NULL,
  adres_sleutel text COLLATE "C",
  source_line integer NOT NULL,
  opgegeven_verblijfsobject_id text COLLATE "C",
  persoonslijst text COLLATE "C",
  gesloten_door text,
  einde_onbekend boolean DEFAULT false NOT NULL,
  aanvang_onzeker boolean DEFAULT false NOT NULL,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT inschrijving_gesloten_door_check CHECK (gesloten_door = ANY (ARRAY['volgende'::text, 'volgende_elders'::text, 'overlijden'::text, 'opschorting'::text, 'niet_op_adres'::text]))
); -- owner pakhuis_owner

CREATE TABLE model.inschrijving_historie (
  pseudonym text COLLATE "C" NOT NULL,
  adres_ref text COLLATE "C" NOT NULL,
  verblijfsobject_id text COLLATE "C",
  functie_adres character(1) NOT NULL,
  geldig_van date,
  van_sleutel date NOT NULL,
  geldig_tot date,
  gesloten_door text,
  eerst_gezien_load bigint NOT NULL,
  laatst_gewijzigd_load bigint NOT NULL,
  CONSTRAINT inschrijving_historie_pkey PRIMARY KEY (pseudonym, adres_ref, functie_adres, van_sleutel),
  CONSTRAINT inschrijving_historie_gesloten_door_check CHECK (gesloten_door = ANY (ARRAY['export'::text, 'verdwenen'::text]))
); -- owner pakhuis_owner

CREATE TABLE model.melding (
  melding_id text NOT NULL,
  datum_ontvangen date NOT NULL,
  kanaal text NOT NULL,
  melder_referentie text,
  categorie text,
  verblijfsobject_id text COLLATE "C",
  nummeraanduiding_id text COLLATE "C",
  match_method text NOT NULL,
  adres_sleutel text COLLATE "C",
  opgegeven_verblijfsobject_id text COLLATE "C",
  vrije_tekst text,
  source_line integer NOT NULL,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT melding_pkey PRIMARY KEY (gemeentecode, melding_id),
  CONSTRAINT melding_categorie_check CHECK (categorie = ANY (ARRAY['drugs'::text, 'mensenhandel/uitbuiting'::text, 'witwassen'::text, 'huisvesting'::text, 'horeca'::text, 'vastgoed'::text, 'overig'::text])),
  CONSTRAINT melding_check CHECK (melder_referentie IS NULL OR (kanaal = ANY (ARRAY['intern'::text, 'partner'::text]))),
  CONSTRAINT melding_kanaal_check CHECK (kanaal = ANY (ARRAY['intern'::text, 'partner'::text, 'anoniem'::text, 'inwoner'::text])),
  CONSTRAINT melding_match_method_check CHECK (match_method = ANY (ARRAY['vbo_id'::text, 'adres'::text, 'geen'::text]))
); -- owner pakhuis_owner

CREATE TABLE model.nummeraanduiding (
  nummeraanduiding_id text COLLATE "C" NOT NULL,
  verblijfsobject_id text COLLATE "C",
  is_nevenadres boolean DEFAULT false NOT NULL,
  postcode text,
  huisnummer integer,
  huisletter text,
  huisnummertoevoeging text,
  adres_sleutel text COLLATE "C",
  openbareruimte text,
  woonplaats text,
  status text,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT nummeraanduiding_pkey PRIMARY KEY (nummeraanduiding_id)
); -- owner pakhuis_owner

CREATE TABLE model.partij (
  zaak_soort text NOT NULL,
  zaaknummer text NOT NULL,
  rol text NOT NULL,
  pseudonym text COLLATE "C",
  key_version integer,
  kvk text COLLATE "C",
  bedrijfsnaam text,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT partij_check CHECK ((pseudonym IS NULL) <> (kvk IS NULL)),
  CONSTRAINT partij_check1 CHECK (pseudonym IS NULL OR key_version IS NOT NULL),
  CONSTRAINT partij_check2 CHECK (bedrijfsnaam IS NULL OR pseudonym IS NULL),
  CONSTRAINT partij_check3 CHECK ((zaak_soort = 'vergunning'::text) = (rol = 'houder'::text)),
  CONSTRAINT partij_kvk_check CHECK (kvk ~ '^[0-9]{8}$'::text),
  CONSTRAINT partij_rol_check CHECK (rol = ANY (ARRAY['houder'::text, 'eigenaar'::text, 'huurder'::text])),
  CONSTRAINT partij_zaak_soort_check CHECK (zaak_soort = ANY (ARRAY['vergunning'::text, 'damocles'::text]))
); -- owner pakhuis_owner

CREATE TABLE model.persoon (
  pseudonym text COLLATE "C" NOT NULL,
  key_version integer NOT NULL,
  CONSTRAINT persoon_pkey PRIMARY KEY (pseudonym)
); -- owner pakhuis_owner

CREATE TABLE model.source_state (
  source text NOT NULL,
  load_id bigint NOT NULL,
  run_id bigint,
  published_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT source_state_pkey PRIMARY KEY (source, gemeentecode),
  CONSTRAINT source_state_load_id_fkey FOREIGN KEY (load_id) REFERENCES pakhuis.loads(id),
  CONSTRAINT source_state_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id) ON DELETE SET NULL
); -- owner pakhuis_owner

CREATE TABLE model.verblijfsobject (
  verblijfsobject_id text COLLATE "C" NOT NULL,
  object_type text NOT NULL,
  oppervlakte integer,
  gebruiksdoelen text[] DEFAULT '{}'::text[] NOT NULL,
  status text,
  pand_ids text[] DEFAULT '{}'::text[] NOT NULL,
  hoofdadres_id text COLLATE "C",
  rd_x double precision,
  rd_y double precision,
  lat double precision,
  lon double precision,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT verblijfsobject_pkey PRIMARY KEY (verblijfsobject_id)
); -- owner pakhuis_owner

CREATE TABLE model.vergunning (
  zaaknummer text NOT NULL,
  type text NOT NULL,
  verblijfsobject_id text COLLATE "C",
  nummeraanduiding_id text COLLATE "C",
  match_method text NOT NULL,
  adres_sleutel text COLLATE "C",
  geldig_van date,
  geldig_tot date,
  status text,
  source_line integer NOT NULL,
  opgegeven_verblijfsobject_id text COLLATE "C",
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT vergunning_pkey PRIMARY KEY (gemeentecode, zaaknummer),
  CONSTRAINT vergunning_match_method_check CHECK (match_method = ANY (ARRAY['vbo_id'::text, 'adres'::text, 'geen'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.baseline_counts (
  set_id bigint NOT NULL,
  rule_code text NOT NULL,
  new_signals integer,
  resolved_signals integer,
  open_signals integer,
  judged_vals_positief integer,
  judged_afgehandeld integer,
  meldingen_received integer,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT baseline_counts_pkey PRIMARY KEY (set_id, gemeentecode, rule_code),
  CONSTRAINT baseline_counts_set_id_fkey FOREIGN KEY (set_id) REFERENCES pakhuis.baseline_sets(id)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.baseline_sets (
  id bigint DEFAULT nextval('pakhuis.baseline_sets_id_seq'::regclass) NOT NULL,
  baseline_date date NOT NULL,
  month date NOT NULL,
  frozen_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  by_user text DEFAULT SESSION_USER NOT NULL,
  stated_by text,
  replaces bigint,
  CONSTRAINT baseline_sets_pkey PRIMARY KEY (id),
  CONSTRAINT baseline_sets_replaces_fkey FOREIGN KEY (replaces) REFERENCES pakhuis.baseline_sets(id)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.gemeenten (
  code text NOT NULL,
  naam text NOT NULL,
  CONSTRAINT gemeenten_pkey PRIMARY KEY (code),
  CONSTRAINT gemeenten_code_check CHECK (code ~ '^[0-9]{4}$'::text),
  CONSTRAINT gemeenten_naam_check CHECK (length(naam) >= 1 AND length(naam) <= 80)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.key_checks (
  key_version integer NOT NULL,
  check_value text NOT NULL,
  first_used_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  CONSTRAINT key_checks_pkey PRIMARY KEY (key_version),
  CONSTRAINT key_checks_check_value_check CHECK (check_value ~ '^[0-9a-f]{64}$'::text)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.loads (
  id bigint DEFAULT nextval('pakhuis.loads_id_seq'::regclass) NOT NULL,
  source text NOT NULL,
  format text NOT NULL,
  file_name text NOT NULL,
  sha256 text NOT NULL,
  bytes bigint NOT NULL,
  rows_read bigint NOT NULL,
  rows_staged bigint NOT NULL,
  rows_rejected bigint NOT NULL,
  run_id bigint,
  loaded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  archived_as text,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT loads_pkey PRIMARY KEY (id),
  CONSTRAINT loads_sha256_key UNIQUE (sha256),
  CONSTRAINT loads_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id) ON DELETE SET NULL,
  CONSTRAINT loads_gemeentecode_check CHECK (gemeentecode ~ '^[0-9]{4}$'::text),
  CONSTRAINT loads_source_check CHECK (source = ANY (ARRAY['brp'::text, 'bag'::text, 'permits'::text, 'damocles'::text, 'meldingen'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.melding_ledger (
  melding_id text NOT NULL,
  datum_ontvangen date NOT NULL,
  kanaal text NOT NULL,
  categorie text,
  first_seen_load bigint NOT NULL,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT melding_ledger_pkey PRIMARY KEY (gemeentecode, melding_id)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.overleg (
  month date NOT NULL,
  peildatum date NOT NULL,
  made_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  by_user text DEFAULT SESSION_USER NOT NULL,
  CONSTRAINT overleg_pkey PRIMARY KEY (month)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.pull_locations (
  source text NOT NULL,
  location text NOT NULL,
  last_attempt_at timestamp with time zone NOT NULL,
  last_success_at timestamp with time zone,
  last_fetch_at timestamp with time zone,
  last_error text,
  CONSTRAINT pull_locations_pkey PRIMARY KEY (source, location)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.pulled_files (
  id bigint DEFAULT nextval('pakhuis.pulled_files_id_seq'::regclass) NOT NULL,
  source text NOT NULL,
  location text NOT NULL,
  remote text NOT NULL,
  remote_size bigint,
  remote_mtime timestamp with time zone,
  etag text,
  last_modified text,
  bytes bigint NOT NULL,
  sha256 text NOT NULL,
  inbox_name text,
  run_id bigint,
  fetched_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  moved_to text,
  CONSTRAINT pulled_files_pkey PRIMARY KEY (id),
  CONSTRAINT pulled_files_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id) ON DELETE SET NULL
); -- owner pakhuis_owner

CREATE TABLE pakhuis.rejected_files (
  id bigint DEFAULT nextval('pakhuis.rejected_files_id_seq'::regclass) NOT NULL,
  run_id bigint,
  source text NOT NULL,
  file_name text NOT NULL,
  sha256 text,
  reason text NOT NULL,
  rejected_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  CONSTRAINT rejected_files_pkey PRIMARY KEY (id),
  CONSTRAINT rejected_files_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id) ON DELETE SET NULL
); -- owner pakhuis_owner

CREATE TABLE pakhuis.rejected_rows (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  location text NOT NULL,
  column_name text NOT NULL,
  reason text NOT NULL,
  raw jsonb NOT NULL,
  rejected_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  CONSTRAINT rejected_rows_load_id_fkey FOREIGN KEY (load_id) REFERENCES pakhuis.loads(id) ON DELETE CASCADE
); -- owner pakhuis_owner

CREATE TABLE pakhuis.report_attachments (
  outbox_id bigint NOT NULL,
  "position" integer NOT NULL,
  file_name text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  content_id text,
  CONSTRAINT report_attachments_pkey PRIMARY KEY (outbox_id, "position"),
  CONSTRAINT report_attachments_outbox_id_fkey FOREIGN KEY (outbox_id) REFERENCES pakhuis.report_outbox(id) ON DELETE CASCADE
); -- owner pakhuis_owner

CREATE TABLE pakhuis.report_outbox (
  id bigint DEFAULT nextval('pakhuis.report_outbox_id_seq'::regclass) NOT NULL,
  run_id bigint,
  created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  file_name text NOT NULL,
  file_path text,
  subject text,
  text_body text,
  html_body text,
  recipients text[] DEFAULT '{}'::text[] NOT NULL,
  status text NOT NULL,
  attempts integer DEFAULT 0 NOT NULL,
  last_error text,
  sent_at timestamp with time zone,
  message_id text,
  kind text DEFAULT 'nachtrapport'::text NOT NULL,
  report_date date,
  quiet boolean DEFAULT false NOT NULL,
  gemeentecode text,
  channel text DEFAULT 'email'::text NOT NULL,
  drop_name text,
  CONSTRAINT report_outbox_pkey PRIMARY KEY (id),
  CONSTRAINT report_outbox_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id) ON DELETE SET NULL,
  CONSTRAINT report_outbox_channel_check CHECK (channel = ANY (ARRAY['email'::text, 'file_drop'::text])),
  CONSTRAINT report_outbox_gemeentecode_check CHECK (gemeentecode ~ '^[0-9]{4}$'::text),
  CONSTRAINT report_outbox_kind_check CHECK (kind = ANY (ARRAY['nachtrapport'::text, 'overleg'::text])),
  CONSTRAINT report_outbox_payload CHECK (
CASE channel
    WHEN 'email'::text THEN subject IS NOT NULL AND text_body IS NOT NULL AND html_body IS NOT NULL AND drop_name IS NULL
    WHEN 'file_drop'::text THEN drop_name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$'::text AND drop_name !~ '\.\.'::text AND cardinality(recipients) = 0
    ELSE NULL::boolean
END),
  CONSTRAINT report_outbox_status_check CHECK (status = ANY (ARRAY['pending'::text, 'sent'::text, 'not_sent'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.report_signals (
  outbox_id bigint NOT NULL,
  signal_id bigint NOT NULL,
  score numeric,
  severity text NOT NULL,
  CONSTRAINT report_signals_pkey PRIMARY KEY (outbox_id, signal_id),
  CONSTRAINT report_signals_outbox_id_fkey FOREIGN KEY (outbox_id) REFERENCES pakhuis.report_outbox(id) ON DELETE CASCADE,
  CONSTRAINT report_signals_signal_id_fkey FOREIGN KEY (signal_id) REFERENCES pakhuis.signal_store(id) ON DELETE CASCADE
); -- owner pakhuis_owner

CREATE TABLE pakhuis.rules (
  code text NOT NULL,
  title text NOT NULL,
  rationale text NOT NULL,
  norm text NOT NULL,
  severity text NOT NULL,
  parameters jsonb NOT NULL,
  version text NOT NULL,
  sql text NOT NULL,
  published_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  over_gemeentegrens boolean DEFAULT false NOT NULL,
  CONSTRAINT rules_pkey PRIMARY KEY (code)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.run_steps (
  run_id bigint NOT NULL,
  step text NOT NULL,
  started_at timestamp with time zone NOT NULL,
  finished_at timestamp with time zone,
  status text NOT NULL,
  rows_in bigint,
  rows_out bigint,
  rows_rejected bigint,
  error text,
  details jsonb DEFAULT '{}'::jsonb NOT NULL,
  CONSTRAINT run_steps_pkey PRIMARY KEY (run_id, step),
  CONSTRAINT run_steps_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id) ON DELETE CASCADE,
  CONSTRAINT run_steps_status_check CHECK (status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'skipped'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.runs (
  id bigint DEFAULT nextval('pakhuis.runs_id_seq'::regclass) NOT NULL,
  trigger text NOT NULL,
  started_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  finished_at timestamp with time zone,
  status text DEFAULT 'running'::text NOT NULL,
  failed_step text,
  error text,
  warnings jsonb DEFAULT '[]'::jsonb NOT NULL,
  summary jsonb DEFAULT '{}'::jsonb NOT NULL,
  CONSTRAINT runs_pkey PRIMARY KEY (id),
  CONSTRAINT runs_status_check CHECK (status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.samenwerking (
  naam text NOT NULL,
  gemeente text NOT NULL,
  CONSTRAINT samenwerking_pkey PRIMARY KEY (naam, gemeente),
  CONSTRAINT samenwerking_gemeente_fkey FOREIGN KEY (gemeente) REFERENCES pakhuis.gemeenten(code) ON DELETE CASCADE,
  CONSTRAINT samenwerking_naam_check CHECK (length(naam) >= 1 AND length(naam) <= 80)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.settings (
  name text NOT NULL,
  value text NOT NULL,
  updated_run bigint,
  CONSTRAINT settings_pkey PRIMARY KEY (name)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.signal_candidates (
  run_id bigint NOT NULL,
  rule_code text NOT NULL,
  subject_key text NOT NULL,
  verblijfsobject_id text,
  severity text NOT NULL,
  score numeric,
  evidence jsonb NOT NULL,
  explanation text NOT NULL,
  rule_version text NOT NULL,
  persons jsonb,
  gemeentecode text
); -- owner pakhuis_owner

CREATE TABLE pakhuis.signal_history (
  id bigint DEFAULT nextval('pakhuis.signal_history_id_seq'::regclass) NOT NULL,
  signal_id bigint NOT NULL,
  run_id bigint NOT NULL,
  change text NOT NULL,
  severity text NOT NULL,
  score numeric,
  evidence jsonb NOT NULL,
  explanation text NOT NULL,
  rule_version text NOT NULL,
  last_seen_run bigint NOT NULL,
  CONSTRAINT signal_history_pkey PRIMARY KEY (id),
  CONSTRAINT signal_history_signal_id_fkey FOREIGN KEY (signal_id) REFERENCES pakhuis.signal_store(id) ON DELETE CASCADE,
  CONSTRAINT signal_history_change_check CHECK (change = ANY (ARRAY['verergerd'::text, 'terug'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.signal_persons (
  signal_id bigint NOT NULL,
  pseudonym text COLLATE "C" NOT NULL,
  rol text NOT NULL,
  CONSTRAINT signal_persons_pkey PRIMARY KEY (signal_id, pseudonym, rol),
  CONSTRAINT signal_persons_signal_id_fkey FOREIGN KEY (signal_id) REFERENCES pakhuis.signal_store(id) ON DELETE CASCADE,
  CONSTRAINT signal_persons_pseudonym_check CHECK (pseudonym ~ '^[0-9a-f]{64}$'::text),
  CONSTRAINT signal_persons_rol_check CHECK (rol ~ '^[a-z][a-z -]{1,39}$'::text)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.signal_store (
  id bigint DEFAULT nextval('pakhuis.signal_store_id_seq'::regclass) NOT NULL,
  rule_code text NOT NULL,
  subject_key text NOT NULL,
  verblijfsobject_id text,
  severity text NOT NULL,
  score numeric,
  evidence jsonb NOT NULL,
  explanation text NOT NULL,
  rule_version text NOT NULL,
  status text NOT NULL,
  first_seen_run bigint NOT NULL,
  last_seen_run bigint NOT NULL,
  first_seen_at timestamp with time zone NOT NULL,
  last_seen_at timestamp with time zone NOT NULL,
  resolved_run bigint,
  resolved_at timestamp with time zone,
  worsened_run bigint,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT signals_pkey PRIMARY KEY (id),
  CONSTRAINT signals_rule_code_subject_key_key UNIQUE (rule_code, subject_key),
  CONSTRAINT signal_store_gemeentecode_check CHECK (gemeentecode ~ '^[0-9]{4}$'::text),
  CONSTRAINT signals_status_check CHECK (status = ANY (ARRAY['open'::text, 'resolved'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.terugkoppeling_log (
  id bigint DEFAULT nextval('pakhuis.terugkoppeling_log_id_seq'::regclass) NOT NULL,
  melding_id text NOT NULL,
  status text NOT NULL,
  note text,
  by_user text NOT NULL,
  stated_by text,
  at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT terugkoppeling_log_pkey PRIMARY KEY (id),
  CONSTRAINT terugkoppeling_log_status_check CHECK (status = ANY (ARRAY['ontvangen'::text, 'in_behandeling'::text, 'teruggekoppeld'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.trend_rule_counts (
  run_id bigint NOT NULL,
  rule_code text NOT NULL,
  new_signals integer NOT NULL,
  resolved_signals integer NOT NULL,
  open_signals integer NOT NULL,
  judged_vals_positief integer NOT NULL,
  judged_afgehandeld integer NOT NULL,
  gemeentecode text DEFAULT '0000'::text NOT NULL,
  CONSTRAINT trend_rule_counts_pkey PRIMARY KEY (run_id, gemeentecode, rule_code),
  CONSTRAINT trend_rule_counts_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.trend_runs(run_id)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.trend_runs (
  run_id bigint NOT NULL,
  peildatum date NOT NULL,
  triage_log_upto bigint NOT NULL,
  CONSTRAINT trend_runs_pkey PRIMARY KEY (run_id),
  CONSTRAINT trend_runs_run_id_fkey FOREIGN KEY (run_id) REFERENCES pakhuis.runs(id)
); -- owner pakhuis_owner

CREATE TABLE pakhuis.triage (
  rule_code text NOT NULL,
  subject_key text NOT NULL,
  status text NOT NULL,
  note text,
  by_user text NOT NULL,
  stated_by text,
  at timestamp with time zone NOT NULL,
  score numeric,
  assigned_to text,
  CONSTRAINT triage_pkey PRIMARY KEY (rule_code, subject_key),
  CONSTRAINT triage_assigned_to_check CHECK (length(assigned_to) <= 200),
  CONSTRAINT triage_note_check CHECK (length(note) <= 2000),
  CONSTRAINT triage_status_check CHECK (status = ANY (ARRAY['in_onderzoek'::text, 'vals_positief'::text, 'afgehandeld'::text]))
); -- owner pakhuis_owner

CREATE TABLE pakhuis.triage_log (
  id bigint DEFAULT nextval('pakhuis.triage_log_id_seq'::regclass) NOT NULL,
  signal_id bigint NOT NULL,
  status text NOT NULL,
  note text,
  by_user text NOT NULL,
  at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  stated_by text,
  rule_code text,
  subject_key text,
  assigned_to text,
  CONSTRAINT triage_log_pkey PRIMARY KEY (id)
); -- owner pakhuis_owner

CREATE TABLE pakhuis_meta.deferred_indexes (
  tbl text NOT NULL,
  ddl text NOT NULL,
  is_constraint boolean NOT NULL
); -- owner postgres

CREATE TABLE pakhuis_meta.function_grants (
  function_signature text NOT NULL,
  role_name text NOT NULL,
  CONSTRAINT function_grants_pkey PRIMARY KEY (function_signature, role_name),
  CONSTRAINT function_grants_role_name_check CHECK (role_name = ANY (ARRAY['pakhuis_etl'::text, 'pakhuis_analyst'::text, 'pakhuis_reident'::text]))
); -- owner postgres

CREATE TABLE pakhuis_meta.migrations (
  id integer NOT NULL,
  name text NOT NULL,
  applied_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT migrations_pkey PRIMARY KEY (id)
); -- owner postgres

CREATE TABLE pakhuis_meta.private_columns (
  table_name text NOT NULL,
  column_name text NOT NULL,
  why text NOT NULL,
  CONSTRAINT private_columns_pkey PRIMARY KEY (table_name, column_name)
); -- owner postgres

CREATE TABLE staging.bag_num (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  nummeraanduiding_id text COLLATE "C" NOT NULL,
  postcode text,
  huisnummer integer,
  huisletter text,
  huisnummertoevoeging text,
  openbareruimte text,
  woonplaats text,
  status text
); -- owner pakhuis_owner

CREATE TABLE staging.bag_vbo (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  verblijfsobject_id text COLLATE "C" NOT NULL,
  object_type text NOT NULL,
  oppervlakte integer,
  gebruiksdoelen text[] DEFAULT '{}'::text[] NOT NULL,
  status text,
  pand_ids text[] DEFAULT '{}'::text[] NOT NULL,
  rd_x double precision,
  rd_y double precision,
  lat double precision,
  lon double precision
); -- owner pakhuis_owner

CREATE TABLE staging.bag_vbo_num (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  verblijfsobject_id text COLLATE "C" NOT NULL,
  nummeraanduiding_id text COLLATE "C" NOT NULL,
  is_nevenadres boolean NOT NULL
); -- owner pakhuis_owner

CREATE TABLE staging.brp (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  historie_index integer DEFAULT 0 NOT NULL,
  pseudonym text COLLATE "C" NOT NULL,
  key_version integer NOT NULL,
  geslachtsnaam text,
  voornamen text,
  geboortedatum text,
  functie_adres character(1),
  datum_aanvang date,
  datum_aanvang_raw text,
  postcode text,
  huisnummer integer,
  huisletter text,
  huisnummertoevoeging text,
  verblijfsobject_id text COLLATE "C",
  nummeraanduiding_id text COLLATE "C",
  gemeente text,
  persoonslijst text COLLATE "C",
  soort text DEFAULT 'adres'::text NOT NULL,
  onjuist boolean DEFAULT false NOT NULL,
  land text,
  datum_overlijden text,
  datum_opschorting text,
  reden_opschorting text,
  niet_op_adres_vanaf text,
  volgende_index integer,
  volgende_aanvang text,
  CONSTRAINT brp_functie_adres_check CHECK (functie_adres = ANY (ARRAY['W'::bpchar, 'B'::bpchar])),
  CONSTRAINT brp_soort_check CHECK (soort = ANY (ARRAY['adres'::text, 'zonder_postcode'::text, 'locatie'::text, 'buitenland'::text, 'onbekend'::text]))
); -- owner pakhuis_owner

CREATE TABLE staging.damocles (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  zaaknummer text NOT NULL,
  verblijfsobject_id text COLLATE "C",
  postcode text,
  huisnummer integer,
  huisletter text,
  huisnummertoevoeging text,
  object_type text,
  datum_constatering date,
  drugs_categorie text,
  besluit text,
  sluiting_start date,
  sluiting_einde date,
  eigenaar_pseudonym text,
  eigenaar_kvk text,
  eigenaar_naam text,
  huurder_pseudonym text,
  huurder_kvk text,
  huurder_naam text,
  key_version integer
); -- owner pakhuis_owner

CREATE TABLE staging.meldingen (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  melding_id text NOT NULL,
  datum_ontvangen date NOT NULL,
  kanaal text NOT NULL,
  melder_referentie text,
  categorie text,
  verblijfsobject_id text COLLATE "C",
  postcode text,
  huisnummer integer,
  huisletter text,
  huisnummertoevoeging text,
  vrije_tekst text
); -- owner pakhuis_owner

CREATE TABLE staging.permits (
  load_id bigint NOT NULL,
  line integer NOT NULL,
  zaaknummer text NOT NULL,
  vergunning_type text NOT NULL,
  verblijfsobject_id text COLLATE "C",
  postcode text,
  huisnummer integer,
  huisletter text,
  huisnummertoevoeging text,
  houder_pseudonym text,
  houder_kvk text,
  houder_naam text,
  key_version integer,
  datum_verleend date,
  geldig_tot date,
  status text
); -- owner pakhuis_owner

-- ==============================================================================================
-- Indexes (those behind a primary key, unique or exclusion constraint are in the table)
-- ==============================================================================================

CREATE INDEX damocles_zaak_vbo_idx ON model.damocles_zaak USING btree (verblijfsobject_id);
CREATE INDEX inschrijving_persoon_idx ON model.inschrijving USING btree (pseudonym);
CREATE INDEX inschrijving_vbo_idx ON model.inschrijving USING btree (verblijfsobject_id);
CREATE INDEX inschrijving_historie_vbo_idx ON model.inschrijving_historie USING btree (verblijfsobject_id, geldig_van);
CREATE INDEX melding_vbo_idx ON model.melding USING btree (verblijfsobject_id);
CREATE INDEX nummeraanduiding_adres_idx ON model.nummeraanduiding USING btree (adres_sleutel);
CREATE INDEX nummeraanduiding_vbo_idx ON model.nummeraanduiding USING btree (verblijfsobject_id);
CREATE INDEX partij_kvk_idx ON model.partij USING btree (kvk) WHERE (kvk IS NOT NULL);
CREATE INDEX partij_pseudonym_idx ON model.partij USING btree (pseudonym) WHERE (pseudonym IS NOT NULL);
CREATE UNIQUE INDEX partij_uniek_idx ON model.partij USING btree (gemeentecode, zaak_soort, zaaknummer, rol, COALESCE(pseudonym, kvk));
CREATE INDEX vergunning_vbo_idx ON model.vergunning USING btree (verblijfsobject_id);
CREATE INDEX loads_source_gemeente_idx ON pakhuis.loads USING btree (source, gemeentecode, id DESC);
CREATE INDEX loads_source_idx ON pakhuis.loads USING btree (source, id DESC);
CREATE INDEX pulled_files_location_idx ON pakhuis.pulled_files USING btree (location, id DESC);
CREATE INDEX pulled_files_remote_idx ON pakhuis.pulled_files USING btree (remote, id DESC);
CREATE INDEX rejected_rows_load_idx ON pakhuis.rejected_rows USING btree (load_id);
CREATE INDEX report_signals_signal_idx ON pakhuis.report_signals USING btree (signal_id);
CREATE INDEX signal_history_run_idx ON pakhuis.signal_history USING btree (run_id);
CREATE INDEX signal_history_signal_idx ON pakhuis.signal_history USING btree (signal_id, id);
CREATE INDEX signal_store_gemeente_idx ON pakhuis.signal_store USING btree (gemeentecode);
CREATE INDEX signals_vbo_idx ON pakhuis.signal_store USING btree (verblijfsobject_id) WHERE (status = 'open'::text);
CREATE INDEX terugkoppeling_log_gemeente_melding_idx ON pakhuis.terugkoppeling_log USING btree (gemeentecode, melding_id, id DESC);
CREATE INDEX terugkoppeling_log_melding_idx ON pakhuis.terugkoppeling_log USING btree (melding_id, id DESC);
CREATE INDEX trend_runs_peildatum_idx ON pakhuis.trend_runs USING btree (peildatum);
CREATE INDEX triage_log_identity_idx ON pakhuis.triage_log USING btree (rule_code, subject_key, id);
CREATE INDEX staging_bag_num_load_brin ON staging.bag_num USING brin (load_id);
CREATE INDEX staging_bag_vbo_load_brin ON staging.bag_vbo USING brin (load_id);
CREATE INDEX staging_bag_vbo_num_load_brin ON staging.bag_vbo_num USING brin (load_id);
CREATE INDEX staging_brp_load_brin ON staging.brp USING brin (load_id);
CREATE INDEX staging_damocles_load_idx ON staging.damocles USING btree (load_id);
CREATE INDEX staging_meldingen_load_idx ON staging.meldingen USING btree (load_id);
CREATE INDEX staging_permits_load_idx ON staging.permits USING btree (load_id);

-- ==============================================================================================
-- Sequences (other than those of identity columns)
-- ==============================================================================================

-- ==============================================================================================
-- Views
-- ==============================================================================================

-- owner pakhuis_owner
CREATE VIEW pakhuis.signal_addresses AS
 WITH given AS (
         SELECT s.id,
            s.verblijfsobject_id,
            s.rule_code,
            s.subject_key,
            s.evidence,
            s.verblijfsobject_id IS NULL AND s.rule_code = 'ADRES_ONBEKEND'::text AS as_given,
            s.subject_key ~ '^[^|:]*\|[0-9]+\|[^|]*\|[^|]*$'::text AS keyed
           FROM ( SELECT s0.id,
                    s0.verblijfsobject_id,
                    s0.rule_code,
                    regexp_replace(s0.subject_key, '^[0-9]{4}/'::text, ''::text) AS subject_key,
                    s0.evidence,
                    s0.gemeentecode
                   FROM pakhuis.signal_store s0) s
        )
 SELECT g.id AS signal_id,
        CASE
            WHEN g.verblijfsobject_id IS NOT NULL THEN g.verblijfsobject_id
            WHEN g.as_given THEN g.subject_key
            ELSE NULL::text
        END AS address_key,
        CASE
            WHEN g.verblijfsobject_id IS NOT NULL THEN 'bag'::text
            WHEN g.as_given THEN 'opgegeven'::text
            ELSE NULL::text
        END AS address_source,
        CASE
            WHEN g.as_given AND g.keyed THEN NULLIF(split_part(g.subject_key, '|'::text, 1), ''::text)
            ELSE n.postcode
        END AS postcode,
        CASE
            WHEN g.as_given AND g.keyed THEN split_part(g.subject_key, '|'::text, 2)::integer
            ELSE n.huisnummer
        END AS huisnummer,
        CASE
            WHEN g.as_given AND g.keyed THEN NULLIF(split_part(g.subject_key, '|'::text, 3), ''::text)
            ELSE n.huisletter
        END AS huisletter,
        CASE
            WHEN g.as_given AND g.keyed THEN NULLIF(split_part(g.subject_key, '|'::text, 4), ''::text)
            ELSE n.huisnummertoevoeging
        END AS huisnummertoevoeging,
    n.openbareruimte AS straat,
    n.woonplaats,
        CASE
            WHEN g.verblijfsobject_id IS NOT NULL THEN NULLIF(concat_ws(', '::text, NULLIF(concat_ws(' '::text, n.openbareruimte, (n.huisnummer::text || COALESCE(n.huisletter, ''::text)) || COALESCE('-'::text || n.huisnummertoevoeging, ''::text)), ''::text), NULLIF(concat_ws(' '::text, n.postcode, n.woonplaats), ''::text)), ''::text)
            WHEN g.as_given THEN COALESCE(g.evidence ->> 'adres'::text, g.subject_key) || ' (zoals opgegeven, niet in de BAG)'::text
            ELSE NULL::text
        END AS adres,
    v.lat,
    v.lon
   FROM given g
     LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = g.verblijfsobject_id
     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id;

-- owner pakhuis_owner
CREATE VIEW pakhuis.signals WITH (security_barrier=true) AS
 SELECT s.id,
    s.rule_code,
    s.subject_key,
    s.verblijfsobject_id,
    s.severity,
    s.score,
    s.evidence,
    s.explanation,
    s.rule_version,
    s.status,
    s.first_seen_run,
    s.last_seen_run,
    s.first_seen_at,
    s.last_seen_at,
    s.resolved_run,
    s.resolved_at,
    s.worsened_run,
    t.status AS triage_status,
        CASE
            WHEN pg_has_role(CURRENT_USER, 'pakhuis_analyst'::name, 'MEMBER'::text) THEN t.note
            ELSE NULL::text
        END AS triage_note,
    t.by_user AS triage_by,
    t.at AS triage_at,
    t.score AS triage_score,
    s.gemeentecode,
    signals.gemeente_naam(s.gemeentecode) AS gemeente_naam
   FROM pakhuis.signal_store s
     LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key
  WHERE signals.zichtbaar(s.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.addresses WITH (security_barrier=true) AS
 SELECT w.address_key,
    w.address_source,
    w.verblijfsobject_id,
    w.adres,
    w.straat,
    w.huisnummer,
    w.huisletter,
    w.huisnummertoevoeging,
    w.postcode,
    w.woonplaats,
    w.score,
    w.highest_severity,
    w.open_signals,
    w.resolved_signals,
    w.open_rule_codes,
    w.all_rule_codes,
    w.signal_ids,
    w.triage_statuses,
    w.first_seen_at,
    w.last_change_at,
    w.explanation,
    w.overdue,
    w.lat,
    w.lon,
    g.gemeentecode,
    signals.gemeente_naam(g.gemeentecode) AS gemeente_naam
   FROM ( WITH per_signal AS (
                 SELECT d.signal_id,
                    d.rule_code,
                    d.rule_title,
                    d.subject_key,
                    d.verblijfsobject_id,
                    d.severity,
                    d.status,
                    d.explanation,
                    d.evidence,
                    d.rule_version,
                    d.first_seen_at,
                    d.last_seen_at,
                    d.resolved_at,
                    d.first_seen_run,
                    d.last_seen_run,
                    d.triage_status,
                    d.triage_note,
                    d.triage_by,
                    d.triage_at,
                    d.score,
                    d.worsened_run,
                    d.resolved_run,
                    d.previous_severity,
                    d.previous_score,
                    d.previous_explanation,
                    d.address_key,
                    d.address_source,
                    d.adres,
                    d.straat,
                    d.huisnummer,
                    d.huisletter,
                    d.huisnummertoevoeging,
                    d.postcode,
                    d.woonplaats,
                    d.assigned_to,
                    d.in_onderzoek_since,
                    d.status_due,
                    d.result_due,
                    d.status_overdue,
                    d.result_overdue,
                        CASE d.severity
                            WHEN 'hoog'::text THEN 3
                            WHEN 'midden'::text THEN 2
                            WHEN 'laag'::text THEN 1
                            ELSE 0
                        END AS rank,
                    d.status = 'open'::text AND (COALESCE(d.triage_status, ''::text) <> ALL (ARRAY['vals_positief'::text, 'afgehandeld'::text])) AS counts
                   FROM signals.signal_details d
                  WHERE d.address_key IS NOT NULL
                ), per_address AS (
                 SELECT per_signal.address_key,
                    sum(per_signal.rank) FILTER (WHERE per_signal.counts)::integer AS score,
                    max(per_signal.rank) FILTER (WHERE per_signal.status = 'open'::text) AS open_rank,
                    count(*) FILTER (WHERE per_signal.status = 'open'::text)::integer AS open_signals,
                    count(*) FILTER (WHERE per_signal.status = 'resolved'::text)::integer AS resolved_signals,
                    array_agg(DISTINCT per_signal.rule_code ORDER BY per_signal.rule_code) FILTER (WHERE per_signal.status = 'open'::text) AS open_rule_codes,
                    array_agg(DISTINCT per_signal.rule_code ORDER BY per_signal.rule_code) AS all_rule_codes,
                    array_agg(per_signal.signal_id ORDER BY per_signal.signal_id) AS signal_ids,
                    array_agg(DISTINCT COALESCE(per_signal.triage_status, 'nieuw'::text) ORDER BY (COALESCE(per_signal.triage_status, 'nieuw'::text))) FILTER (WHERE per_signal.status = 'open'::text) AS triage_statuses,
                    min(per_signal.first_seen_at) AS first_seen_at,
                    max(GREATEST(per_signal.last_seen_at, per_signal.resolved_at)) AS last_change_at,
                    string_agg((per_signal.rule_code || ': '::text) || per_signal.explanation, '
'::text ORDER BY per_signal.rule_code) FILTER (WHERE per_signal.status = 'open'::text) AS explanation,
                    bool_or(per_signal.status_overdue OR per_signal.result_overdue) AS overdue,
                    (array_agg(per_signal.signal_id ORDER BY per_signal.signal_id))[1] AS any_signal
                   FROM per_signal
                  GROUP BY per_signal.address_key
                )
         SELECT p.address_key,
            a.address_source,
                CASE
                    WHEN a.address_source = 'bag'::text THEN p.address_key
                    ELSE NULL::text
                END AS verblijfsobject_id,
            a.adres,
            a.straat,
            a.huisnummer,
            a.huisletter,
            a.huisnummertoevoeging,
            a.postcode,
            a.woonplaats,
            COALESCE(p.score, 0) AS score,
                CASE p.open_rank
                    WHEN 3 THEN 'hoog'::text
                    WHEN 2 THEN 'midden'::text
                    WHEN 1 THEN 'laag'::text
                    ELSE NULL::text
                END AS highest_severity,
            p.open_signals,
            p.resolved_signals,
            COALESCE(p.open_rule_codes, '{}'::text[]) AS open_rule_codes,
            p.all_rule_codes,
            p.signal_ids,
            COALESCE(p.triage_statuses, '{}'::text[]) AS triage_statuses,
            p.first_seen_at,
            p.last_change_at,
            p.explanation,
            COALESCE(p.overdue, false) AS overdue,
            a.lat,
            a.lon
           FROM per_address p
             JOIN pakhuis.signal_addresses a ON a.signal_id = p.any_signal) w
     LEFT JOIN pakhuis.signal_store g ON g.id = w.signal_ids[1]
  WHERE signals.zichtbaar(g.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.flagged_addresses WITH (security_barrier=true) AS
 SELECT f.verblijfsobject_id,
    f.postcode,
    f.huisnummer,
    f.huisletter,
    f.huisnummertoevoeging,
    f.straat,
    f.woonplaats,
    f.oppervlakte,
    f.gebruiksdoelen,
    f.bag_status,
    f.registered_persons,
    f.rule_codes,
    f.highest_severity,
    f.signal_count,
    f.first_seen_at,
    f.explanation,
    f.triage_statuses,
    f.permits,
    f.damocles_cases,
    f.rd_x,
    f.rd_y,
    f.lat,
    f.lon,
    f.meldingen,
    f.latest_melding,
    v.gemeentecode,
    signals.gemeente_naam(v.gemeentecode) AS gemeente_naam
   FROM ( SELECT f_1.verblijfsobject_id,
            f_1.postcode,
            f_1.huisnummer,
            f_1.huisletter,
            f_1.huisnummertoevoeging,
            f_1.straat,
            f_1.woonplaats,
            f_1.oppervlakte,
            f_1.gebruiksdoelen,
            f_1.bag_status,
            f_1.registered_persons,
            f_1.rule_codes,
            f_1.highest_severity,
            f_1.signal_count,
            f_1.first_seen_at,
            f_1.explanation,
            f_1.triage_statuses,
            f_1.permits,
            f_1.damocles_cases,
            f_1.rd_x,
            f_1.rd_y,
            f_1.lat,
            f_1.lon,
            COALESCE(m.meldingen, 0::bigint) AS meldingen,
            m.latest_melding
           FROM ( WITH open_signals AS (
                         SELECT signals.verblijfsobject_id,
                            array_agg(DISTINCT signals.rule_code ORDER BY signals.rule_code) AS rule_codes,
                            max(
                                CASE signals.severity
                                    WHEN 'hoog'::text THEN 3
                                    WHEN 'midden'::text THEN 2
                                    ELSE 1
                                END) AS severity_rank,
                            min(signals.first_seen_at) AS first_seen_at,
                            count(*) AS signal_count,
                            string_agg((signals.rule_code || ': '::text) || signals.explanation, '
'::text ORDER BY signals.rule_code) AS explanation,
                            array_agg(DISTINCT COALESCE(signals.triage_status, 'nieuw'::text) ORDER BY (COALESCE(signals.triage_status, 'nieuw'::text))) AS triage_statuses
                           FROM pakhuis.signals
                          WHERE signals.status = 'open'::text AND signals.verblijfsobject_id IS NOT NULL
                          GROUP BY signals.verblijfsobject_id
                        ), bewoners AS (
                         SELECT inschrijving.verblijfsobject_id,
                            count(DISTINCT inschrijving.pseudonym) AS registered_persons
                           FROM model.inschrijving
                          WHERE inschrijving.geldig_tot IS NULL AND (inschrijving.verblijfsobject_id IN ( SELECT open_signals.verblijfsobject_id
                                   FROM open_signals))
                          GROUP BY inschrijving.verblijfsobject_id
                        ), vergunningen AS (
                         SELECT vergunning.verblijfsobject_id,
                            count(*) AS permits
                           FROM model.vergunning
                          WHERE (vergunning.verblijfsobject_id IN ( SELECT open_signals.verblijfsobject_id
                                   FROM open_signals))
                          GROUP BY vergunning.verblijfsobject_id
                        ), zaken AS (
                         SELECT damocles_zaak.verblijfsobject_id,
                            count(*) AS damocles_cases
                           FROM model.damocles_zaak
                          WHERE (damocles_zaak.verblijfsobject_id IN ( SELECT open_signals.verblijfsobject_id
                                   FROM open_signals))
                          GROUP BY damocles_zaak.verblijfsobject_id
                        )
                 SELECT o.verblijfsobject_id,
                    n.postcode,
                    n.huisnummer,
                    n.huisletter,
                    n.huisnummertoevoeging,
                    n.openbareruimte AS straat,
                    n.woonplaats,
                    v_1.oppervlakte,
                    v_1.gebruiksdoelen,
                    v_1.status AS bag_status,
                    COALESCE(b.registered_persons, 0::bigint) AS registered_persons,
                    o.rule_codes,
                        CASE o.severity_rank
                            WHEN 3 THEN 'hoog'::text
                            WHEN 2 THEN 'midden'::text
                            ELSE 'laag'::text
                        END AS highest_severity,
                    o.signal_count,
                    o.first_seen_at,
                    o.explanation,
                    o.triage_statuses,
                    COALESCE(g.permits, 0::bigint) AS permits,
                    COALESCE(z.damocles_cases, 0::bigint) AS damocles_cases,
                    v_1.rd_x,
                    v_1.rd_y,
                    v_1.lat,
                    v_1.lon
                   FROM open_signals o
                     LEFT JOIN model.verblijfsobject v_1 ON v_1.verblijfsobject_id = o.verblijfsobject_id
                     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v_1.hoofdadres_id
                     LEFT JOIN bewoners b ON b.verblijfsobject_id = o.verblijfsobject_id
                     LEFT JOIN vergunningen g ON g.verblijfsobject_id = o.verblijfsobject_id
                     LEFT JOIN zaken z ON z.verblijfsobject_id = o.verblijfsobject_id) f_1
             LEFT JOIN ( SELECT melding.verblijfsobject_id,
                    count(*) AS meldingen,
                    max(melding.datum_ontvangen) AS latest_melding
                   FROM model.melding
                  WHERE melding.verblijfsobject_id IS NOT NULL
                  GROUP BY melding.verblijfsobject_id) m ON m.verblijfsobject_id = f_1.verblijfsobject_id) f
     JOIN model.verblijfsobject v ON v.verblijfsobject_id = f.verblijfsobject_id
  WHERE signals.zichtbaar(v.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.meldingen WITH (security_barrier=true) AS
 SELECT m.melding_id,
    m.datum_ontvangen,
    m.kanaal,
    m.melder_referentie,
    m.categorie,
    m.verblijfsobject_id,
    COALESCE(n.postcode, split_part(m.adres_sleutel, '|'::text, 1)) AS postcode,
    COALESCE(n.huisnummer, NULLIF(split_part(m.adres_sleutel, '|'::text, 2), ''::text)::integer) AS huisnummer,
    COALESCE(n.huisletter, NULLIF(split_part(m.adres_sleutel, '|'::text, 3), ''::text)) AS huisletter,
    COALESCE(n.huisnummertoevoeging, NULLIF(split_part(m.adres_sleutel, '|'::text, 4), ''::text)) AS huisnummertoevoeging,
    n.openbareruimte AS straat,
    n.woonplaats,
    m.match_method,
    COALESCE(t.status, 'ontvangen'::text) AS terugkoppeling,
    t.at AS terugkoppeling_at,
    t.by_user AS terugkoppeling_door,
    ( SELECT array_agg(DISTINCT s.rule_code ORDER BY s.rule_code) AS array_agg
           FROM pakhuis.signals s
          WHERE s.status = 'open'::text AND s.verblijfsobject_id = m.verblijfsobject_id) AS open_signals,
        CASE
            WHEN pg_has_role(CURRENT_USER, 'pakhuis_analyst'::name, 'MEMBER'::text) THEN m.vrije_tekst
            ELSE NULL::text
        END AS vrije_tekst,
    m.gemeentecode,
    signals.gemeente_naam(m.gemeentecode) AS gemeente_naam
   FROM model.melding m
     LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = m.verblijfsobject_id
     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
     LEFT JOIN LATERAL ( SELECT l.status,
            l.at,
            l.by_user
           FROM pakhuis.terugkoppeling_log l
          WHERE l.gemeentecode = m.gemeentecode AND l.melding_id = m.melding_id
          ORDER BY l.id DESC
         LIMIT 1) t ON true
  WHERE signals.zichtbaar(m.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.rules WITH (security_barrier=true) AS
 SELECT r.code,
    r.title,
    r.rationale,
    r.norm,
    r.severity,
    r.parameters,
    r.version,
    r.published_at,
    g.code AS gemeentecode,
    g.naam AS gemeente_naam,
        CASE
            WHEN r.over_gemeentegrens THEN ( SELECT string_agg(DISTINCT s.naam, '; '::text ORDER BY s.naam) AS string_agg
               FROM pakhuis.samenwerking s
              WHERE s.gemeente = g.code)
            ELSE NULL::text
        END AS samenwerking
   FROM pakhuis.rules r
     CROSS JOIN ( SELECT gemeenten.code,
            gemeenten.naam
           FROM pakhuis.gemeenten
        UNION
         SELECT '0000'::text,
            'gemeente'::text
          WHERE NOT (EXISTS ( SELECT 1
                   FROM pakhuis.gemeenten))) g
  WHERE signals.zichtbaar(g.code);

-- owner pakhuis_owner
CREATE VIEW signals.runs WITH (security_barrier=true) AS
 SELECT r.id AS run_id,
    r.trigger,
    r.started_at,
    r.finished_at,
    r.status,
    (EXISTS ( SELECT 1
           FROM pakhuis.run_steps st
          WHERE st.run_id = r.id AND st.step = 'publish'::text AND st.status = 'succeeded'::text)) AS published,
    tr.peildatum,
    r.failed_step,
    r.error,
    ARRAY( SELECT jsonb_array_elements_text(r.warnings) AS jsonb_array_elements_text) AS warnings,
    ( SELECT count(*)::integer AS count
           FROM pakhuis.loads l
          WHERE l.run_id = r.id AND l.gemeentecode = g.code) AS files,
    ( SELECT COALESCE(sum(l.rows_staged), 0::numeric)::integer AS "coalesce"
           FROM pakhuis.loads l
          WHERE l.run_id = r.id AND l.gemeentecode = g.code) AS rows_loaded,
    ( SELECT COALESCE(sum(l.rows_rejected), 0::numeric)::integer AS "coalesce"
           FROM pakhuis.loads l
          WHERE l.run_id = r.id AND l.gemeentecode = g.code) AS rows_rejected,
        CASE
            WHEN tr.run_id IS NOT NULL THEN ( SELECT count(*)::integer AS count
               FROM pakhuis.signal_store s
              WHERE s.first_seen_run = r.id AND s.gemeentecode = g.code)
            ELSE NULL::integer
        END AS new_signals,
        CASE
            WHEN tr.run_id IS NOT NULL THEN ( SELECT count(*)::integer AS count
               FROM pakhuis.signal_store s
              WHERE s.worsened_run = r.id AND s.first_seen_run <> r.id AND s.gemeentecode = g.code)
            ELSE NULL::integer
        END AS worsened_signals,
        CASE
            WHEN tr.run_id IS NOT NULL THEN ( SELECT count(*)::integer AS count
               FROM pakhuis.signal_store s
              WHERE s.resolved_run = r.id AND s.gemeentecode = g.code)
            ELSE NULL::integer
        END AS resolved_signals,
        CASE
            WHEN tr.run_id IS NOT NULL THEN ( SELECT COALESCE(sum(c.open_signals), 0::bigint)::integer AS "coalesce"
               FROM pakhuis.trend_rule_counts c
              WHERE c.run_id = r.id AND c.gemeentecode = g.code)
            ELSE NULL::integer
        END AS open_signals,
        CASE
            WHEN o.status = 'not_sent'::text AND o.quiet THEN 'niets_nieuws'::text
            ELSE o.status
        END AS mail_status,
    g.code AS gemeentecode,
    g.naam AS gemeente_naam
   FROM pakhuis.runs r
     CROSS JOIN ( SELECT gemeenten.code,
            gemeenten.naam
           FROM pakhuis.gemeenten
        UNION ALL
         SELECT '0000'::text,
            'gemeente'::text
          WHERE NOT (EXISTS ( SELECT 1
                   FROM pakhuis.gemeenten))) g
     LEFT JOIN pakhuis.trend_runs tr ON tr.run_id = r.id
     LEFT JOIN LATERAL ( SELECT ob.status,
            ob.quiet
           FROM pakhuis.report_outbox ob
          WHERE ob.run_id = r.id AND ob.kind = 'nachtrapport'::text AND (COALESCE(ob.gemeentecode, '0000'::text) = ANY (ARRAY[g.code, '0000'::text]))
          ORDER BY ob.id DESC
         LIMIT 1) o ON true
  WHERE signals.zichtbaar(g.code);

-- owner pakhuis_owner
CREATE VIEW signals.signal_changes WITH (security_barrier=true) AS
 SELECT w.run_id,
    w.change,
    w.signal_id,
    w.rule_code,
    w.address_key,
    w.adres,
    w.previous_severity,
    w.previous_score,
    w.previous_explanation,
    w.severity,
    w.score,
    w.explanation,
    g.gemeentecode,
    signals.gemeente_naam(g.gemeentecode) AS gemeente_naam
   FROM ( WITH history AS (
                 SELECT h.id,
                    h.signal_id,
                    h.run_id,
                    h.change,
                    h.severity,
                    h.score,
                    h.evidence,
                    h.explanation,
                    h.rule_version,
                    h.last_seen_run,
                    lead(h.severity) OVER w AS next_severity,
                    lead(h.score) OVER w AS next_score,
                    lead(h.explanation) OVER w AS next_explanation,
                    lead(h.id) OVER w AS next_id
                   FROM pakhuis.signal_history h
                  WINDOW w AS (PARTITION BY h.signal_id ORDER BY h.id)
                )
         SELECT s.first_seen_run AS run_id,
            'nieuw'::text AS change,
            s.id AS signal_id,
            s.rule_code,
            a.address_key,
            a.adres,
            NULL::text AS previous_severity,
            NULL::numeric AS previous_score,
            NULL::text AS previous_explanation,
            COALESCE(f.severity, s.severity) AS severity,
            COALESCE(f.score, s.score) AS score,
            COALESCE(f.explanation, s.explanation) AS explanation
           FROM pakhuis.signal_store s
             JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
             LEFT JOIN LATERAL ( SELECT f_1.severity,
                    f_1.score,
                    f_1.explanation
                   FROM pakhuis.signal_history f_1
                  WHERE f_1.signal_id = s.id
                  ORDER BY f_1.id
                 LIMIT 1) f ON true
        UNION ALL
         SELECT h.run_id,
            h.change,
            s.id AS signal_id,
            s.rule_code,
            a.address_key,
            a.adres,
            h.severity AS previous_severity,
            h.score AS previous_score,
            h.explanation AS previous_explanation,
                CASE
                    WHEN h.next_id IS NULL THEN s.severity
                    ELSE h.next_severity
                END AS severity,
                CASE
                    WHEN h.next_id IS NULL THEN s.score
                    ELSE h.next_score
                END AS score,
                CASE
                    WHEN h.next_id IS NULL THEN s.explanation
                    ELSE h.next_explanation
                END AS explanation
           FROM history h
             JOIN pakhuis.signal_store s ON s.id = h.signal_id
             JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
        UNION ALL
         SELECT s.resolved_run AS run_id,
            'opgelost'::text AS change,
            s.id AS signal_id,
            s.rule_code,
            a.address_key,
            a.adres,
            s.severity AS previous_severity,
            s.score AS previous_score,
            s.explanation AS previous_explanation,
            NULL::text AS severity,
            NULL::numeric AS score,
            NULL::text AS explanation
           FROM pakhuis.signal_store s
             JOIN pakhuis.signal_addresses a ON a.signal_id = s.id
          WHERE s.status = 'resolved'::text) w
     LEFT JOIN pakhuis.signal_store g ON g.id = w.signal_id
  WHERE signals.zichtbaar(g.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.signal_details WITH (security_barrier=true) AS
 SELECT d.signal_id,
    d.rule_code,
    d.rule_title,
    d.subject_key,
    d.verblijfsobject_id,
    d.severity,
    d.status,
    d.explanation,
    d.evidence,
    d.rule_version,
    d.first_seen_at,
    d.last_seen_at,
    d.resolved_at,
    d.first_seen_run,
    d.last_seen_run,
    d.triage_status,
    d.triage_note,
    d.triage_by,
    d.triage_at,
    d.score,
    d.worsened_run,
    d.resolved_run,
    d.previous_severity,
    d.previous_score,
    d.previous_explanation,
    d.address_key,
    d.address_source,
    d.adres,
    d.straat,
    d.huisnummer,
    d.huisletter,
    d.huisnummertoevoeging,
    d.postcode,
    d.woonplaats,
    d.assigned_to,
    d.in_onderzoek_since,
    d.status_due,
    d.result_due,
    d.status_overdue,
    d.result_overdue,
    s.gemeentecode,
    signals.gemeente_naam(s.gemeentecode) AS gemeente_naam
   FROM ( WITH instelling AS (
                 SELECT COALESCE(NULLIF(current_setting('pakhuis.vandaag'::text, true), ''::text)::date, CURRENT_DATE) AS vandaag
                )
         SELECT s_1.id AS signal_id,
            s_1.rule_code,
            r.title AS rule_title,
            s_1.subject_key,
            s_1.verblijfsobject_id,
            s_1.severity,
            s_1.status,
            s_1.explanation,
            s_1.evidence,
            s_1.rule_version,
            s_1.first_seen_at,
            s_1.last_seen_at,
            s_1.resolved_at,
            s_1.first_seen_run,
            s_1.last_seen_run,
            s_1.triage_status,
            s_1.triage_note,
            s_1.triage_by,
            s_1.triage_at,
            s_1.score,
            s_1.worsened_run,
            s_1.resolved_run,
            h.severity AS previous_severity,
            h.score AS previous_score,
            h.explanation AS previous_explanation,
            a.address_key,
            a.address_source,
            a.adres,
            a.straat,
            a.huisnummer,
            a.huisletter,
            a.huisnummertoevoeging,
            a.postcode,
            a.woonplaats,
            t.assigned_to,
            o.in_onderzoek_since,
            d_1.status_due,
            d_1.result_due,
            s_1.status = 'open'::text AND s_1.triage_status IS NULL AND i.vandaag > d_1.status_due AS status_overdue,
            s_1.status = 'open'::text AND (COALESCE(s_1.triage_status, ''::text) <> ALL (ARRAY['vals_positief'::text, 'afgehandeld'::text])) AND i.vandaag > d_1.result_due AS result_overdue
           FROM pakhuis.signals s_1
             CROSS JOIN instelling i
             LEFT JOIN pakhuis.rules r ON r.code = s_1.rule_code
             LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s_1.id
             LEFT JOIN pakhuis.triage t ON t.rule_code = s_1.rule_code AND t.subject_key = s_1.subject_key
             LEFT JOIN LATERAL ( SELECT hh.severity,
                    hh.score,
                    hh.explanation
                   FROM pakhuis.signal_history hh
                  WHERE hh.signal_id = s_1.id
                  ORDER BY hh.id DESC
                 LIMIT 1) h ON true
             LEFT JOIN LATERAL ( SELECT min(l.at) AS in_onderzoek_since
                   FROM pakhuis.triage_log l
                  WHERE s_1.triage_status = 'in_onderzoek'::text AND l.rule_code = s_1.rule_code AND l.subject_key = s_1.subject_key AND l.status = 'in_onderzoek'::text AND l.id > COALESCE(( SELECT max(x.id) AS max
                           FROM pakhuis.triage_log x
                          WHERE x.rule_code = s_1.rule_code AND x.subject_key = s_1.subject_key AND x.status <> 'in_onderzoek'::text), 0::bigint)) o ON true
             CROSS JOIN LATERAL ( SELECT (s_1.first_seen_at AT TIME ZONE 'Europe/Amsterdam'::text)::date + 28 AS status_due,
                    ((s_1.first_seen_at AT TIME ZONE 'Europe/Amsterdam'::text)::date + '6 mons'::interval)::date AS result_due) d_1) d
     JOIN pakhuis.signal_store s ON s.id = d.signal_id
  WHERE signals.zichtbaar(s.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.signal_persons WITH (security_barrier=true) AS
 SELECT w.signal_id,
    w.rule_code,
    w.signal_status,
    w.address_key,
    w.adres,
    w.pseudonym,
    w.rol,
    g.gemeentecode,
    signals.gemeente_naam(g.gemeentecode) AS gemeente_naam
   FROM ( SELECT p.signal_id,
            s.rule_code,
            s.status AS signal_status,
            a.address_key,
            a.adres,
            p.pseudonym,
            p.rol
           FROM pakhuis.signal_persons p
             JOIN pakhuis.signal_store s ON s.id = p.signal_id
             LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s.id) w
     LEFT JOIN pakhuis.signal_store g ON g.id = w.signal_id
  WHERE signals.zichtbaar(g.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.spreiding WITH (security_barrier=true) AS
 SELECT regel,
    gemeentecode,
    gebiedssoort,
    gebied,
    open_signalen,
    inwoners,
    per_1000_inwoners,
    gemeente_open_signalen,
    gemeente_inwoners,
    gemeente_per_1000_inwoners,
    verhouding,
    signals.gemeente_naam(gemeentecode) AS gemeente_naam
   FROM ( WITH gebied AS (
                 SELECT v.verblijfsobject_id,
                    "left"(v.verblijfsobject_id, 4) AS gemeentecode,
                    "left"(n.postcode, 4) AS pc4
                   FROM model.verblijfsobject v
                     JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
                  WHERE n.postcode ~ '^[0-9]{4}'::text
                ), inwoners AS (
                 SELECT g_1.gemeentecode,
                    g_1.pc4,
                    sum(b.woonadressen)::integer AS inwoners
                   FROM model.bewoning b
                     JOIN gebied g_1 USING (verblijfsobject_id)
                  GROUP BY g_1.gemeentecode, g_1.pc4
                ), signalen AS (
                 SELECT s_1.rule_code,
                    g_1.gemeentecode,
                    g_1.pc4,
                    count(*)::integer AS open_signalen
                   FROM pakhuis.signal_store s_1
                     JOIN gebied g_1 USING (verblijfsobject_id)
                  WHERE s_1.status = 'open'::text
                  GROUP BY s_1.rule_code, g_1.gemeentecode, g_1.pc4
                ), gemeente AS (
                 SELECT s_1.rule_code,
                    s_1.gemeentecode,
                    sum(s_1.open_signalen)::integer AS open_signalen,
                    (( SELECT sum(i_1.inwoners) AS sum
                           FROM inwoners i_1
                          WHERE i_1.gemeentecode = s_1.gemeentecode))::integer AS inwoners
                   FROM signalen s_1
                  GROUP BY s_1.rule_code, s_1.gemeentecode
                )
         SELECT s.rule_code AS regel,
            s.gemeentecode,
            'pc4'::text AS gebiedssoort,
            s.pc4 AS gebied,
            s.open_signalen,
            COALESCE(i.inwoners, 0) AS inwoners,
            round(1000.0 * s.open_signalen::numeric / NULLIF(i.inwoners, 0)::numeric, 2) AS per_1000_inwoners,
            g.open_signalen AS gemeente_open_signalen,
            g.inwoners AS gemeente_inwoners,
            round(1000.0 * g.open_signalen::numeric / NULLIF(g.inwoners, 0)::numeric, 2) AS gemeente_per_1000_inwoners,
            round(s.open_signalen::numeric / NULLIF(i.inwoners, 0)::numeric / NULLIF(g.open_signalen::numeric / NULLIF(g.inwoners, 0)::numeric, 0::numeric), 2) AS verhouding
           FROM signalen s
             JOIN gemeente g USING (rule_code, gemeentecode)
             LEFT JOIN inwoners i USING (gemeentecode, pc4)) w
  WHERE signals.zichtbaar(
        CASE
            WHEN (EXISTS ( SELECT 1
               FROM pakhuis.gemeenten)) THEN gemeentecode
            ELSE '0000'::text
        END);

-- owner pakhuis_owner
CREATE VIEW signals.terugkoppeling_achterstallig WITH (security_barrier=true) AS
 WITH instelling AS (
         SELECT COALESCE(( SELECT settings.value::integer AS value
                   FROM pakhuis.settings
                  WHERE settings.name = 'MELDING_TERUGKOPPELING_DAGEN'::text), 28) AS dagen,
            COALESCE(NULLIF(current_setting('pakhuis.vandaag'::text, true), ''::text)::date, CURRENT_DATE) AS vandaag
        )
 SELECT m.melding_id,
    m.datum_ontvangen,
    m.kanaal,
    m.melder_referentie,
    m.categorie,
    m.verblijfsobject_id,
    m.postcode,
    m.huisnummer,
    m.huisletter,
    m.huisnummertoevoeging,
    m.straat,
    m.woonplaats,
    m.terugkoppeling,
    i.vandaag - m.datum_ontvangen AS dagen_sinds_ontvangst,
    i.dagen AS termijn_dagen,
    m.gemeentecode,
    m.gemeente_naam
   FROM signals.meldingen m
     CROSS JOIN instelling i
  WHERE m.kanaal <> 'anoniem'::text AND m.terugkoppeling <> 'teruggekoppeld'::text AND (i.vandaag - m.datum_ontvangen) > i.dagen AND signals.zichtbaar(m.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.trend WITH (security_barrier=true) AS
 WITH per_run AS (
         SELECT date_trunc('month'::text, r.peildatum::timestamp with time zone)::date AS month,
            r.peildatum,
            c.run_id,
            c.gemeentecode,
            c.rule_code,
            c.new_signals,
            c.resolved_signals,
            c.open_signals,
            c.judged_vals_positief,
            c.judged_afgehandeld
           FROM pakhuis.trend_runs r
             JOIN pakhuis.trend_rule_counts c ON c.run_id = r.run_id
        ), per_month AS (
         SELECT per_run.month,
            per_run.gemeentecode,
            per_run.rule_code,
            sum(per_run.new_signals)::integer AS new_signals,
            sum(per_run.resolved_signals)::integer AS resolved_signals,
            (array_agg(per_run.open_signals ORDER BY per_run.peildatum DESC, per_run.run_id DESC))[1] AS open_signals,
            sum(per_run.judged_vals_positief)::integer AS judged_vals_positief,
            sum(per_run.judged_afgehandeld)::integer AS judged_afgehandeld,
            NULL::integer AS meldingen_received
           FROM per_run
          GROUP BY per_run.month, per_run.gemeentecode, per_run.rule_code
        UNION ALL
         SELECT date_trunc('month'::text, melding_ledger.datum_ontvangen::timestamp with time zone)::date AS date_trunc,
            melding_ledger.gemeentecode,
            'MELDPUNT'::text,
            NULL::integer,
            NULL::integer,
            NULL::integer,
            NULL::integer,
            NULL::integer,
            count(*)::integer AS count
           FROM pakhuis.melding_ledger
          GROUP BY (date_trunc('month'::text, melding_ledger.datum_ontvangen::timestamp with time zone)::date), melding_ledger.gemeentecode
        ), baseline AS (
         SELECT s.month AS baseline_month,
            c.gemeentecode,
            c.rule_code,
            c.new_signals,
            c.resolved_signals,
            c.open_signals,
            c.judged_vals_positief,
            c.judged_afgehandeld,
            c.meldingen_received
           FROM pakhuis.baseline_counts c
             JOIN pakhuis.baseline_sets s ON s.id = c.set_id
          WHERE s.id = (( SELECT max(baseline_sets.id) AS max
                   FROM pakhuis.baseline_sets))
        )
 SELECT m.month,
    m.rule_code,
    m.new_signals,
    m.resolved_signals,
    m.open_signals,
    m.judged_vals_positief,
    m.judged_afgehandeld,
    m.meldingen_received,
    b.baseline_month,
    m.new_signals - b.new_signals AS change_new,
    m.resolved_signals - b.resolved_signals AS change_resolved,
    m.open_signals - b.open_signals AS change_open,
    m.judged_vals_positief - b.judged_vals_positief AS change_vals_positief,
    m.judged_afgehandeld - b.judged_afgehandeld AS change_afgehandeld,
    m.meldingen_received - b.meldingen_received AS change_meldingen,
    m.gemeentecode,
    signals.gemeente_naam(m.gemeentecode) AS gemeente_naam
   FROM per_month m
     LEFT JOIN baseline b ON b.rule_code = m.rule_code AND b.gemeentecode = m.gemeentecode
  WHERE signals.zichtbaar(m.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW signals.triage_history WITH (security_barrier=true) AS
 SELECT w.triage_id,
    w.signal_id,
    w.rule_code,
    w.address_key,
    w.adres,
    w.status,
    w.note,
    w.by_user,
    w.stated_by,
    w.assigned_to,
    w.at,
    g.gemeentecode,
    signals.gemeente_naam(g.gemeentecode) AS gemeente_naam
   FROM ( SELECT l.id AS triage_id,
            l.signal_id,
            l.rule_code,
            a.address_key,
            a.adres,
            l.status,
                CASE
                    WHEN pg_has_role(CURRENT_USER, 'pakhuis_analyst'::name, 'MEMBER'::text) THEN l.note
                    ELSE NULL::text
                END AS note,
            l.by_user,
            l.stated_by,
            l.assigned_to,
            l.at
           FROM pakhuis.triage_log l
             LEFT JOIN pakhuis.signal_store s ON s.rule_code = l.rule_code AND s.subject_key = l.subject_key
             LEFT JOIN pakhuis.signal_addresses a ON a.signal_id = s.id) w
     LEFT JOIN pakhuis.signal_store g ON g.id = w.signal_id
  WHERE signals.zichtbaar(g.gemeentecode);

-- owner pakhuis_owner
CREATE VIEW staging.damocles_for_model AS
 SELECT load_id,
    line,
    zaaknummer,
    verblijfsobject_id,
    postcode,
    huisnummer,
    huisletter,
    huisnummertoevoeging,
    object_type,
    datum_constatering,
    drugs_categorie,
    besluit,
    sluiting_start,
    sluiting_einde,
    eigenaar_pseudonym,
    eigenaar_kvk,
        CASE
            WHEN eigenaar_pseudonym IS NULL THEN eigenaar_naam
            ELSE NULL::text
        END AS eigenaar_bedrijfsnaam,
    huurder_pseudonym,
    huurder_kvk,
        CASE
            WHEN huurder_pseudonym IS NULL THEN huurder_naam
            ELSE NULL::text
        END AS huurder_bedrijfsnaam,
    key_version
   FROM staging.damocles;

-- owner pakhuis_owner
CREATE VIEW staging.permits_for_model AS
 SELECT load_id,
    line,
    zaaknummer,
    vergunning_type,
    verblijfsobject_id,
    postcode,
    huisnummer,
    huisletter,
    huisnummertoevoeging,
    houder_pseudonym,
    houder_kvk,
        CASE
            WHEN houder_pseudonym IS NULL THEN houder_naam
            ELSE NULL::text
        END AS houder_bedrijfsnaam,
    key_version,
    datum_verleend,
    geldig_tot,
    status
   FROM staging.permits;

-- ==============================================================================================
-- Functions
-- ==============================================================================================

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION audit.grant_access(p_login text, p_gemeentecode text, p_by text DEFAULT NULL::text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_login IS NULL OR p_login !~ '^[a-z_][a-z0-9_$-]{0,62}$' THEN
    RAISE EXCEPTION 'login % is geen geldige PostgreSQL-loginnaam (kleine letters, cijfers, _)', left(p_login, 70) USING ERRCODE = '22023';
  END IF;
  IF p_gemeentecode IS NULL OR p_gemeentecode !~ '^[0-9]{4}$' THEN
    RAISE EXCEPTION 'gemeentecode % is geen 4 cijfers', left(p_gemeentecode, 20) USING ERRCODE = '22023';
  END IF;
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'opgegeven naam is % tekens lang; het maximum is 200', length(p_by) USING ERRCODE = '22001';
  END IF;
  INSERT INTO audit.access_grants (login, gemeentecode, granted_by) VALUES (p_login, p_gemeentecode, session_user)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO audit.access_log (action, login, gemeentecode, stated_by) VALUES ('toegekend', p_login, p_gemeentecode, p_by);
  RETURN true;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION audit.refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION '%.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '42501';
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION audit.revoke_access(p_login text, p_gemeentecode text, p_by text DEFAULT NULL::text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'opgegeven naam is % tekens lang; het maximum is 200', length(p_by) USING ERRCODE = '22001';
  END IF;
  DELETE FROM audit.access_grants WHERE login = p_login AND gemeentecode = p_gemeentecode;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO audit.access_log (action, login, gemeentecode, stated_by) VALUES ('ingetrokken', p_login, p_gemeentecode, p_by);
  RETURN true;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION identity.refresh_from_brp(p_load_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM model.defer_indexes('identity.persoon', only_when_empty => true);
  WITH current_names AS (
    -- One row per person, from the newest occurrence staged (the current one, unless it was
    -- rejected); of two persoonslijsten with one BSN, the first by list.
    SELECT DISTINCT ON (b.pseudonym COLLATE "C") b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum
    FROM staging.brp b
    WHERE b.load_id = p_load_id
    ORDER BY b.pseudonym COLLATE "C", b.historie_index, coalesce(b.persoonslijst, b.pseudonym) COLLATE "C", b.line DESC
  ),
  changed AS (
    UPDATE identity.persoon p
    SET key_version = b.key_version, geslachtsnaam = b.geslachtsnaam, voornamen = b.voornamen,
      geboortedatum = b.geboortedatum, bron = 'brp', updated_at = clock_timestamp()
    FROM current_names b
    WHERE p.pseudonym = b.pseudonym
      AND (p.key_version, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron)
        IS DISTINCT FROM (b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp')
  )
  INSERT INTO identity.persoon (pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, bron)
  SELECT b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp'
  FROM current_names b
  WHERE NOT EXISTS (SELECT 1 FROM identity.persoon p WHERE p.pseudonym = b.pseudonym);
  PERFORM model.restore_indexes('identity.persoon');
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION identity.refresh_from_brp(p_load_ids bigint[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM model.defer_indexes('identity.persoon', only_when_empty => true);
  WITH current_names AS (
    SELECT DISTINCT ON (b.pseudonym COLLATE "C") b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum
    FROM staging.brp b
    WHERE b.load_id = ANY (p_load_ids)
    ORDER BY b.pseudonym COLLATE "C", b.load_id DESC, b.historie_index, coalesce(b.persoonslijst, b.pseudonym) COLLATE "C", b.line DESC
  ),
  changed AS (
    UPDATE identity.persoon p
    SET key_version = b.key_version, geslachtsnaam = b.geslachtsnaam, voornamen = b.voornamen,
      geboortedatum = b.geboortedatum, bron = 'brp', updated_at = clock_timestamp()
    FROM current_names b
    WHERE p.pseudonym = b.pseudonym
      AND (p.key_version, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron)
        IS DISTINCT FROM (b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp')
  )
  INSERT INTO identity.persoon (pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, bron)
  SELECT b.pseudonym, b.key_version, b.geslachtsnaam, b.voornamen, b.geboortedatum, 'brp'
  FROM current_names b
  WHERE NOT EXISTS (SELECT 1 FROM identity.persoon p WHERE p.pseudonym = b.pseudonym);
  PERFORM model.restore_indexes('identity.persoon');
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION identity.refresh_from_register(p_register text, p_load_ids bigint[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION model.bewoning_telling()
 RETURNS SETOF model.bewoning
 LANGUAGE sql
 STABLE
AS $function$
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
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION model.brp_aanvang_onzeker(raw text, peildag date)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE WHEN raw IS NULL OR left(raw, 4) = '0000' THEN true
    WHEN right(raw, 2) <> '00' THEN false
    WHEN substr(raw, 6, 2) = '00' THEN peildag < make_date(left(raw, 4)::integer + 1, 1, 1)
    ELSE peildag < (make_date(left(raw, 4)::integer, substr(raw, 6, 2)::integer, 1) + interval '1 month')::date END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION model.brp_datum(raw text)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE WHEN raw IS NULL OR left(raw, 4) = '0000' THEN NULL
    ELSE make_date(left(raw, 4)::integer, greatest(substr(raw, 6, 2)::integer, 1), greatest(substr(raw, 9, 2)::integer, 1)) END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION model.defer_indexes(tbl regclass, only_when_empty boolean DEFAULT false)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  r record;
  empty boolean;
BEGIN
  PERFORM pakhuis_meta.check_bulk_table(tbl);
  IF only_when_empty THEN
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %s)', tbl) INTO empty;
    IF NOT empty THEN
      RETURN false;
    END IF;
  END IF;
  FOR r IN SELECT conname, pg_catalog.pg_get_constraintdef(oid) AS def FROM pg_catalog.pg_constraint
           WHERE conrelid = tbl AND contype IN ('p', 'u') LOOP
    INSERT INTO pakhuis_meta.deferred_indexes VALUES (tbl::text, format('ALTER TABLE %s ADD CONSTRAINT %I %s', tbl, r.conname, r.def), true);
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, r.conname);
  END LOOP;
  FOR r IN SELECT indexrelid::regclass AS idx, pg_catalog.pg_get_indexdef(indexrelid) AS def FROM pg_catalog.pg_index WHERE indrelid = tbl LOOP
    INSERT INTO pakhuis_meta.deferred_indexes VALUES (tbl::text, r.def, false);
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
  RETURN true;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION model.restore_indexes(tbl regclass)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  ddls text[];
BEGIN
  PERFORM pakhuis_meta.check_bulk_table(tbl);
  WITH restored AS (
    DELETE FROM pakhuis_meta.deferred_indexes d WHERE d.tbl = restore_indexes.tbl::text RETURNING d.ddl, d.is_constraint
  )
  SELECT array_agg(ddl ORDER BY is_constraint DESC) INTO ddls FROM restored;
  FOR i IN 1 .. coalesce(array_length(ddls, 1), 0) LOOP
    EXECUTE ddls[i];
  END LOOP;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.adres_sleutel(postcode text, huisnummer integer, huisletter text, toevoeging text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT postcode || '|' || huisnummer::text || '|' || coalesce(huisletter, '') || '|' || coalesce(toevoeging, '')
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.baseline_set_guard()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  newest bigint;
BEGIN
  SELECT max(id) INTO newest FROM pakhuis.baseline_sets;
  IF NEW.replaces IS DISTINCT FROM newest THEN
    RAISE EXCEPTION 'een nulmeting wordt één keer vastgelegd; een nieuwe vervangt de geldende (replaces = %), met pakhuis nulmeting --vervang',
      coalesce(newest::text, 'leeg') USING ERRCODE = '23514';
  END IF;
  NEW.by_user := session_user;
  NEW.frozen_at := clock_timestamp();
  RETURN NEW;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.caller()
 RETURNS name
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT CASE WHEN coalesce(current_setting('role', true), 'none') IN ('none', '') THEN session_user
              ELSE current_setting('role', true)::name END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.merge_signals(p_run_id bigint, p_rule_codes text[])
 RETURNS TABLE(new_signals integer, open_signals integer, resolved_signals integer, worsened_signals integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  n_new integer;
  n_open integer;
  n_worsened integer;
  n_resolved integer;
  ids bigint[];
  bad text;
BEGIN
  SELECT c.rule_code INTO bad FROM pakhuis.signal_candidates c
  WHERE c.run_id = p_run_id AND c.gemeentecode IS NOT NULL AND c.gemeentecode !~ '^[0-9]{4}$' LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'regel % geeft een gemeentecode die geen 4 cijfers is', bad USING ERRCODE = '22023';
  END IF;
  SELECT c.rule_code INTO bad
  FROM pakhuis.signal_candidates c
  WHERE c.run_id = p_run_id AND c.persons IS NOT NULL AND jsonb_typeof(c.persons) <> 'null'
    AND (jsonb_typeof(c.persons) <> 'array'
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(c.persons) p
                    WHERE jsonb_typeof(p) <> 'object' OR NOT coalesce(p ->> 'pseudonym' ~ '^[0-9a-f]{64}$', false)
                      OR NOT coalesce(p ->> 'rol' ~ '^[a-z][a-z -]{1,39}$', false)))
  LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'regel % koppelt personen niet als een lijst van {"pseudonym": ..., "rol": ...}', bad USING ERRCODE = '22023';
  END IF;

  INSERT INTO pakhuis.signal_history (signal_id, run_id, change, severity, score, evidence, explanation, rule_version, last_seen_run)
  SELECT s.id, p_run_id, CASE WHEN s.status = 'resolved' THEN 'terug' ELSE 'verergerd' END,
    s.severity, s.score, s.evidence, s.explanation, s.rule_version, s.last_seen_run
  FROM pakhuis.signal_candidates c
  JOIN pakhuis.signal_store s ON s.rule_code = c.rule_code AND s.subject_key = c.subject_key
  WHERE c.run_id = p_run_id
    AND (s.status = 'resolved' OR c.score > s.score OR pakhuis.severity_rank(c.severity) > pakhuis.severity_rank(s.severity));

  WITH upserted AS (
    INSERT INTO pakhuis.signal_store AS s (rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation,
      rule_version, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at, gemeentecode)
    SELECT c.rule_code, c.subject_key, c.verblijfsobject_id, c.severity, c.score, c.evidence, c.explanation, c.rule_version, 'open',
      p_run_id, p_run_id, clock_timestamp(), clock_timestamp(), coalesce(c.gemeentecode, '0000')
    FROM pakhuis.signal_candidates c
    WHERE c.run_id = p_run_id
    ON CONFLICT (rule_code, subject_key) DO UPDATE SET
      verblijfsobject_id = EXCLUDED.verblijfsobject_id,
      severity = EXCLUDED.severity,
      score = EXCLUDED.score,
      evidence = EXCLUDED.evidence,
      explanation = EXCLUDED.explanation,
      rule_version = EXCLUDED.rule_version,
      gemeentecode = EXCLUDED.gemeentecode,
      status = 'open',
      last_seen_run = EXCLUDED.last_seen_run,
      last_seen_at = EXCLUDED.last_seen_at,
      resolved_run = NULL,
      resolved_at = NULL,
      worsened_run = CASE WHEN s.status = 'resolved' OR EXCLUDED.score > s.score
                            OR pakhuis.severity_rank(EXCLUDED.severity) > pakhuis.severity_rank(s.severity)
                          THEN EXCLUDED.last_seen_run ELSE s.worsened_run END
    RETURNING s.id, (xmax = 0) AS inserted, (s.worsened_run = p_run_id) AS worsened
  )
  SELECT count(*) FILTER (WHERE inserted), count(*), count(*) FILTER (WHERE NOT inserted AND worsened), coalesce(array_agg(id), '{}')
    INTO n_new, n_open, n_worsened, ids
  FROM upserted;

  DELETE FROM pakhuis.signal_persons WHERE signal_id = ANY (ids);
  INSERT INTO pakhuis.signal_persons (signal_id, pseudonym, rol)
  SELECT DISTINCT s.id, p ->> 'pseudonym', p ->> 'rol'
  FROM pakhuis.signal_candidates c
  JOIN pakhuis.signal_store s ON s.rule_code = c.rule_code AND s.subject_key = c.subject_key
  CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(c.persons) WHEN 'array' THEN c.persons ELSE '[]' END) p
  WHERE c.run_id = p_run_id;

  UPDATE pakhuis.signal_store s SET status = 'resolved', resolved_run = p_run_id, resolved_at = clock_timestamp()
  WHERE s.status = 'open' AND s.rule_code = ANY (p_rule_codes)
    AND NOT EXISTS (SELECT 1 FROM pakhuis.signal_candidates c WHERE c.run_id = p_run_id AND c.rule_code = s.rule_code AND c.subject_key = s.subject_key);
  GET DIAGNOSTICS n_resolved = ROW_COUNT;

  DELETE FROM pakhuis.signal_candidates WHERE run_id = p_run_id;
  RETURN QUERY SELECT n_new, n_open, n_resolved, n_worsened;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.only_through_owner()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF current_user = 'pakhuis_owner' OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RETURN CASE WHEN TG_LEVEL = 'STATEMENT' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = '42501';
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.only_through_terugkoppeling()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF current_user = 'pakhuis_owner' OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'terugkoppeling op een melding wordt alleen vastgelegd via signals.terugkoppeling' USING ERRCODE = '42501';
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.only_through_triage()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF current_user = 'pakhuis_owner' OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'een oordeel over een signaal wordt alleen vastgelegd via signals.triage' USING ERRCODE = '42501';
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.purge_resolved_signals(p_now timestamp with time zone, p_months integer)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE n integer;
BEGIN
  IF p_months IS NULL OR p_months < 1 THEN
    RAISE EXCEPTION 'opgeloste signalen blijven ten minste een maand bewaard' USING ERRCODE = '22023';
  END IF;
  DELETE FROM pakhuis.signal_store WHERE status = 'resolved' AND resolved_at < p_now - make_interval(months => p_months);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.samen(a text, b text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT a = b OR EXISTS (SELECT 1 FROM pakhuis.samenwerking x JOIN pakhuis.samenwerking y ON y.naam = x.naam
                          WHERE x.gemeente = a AND y.gemeente = b)
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.severity_rank(severity text)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE severity WHEN 'hoog' THEN 3 WHEN 'midden' THEN 2 WHEN 'laag' THEN 1 ELSE 0 END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.visible_length(t text)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT length(regexp_replace(t,
    '[\u0001-\u0020\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e0fff]',
    '', 'g'))
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION pakhuis.zaak_sleutel(p_gemeentecode text, p_nummer text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT CASE WHEN p_gemeentecode = '0000' THEN p_nummer ELSE p_gemeentecode || '/' || p_nummer END
$function$;

-- owner postgres
CREATE OR REPLACE FUNCTION pakhuis_meta.apply_grants()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  obj record;
  app_schemas text[] := ARRAY['pakhuis', 'staging', 'model', 'identity', 'signals', 'reident', 'audit'];
  readable text;
BEGIN
  -- Ownership moves to pakhuis_owner where the migrating user may give it away (serial
  -- sequences follow their table).
  FOR obj IN
    SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (app_schemas) AND c.relkind IN ('r', 'v', 'p')
      AND pg_get_userbyid(c.relowner) <> 'pakhuis_owner'
  LOOP
    BEGIN
      EXECUTE format('ALTER %s %I.%I OWNER TO pakhuis_owner',
        CASE obj.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, obj.nspname, obj.relname);
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;
  FOR obj IN
    SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY (app_schemas) AND pg_get_userbyid(p.proowner) <> 'pakhuis_owner'
  LOOP
    BEGIN
      EXECUTE format('ALTER FUNCTION %s OWNER TO pakhuis_owner', obj.signature);
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;
  FOR obj IN SELECT nspname FROM pg_namespace WHERE nspname = ANY (app_schemas) LOOP
    BEGIN
      EXECUTE format('ALTER SCHEMA %I OWNER TO pakhuis_owner', obj.nspname);
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END LOOP;

  -- Nobody reads, writes or calls anything by default.
  EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';
  EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';
  EXECUTE 'REVOKE ALL ON ALL FUNCTIONS IN SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';
  EXECUTE 'REVOKE ALL ON SCHEMA pakhuis, staging, model, identity, signals, reident, audit FROM PUBLIC, pakhuis_etl, pakhuis_analyst, pakhuis_reident';

  -- ETL: the nightly run. Staging, model, run records, outbox, rules: all of it.
  EXECUTE 'GRANT USAGE ON SCHEMA pakhuis_meta TO pakhuis_etl';
  EXECUTE 'GRANT SELECT ON pakhuis_meta.migrations TO pakhuis_etl';
  EXECUTE 'GRANT USAGE ON SCHEMA pakhuis, staging, model, identity, signals TO pakhuis_etl';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA pakhuis, staging, model TO pakhuis_etl';
  EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pakhuis, staging, model TO pakhuis_etl';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA signals TO pakhuis_etl';
  EXECUTE 'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pakhuis, model TO pakhuis_etl';
  -- ... except signals and judgements, which it reads but only the owner's functions write.
  EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON pakhuis.signal_store, pakhuis.signals, pakhuis.signal_persons FROM pakhuis_etl';
  EXECUTE 'REVOKE ALL ON pakhuis.triage, pakhuis.triage_log FROM pakhuis_etl';
  -- Who judged what and when, without the note (free text): the trend counts judgements per run
  -- and the overleg overview lists them (pipelines/trend.ts, reports/overleg/).
  EXECUTE 'GRANT SELECT (id, signal_id, status, by_user, at) ON pakhuis.triage_log TO pakhuis_etl';
  EXECUTE 'REVOKE ALL ON SEQUENCE pakhuis.signal_store_id_seq, pakhuis.triage_log_id_seq FROM pakhuis_etl';
  EXECUTE 'REVOKE SELECT, UPDATE, DELETE, TRUNCATE ON pakhuis.signal_candidates FROM pakhuis_etl';
  EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON pakhuis.key_checks FROM pakhuis_etl';
  -- ... and names and free text (pakhuis_meta.private_columns): written, never read back.
  FOR obj IN SELECT table_name AS tbl, jsonb_agg(column_name) AS cols FROM pakhuis_meta.private_columns
             WHERE to_regclass(table_name) IS NOT NULL GROUP BY table_name LOOP
    EXECUTE format('REVOKE SELECT, UPDATE, TRUNCATE ON %s FROM pakhuis_etl', obj.tbl);
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO readable
    FROM pg_attribute a
    WHERE a.attrelid = obj.tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT (obj.cols ? a.attname);
    EXECUTE format('GRANT SELECT (%s) ON %s TO pakhuis_etl', readable, obj.tbl);
  END LOOP;
  EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON staging.permits_for_model, staging.damocles_for_model FROM pakhuis_etl';

  -- Analysts: the views in signals and triage, nothing more.
  EXECUTE 'GRANT USAGE ON SCHEMA signals TO pakhuis_analyst';
  EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA signals TO pakhuis_analyst';

  -- Re-identification: the audited function only.
  EXECUTE 'GRANT USAGE ON SCHEMA reident TO pakhuis_reident';

  -- The owner's functions each role may call (pakhuis_meta.function_grants).
  FOR obj IN SELECT function_signature, role_name FROM pakhuis_meta.function_grants LOOP
    IF to_regprocedure(obj.function_signature) IS NOT NULL THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', to_regprocedure(obj.function_signature)::text, obj.role_name);
    END IF;
  END LOOP;
END
$function$;

-- owner postgres
CREATE OR REPLACE FUNCTION pakhuis_meta.check_bulk_table(tbl regclass)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF coalesce((SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl), '')
     NOT IN ('model', 'identity') THEN
    RAISE EXCEPTION 'indexes of % are not for the bulk rebuild: only model and identity tables', tbl USING ERRCODE = '42501';
  END IF;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION reident.inzage(p_pseudonym text, p_key_version integer, p_check_value text, p_reason text, p_by text DEFAULT NULL::text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  refused text;
  result jsonb;
  shown integer;
BEGIN
  IF length(p_reason) > 1000 THEN
    refused := format('de reden is %s tekens lang; het maximum is 1000', length(p_reason));
  ELSIF p_reason IS NULL OR pakhuis.visible_length(p_reason) < 10 THEN
    refused := 'inzage vraagt een reden (het kenmerk van het verzoek) van ten minste 10 zichtbare tekens';
  ELSIF length(p_by) > 200 THEN
    refused := format('de opgegeven naam is %s tekens lang; het maximum is 200', length(p_by));
  ELSIF p_pseudonym IS NULL OR p_pseudonym !~ '^[0-9a-f]{64}$' THEN
    refused := 'geen geldig pseudoniem';
  ELSIF NOT EXISTS (SELECT 1 FROM pakhuis.key_checks k WHERE k.key_version = p_key_version) THEN
    refused := format('sleutelversie %s is nooit gebruikt: met deze sleutel is niemand gepseudonimiseerd', p_key_version);
  ELSIF NOT EXISTS (SELECT 1 FROM pakhuis.key_checks k WHERE k.key_version = p_key_version AND k.check_value = p_check_value) THEN
    refused := format('de sleutel is niet de sleutel waarmee versie %s is gebruikt: met deze sleutel zou de inzage niemand vinden', p_key_version);
  END IF;

  IF refused IS NOT NULL THEN
    INSERT INTO audit.inzage (pseudonym, reason, by_user, stated_by, outcome, refusal)
    VALUES (CASE WHEN p_pseudonym ~ '^[0-9a-f]{64}$' THEN p_pseudonym END, left(coalesce(p_reason, ''), 1000), session_user, left(p_by, 200), 'geweigerd', refused);
    RAISE LOG 'informatiepakhuis inzage geweigerd, door %', session_user;
    RETURN jsonb_build_object('weigering', refused);
  END IF;

  SELECT jsonb_build_object(
    'weigering', NULL,
    'persoon', (
      SELECT jsonb_build_object('geslachtsnaam', p.geslachtsnaam, 'voornamen', p.voornamen, 'geboortedatum', p.geboortedatum, 'naam', p.naam, 'bron', p.bron)
      FROM identity.persoon p WHERE p.pseudonym = p_pseudonym),
    -- Which deliveries carried the person, as far as their rows are still kept (retention).
    'leveringen', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'load_id', l.id, 'bron', l.source, 'bestand', l.file_name, 'geladen_op', l.loaded_at,
          'geldend', EXISTS (SELECT 1 FROM model.source_state s WHERE s.load_id = l.id), 'rijen', x.rijen)
        ORDER BY l.loaded_at, l.id)
      FROM (
        SELECT load_id, count(*)::int AS rijen FROM (
          SELECT load_id FROM staging.brp WHERE pseudonym = p_pseudonym
          UNION ALL SELECT load_id FROM staging.permits WHERE houder_pseudonym = p_pseudonym
          UNION ALL SELECT load_id FROM staging.damocles WHERE p_pseudonym IN (eigenaar_pseudonym, huurder_pseudonym)
        ) r GROUP BY load_id
      ) x JOIN pakhuis.loads l ON l.id = x.load_id AND signals.zichtbaar(l.gemeentecode)), '[]'::jsonb),
    'inschrijvingen', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'functie', CASE i.functie_adres WHEN 'W' THEN 'woonadres' ELSE 'briefadres' END,
          'van', i.geldig_van, 'tot', i.geldig_tot,
          'adres', CASE WHEN n.nummeraanduiding_id IS NOT NULL
                        THEN concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''))
                        ELSE replace(i.adres_sleutel, '|', ' ') END,
          'postcode', n.postcode, 'woonplaats', n.woonplaats, 'verblijfsobject_id', i.verblijfsobject_id,
          'gesloten_door', i.gesloten_door,
          -- Others registered on the same object now: a number, never who.
          'andere_ingeschrevenen', CASE WHEN i.geldig_tot IS NULL AND i.verblijfsobject_id IS NOT NULL THEN (
            SELECT count(DISTINCT o.pseudonym)::int FROM model.inschrijving o
            WHERE o.verblijfsobject_id = i.verblijfsobject_id AND o.geldig_tot IS NULL AND o.pseudonym <> p_pseudonym) END)
        ORDER BY i.geldig_van DESC NULLS LAST)
      FROM model.inschrijving i
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = coalesce(i.nummeraanduiding_id,
        (SELECT v.hoofdadres_id FROM model.verblijfsobject v WHERE v.verblijfsobject_id = i.verblijfsobject_id))
      WHERE i.pseudonym = p_pseudonym AND signals.zichtbaar(i.gemeentecode)), '[]'::jsonb),
    -- Every registration any export ever showed (migration 0008): kept across loads.
    'historie', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'functie', CASE h.functie_adres WHEN 'W' THEN 'woonadres' ELSE 'briefadres' END,
          'van', h.geldig_van, 'tot', h.geldig_tot, 'gesloten_door', h.gesloten_door, 'verblijfsobject_id', h.verblijfsobject_id,
          'adres', CASE WHEN n.nummeraanduiding_id IS NOT NULL
                        THEN concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''), n.postcode, n.woonplaats)
                        WHEN h.verblijfsobject_id IS NULL THEN replace(h.adres_ref, '|', ' ') END)
        ORDER BY h.van_sleutel DESC, h.adres_ref)
      FROM model.inschrijving_historie h
      LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = h.verblijfsobject_id
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
      WHERE h.pseudonym = p_pseudonym AND signals.zichtbaar(v.gemeentecode)), '[]'::jsonb),
    'zaken', coalesce((
      SELECT jsonb_agg(jsonb_build_object('soort', pa.zaak_soort, 'zaaknummer', pa.zaaknummer, 'rol', pa.rol) ORDER BY pa.zaak_soort, pa.zaaknummer)
      FROM model.partij pa WHERE pa.pseudonym = p_pseudonym AND signals.zichtbaar(pa.gemeentecode)), '[]'::jsonb),
    'signalen', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'signaal', s.id, 'regel', s.rule_code, 'titel', r.title, 'norm', r.norm, 'uitleg', s.explanation,
          'ernst', s.severity, 'status', s.status, 'rol', sp.rollen,
          'eerst_gezien', s.first_seen_at, 'laatst_gezien', s.last_seen_at, 'opgelost_op', s.resolved_at,
          'oordeel', t.status, 'oordeel_op', t.at,
          'adres', CASE WHEN n.nummeraanduiding_id IS NOT NULL
                        THEN concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, ''), n.postcode, n.woonplaats) END,
          'andere_personen', (SELECT count(DISTINCT o.pseudonym)::int FROM pakhuis.signal_persons o WHERE o.signal_id = s.id AND o.pseudonym <> p_pseudonym))
        ORDER BY s.first_seen_at, s.id)
      FROM (SELECT signal_id, string_agg(DISTINCT rol, ', ') AS rollen FROM pakhuis.signal_persons WHERE pseudonym = p_pseudonym GROUP BY signal_id) sp
      JOIN pakhuis.signal_store s ON s.id = sp.signal_id AND signals.zichtbaar(s.gemeentecode)
      LEFT JOIN pakhuis.rules r ON r.code = s.rule_code
      LEFT JOIN pakhuis.triage t ON t.rule_code = s.rule_code AND t.subject_key = s.subject_key
      LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = s.verblijfsobject_id
      LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id), '[]'::jsonb)
  ) INTO result;

  shown := jsonb_array_length(result -> 'leveringen') + jsonb_array_length(result -> 'inschrijvingen')
    + jsonb_array_length(result -> 'historie') + jsonb_array_length(result -> 'zaken') + jsonb_array_length(result -> 'signalen');
  INSERT INTO audit.inzage (pseudonym, reason, by_user, stated_by, outcome, items_shown)
  VALUES (p_pseudonym, p_reason, session_user, p_by, 'getoond', shown);
  -- A count only: the reason is free text and may name people.
  RAISE LOG 'informatiepakhuis inzage, door %, % onderdelen', session_user, shown;
  RETURN result;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION reident.reveal(p_signal_id bigint, p_reason text, p_by text DEFAULT NULL::text)
 RETURNS TABLE(pseudonym text, geslachtsnaam text, voornamen text, geboortedatum text, bron text, relatie text, weigering text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
  s pakhuis.signal_store%ROWTYPE;
  refused text;
  shown integer;
BEGIN
  -- Length first: the visible-character count would otherwise run over a reason of megabytes.
  IF length(p_reason) > 1000 THEN
    refused := format('de reden is %s tekens lang; het maximum is 1000', length(p_reason));
  ELSIF p_reason IS NULL OR pakhuis.visible_length(p_reason) < 10 THEN
    refused := 'heridentificatie vraagt een reden van ten minste 10 zichtbare tekens';
  ELSIF length(p_by) > 200 THEN
    refused := format('de opgegeven naam is %s tekens lang; het maximum is 200', length(p_by));
  ELSE
    SELECT * INTO s FROM pakhuis.signal_store WHERE id = p_signal_id;
    IF NOT FOUND THEN
      refused := format('signaal %s bestaat niet', p_signal_id);
    ELSIF NOT signals.zichtbaar(s.gemeentecode) THEN
      refused := format('signaal %s hoort bij een gemeente waarvoor u geen toegang hebt', p_signal_id);
    END IF;
  END IF;

  IF refused IS NOT NULL THEN
    INSERT INTO audit.reidentification (signal_id, rule_code, subject_key, reason, by_user, stated_by, persons_shown, outcome, refusal)
    VALUES (coalesce(p_signal_id, 0), s.rule_code, s.subject_key, left(coalesce(p_reason, ''), 1000), session_user, left(p_by, 200), 0, 'geweigerd', refused);
    RAISE LOG 'informatiepakhuis heridentificatie geweigerd: signaal %, door %', p_signal_id, session_user;
    RETURN QUERY SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, refused;
    RETURN;
  END IF;

  SELECT count(DISTINCT sp.pseudonym) INTO shown FROM pakhuis.signal_persons sp WHERE sp.signal_id = s.id;
  INSERT INTO audit.reidentification (signal_id, rule_code, subject_key, reason, by_user, stated_by, persons_shown)
  VALUES (s.id, s.rule_code, s.subject_key, p_reason, session_user, p_by, shown);
  -- Identifiers and a count only: the reason is free text and may name people.
  RAISE LOG 'informatiepakhuis heridentificatie: signaal %, door %, % personen', s.id, session_user, shown;
  RETURN QUERY
  SELECT sp.pseudonym::text, p.geslachtsnaam, p.voornamen, p.geboortedatum, p.bron, sp.rol, NULL::text
  FROM pakhuis.signal_persons sp
  LEFT JOIN identity.persoon p ON p.pseudonym = sp.pseudonym
  WHERE sp.signal_id = s.id
  ORDER BY sp.rol, p.geslachtsnaam, sp.pseudonym;
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION signals.gemeente_naam(p_code text)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce((SELECT naam FROM pakhuis.gemeenten WHERE code = p_code), CASE WHEN p_code = '0000' THEN 'gemeente' ELSE 'gemeente ' || p_code END)
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION signals.terugkoppeling(p_melding text, p_status text, p_note text DEFAULT NULL::text, p_by text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_code text;
  v_id text := p_melding;
  found_codes text[];
BEGIN
  IF p_status IS NULL OR p_status NOT IN ('ontvangen', 'in_behandeling', 'teruggekoppeld') THEN
    RAISE EXCEPTION 'onbekende terugkoppelingsstatus %; kies ontvangen, in_behandeling of teruggekoppeld', coalesce(p_status, '(leeg)')
      USING ERRCODE = '22023';
  END IF;
  IF p_note IS NOT NULL AND p_note !~ '\S' THEN
    RAISE EXCEPTION 'de toelichting is leeg (alleen spaties); laat haar weg of schrijf wat er is teruggekoppeld' USING ERRCODE = '22023';
  END IF;
  IF length(p_note) > 2000 THEN
    RAISE EXCEPTION 'de toelichting is % tekens lang; het maximum is 2000', length(p_note) USING ERRCODE = '22023';
  END IF;
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'de opgegeven naam is langer dan 200 tekens' USING ERRCODE = '22023';
  END IF;
  IF p_melding ~ '^[0-9]{4}/' THEN
    v_code := left(p_melding, 4);
    v_id := substr(p_melding, 6);
  END IF;
  SELECT array_agg(m.gemeentecode ORDER BY m.gemeentecode) INTO found_codes FROM model.melding m
  WHERE m.melding_id = v_id AND (v_code IS NULL OR m.gemeentecode = v_code) AND signals.zichtbaar(m.gemeentecode);
  IF found_codes IS NULL THEN
    RAISE EXCEPTION 'melding % bestaat niet', left(p_melding, 100) USING ERRCODE = 'P0002';
  END IF;
  IF cardinality(found_codes) > 1 THEN
    RAISE EXCEPTION 'melding % bestaat in meer dan één gemeente (%); noem de gemeente erbij, zoals %/%', left(v_id, 100),
      array_to_string(found_codes, ', '), found_codes[1], left(v_id, 100) USING ERRCODE = '22023';
  END IF;
  INSERT INTO pakhuis.terugkoppeling_log (melding_id, gemeentecode, status, note, by_user, stated_by)
  VALUES (v_id, found_codes[1], p_status, btrim(p_note, E' \t\r\n'), session_user, p_by);
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION signals.triage(p_signal_id bigint, p_status text, p_note text DEFAULT NULL::text, p_by text DEFAULT NULL::text, p_assigned_to text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  s record;
  assignee text;
BEGIN
  IF p_status IS NULL OR p_status NOT IN ('in_onderzoek', 'vals_positief', 'afgehandeld') THEN
    RAISE EXCEPTION 'onbekende triagestatus %; kies in_onderzoek, vals_positief of afgehandeld', p_status
      USING ERRCODE = '22023';
  END IF;
  IF length(p_note) > 2000 THEN
    RAISE EXCEPTION 'toelichting is % tekens lang; het maximum is 2000', length(p_note) USING ERRCODE = '22001';
  END IF;
  IF length(p_by) > 200 THEN
    RAISE EXCEPTION 'opgegeven naam is % tekens lang; het maximum is 200', length(p_by) USING ERRCODE = '22001';
  END IF;
  IF length(p_assigned_to) > 200 THEN
    RAISE EXCEPTION 'naam van de behandelaar is % tekens lang; het maximum is 200', length(p_assigned_to) USING ERRCODE = '22001';
  END IF;
  IF p_assigned_to ~ '[[:cntrl:]]' THEN
    RAISE EXCEPTION 'naam van de behandelaar bevat een stuurteken' USING ERRCODE = '22023';
  END IF;
  SELECT st.rule_code, st.subject_key, st.score INTO s FROM pakhuis.signal_store st WHERE st.id = p_signal_id AND signals.zichtbaar(st.gemeentecode);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO pakhuis.triage AS t (rule_code, subject_key, status, note, by_user, stated_by, at, score, assigned_to)
  VALUES (s.rule_code, s.subject_key, p_status, p_note, session_user, p_by, clock_timestamp(), s.score, nullif(btrim(p_assigned_to), ''))
  ON CONFLICT (rule_code, subject_key) DO UPDATE SET
    status = EXCLUDED.status, note = EXCLUDED.note, by_user = EXCLUDED.by_user, stated_by = EXCLUDED.stated_by,
    at = EXCLUDED.at, score = EXCLUDED.score,
    assigned_to = CASE WHEN p_assigned_to IS NULL THEN t.assigned_to ELSE EXCLUDED.assigned_to END
  RETURNING t.assigned_to INTO assignee;
  INSERT INTO pakhuis.triage_log (signal_id, rule_code, subject_key, status, note, by_user, stated_by, assigned_to)
  VALUES (p_signal_id, s.rule_code, s.subject_key, p_status, p_note, session_user, p_by, assignee);
END
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION signals.zichtbaar(p_gemeentecode text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  SELECT coalesce(p_gemeentecode = ANY (z), z IS NULL) FROM (SELECT signals.zichtbare_gemeenten() AS z) x
$function$;

-- owner pakhuis_owner
CREATE OR REPLACE FUNCTION signals.zichtbare_gemeenten()
 RETURNS text[]
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  who name := pakhuis.caller();
  r record;
BEGIN
  SELECT rolsuper INTO r FROM pg_roles WHERE rolname = who;
  IF coalesce(r.rolsuper, false) OR pg_has_role(who, 'pakhuis_owner', 'MEMBER') OR pg_has_role(who, 'pakhuis_etl', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  RETURN coalesce((
    SELECT array_agg(DISTINCT g.gemeentecode) FROM audit.access_grants g
    WHERE g.login = who OR (to_regrole(g.login) IS NOT NULL AND pg_has_role(who, g.login::name, 'MEMBER'))), '{}');
END
$function$;

-- ==============================================================================================
-- Triggers
-- ==============================================================================================

CREATE TRIGGER access_log_append_only BEFORE DELETE OR UPDATE ON audit.access_log FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON audit.access_log FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER inzage_append_only BEFORE DELETE OR UPDATE ON audit.inzage FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER inzage_no_truncate BEFORE TRUNCATE ON audit.inzage FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER reidentification_append_only BEFORE DELETE OR UPDATE ON audit.reidentification FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER reidentification_no_truncate BEFORE TRUNCATE ON audit.reidentification FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER baseline_counts_append_only BEFORE DELETE OR UPDATE ON pakhuis.baseline_counts FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER baseline_counts_no_truncate BEFORE TRUNCATE ON pakhuis.baseline_counts FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER baseline_sets_append_only BEFORE DELETE OR UPDATE ON pakhuis.baseline_sets FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER baseline_sets_guard BEFORE INSERT ON pakhuis.baseline_sets FOR EACH ROW EXECUTE FUNCTION pakhuis.baseline_set_guard();
CREATE TRIGGER baseline_sets_no_truncate BEFORE TRUNCATE ON pakhuis.baseline_sets FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER signal_history_no_truncate BEFORE TRUNCATE ON pakhuis.signal_history FOR EACH STATEMENT EXECUTE FUNCTION pakhuis.only_through_owner('de geschiedenis van signalen wordt alleen geschreven door pakhuis.merge_signals');
CREATE TRIGGER signal_history_only_through_merge BEFORE INSERT OR DELETE OR UPDATE ON pakhuis.signal_history FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_owner('de geschiedenis van signalen wordt alleen geschreven door pakhuis.merge_signals');
CREATE TRIGGER terugkoppeling_log_append_only BEFORE DELETE OR UPDATE ON pakhuis.terugkoppeling_log FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER terugkoppeling_log_no_truncate BEFORE TRUNCATE ON pakhuis.terugkoppeling_log FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER terugkoppeling_log_only_through_function BEFORE INSERT ON pakhuis.terugkoppeling_log FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_terugkoppeling();
CREATE TRIGGER trend_rule_counts_append_only BEFORE DELETE OR UPDATE ON pakhuis.trend_rule_counts FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER trend_rule_counts_no_truncate BEFORE TRUNCATE ON pakhuis.trend_rule_counts FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER trend_runs_append_only BEFORE DELETE OR UPDATE ON pakhuis.trend_runs FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER trend_runs_no_truncate BEFORE TRUNCATE ON pakhuis.trend_runs FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER triage_no_truncate BEFORE TRUNCATE ON pakhuis.triage FOR EACH STATEMENT EXECUTE FUNCTION pakhuis.only_through_owner('een oordeel over een signaal wordt alleen vastgelegd via signals.triage');
CREATE TRIGGER triage_only_through_triage BEFORE INSERT OR DELETE OR UPDATE ON pakhuis.triage FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_owner('een oordeel over een signaal wordt alleen vastgelegd via signals.triage');
CREATE TRIGGER triage_log_append_only BEFORE DELETE OR UPDATE ON pakhuis.triage_log FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER triage_log_no_truncate BEFORE TRUNCATE ON pakhuis.triage_log FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER triage_log_only_through_triage BEFORE INSERT ON pakhuis.triage_log FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_triage();

-- ==============================================================================================
-- Row-level security policies
-- ==============================================================================================

-- ==============================================================================================
-- Privileges (beyond the owner, who has them all)
-- ==============================================================================================

GRANT EXECUTE ON FUNCTION identity.refresh_from_brp(p_load_id bigint) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION identity.refresh_from_brp(p_load_ids bigint[]) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION identity.refresh_from_register(p_register text, p_load_ids bigint[]) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION model.bewoning_telling() TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION model.brp_aanvang_onzeker(raw text, peildag date) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION model.brp_datum(raw text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION model.defer_indexes(tbl regclass, only_when_empty boolean) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION model.restore_indexes(tbl regclass) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.adres_sleutel(postcode text, huisnummer integer, huisletter text, toevoeging text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.baseline_set_guard() TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.caller() TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.merge_signals(p_run_id bigint, p_rule_codes text[]) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.only_through_owner() TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.only_through_terugkoppeling() TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.only_through_triage() TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.purge_resolved_signals(p_now timestamp with time zone, p_months integer) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.samen(a text, b text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.severity_rank(severity text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.visible_length(t text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis.zaak_sleutel(p_gemeentecode text, p_nummer text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION pakhuis_meta.apply_grants() TO PUBLIC;
GRANT EXECUTE ON FUNCTION pakhuis_meta.check_bulk_table(tbl regclass) TO PUBLIC;
GRANT EXECUTE ON FUNCTION reident.inzage(p_pseudonym text, p_key_version integer, p_check_value text, p_reason text, p_by text) TO pakhuis_reident;
GRANT EXECUTE ON FUNCTION reident.reveal(p_signal_id bigint, p_reason text, p_by text) TO pakhuis_reident;
GRANT EXECUTE ON FUNCTION signals.gemeente_naam(p_code text) TO pakhuis_analyst;
GRANT EXECUTE ON FUNCTION signals.gemeente_naam(p_code text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION signals.terugkoppeling(p_melding text, p_status text, p_note text, p_by text) TO pakhuis_analyst;
GRANT EXECUTE ON FUNCTION signals.triage(p_signal_id bigint, p_status text, p_note text, p_by text, p_assigned_to text) TO pakhuis_analyst;
GRANT EXECUTE ON FUNCTION signals.zichtbaar(p_gemeentecode text) TO pakhuis_analyst;
GRANT EXECUTE ON FUNCTION signals.zichtbaar(p_gemeentecode text) TO pakhuis_etl;
GRANT EXECUTE ON FUNCTION signals.zichtbare_gemeenten() TO pakhuis_analyst;
GRANT EXECUTE ON FUNCTION signals.zichtbare_gemeenten() TO pakhuis_etl;
GRANT USAGE ON SCHEMA identity TO pakhuis_etl;
GRANT USAGE ON SCHEMA model TO pakhuis_etl;
GRANT USAGE ON SCHEMA pakhuis TO pakhuis_etl;
GRANT USAGE ON SCHEMA pakhuis_meta TO pakhuis_etl;
GRANT USAGE ON SCHEMA pakhuis_meta TO pakhuis_owner;
GRANT USAGE ON SCHEMA reident TO pakhuis_reident;
GRANT USAGE ON SCHEMA signals TO pakhuis_analyst;
GRANT USAGE ON SCHEMA signals TO pakhuis_etl;
GRANT USAGE ON SCHEMA staging TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.baseline_sets_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.loads_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.pulled_files_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.rejected_files_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.report_outbox_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.runs_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.signal_history_id_seq TO pakhuis_etl;
GRANT SELECT, UPDATE, USAGE ON SEQUENCE pakhuis.terugkoppeling_log_id_seq TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.adres_index TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.bewoning TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.damocles_zaak TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.inschrijving TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.inschrijving_historie TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.melding TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.nummeraanduiding TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.partij TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.persoon TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.source_state TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.verblijfsobject TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE model.vergunning TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.baseline_counts TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.baseline_sets TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.gemeenten TO pakhuis_etl;
GRANT INSERT, SELECT ON TABLE pakhuis.key_checks TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.loads TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.melding_ledger TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.overleg TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.pull_locations TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.pulled_files TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.rejected_files TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.rejected_rows TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.report_attachments TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.report_outbox TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.report_signals TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.rules TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.run_steps TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.runs TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.samenwerking TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.settings TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.signal_addresses TO pakhuis_etl;
GRANT INSERT ON TABLE pakhuis.signal_candidates TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.signal_history TO pakhuis_etl;
GRANT SELECT ON TABLE pakhuis.signal_persons TO pakhuis_etl;
GRANT SELECT ON TABLE pakhuis.signal_store TO pakhuis_etl;
GRANT SELECT ON TABLE pakhuis.signals TO pakhuis_etl;
GRANT DELETE, INSERT ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (at) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (by_user) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (gemeentecode) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (id) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (melding_id) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (stated_by) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT SELECT (status) ON TABLE pakhuis.terugkoppeling_log TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.trend_rule_counts TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE pakhuis.trend_runs TO pakhuis_etl;
GRANT SELECT (at) ON TABLE pakhuis.triage_log TO pakhuis_etl;
GRANT SELECT (by_user) ON TABLE pakhuis.triage_log TO pakhuis_etl;
GRANT SELECT (id) ON TABLE pakhuis.triage_log TO pakhuis_etl;
GRANT SELECT (signal_id) ON TABLE pakhuis.triage_log TO pakhuis_etl;
GRANT SELECT (status) ON TABLE pakhuis.triage_log TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT ON TABLE pakhuis_meta.deferred_indexes TO pakhuis_owner;
GRANT SELECT ON TABLE pakhuis_meta.migrations TO pakhuis_etl;
GRANT SELECT ON TABLE signals.addresses TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.addresses TO pakhuis_etl;
GRANT SELECT ON TABLE signals.flagged_addresses TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.flagged_addresses TO pakhuis_etl;
GRANT SELECT ON TABLE signals.meldingen TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.meldingen TO pakhuis_etl;
GRANT SELECT ON TABLE signals.rules TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.rules TO pakhuis_etl;
GRANT SELECT ON TABLE signals.runs TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.runs TO pakhuis_etl;
GRANT SELECT ON TABLE signals.signal_changes TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.signal_changes TO pakhuis_etl;
GRANT SELECT ON TABLE signals.signal_details TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.signal_details TO pakhuis_etl;
GRANT SELECT ON TABLE signals.signal_persons TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.signal_persons TO pakhuis_etl;
GRANT SELECT ON TABLE signals.spreiding TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.spreiding TO pakhuis_etl;
GRANT SELECT ON TABLE signals.terugkoppeling_achterstallig TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.terugkoppeling_achterstallig TO pakhuis_etl;
GRANT SELECT ON TABLE signals.trend TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.trend TO pakhuis_etl;
GRANT SELECT ON TABLE signals.triage_history TO pakhuis_analyst;
GRANT SELECT ON TABLE signals.triage_history TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE staging.bag_num TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE staging.bag_vbo TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE staging.bag_vbo_num TO pakhuis_etl;
GRANT DELETE, INSERT ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (datum_aanvang) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (datum_aanvang_raw) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (datum_opschorting) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (datum_overlijden) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (functie_adres) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (gemeente) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (historie_index) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (huisletter) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (huisnummer) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (huisnummertoevoeging) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (key_version) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (land) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (line) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (load_id) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (niet_op_adres_vanaf) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (nummeraanduiding_id) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (onjuist) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (persoonslijst) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (postcode) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (pseudonym) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (reden_opschorting) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (soort) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (verblijfsobject_id) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (volgende_aanvang) ON TABLE staging.brp TO pakhuis_etl;
GRANT SELECT (volgende_index) ON TABLE staging.brp TO pakhuis_etl;
GRANT DELETE, INSERT ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (besluit) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (datum_constatering) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (drugs_categorie) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (eigenaar_kvk) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (eigenaar_pseudonym) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (huisletter) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (huisnummer) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (huisnummertoevoeging) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (huurder_kvk) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (huurder_pseudonym) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (key_version) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (line) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (load_id) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (object_type) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (postcode) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (sluiting_einde) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (sluiting_start) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (verblijfsobject_id) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT (zaaknummer) ON TABLE staging.damocles TO pakhuis_etl;
GRANT SELECT ON TABLE staging.damocles_for_model TO pakhuis_etl;
GRANT DELETE, INSERT, SELECT, TRUNCATE, UPDATE ON TABLE staging.meldingen TO pakhuis_etl;
GRANT DELETE, INSERT ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (datum_verleend) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (geldig_tot) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (houder_kvk) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (houder_pseudonym) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (huisletter) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (huisnummer) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (huisnummertoevoeging) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (key_version) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (line) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (load_id) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (postcode) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (status) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (verblijfsobject_id) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (vergunning_type) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT (zaaknummer) ON TABLE staging.permits TO pakhuis_etl;
GRANT SELECT ON TABLE staging.permits_for_model TO pakhuis_etl;
