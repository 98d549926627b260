-- The nulmeting is frozen once, and a replacement names the one it replaces (issue 17, point 5).
-- Until now only `pakhuis nulmeting` kept that rule: a plain INSERT into pakhuis.baseline_sets by
-- the loading role made a new yardstick without --vervang, with any by_user and frozen_at it
-- cared to write, and the newest set is the one the trend measures against. The database now
-- says who and when itself, and refuses a set that does not replace the current one.
CREATE FUNCTION pakhuis.baseline_set_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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
$$;
CREATE TRIGGER baseline_sets_guard BEFORE INSERT ON pakhuis.baseline_sets
  FOR EACH ROW EXECUTE FUNCTION pakhuis.baseline_set_guard();
