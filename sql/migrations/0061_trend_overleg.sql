-- Nulmeting and trends, and the monthly ondermijningsoverleg.
--
-- Every run that publishes records, per rule, what it did on its day (the run's peildatum, which
-- `pakhuis run --today` can move): signals new, resolved and open, and the judgements (vals
-- positief, afgehandeld) recorded since the run before. Months are sums of their runs, so a month
-- is never rewritten by a later run, and rerunning changes nothing that was recorded. The counts
-- are history and a baseline is the yardstick for years: both tables are append-only.

CREATE TABLE pakhuis.trend_runs (
  run_id            bigint PRIMARY KEY REFERENCES pakhuis.runs (id),
  peildatum         date NOT NULL,
  -- Judgements in pakhuis.triage_log up to this id are counted (by this run or an earlier one).
  triage_log_upto   bigint NOT NULL
);
CREATE INDEX trend_runs_peildatum_idx ON pakhuis.trend_runs (peildatum);

CREATE TABLE pakhuis.trend_rule_counts (
  run_id                bigint NOT NULL REFERENCES pakhuis.trend_runs (run_id),
  rule_code             text NOT NULL,
  new_signals           integer NOT NULL,
  resolved_signals      integer NOT NULL,
  open_signals          integer NOT NULL,
  judged_vals_positief  integer NOT NULL,
  judged_afgehandeld    integer NOT NULL,
  PRIMARY KEY (run_id, rule_code)
);

-- A nulmeting: the counts of the month of its date, up to and including that date. A second one
-- only with `pakhuis nulmeting --vervang`; the earlier one stays, the newest set counts.
CREATE TABLE pakhuis.baseline_sets (
  id                bigserial PRIMARY KEY,
  baseline_date     date NOT NULL,
  month             date NOT NULL,
  frozen_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  by_user           text NOT NULL DEFAULT session_user,
  stated_by         text,
  replaces          bigint REFERENCES pakhuis.baseline_sets (id)
);

