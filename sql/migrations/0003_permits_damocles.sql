-- Permits and Damocles cases in the model. Like the rest of the model these tables hold
-- pseudonyms and KvK numbers, never names of persons or BSNs: a person's name from a register
-- goes to identity.persoon only. A company's name is public (Handelsregister) and may stay here.

CREATE TABLE model.vergunning (
  zaaknummer                text PRIMARY KEY,
  type                      text NOT NULL,
  verblijfsobject_id        text,
  nummeraanduiding_id       text,
  match_method              text NOT NULL CHECK (match_method IN ('vbo_id', 'adres', 'geen')),
  adres_sleutel             text,
  geldig_van                date,
  geldig_tot                date,
  status                    text,
  source_line               integer NOT NULL
);
CREATE INDEX vergunning_vbo_idx ON model.vergunning (verblijfsobject_id);

COMMENT ON TABLE model.vergunning IS 'Vergunningen uit het vergunningenregister (horeca, Alcoholwet, omzetting, kamerverhuur, huisvesting arbeidsmigranten), gekoppeld aan de BAG.';
COMMENT ON COLUMN model.vergunning.type IS 'Soort vergunning, genormaliseerd (exploitatievergunning, alcoholwetvergunning, omzettingsvergunning, kamerverhuur, huisvesting arbeidsmigranten); andere soorten zoals geleverd, in kleine letters.';
COMMENT ON COLUMN model.vergunning.match_method IS 'Hoe het verblijfsobject gevonden is: vbo_id (identificatie in het register), adres (postcode, huisnummer, huisletter, toevoeging) of geen.';
COMMENT ON COLUMN model.vergunning.geldig_van IS 'Datum verleend.';
COMMENT ON COLUMN model.vergunning.geldig_tot IS 'Laatste dag van de geldigheid; leeg is onbepaalde tijd.';
COMMENT ON COLUMN model.vergunning.status IS 'Status, genormaliseerd waar bekend (verleend, aangevraagd, geweigerd, ingetrokken, vervallen).';

CREATE TABLE model.damocles_zaak (
  zaaknummer                text PRIMARY KEY,
  verblijfsobject_id        text,
  nummeraanduiding_id       text,
  match_method              text NOT NULL CHECK (match_method IN ('vbo_id', 'adres', 'geen')),
  adres_sleutel             text,
  object_type               text CHECK (object_type IN ('woning', 'lokaal', 'erf')),
  datum_constatering        date,
  drugs_categorie           text CHECK (drugs_categorie IN ('hard', 'soft', 'hennep', 'voorbereidingshandelingen')),
  besluit                   text CHECK (besluit IN ('waarschuwing', 'sluiting', 'last onder dwangsom')),
  sluiting_start            date,
  sluiting_einde            date,
  source_line               integer NOT NULL
);
CREATE INDEX damocles_zaak_vbo_idx ON model.damocles_zaak (verblijfsobject_id);

COMMENT ON TABLE model.damocles_zaak IS 'Zaken onder het Damoclesbeleid (art. 13b Opiumwet), gekoppeld aan de BAG.';
COMMENT ON COLUMN model.damocles_zaak.sluiting_start IS 'Eerste dag van de sluiting.';
COMMENT ON COLUMN model.damocles_zaak.sluiting_einde IS 'Laatste dag van de sluiting (berekend uit de duur als het register alleen die gaf); leeg bij een sluiting voor onbepaalde tijd.';

-- The parties of a case: the holder of a permit, the owner and tenant of a Damocles case. A party
-- is a person (pseudonym) or a company (KvK number); a register row naming both gives two parties.
CREATE TABLE model.partij (
  zaak_soort                text NOT NULL CHECK (zaak_soort IN ('vergunning', 'damocles')),
  zaaknummer                text NOT NULL,
  rol                       text NOT NULL CHECK (rol IN ('houder', 'eigenaar', 'huurder')),
  pseudonym                 text,
  key_version               integer,
  kvk                       text CHECK (kvk ~ '^[0-9]{8}$'),
  bedrijfsnaam              text,
  CHECK ((pseudonym IS NULL) <> (kvk IS NULL)),
  CHECK (pseudonym IS NULL OR key_version IS NOT NULL),
  -- A name next to a pseudonym would be a person's name in the model.
  CHECK (bedrijfsnaam IS NULL OR pseudonym IS NULL),
  CHECK ((zaak_soort = 'vergunning') = (rol = 'houder'))
);
CREATE UNIQUE INDEX partij_uniek_idx ON model.partij (zaak_soort, zaaknummer, rol, coalesce(pseudonym, kvk));
CREATE INDEX partij_pseudonym_idx ON model.partij (pseudonym) WHERE pseudonym IS NOT NULL;
CREATE INDEX partij_kvk_idx ON model.partij (kvk) WHERE kvk IS NOT NULL;

COMMENT ON TABLE model.partij IS 'Betrokkenen bij een vergunning (houder) of Damocleszaak (eigenaar, huurder): een persoon als pseudoniem of een bedrijf als KvK-nummer, nooit een naam van een persoon.';
