/**
 * The floor under the publish step: the least SQL that builds each model table of the BRP and BAG
 * transforms from the staged rows, one INSERT … SELECT per table with only the joins the model
 * needs (address matching, the hoofdadres), no de-duplication beyond one row per person, no checks,
 * no period logic beyond the reader's carried end date; into logged copies of the model tables
 * (published tables stay logged), whose indexes are then built once. Run on the database a bench
 * run has just published, so both read the same staged rows on the same machine minutes apart.
 */
import type { Session } from '../lib/db.ts';

export interface FloorStep {
  table: string;
  /** The INSERT … SELECT. */
  insertSeconds: number;
  /** Building the table's indexes (as the model has them) after the insert. */
  indexSeconds: number;
  seconds: number;
  rows: number;
}

/** The newest load of a source: what a single-municipality publish reads. */
const load = (source: string) => `(SELECT max(id) FROM pakhuis.loads WHERE source = '${source}')`;
const sleutel = (t: string) => `pakhuis.adres_sleutel(${t}.postcode, ${t}.huisnummer, ${t}.huisletter, ${t}.huisnummertoevoeging)`;

/** In build order: the BRP statements read the BAG tables built before them. */
const FLOOR: { table: string; sql: string }[] = [
  {
    table: 'verblijfsobject',
    sql: `INSERT INTO bench_floor.verblijfsobject (verblijfsobject_id, object_type, oppervlakte, gebruiksdoelen, status, pand_ids, hoofdadres_id,
        rd_x, rd_y, lat, lon, gemeentecode)
      SELECT s.verblijfsobject_id, s.object_type, s.oppervlakte, s.gebruiksdoelen, s.status, s.pand_ids, l.nummeraanduiding_id, s.rd_x, s.rd_y, s.lat, s.lon, '0000'
      FROM staging.bag_vbo s
      LEFT JOIN staging.bag_vbo_num l ON l.load_id = s.load_id AND l.verblijfsobject_id = s.verblijfsobject_id AND NOT l.is_nevenadres
      WHERE s.load_id = ${load('bag')}`,
  },
  {
    table: 'nummeraanduiding',
    sql: `INSERT INTO bench_floor.nummeraanduiding (nummeraanduiding_id, verblijfsobject_id, is_nevenadres, postcode, huisnummer, huisletter,
        huisnummertoevoeging, adres_sleutel, openbareruimte, woonplaats, status, gemeentecode)
      SELECT n.nummeraanduiding_id, l.verblijfsobject_id, coalesce(l.is_nevenadres, false), n.postcode, n.huisnummer, n.huisletter, n.huisnummertoevoeging,
        ${sleutel('n')}, n.openbareruimte, n.woonplaats, n.status, '0000'
      FROM staging.bag_num n
      LEFT JOIN staging.bag_vbo_num l ON l.load_id = n.load_id AND l.nummeraanduiding_id = n.nummeraanduiding_id
      WHERE n.load_id = ${load('bag')}`,
  },
  {
    table: 'adres_index',
    sql: `INSERT INTO bench_floor.adres_index (adres_sleutel, verblijfsobject_id, nummeraanduiding_id)
      SELECT adres_sleutel, verblijfsobject_id, nummeraanduiding_id FROM bench_floor.nummeraanduiding
      WHERE adres_sleutel IS NOT NULL AND verblijfsobject_id IS NOT NULL AND NOT is_nevenadres`,
  },
  {
    table: 'persoon',
    sql: `INSERT INTO bench_floor.persoon (pseudonym, key_version)
      SELECT DISTINCT pseudonym, key_version FROM staging.brp WHERE load_id = ${load('brp')}`,
  },
  {
    // The end of a period is the reader's carried start of the next occurrence: no look-up.
    table: 'inschrijving',
    sql: `INSERT INTO bench_floor.inschrijving (pseudonym, persoonslijst, verblijfsobject_id, nummeraanduiding_id, functie_adres, geldig_van, geldig_tot,
        aanvang_onzeker, match_method, adres_sleutel, source_line, gemeentecode)
      SELECT b.pseudonym, b.persoonslijst, coalesce(v.verblijfsobject_id, n.verblijfsobject_id, a.verblijfsobject_id), coalesce(b.nummeraanduiding_id, a.nummeraanduiding_id),
        b.functie_adres, b.datum_aanvang, model.brp_datum(b.volgende_aanvang), model.brp_aanvang_onzeker(b.datum_aanvang_raw, current_date),
        CASE WHEN v.verblijfsobject_id IS NOT NULL THEN 'vbo_id' WHEN n.verblijfsobject_id IS NOT NULL THEN 'num_id'
             WHEN a.verblijfsobject_id IS NOT NULL THEN 'adres' ELSE 'geen' END,
        ${sleutel('b')}, b.line, '0000'
      FROM staging.brp b
      LEFT JOIN bench_floor.verblijfsobject v ON v.verblijfsobject_id = b.verblijfsobject_id
      LEFT JOIN bench_floor.nummeraanduiding n ON n.nummeraanduiding_id = b.nummeraanduiding_id
      LEFT JOIN bench_floor.adres_index a ON a.adres_sleutel = ${sleutel('b')}
      WHERE b.load_id = ${load('brp')} AND b.soort = 'adres' AND NOT b.onjuist`,
  },
  {
    table: 'bewoning',
    sql: `INSERT INTO bench_floor.bewoning
      SELECT verblijfsobject_id, count(*) FILTER (WHERE functie_adres = 'W'), count(*) FILTER (WHERE functie_adres = 'B'),
        min(geldig_van) FILTER (WHERE functie_adres = 'B'), max(geldig_van) FILTER (WHERE functie_adres = 'B'),
        count(*) FILTER (WHERE functie_adres = 'W' AND aanvang_onzeker), count(*) FILTER (WHERE functie_adres = 'B' AND aanvang_onzeker),
        count(*) FILTER (WHERE functie_adres = 'W' AND match_method = 'vbo_id'), count(*) FILTER (WHERE functie_adres = 'W' AND match_method = 'num_id'),
        count(*) FILTER (WHERE functie_adres = 'W' AND match_method = 'adres'), count(*) FILTER (WHERE functie_adres = 'B' AND match_method = 'vbo_id'),
        count(*) FILTER (WHERE functie_adres = 'B' AND match_method = 'num_id'), count(*) FILTER (WHERE functie_adres = 'B' AND match_method = 'adres'),
        coalesce(array_agg(pseudonym ORDER BY pseudonym) FILTER (WHERE functie_adres = 'W'), '{}'),
        coalesce(array_agg(pseudonym ORDER BY pseudonym) FILTER (WHERE functie_adres = 'B'), '{}'),
        coalesce(array_agg(match_method ORDER BY pseudonym) FILTER (WHERE functie_adres = 'W'), '{}'),
        coalesce(array_agg(match_method ORDER BY pseudonym) FILTER (WHERE functie_adres = 'B'), '{}')
      FROM bench_floor.inschrijving WHERE geldig_tot IS NULL AND verblijfsobject_id IS NOT NULL
      GROUP BY verblijfsobject_id`,
  },
  {
    // The first load into an empty history, as the bench's run is.
    table: 'inschrijving_historie',
    sql: `INSERT INTO bench_floor.inschrijving_historie (pseudonym, adres_ref, verblijfsobject_id, functie_adres, geldig_van, van_sleutel, geldig_tot,
        gesloten_door, eerst_gezien_load, laatst_gewijzigd_load)
      SELECT pseudonym, coalesce(verblijfsobject_id, 'adres:' || adres_sleutel, 'num:' || nummeraanduiding_id, 'onbekend'), verblijfsobject_id, functie_adres,
        geldig_van, coalesce(geldig_van, '-infinity'::date), geldig_tot, CASE WHEN geldig_tot IS NOT NULL THEN 'export' END, 1, 1
      FROM bench_floor.inschrijving`,
  },
  {
    table: 'identity_persoon',
    sql: `INSERT INTO bench_floor.identity_persoon (pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, bron)
      SELECT DISTINCT ON (pseudonym) pseudonym, key_version, geslachtsnaam, voornamen, geboortedatum, 'brp'
      FROM staging.brp WHERE load_id = ${load('brp')} AND historie_index = 0`,
  },
];

