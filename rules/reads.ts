import type { SourceName } from '../sources/source.ts';

/**
 * The model relations a rule may read, and the source each is built from (transforms/*.sql). A rule
 * declares beside its SQL which columns of which relation it reads (`reads`); the DPIA appendix
 * lists them per source, and tests/verantwoording.test.ts checks the declaration against the SQL.
 */
export const MODEL_SOURCES = {
  'model.verblijfsobject': ['bag'],
  'model.nummeraanduiding': ['bag'],
  'model.inschrijving': ['brp', 'bag'],
  'model.bewoning': ['brp', 'bag'],
  'model.bewoning_telling': ['brp', 'bag'],
  'model.vergunning': ['permits', 'bag'],
  'model.damocles_zaak': ['damocles', 'bag'],
  'model.partij': ['permits', 'damocles'],
  'model.melding': ['meldingen', 'bag'],
  signal_candidates: [],
} as const satisfies Record<string, readonly SourceName[]>;

export type ModelRelation = keyof typeof MODEL_SOURCES;
export type Reads = Partial<Record<ModelRelation, readonly string[]>>;

/** The SQL without comments and string literals: what is left names relations and columns. */
export function sqlCode(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");
}

/** The relations of MODEL_SOURCES a rule's SQL names. */
export function relationsIn(sql: string): ModelRelation[] {
  const code = sqlCode(sql);
  return (Object.keys(MODEL_SOURCES) as ModelRelation[]).filter((r) =>
    r === 'signal_candidates' ? /(?<![.\w])signal_candidates\b/.test(code) : new RegExp(`\\b${r.replace('.', '\\.')}\\b`).test(code),
  );
}

/**
 * The columns of each relation the SQL names, given every relation's columns: a column counts as
 * read when its name stands in the code of a rule that reads its relation. Where two relations
 * share a name (verblijfsobject_id) both count: an overstatement, never an omission.
 */
export function columnsIn(sql: string, columns: Record<string, string[]>): Reads {
  const words = new Set(
    sqlCode(sql)
      .toLowerCase()
      .match(/[a-z_][a-z0-9_]*/g) ?? [],
  );
  return Object.fromEntries(relationsIn(sql).map((r) => [r, (columns[r] ?? []).filter((c) => words.has(c)).sort()]));
}

/** Shared by the tables that locate a register's row in the BAG (transforms/*.sql: by BAG id, then by address). */
const ADRES = {
  verblijfsobject_id: 'BAG-verblijfsobject waaraan de rij is gekoppeld',
  nummeraanduiding_id: 'BAG-nummeraanduiding waaraan de rij is gekoppeld',
  adres_sleutel: 'postcode, huisnummer, huisletter en toevoeging zoals de bron ze gaf',
  opgegeven_verblijfsobject_id: 'BAG-identificatie zoals de bron die gaf',
  match_method: 'hoe het adres in de BAG is gevonden (identificatie of adres)',
};

/**
 * What each model column a rule may read is, in the words of its source: the DPIA appendix lists
 * these. A column a rule declares without a description here fails tests/verantwoording.test.ts.
 */
