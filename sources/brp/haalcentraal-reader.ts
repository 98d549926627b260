/**
 * Reader for Haal Centraal BRP persons in the GBA-style JSON: either a bare array of persoon
 * objects (the mock's test data, bulk dumps) or an API response `{ "personen": [...] }`.
 *
 * Streamed person by person: a municipal dump is one JSON document far larger than we want to
 * hold in memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import makeParser from 'stream-json';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { FileRejectedError, type ReadOptions, type SourceRecord } from '../source.ts';

type Json = unknown;

const NEDERLAND = '6030';

export async function* readHaalCentraalBrp(path: string, options?: ReadOptions): AsyncGenerator<SourceRecord> {
  const displayName = options?.displayName ?? basename(path);
  const reject = (reason: string, cause?: unknown): FileRejectedError => new FileRejectedError(displayName, reason, { cause });

  const { start, shape } = await sniff(path).catch((err: unknown) => {
    throw reject(`kan niet gelezen worden: ${message(err)}`, err);
  });
  if (shape === undefined) throw reject('geen JSON-array van personen en geen object met "personen"');

  const stages: Transform[] = [makeParser()];
  if (shape === 'wrapper') stages.push(Pick.pick({ filter: 'personen', once: true }));
  const items = StreamArray.streamArray();
  // pipeline (not pipe) so a parse error anywhere ends the iteration below with that error.
  pipeline([createReadStream(path, { start }), ...stages, items], () => {});

  let count = 0;
  try {
    for await (const { key, value } of items as AsyncIterable<{ key: number; value: Json }>) {
      count++;
      // Each person object is one persoonslijst, named by its position: two with one BSN stay two.
      yield { location: `persoon ${key + 1}`, line: key + 1, fields: { pl_id: `persoon ${key + 1}`, ...personFields(value) } };
    }
  } catch (err) {
    throw reject(`ongeldige of afgebroken JSON na ${count} personen (${message(err)})`, err);
  } finally {
    items.destroy();
  }
  if (count === 0) throw reject('bevat geen personen');
}

/** Which top-level shape the file has, and where the JSON starts (past a UTF-8 BOM). */
async function sniff(path: string): Promise<{ start: number; shape: 'array' | 'wrapper' | undefined }> {
  const handle = await open(path);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    const first = head.subarray(start).toString('latin1').trimStart()[0];
    return { start, shape: first === '[' ? 'array' : first === '{' ? 'wrapper' : undefined };
  } finally {
    await handle.close();
  }
}

function personFields(person: Json): Record<string, string | undefined> {
  const get = (...keys: string[]): Json => keys.reduce<Json>((o, k) => (isObject(o) ? o[k] : undefined), person);
  // BRP v2 nests the address in verblijfadres and says what kind of verblijfplaats it is in `type`.
  const plaats = (...keys: string[]) => get('verblijfplaats', ...keys) ?? get('verblijfplaats', 'verblijfadres', ...keys);
  const adres = (key: string) => str(plaats(key));
  const type = str(get('verblijfplaats', 'type'));
  // 0000 is LO3's land onbekend: vertrokken onbekend waarheen, which v2 calls VerblijfplaatsOnbekend.
  const landCode = str(plaats('land', 'code')) ?? str(plaats('land'));
  // Land 6030 (Nederland) beside a Dutch address is no address abroad: read as one, its start date
  // was dropped and a resident of years counted as a mogelijke bewoner.
  const land =
    (landCode === NEDERLAND ? undefined : landCode) ?? (type === 'VerblijfplaatsBuitenland' || type === 'VerblijfplaatsOnbekend' ? '0000' : undefined);
  const onderzoek = get('verblijfplaats', 'inOnderzoek');
  // v2 states the finding of the 089999 investigation as a flag of its own.
  const vastgesteld = get('verblijfplaats', 'indicatieVastgesteldVerblijftNietOpAdres') === true;
  return {
    bsn: str(get('burgerservicenummer')),
    geslachtsnaam: str(get('naam', 'geslachtsnaam')),
    voornamen: str(get('naam', 'voornamen')),
    geboortedatum: date(get('geboorte', 'datum')),
    // A person known to have died whose date is not given (v2 indicatieOverleden) died on an unknown date.
    datum_overlijden:
      date(get('overlijden', 'datum')) ?? (get('overlijden', 'indicatieOverleden') === true || get('indicatieOverleden') === true ? '00000000' : undefined),
    datum_opschorting: date(get('opschortingBijhouding', 'datum')),
    reden_opschorting: str(get('opschortingBijhouding', 'reden', 'code')) ?? str(get('opschortingBijhouding', 'reden')),
    postcode: adres('postcode'),
    huisnummer: adres('huisnummer'),
    huisletter: adres('huisletter'),
    huisnummertoevoeging: adres('huisnummertoevoeging'),
    straatnaam: adres('straat'),
    locatiebeschrijving: adres('locatiebeschrijving'),
    land_adres_buitenland: land,
    datum_aanvang_adres_buitenland:
      land === undefined ? undefined : (date(get('verblijfplaats', 'datumAanvangAdresBuitenland')) ?? date(get('verblijfplaats', 'datumVan'))),
    // A code object ({code: 'B', omschrijving: 'briefadres'}) or, in older API versions, the word itself.
    functie_adres:
      str(get('verblijfplaats', 'functieAdres', 'code')) ??
      str(get('verblijfplaats', 'functieAdres', 'omschrijving')) ??
      str(get('verblijfplaats', 'functieAdres')),
    // BRP v2 renamed the start of residence to datumVan.
    datum_aanvang_adreshouding:
      land !== undefined ? undefined : (date(get('verblijfplaats', 'datumAanvangAdreshouding')) ?? date(get('verblijfplaats', 'datumVan'))),
    verblijfsobject_id: str(get('verblijfplaats', 'adresseerbaarObjectIdentificatie')),
    nummeraanduiding_id: str(get('verblijfplaats', 'nummeraanduidingIdentificatie')),
    gemeente_van_inschrijving: str(get('gemeenteVanInschrijving', 'code')) ?? str(get('gemeenteVanInschrijving')),
    onderzoek_aanduiding: vastgesteld ? '089999' : str(get('verblijfplaats', 'inOnderzoek', 'aanduidingGegevensInOnderzoek')),
    onderzoek_datum_ingang: date(isObject(onderzoek) ? onderzoek.datumIngangOnderzoek : undefined),
    onderzoek_datum_einde: date(isObject(onderzoek) ? onderzoek.datumEindeOnderzoek : undefined),
  };
}

/**
 * GBA-style dates are 'YYYYMMDD' strings; later API versions send an object with `datum`
 * ('YYYY-MM-DD') or, for partly unknown dates, jaar/maand/dag. Those become LO3-style
 * 'YYYYMMDD' with 00 for the unknown parts, so one validator handles every source.
 */
function date(value: Json): string | undefined {
  if (!isObject(value)) return str(value);
  const datum = str(value.datum);
  if (datum !== undefined) return datum;
  if (value.type === 'DatumOnbekend') return '00000000';
  const jaar = str(value.jaar);
  if (jaar === undefined) return undefined;
  const pad = (part: Json) => (str(part) ?? '0').padStart(2, '0');
  return `${jaar.padStart(4, '0')}${pad(value.maand)}${pad(value.dag)}`;
}

function str(value: Json): string | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