const MODEL_OF: Record<string, string> = { identity_persoon: 'identity.persoon' };
const modelOf = (table: string) => MODEL_OF[table] ?? `model.${table}`;

/** Builds the floor tables in schema bench_floor (dropped again) and times each; `session` must be a superuser's or the owner's. */
export async function measurePublishFloor(session: Session): Promise<FloorStep[]> {
  await session.exec(`DROP SCHEMA IF EXISTS bench_floor CASCADE; CREATE SCHEMA bench_floor;`);
  // The publish transaction's own settings (pipelines/publish.ts), so both get the same memory.
  await session.exec(`SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; SET jit = off;`);
  const steps: FloorStep[] = [];
  try {
    for (const { table, sql } of FLOOR) {
      const model = modelOf(table);
      await session.exec(`CREATE TABLE bench_floor.${table} (LIKE ${model} INCLUDING DEFAULTS)`);
      // The model's indexes on the copy, unique ones as plain ones: a floor checks nothing.
      const { rows: indexes } = await session.query<{ def: string }>(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::regclass`, [
        model,
      ]);
      let started = performance.now();
      const { rowCount } = await session.query(sql);
      const insertSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      for (const { def } of indexes)
        await session.exec(def.replace(/^CREATE UNIQUE INDEX/, 'CREATE INDEX').replace(/ INDEX \S+ ON \S+/, ` INDEX ON bench_floor.${table}`));
      const indexSeconds = (performance.now() - started) / 1000;
      steps.push({ table: model, insertSeconds, indexSeconds, seconds: insertSeconds + indexSeconds, rows: rowCount });
    }
  } finally {
    await session.exec(`DROP SCHEMA bench_floor CASCADE; RESET work_mem; RESET maintenance_work_mem; RESET jit;`);
  }
  return steps;
}
