-- Registrations across nightly loads. model.inschrijving is what the newest BRP export says
-- (current addresses and whatever history the export carries); this table remembers every
-- registration any export ever showed, and closes one when a later export no longer has it, so
-- "who lived here between these dates" stays answerable after the export forgets.
CREATE TABLE model.inschrijving_historie (
  pseudonym             text NOT NULL,
  -- The address as far as it is known: the verblijfsobject, else the address key, else the
  -- nummeraanduiding; part of the key, so an unmatched address still has a history.
  adres_ref             text NOT NULL,
  verblijfsobject_id    text,
  functie_adres         char(1) NOT NULL,
  geldig_van            date,
  van_sleutel           date NOT NULL,
  geldig_tot            date,
  gesloten_door         text CHECK (gesloten_door IN ('export', 'verdwenen')),
  eerst_gezien_load     bigint NOT NULL,
  laatst_gezien_load    bigint NOT NULL,
  PRIMARY KEY (pseudonym, adres_ref, functie_adres, van_sleutel)
);
CREATE INDEX inschrijving_historie_vbo_idx ON model.inschrijving_historie (verblijfsobject_id, geldig_van);
CREATE INDEX inschrijving_historie_open_idx ON model.inschrijving_historie (laatst_gezien_load) WHERE geldig_tot IS NULL;

COMMENT ON TABLE model.inschrijving_historie IS 'Alle inschrijvingen die een BRP-levering ooit liet zien, met periode; gesloten_door verdwenen: een latere levering had de inschrijving niet meer.';