CREATE TABLE pakhuis.baseline_counts (
  set_id                bigint NOT NULL REFERENCES pakhuis.baseline_sets (id),
  rule_code             text NOT NULL,
  new_signals           integer,
  resolved_signals      integer,
  open_signals          integer,
  judged_vals_positief  integer,
  judged_afgehandeld    integer,
  meldingen_received    integer,
  PRIMARY KEY (set_id, rule_code)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['trend_runs', 'trend_rule_counts', 'baseline_sets', 'baseline_counts'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON pakhuis.%I FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON pakhuis.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$$;

-- Per month and rule: the sums of the month's runs, open signals as the month's last run left them.
-- Meldingen are not a rule's: they are counted on a row of their own, rule_code MELDPUNT, by the
-- date they were received. change_* compare with the newest nulmeting, rule by rule.
CREATE VIEW signals.trend AS
WITH per_run AS (
  SELECT date_trunc('month', r.peildatum)::date AS month, r.peildatum, c.*
  FROM pakhuis.trend_runs r JOIN pakhuis.trend_rule_counts c ON c.run_id = r.run_id
),
per_month AS (
  SELECT month, rule_code,
    sum(new_signals)::integer AS new_signals,
    sum(resolved_signals)::integer AS resolved_signals,
    (array_agg(open_signals ORDER BY peildatum DESC, run_id DESC))[1] AS open_signals,
    sum(judged_vals_positief)::integer AS judged_vals_positief,
    sum(judged_afgehandeld)::integer AS judged_afgehandeld,
    NULL::integer AS meldingen_received
  FROM per_run
  GROUP BY month, rule_code
  UNION ALL
  SELECT date_trunc('month', datum_ontvangen)::date, 'MELDPUNT', NULL, NULL, NULL, NULL, NULL, count(*)::integer
  FROM pakhuis.melding_ledger
  GROUP BY 1
),
baseline AS (
  SELECT s.month AS baseline_month, c.*
  FROM pakhuis.baseline_counts c JOIN pakhuis.baseline_sets s ON s.id = c.set_id
  WHERE s.id = (SELECT max(id) FROM pakhuis.baseline_sets)
)
SELECT m.month, m.rule_code, m.new_signals, m.resolved_signals, m.open_signals, m.judged_vals_positief, m.judged_afgehandeld,
  m.meldingen_received,
  b.baseline_month,
  m.new_signals - b.new_signals AS change_new,
  m.resolved_signals - b.resolved_signals AS change_resolved,
  m.open_signals - b.open_signals AS change_open,
  m.judged_vals_positief - b.judged_vals_positief AS change_vals_positief,
  m.judged_afgehandeld - b.judged_afgehandeld AS change_afgehandeld,
  m.meldingen_received - b.meldingen_received AS change_meldingen
FROM per_month m
LEFT JOIN baseline b ON b.rule_code = m.rule_code;

COMMENT ON VIEW signals.trend IS 'Per maand en regel: nieuwe, opgeloste en open signalen, oordelen vals positief en afgehandeld, en (op de rij MELDPUNT) het aantal ontvangen meldingen; met het verschil ten opzichte van de nulmeting.';
COMMENT ON COLUMN signals.trend.month IS 'De maand (eerste dag), naar de peildatum van de runs.';
COMMENT ON COLUMN signals.trend.rule_code IS 'Code van de regel; MELDPUNT voor de ontvangen meldingen.';
COMMENT ON COLUMN signals.trend.new_signals IS 'Signalen die in deze maand voor het eerst verschenen.';
COMMENT ON COLUMN signals.trend.resolved_signals IS 'Signalen die de regel in deze maand niet meer gaf.';
COMMENT ON COLUMN signals.trend.open_signals IS 'Open signalen na de laatste run van de maand.';
COMMENT ON COLUMN signals.trend.judged_vals_positief IS 'Signalen die in deze maand als vals positief zijn beoordeeld.';
COMMENT ON COLUMN signals.trend.judged_afgehandeld IS 'Signalen die in deze maand als afgehandeld zijn beoordeeld.';
COMMENT ON COLUMN signals.trend.meldingen_received IS 'Meldingen met een ontvangstdatum in deze maand (alleen op de rij MELDPUNT).';
COMMENT ON COLUMN signals.trend.baseline_month IS 'De maand van de geldende nulmeting (leeg als er nog geen is).';
COMMENT ON COLUMN signals.trend.change_new IS 'Nieuwe signalen min die van de nulmeting.';
COMMENT ON COLUMN signals.trend.change_resolved IS 'Opgeloste signalen min die van de nulmeting.';
COMMENT ON COLUMN signals.trend.change_open IS 'Open signalen min die van de nulmeting.';
COMMENT ON COLUMN signals.trend.change_vals_positief IS 'Oordelen vals positief min die van de nulmeting.';
COMMENT ON COLUMN signals.trend.change_afgehandeld IS 'Oordelen afgehandeld min die van de nulmeting.';
COMMENT ON COLUMN signals.trend.change_meldingen IS 'Ontvangen meldingen min die van de nulmeting.';

-- ------------------------------------------------------------------ overleg and the outbox

-- Each overview made for the monthly overleg; "since the previous overleg" is since the peildatum
-- of the newest one for an earlier month.
CREATE TABLE pakhuis.overleg (
  month             date PRIMARY KEY,
  peildatum         date NOT NULL,
  made_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  by_user           text NOT NULL DEFAULT session_user
);

-- The outbox carries the overleg overview as well as the nightly report, and attachments beside
-- the CSV: the workbook, the printable page, and the trend chart shown inline (content_id).
ALTER TABLE pakhuis.report_outbox ADD COLUMN kind text NOT NULL DEFAULT 'nachtrapport' CHECK (kind IN ('nachtrapport', 'overleg'));
ALTER TABLE pakhuis.report_outbox ALTER COLUMN csv DROP NOT NULL;

CREATE TABLE pakhuis.report_attachments (
  outbox_id       bigint NOT NULL REFERENCES pakhuis.report_outbox (id) ON DELETE CASCADE,
  position        integer NOT NULL,
  file_name       text NOT NULL,
  content_type    text NOT NULL,
  content         bytea NOT NULL,
  content_id      text,
  PRIMARY KEY (outbox_id, position)
);
