-- Triage says who judged a signal, how and when, and a "vals positief" keeps a signal out of the
-- reports. So only signals.triage may make one, and nobody may change or remove its history: not
-- the loading role, which may write signals and could otherwise set a judgement directly or write
-- history in another's name, and not the owner by accident. A superuser can switch triggers off
-- and is not held back here.

-- The refusal names the table with its schema, now that it guards more than the audit schema.
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '42501';
END
$$;

CREATE TRIGGER triage_log_append_only BEFORE UPDATE OR DELETE ON pakhuis.triage_log
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER triage_log_no_truncate BEFORE TRUNCATE ON pakhuis.triage_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- signals.triage runs with the owner's rights: inside it current_user is pakhuis_owner.
CREATE FUNCTION pakhuis.only_through_triage() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF current_user = 'pakhuis_owner' OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'een oordeel over een signaal wordt alleen vastgelegd via signals.triage' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER triage_log_only_through_triage BEFORE INSERT ON pakhuis.triage_log
  FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_triage();
CREATE TRIGGER signals_triage_only_through_triage
  BEFORE UPDATE OF triage_status, triage_note, triage_by, triage_at, triage_score ON pakhuis.signals
  FOR EACH ROW
  WHEN (OLD.triage_status IS DISTINCT FROM NEW.triage_status OR OLD.triage_note IS DISTINCT FROM NEW.triage_note
        OR OLD.triage_by IS DISTINCT FROM NEW.triage_by OR OLD.triage_at IS DISTINCT FROM NEW.triage_at
        OR OLD.triage_score IS DISTINCT FROM NEW.triage_score)
  EXECUTE FUNCTION pakhuis.only_through_triage();
