-- A check value per pseudonymisation key version. A run with another PSEUDONYMIZATION_KEY under a
-- version already in use made other pseudonyms for the same people: 3 of 4 Damocles signals were
-- resolved without a word, and reopened as new once the right key was back. The first run under
-- a version stores HMAC-SHA256(key, fixed label); every later load compares before reading a row
-- (pipelines/key-versions.ts verifyKey). The value is a keyed hash of a public label: it gives no
-- more to guess the key against than any stored pseudonym of a known BSN already does, and no
-- way to make pseudonyms.
CREATE TABLE pakhuis.key_checks (
  key_version     integer PRIMARY KEY,
  check_value     text NOT NULL CHECK (check_value ~ '^[0-9a-f]{64}$'),
  first_used_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE pakhuis.key_checks IS 'Controlewaarde per sleutelversie (HMAC van een vast label onder de sleutel): een andere sleutel onder dezelfde versie wordt geweigerd voordat er iets wordt geladen.';
