-- The meldpunt ondermijning as a fifth source: what colleagues (Burgerzaken, VTH, KCC, handhaving),
-- partners (politie, OM, RIEC, woningcorporaties) and residents (through Meld Misdaad Anoniem)
-- reported, on which address, and whether the melder has had feedback (terugkoppeling).
--
-- The free text of a melding can name people. It lives in the staging rows of a load (loading role
-- only, removed by retention like every staging row) and in model.melding for the published load;
-- the views show it to members of the analyst role only, and nothing the product sends (CSV report,
-- e-mail, overleg overview) reads it.

ALTER TABLE pakhuis.loads DROP CONSTRAINT loads_source_check;
ALTER TABLE pakhuis.loads ADD CONSTRAINT loads_source_check CHECK (source IN ('brp', 'bag', 'permits', 'damocles', 'meldingen'));

CREATE TABLE staging.meldingen (
  load_id                   bigint NOT NULL,
  line                      integer NOT NULL,
  melding_id                text NOT NULL,
  datum_ontvangen           date NOT NULL,
  kanaal                    text NOT NULL,
  melder_referentie         text,
  categorie                 text,
  verblijfsobject_id        text COLLATE "C",
  postcode                  text,
  huisnummer                integer,
  huisletter                text,
  huisnummertoevoeging      text,
  vrije_tekst               text
);
CREATE INDEX staging_meldingen_load_idx ON staging.meldingen (load_id);

CREATE TABLE model.melding (
  melding_id                text PRIMARY KEY,
  datum_ontvangen           date NOT NULL,
  kanaal                    text NOT NULL CHECK (kanaal IN ('intern', 'partner', 'anoniem', 'inwoner')),
  -- A department or partner organisation; never for an anonymous melding or a resident.
  melder_referentie         text CHECK (melder_referentie IS NULL OR kanaal IN ('intern', 'partner')),
  categorie                 text CHECK (categorie IN ('drugs', 'mensenhandel/uitbuiting', 'witwassen', 'huisvesting', 'horeca', 'vastgoed', 'overig')),
  verblijfsobject_id        text COLLATE "C",
  nummeraanduiding_id       text COLLATE "C",
  match_method              text NOT NULL CHECK (match_method IN ('vbo_id', 'adres', 'geen')),
  adres_sleutel             text COLLATE "C",
  opgegeven_verblijfsobject_id text COLLATE "C",
  vrije_tekst               text,
  source_line               integer NOT NULL
);
CREATE INDEX melding_vbo_idx ON model.melding (verblijfsobject_id);

COMMENT ON TABLE model.melding IS 'Meldingen van het meldpunt ondermijning (intern, partners, Meld Misdaad Anoniem, inwoners), gekoppeld aan de BAG.';
COMMENT ON COLUMN model.melding.vrije_tekst IS 'De omschrijving zoals gemeld; kan namen bevatten. Alleen zichtbaar voor de analistenrol, nooit in rapport, e-mail of overlegoverzicht.';

-- Every melding id any published export showed, with its date: the count of meldingen received
-- per month stays when a later export no longer lists an old melding. No text, no melder.
CREATE TABLE pakhuis.melding_ledger (
  melding_id                text PRIMARY KEY,
  datum_ontvangen           date NOT NULL,
  kanaal                    text NOT NULL,
  categorie                 text,
  first_seen_load           bigint NOT NULL
);

-- ------------------------------------------------------------------ terugkoppeling (feedback)

