-- A permit or Damocles case that names a verblijfsobject the BAG does not know kept no trace of
-- that id in the model: ADRES_ONBEKEND then described it as an address without postcode,
-- huisnummer or BAG id, although the register gave one. Kept here as model.inschrijving keeps it.
ALTER TABLE model.vergunning ADD COLUMN opgegeven_verblijfsobject_id text COLLATE "C";
ALTER TABLE model.damocles_zaak ADD COLUMN opgegeven_verblijfsobject_id text COLLATE "C";
