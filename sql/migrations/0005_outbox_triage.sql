-- Reports are stored before they are sent, so a failed delivery waits here for the next run;
-- each row records what it carried. Triage lets an analyst record a human judgement on a signal.

CREATE TABLE pakhuis.report_outbox (
  id              bigserial PRIMARY KEY,
  run_id          bigint REFERENCES pakhuis.runs (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  file_name       text NOT NULL,
  file_path       text,
  csv             text NOT NULL,
  subject         text NOT NULL,
  text_body       text NOT NULL,
  html_body       text NOT NULL,
  recipients      text[] NOT NULL DEFAULT '{}',
  status          text NOT NULL CHECK (status IN ('pending', 'sent', 'not_sent')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  sent_at         timestamptz,
  message_id      text
);

-- Which signals (at which score) a report carried: "new or worse since the last report" is
-- decided against this, so a second report never repeats what the first carried.
CREATE TABLE pakhuis.report_signals (
  outbox_id       bigint NOT NULL REFERENCES pakhuis.report_outbox (id) ON DELETE CASCADE,
  signal_id       bigint NOT NULL REFERENCES pakhuis.signals (id) ON DELETE CASCADE,
  score           numeric,
  severity        text NOT NULL,
  PRIMARY KEY (outbox_id, signal_id)
);
CREATE INDEX report_signals_signal_idx ON pakhuis.report_signals (signal_id);

ALTER TABLE pakhuis.signals
  ADD COLUMN triage_status text CHECK (triage_status IN ('in_onderzoek', 'vals_positief', 'afgehandeld')),
  ADD COLUMN triage_note text,
  ADD COLUMN triage_by text,
  ADD COLUMN triage_at timestamptz,
  ADD COLUMN triage_score numeric;

CREATE TABLE pakhuis.triage_log (
  id              bigserial PRIMARY KEY,
  signal_id       bigint NOT NULL REFERENCES pakhuis.signals (id) ON DELETE CASCADE,
  status          text NOT NULL,
  note            text,
  by_user         text NOT NULL,
  at              timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Callable by analysts (granted in the roles migration): the only write they may do.
CREATE FUNCTION signals.triage(p_signal_id bigint, p_status text, p_note text DEFAULT NULL, p_by text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pakhuis AS $$
BEGIN
  IF p_status NOT IN ('in_onderzoek', 'vals_positief', 'afgehandeld') THEN
    RAISE EXCEPTION 'onbekende triagestatus %; kies in_onderzoek, vals_positief of afgehandeld', p_status
      USING ERRCODE = '22023';
  END IF;
  UPDATE pakhuis.signals
     SET triage_status = p_status, triage_note = p_note, triage_by = coalesce(p_by, session_user), triage_at = clock_timestamp(),
         triage_score = score
   WHERE id = p_signal_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'signaal % bestaat niet', p_signal_id USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO pakhuis.triage_log (signal_id, status, note, by_user) VALUES (p_signal_id, p_status, p_note, coalesce(p_by, session_user));
END
$$;
COMMENT ON FUNCTION signals.triage(bigint, text, text, text) IS 'Leg een menselijk oordeel vast over een signaal: in_onderzoek, vals_positief of afgehandeld, met een toelichting. Een vals positief signaal komt pas weer in een rapport als het bewijs verslechtert.';

CREATE OR REPLACE VIEW signals.signal_details AS
SELECT s.id AS signal_id, s.rule_code, r.title AS rule_title, s.subject_key, s.verblijfsobject_id, s.severity,
  s.status, s.explanation, s.evidence, s.rule_version, s.first_seen_at, s.last_seen_at, s.resolved_at,
  s.first_seen_run, s.last_seen_run,
  s.triage_status, s.triage_note, s.triage_by, s.triage_at
FROM pakhuis.signals s
LEFT JOIN pakhuis.rules r ON r.code = s.rule_code;

COMMENT ON COLUMN signals.signal_details.triage_status IS 'Menselijk oordeel: in_onderzoek, vals_positief of afgehandeld (leeg: nog niet beoordeeld).';
COMMENT ON COLUMN signals.signal_details.triage_note IS 'Toelichting bij het oordeel.';
COMMENT ON COLUMN signals.signal_details.triage_by IS 'Wie het oordeel gaf.';
COMMENT ON COLUMN signals.signal_details.triage_at IS 'Wanneer het oordeel werd gegeven.';