export const FIELD_LABELS: Record<ModelRelation, Record<string, string>> = {
  'model.verblijfsobject': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    verblijfsobject_id: 'identificatie van het verblijfsobject',
    object_type: 'soort object (verblijfsobject, ligplaats, standplaats)',
    oppervlakte: 'gebruiksoppervlakte',
    gebruiksdoelen: 'gebruiksdoelen',
    status: 'status van het object',
    hoofdadres_id: 'hoofdadres (nummeraanduiding)',
  },
  'model.nummeraanduiding': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    nummeraanduiding_id: 'identificatie van de nummeraanduiding',
    verblijfsobject_id: 'verblijfsobject van het adres',
    postcode: 'postcode',
    huisnummer: 'huisnummer',
    huisletter: 'huisletter',
    huisnummertoevoeging: 'huisnummertoevoeging',
    adres_sleutel: 'postcode, huisnummer, huisletter en toevoeging samen',
    status: 'status van de nummeraanduiding',
  },
  'model.inschrijving': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    ...ADRES,
    pseudonym: 'BSN (alleen als pseudoniem)',
    persoonslijst: 'persoonslijst (als pseudoniem; twee lijsten met één BSN tellen één keer)',
    functie_adres: 'functie van het adres (woonadres of briefadres)',
    geldig_van: 'datum aanvang adreshouding',
    geldig_tot: 'einde van de adreshouding (volgende adres, overlijden, opschorting, vertrek)',
    gesloten_door: 'waardoor de adreshouding eindigde',
    einde_onbekend: 'einde op een onbekende datum',
    aanvang_onzeker: 'datum aanvang (deels) onbekend',
    source_line: 'regel in de levering (om dubbele voorkomens te scheiden)',
  },
  'model.bewoning': {
    verblijfsobject_id: 'BAG-verblijfsobject',
    woonadressen: 'aantal personen met een woonadres nu',
    woonadressen_onzeker: 'van wie met een onbekende datum van inschrijving',
    woon_pseudoniemen: 'die personen (alleen als pseudoniem)',
    woon_koppelingen: 'hoe elk van hen aan het object gekoppeld is (object, nummeraanduiding of adres)',
    woon_via_object: 'van wie gekoppeld op BAG-identificatie van het object',
    woon_via_nummeraanduiding: 'van wie gekoppeld op nummeraanduiding',
    woon_via_adres: 'van wie alleen gekoppeld op postcode en huisnummer',
    briefadressen: 'aantal personen met een briefadres nu',
    briefadressen_onzeker: 'van wie met een onbekende datum van inschrijving',
    brief_pseudoniemen: 'die personen (alleen als pseudoniem)',
    brief_koppelingen: 'hoe elk van hen aan het object gekoppeld is (object, nummeraanduiding of adres)',
    brief_via_object: 'van wie gekoppeld op BAG-identificatie van het object',
    brief_via_nummeraanduiding: 'van wie gekoppeld op nummeraanduiding',
    brief_via_adres: 'van wie alleen gekoppeld op postcode en huisnummer',
    oudste_briefadres_aanvang: 'datum aanvang van het oudste briefadres',
    nieuwste_briefadres_aanvang: 'datum aanvang van het nieuwste briefadres',
  },
  'model.bewoning_telling': {},
  'model.vergunning': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    ...ADRES,
    zaaknummer: 'zaaknummer',
    type: 'soort vergunning',
    status: 'status (verleend, aangevraagd, geweigerd, ...)',
    geldig_van: 'datum verleend',
    geldig_tot: 'geldig tot',
  },
  'model.damocles_zaak': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    ...ADRES,
    zaaknummer: 'zaaknummer',
    object_type: 'soort object (woning, lokaal)',
    datum_constatering: 'datum constatering',
    besluit: 'besluit (waarschuwing, sluiting)',
    sluiting_start: 'sluiting van',
    sluiting_einde: 'sluiting tot (of berekend uit de duur)',
  },
  'model.partij': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    zaak_soort: 'vergunning of Damocleszaak',
    zaaknummer: 'zaaknummer',
    rol: 'rol (houder, eigenaar, huurder)',
    pseudonym: 'BSN van de partij (alleen als pseudoniem)',
    kvk: 'KvK-nummer van de partij',
  },
  'model.melding': {
    gemeentecode: 'de gemeente van de levering (CBS-code): een regel kijkt alleen binnen haar, of over de grens waar SAMENWERKING het toestaat',
    ...ADRES,
    melding_id: 'kenmerk van de melding',
    datum_ontvangen: 'datum ontvangen',
    kanaal: 'kanaal (intern, partner, anoniem, inwoner)',
    categorie: 'categorie',
  },
  signal_candidates: {
    rule_code: 'regel',
    subject_key: 'onderwerp van het signaal',
    verblijfsobject_id: 'verblijfsobject van het signaal',
    severity: 'ernst',
    score: 'score',
    evidence: 'bewijs',
    explanation: 'uitleg',
  },
};
