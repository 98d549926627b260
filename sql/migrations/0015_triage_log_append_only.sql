-- Triage history says who judged a signal, how and when; a "vals positief" keeps a signal out of
-- the reports. It is kept like the re-identification audit: no role, the loading role included,
-- may change or remove it (it could otherwise hide who silenced a signal).
CREATE TRIGGER triage_log_append_only BEFORE UPDATE OR DELETE ON pakhuis.triage_log
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER triage_log_no_truncate BEFORE TRUNCATE ON pakhuis.triage_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