-- Append-only, like the triage history: who (the database login), when, which state, and a note.
-- The current state of a melding is its newest row; without a row it is 'ontvangen'.
CREATE TABLE pakhuis.terugkoppeling_log (
  id              bigserial PRIMARY KEY,
  melding_id      text NOT NULL,
  status          text NOT NULL CHECK (status IN ('ontvangen', 'in_behandeling', 'teruggekoppeld')),
  note            text,
  by_user         text NOT NULL,
  stated_by       text,
  at              timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX terugkoppeling_log_melding_idx ON pakhuis.terugkoppeling_log (melding_id, id DESC);

CREATE TRIGGER terugkoppeling_log_append_only BEFORE UPDATE OR DELETE ON pakhuis.terugkoppeling_log
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER terugkoppeling_log_no_truncate BEFORE TRUNCATE ON pakhuis.terugkoppeling_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- signals.terugkoppeling runs with the owner's rights: inside it current_user is pakhuis_owner.
CREATE FUNCTION pakhuis.only_through_terugkoppeling() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF current_user = 'pakhuis_owner' OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'terugkoppeling op een melding wordt alleen vastgelegd via signals.terugkoppeling' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER terugkoppeling_log_only_through_function BEFORE INSERT ON pakhuis.terugkoppeling_log
  FOR EACH ROW EXECUTE FUNCTION pakhuis.only_through_terugkoppeling();

CREATE FUNCTION signals.terugkoppeling(p_melding text, p_status text, p_note text DEFAULT NULL, p_by text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
  IF NOT EXISTS (SELECT 1 FROM model.melding m WHERE m.melding_id = p_melding) THEN
    RAISE EXCEPTION 'melding % bestaat niet', p_melding USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO pakhuis.terugkoppeling_log (melding_id, status, note, by_user, stated_by)
  VALUES (p_melding, p_status, btrim(p_note, E' \t\r\n'), session_user, p_by);
END
$$;
COMMENT ON FUNCTION signals.terugkoppeling(text, text, text, text) IS 'Leg vast hoe het staat met de terugkoppeling aan de melder van een melding: ontvangen, in_behandeling of teruggekoppeld, met een toelichting. Wie (de databasegebruiker) en wanneer worden vastgelegd; de geschiedenis kan niet worden gewijzigd.';
-- Feedback is an analyst's act, like triage: apply_grants (migration 0024) grants it to them only.
INSERT INTO pakhuis_meta.function_grants (function_signature, role_name) VALUES ('signals.terugkoppeling(text, text, text, text)', 'pakhuis_analyst');

-- Settings the views need and only the run knows (MELDING_TERUGKOPPELING_DAGEN); written each publish.
CREATE TABLE pakhuis.settings (
  name            text PRIMARY KEY,
  value           text NOT NULL,
  updated_run     bigint
);

-- ------------------------------------------------------------------ views

-- "Today" for the views: the day of the run when the run asks (SET LOCAL pakhuis.vandaag, so the
-- nightly report counts as of its own day), the database's date otherwise.
CREATE VIEW signals.meldingen AS
SELECT m.melding_id,
  m.datum_ontvangen,
  m.kanaal,
  m.melder_referentie,
  m.categorie,
  m.verblijfsobject_id,
  coalesce(n.postcode, split_part(m.adres_sleutel, '|', 1)) AS postcode,
  coalesce(n.huisnummer, nullif(split_part(m.adres_sleutel, '|', 2), '')::integer) AS huisnummer,
  coalesce(n.huisletter, nullif(split_part(m.adres_sleutel, '|', 3), '')) AS huisletter,
  coalesce(n.huisnummertoevoeging, nullif(split_part(m.adres_sleutel, '|', 4), '')) AS huisnummertoevoeging,
  n.openbareruimte AS straat,
  n.woonplaats,
  m.match_method,
  coalesce(t.status, 'ontvangen') AS terugkoppeling,
  t.at AS terugkoppeling_at,
  t.by_user AS terugkoppeling_door,
  (SELECT array_agg(DISTINCT s.rule_code ORDER BY s.rule_code) FROM pakhuis.signals s
   WHERE s.status = 'open' AND s.verblijfsobject_id = m.verblijfsobject_id) AS open_signals,
  CASE WHEN pg_catalog.pg_has_role(current_user, 'pakhuis_analyst', 'MEMBER') THEN m.vrije_tekst END AS vrije_tekst
FROM model.melding m
LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = m.verblijfsobject_id
LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
LEFT JOIN LATERAL (
  SELECT l.status, l.at, l.by_user FROM pakhuis.terugkoppeling_log l WHERE l.melding_id = m.melding_id ORDER BY l.id DESC LIMIT 1
) t ON true;

COMMENT ON VIEW signals.meldingen IS 'Eén rij per melding van het meldpunt ondermijning: wanneer, via welk kanaal, welke categorie, op welk adres, en hoe het staat met de terugkoppeling aan de melder. Geen identiteit van de melder behalve de afdeling of partner.';
COMMENT ON COLUMN signals.meldingen.melding_id IS 'Nummer van de melding in het meldpunt (gebruik dit bij signals.terugkoppeling).';
COMMENT ON COLUMN signals.meldingen.datum_ontvangen IS 'Datum waarop de melding binnenkwam.';
COMMENT ON COLUMN signals.meldingen.kanaal IS 'intern (collega), partner (politie, OM, RIEC, corporatie), anoniem (Meld Misdaad Anoniem) of inwoner.';
COMMENT ON COLUMN signals.meldingen.melder_referentie IS 'Afdeling of partnerorganisatie van de melder; leeg bij anoniem en inwoner.';
COMMENT ON COLUMN signals.meldingen.categorie IS 'drugs, mensenhandel/uitbuiting, witwassen, huisvesting, horeca, vastgoed of overig.';
COMMENT ON COLUMN signals.meldingen.verblijfsobject_id IS 'BAG-identificatie van het verblijfsobject (leeg als het adres bij geen BAG-object hoort).';
COMMENT ON COLUMN signals.meldingen.postcode IS 'Postcode (van het BAG-hoofdadres, of zoals gemeld als de BAG het adres niet kent).';
COMMENT ON COLUMN signals.meldingen.huisnummer IS 'Huisnummer.';
COMMENT ON COLUMN signals.meldingen.huisletter IS 'Huisletter.';
COMMENT ON COLUMN signals.meldingen.huisnummertoevoeging IS 'Huisnummertoevoeging.';
COMMENT ON COLUMN signals.meldingen.straat IS 'Straat volgens de BAG.';
COMMENT ON COLUMN signals.meldingen.woonplaats IS 'Woonplaats volgens de BAG.';
COMMENT ON COLUMN signals.meldingen.match_method IS 'Hoe het adres gevonden is: vbo_id, adres (postcode en huisnummer) of geen (onbekend in de BAG: een ADRES_ONBEKEND-geval).';
COMMENT ON COLUMN signals.meldingen.terugkoppeling IS 'Stand van de terugkoppeling aan de melder: ontvangen, in_behandeling of teruggekoppeld.';
COMMENT ON COLUMN signals.meldingen.terugkoppeling_at IS 'Wanneer de stand van de terugkoppeling het laatst is vastgelegd.';
COMMENT ON COLUMN signals.meldingen.terugkoppeling_door IS 'Wie (databasegebruiker) de stand het laatst vastlegde.';
COMMENT ON COLUMN signals.meldingen.open_signals IS 'Codes van de regels met een open signaal op hetzelfde verblijfsobject.';
COMMENT ON COLUMN signals.meldingen.vrije_tekst IS 'De omschrijving van de melder; kan namen bevatten. Alleen gevuld voor de analistenrol.';

CREATE VIEW signals.terugkoppeling_achterstallig AS
WITH instelling AS (
  SELECT coalesce((SELECT value::integer FROM pakhuis.settings WHERE name = 'MELDING_TERUGKOPPELING_DAGEN'), 28) AS dagen,
    coalesce(nullif(current_setting('pakhuis.vandaag', true), '')::date, current_date) AS vandaag
)
SELECT m.melding_id, m.datum_ontvangen, m.kanaal, m.melder_referentie, m.categorie, m.verblijfsobject_id,
  m.postcode, m.huisnummer, m.huisletter, m.huisnummertoevoeging, m.straat, m.woonplaats,
  m.terugkoppeling,
  i.vandaag - m.datum_ontvangen AS dagen_sinds_ontvangst,
  i.dagen AS termijn_dagen
FROM signals.meldingen m CROSS JOIN instelling i
WHERE m.kanaal <> 'anoniem'
  AND m.terugkoppeling <> 'teruggekoppeld'
  AND i.vandaag - m.datum_ontvangen > i.dagen;

COMMENT ON VIEW signals.terugkoppeling_achterstallig IS 'Meldingen waarvan de melder na de termijn (MELDING_TERUGKOPPELING_DAGEN, standaard 28 dagen) nog geen terugkoppeling kreeg. Anonieme meldingen (Meld Misdaad Anoniem) staan er niet in: daar is geen melder om terug te koppelen.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.melding_id IS 'Nummer van de melding.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.datum_ontvangen IS 'Datum waarop de melding binnenkwam.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.kanaal IS 'intern, partner of inwoner.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.melder_referentie IS 'Afdeling of partner die terugkoppeling krijgt.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.categorie IS 'Categorie van de melding.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.verblijfsobject_id IS 'BAG-identificatie van het verblijfsobject.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.terugkoppeling IS 'ontvangen of in_behandeling.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.dagen_sinds_ontvangst IS 'Dagen tussen ontvangst en vandaag.';
COMMENT ON COLUMN signals.terugkoppeling_achterstallig.termijn_dagen IS 'De termijn voor terugkoppeling in dagen (MELDING_TERUGKOPPELING_DAGEN).';

-- flagged_addresses gains the meldingen at the address. Appended to whatever the view is when this
-- runs (its definition is read back and wrapped), so columns other migrations appended before this
-- one (coordinates) stay where they are; CREATE OR REPLACE keeps their comments.
DO $$
DECLARE
  current_def text := rtrim(btrim(pg_get_viewdef('signals.flagged_addresses'::regclass)), ';');
BEGIN
  EXECUTE 'CREATE OR REPLACE VIEW signals.flagged_addresses AS SELECT f.*, coalesce(m.meldingen, 0) AS meldingen, m.latest_melding FROM ('
    || current_def
    || ') f LEFT JOIN (SELECT verblijfsobject_id, count(*) AS meldingen, max(datum_ontvangen) AS latest_melding'
    || ' FROM model.melding WHERE verblijfsobject_id IS NOT NULL GROUP BY verblijfsobject_id) m ON m.verblijfsobject_id = f.verblijfsobject_id';
END
$$;
COMMENT ON COLUMN signals.flagged_addresses.meldingen IS 'Aantal meldingen van het meldpunt op dit object (uit de laatste levering van het meldpunt).';
COMMENT ON COLUMN signals.flagged_addresses.latest_melding IS 'Datum van de laatste melding op dit object.';
