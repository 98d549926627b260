/**
 * Reader for the official Kadaster BAG 2.0 stand extract (XML per object type, in a zip or an
 * unpacked folder). Emits the current voorkomen of each verblijfsobject (and ligplaats and
 * standplaats, which carry addresses too) and nummeraanduiding.
 *
 * Parsed with a streaming SAX parser because national VBO files are gigabytes. Element names are
 * matched without their prefix: the prefixes are a convention of the extract, not a contract.
 * Of the geometry one point is kept (see geometry.ts), as `rd_x` and `rd_y`.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SaxesParser } from 'saxes';
import { FileRejectedError, type ReadOptions, type SourceRecord } from '../source.ts';
import { gmlPoint, type GmlCoordinates } from './geometry.ts';
import { zipEntries } from './zip-entries.ts';
import type { EntryChoice, ZipEntryStream } from './zip-entries.ts';

const OBJECT_TYPES: Record<string, 'VBO' | 'LIG' | 'STA' | 'NUM'> = {
  Verblijfsobject: 'VBO',
  Ligplaats: 'LIG',
  Standplaats: 'STA',
  Nummeraanduiding: 'NUM',
};

// PND, OPR, WPL and the Inactief/InOnderzoek/NietBag side files hold nothing we stage.
const WANTED_XML = /^\d{4}(VBO|NUM|LIG|STA)[\w-]*\.xml$/i;
const UNWANTED_ZIP = /PND|OPR|WPL|Inactief|InOnderzoek|NietBag/i;

function choose(name: string): EntryChoice {
  if (WANTED_XML.test(name)) return 'read';
  if (/\.zip$/i.test(name) && !UNWANTED_ZIP.test(name)) return 'descend';
  return 'skip';
}

export async function* readBagXml(path: string, options?: ReadOptions): AsyncGenerator<SourceRecord> {
  const displayName = options?.displayName ?? basename(path);
  let count = 0;
  try {
    for await (const entry of entriesOf(path, displayName, options?.tempDir)) {
      for await (const record of readObjects(entry, displayName)) {
        count++;
        yield record;
      }
    }
  } catch (err) {
    if (err instanceof FileRejectedError) throw err;
    throw new FileRejectedError(displayName, `kan niet gelezen worden als BAG-extract: ${message(err)}`, {
      cause: err,
    });
  }
  if (count === 0) {
    throw new FileRejectedError(displayName, 'bevat geen verblijfsobjecten of nummeraanduidingen (geen BAG 2.0 VBO- of NUM-bestanden gevonden)');
  }
}

async function* entriesOf(path: string, displayName: string, tempDir: string | undefined): AsyncGenerator<ZipEntryStream> {
  if (!(await stat(path)).isDirectory()) {
    if (/\.xml$/i.test(path)) yield { name: basename(path), stream: createReadStream(path) };
    else yield* zipEntries(path, choose, tempDir);
    return;
  }
  // Sorted so that a load is reproducible whatever order the file system lists.
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const { name } = entry;
    const choice = choose(name);
    // A pipe would block the run for ever, a link would read a file outside the inbox.
    if (choice !== 'skip' && !entry.isFile()) {
      throw new FileRejectedError(displayName, `${name} in de map is geen gewoon bestand (een koppeling, pipe of map) en wordt niet gelezen`);
    }
    if (choice === 'read') yield { name, stream: createReadStream(join(path, name)) };
    else if (choice === 'descend') yield* zipEntries(join(path, name), choose, tempDir);
  }
}

interface OpenObject {
  type: 'VBO' | 'LIG' | 'STA' | 'NUM';
  line: number;
  depth: number;
  values: Map<string, string[]>;
  geometry?: OpenGeometry;
}

/** The object's `geometrie` element while it is read. */
interface OpenGeometry {
  open: boolean;
  depth: number;
  /** srsDimension last declared inside it; GML's default is 2. */
  dim: number;
  /** `count` of the posList being read. */
  count?: number;
  /** A LinearRing written as separate gml:pos elements, gathered until it closes. */
  ringText: string;
  /** The first gml:pos outside a ring: a verblijfsobject's point. */
  pos?: string;
  rings: GmlCoordinates[];
  /** Set when the geometry is not in RD New: it is then left out. */
  foreignCrs?: boolean;
}

async function* readObjects(entry: ZipEntryStream, displayName: string): AsyncGenerator<SourceRecord> {
  const { name, stream } = entry;
  const parser = new SaxesParser({ fileName: name });
  const where = name === displayName ? '' : `${name}: `;
  const ready: SourceRecord[] = [];
  const stack: string[] = [];
  let object: OpenObject | undefined;
  let text = '';
  let tagLine = 0;

  // BAG never uses a DTD; one with entities is an XXE or billion-laughs attempt.
  parser.on('doctype', () => {
    throw new FileRejectedError(displayName, `${where}XML met DOCTYPE/entity-declaraties wordt niet gelezen`);
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    const local = localName(tag.name);
    if (stack.length === 0 && local !== 'bagStand') {
      throw new FileRejectedError(displayName, `${where}geen BAG 2.0 stand-extract (hoofdelement <${tag.name}>)`);
    }
    stack.push(local);
    text = '';
    const type = OBJECT_TYPES[local];
    if (!object && type) object = { type, line: tagLine, depth: stack.length, values: new Map() };
    else if (object?.geometry?.open) openGeometryTag(object.geometry, local, tag.attributes);
    else if (object && !object.geometry && local === 'geometrie' && stack.length === object.depth + 1) {
      object.geometry = { open: true, depth: stack.length, dim: 2, ringText: '', rings: [] };
    }
  });
  parser.on('text', (t) => {
    if (object) text += t;
  });
  parser.on('cdata', (t) => {
    if (object) text += t;
  });
  parser.on('closetag', () => {
    const local = stack.pop() ?? '';
    if (!object) return;
    if (stack.length + 1 === object.depth) {
      ready.push(...toRecords(object, name));
      object = undefined;
      return;
    }
    if (object.geometry?.open) {
      if (stack.length + 1 === object.geometry.depth) object.geometry.open = false;
      else closeGeometryTag(object.geometry, local, stack, text);
      text = '';
      return;
    }
    const value = text.trim();
    text = '';
    if (value === '') return;
    const key = stack.length === object.depth ? local : `${stack[stack.length - 1]}/${local}`;
    const list = object.values.get(key);
    if (list) list.push(value);
    else object.values.set(key, [value]);
  });

  try {
    for await (const chunk of stream.setEncoding('utf8') as AsyncIterable<string>) {
      parser.write(chunk);
      yield* ready.splice(0);
    }
    parser.close();
    yield* ready.splice(0);
  } catch (err) {
    if (err instanceof FileRejectedError) throw err;
    throw new FileRejectedError(displayName, `${where}ongeldige of afgebroken XML (${message(err)})`, { cause: err });
  } finally {
    stream.destroy();
  }
}

function openGeometryTag(geometry: OpenGeometry, local: string, attributes: Record<string, unknown>): void {
  const dim = attributes.srsDimension;
  if (typeof dim === 'string') geometry.dim = Number(dim);
  const srs = attributes.srsName;
  // BAG 2.0 geometry is RD New by definition (7415 is RD New with NAP heights: the same x and y);
  // anything else would land the point elsewhere.
  if (typeof srs === 'string' && !/[:/](28992|7415)$/.test(srs)) geometry.foreignCrs = true;
  if (local === 'posList') {
    const count = attributes.count;
    geometry.count = typeof count === 'string' ? Number(count) : undefined;
  }
}

/** `stack` is without the closing element: its length is that element's depth minus one. */
function closeGeometryTag(geometry: OpenGeometry, local: string, stack: string[], text: string): void {
  if (local === 'posList') geometry.rings.push({ text, dim: geometry.dim, count: geometry.count });
  else if (local === 'pos' && stack[stack.length - 1] === 'LinearRing') geometry.ringText += ` ${text}`;
  else if (local === 'pos') geometry.pos ??= text;
  else if (local === 'LinearRing' && geometry.ringText) {
    geometry.rings.push({ text: geometry.ringText, dim: geometry.dim });
    geometry.ringText = '';
  }
}

/** The point as fields for the validator: RD x and y, or why the geometry gave none. */
function pointFields(geometry: OpenGeometry | undefined): SourceRecord['fields'] {
  if (!geometry) return {};
  // Reasons are a fixed set: they are counted per text, so a value in one would make a warning per row.
  if (geometry.foreignCrs) return { punt_fout: 'geometrie is niet in RD (EPSG:28992)' };
  const point = gmlPoint(geometry.pos, geometry.rings);
  if (!point) return {};
  return point.ok ? { rd_x: point.x, rd_y: point.y } : { punt_fout: point.reason };
}

function toRecords(object: OpenObject, file: string): SourceRecord[] {
  const v = object.values;
  // Only the current voorkomen counts; ended ones are history.
  if (v.has('Voorkomen/eindGeldigheid') || v.has('Voorkomen/eindRegistratie')) return [];
  const first = (key: string) => v.get(key)?.[0];
  const all = (key: string) => v.get(key)?.join(',');
  const at = { location: `${file} regel ${object.line}`, line: object.line };

  if (object.type === 'NUM') {
    return [
      {
        kind: 'num',
        ...at,
        fields: {
          nummeraanduiding_id: first('identificatie'),
          postcode: first('postcode'),
          huisnummer: first('huisnummer'),
          huisletter: first('huisletter'),
          huisnummertoevoeging: first('huisnummertoevoeging'),
          status: first('status'),
          openbareruimte_id: first('ligtAan/OpenbareRuimteRef'),
          type_adresseerbaar_object: first('typeAdresseerbaarObject'),
        },
      },
    ];
  }

  const id = first('identificatie');
  const link = (nummeraanduiding_id: string, is_nevenadres: 't' | 'f'): SourceRecord => ({
    kind: 'vbo_num',
    ...at,
    fields: { verblijfsobject_id: id, nummeraanduiding_id, is_nevenadres },
  });
  return [
    {
      kind: 'vbo',
      ...at,
      fields: {
        verblijfsobject_id: id,
        object_type: object.type,
        oppervlakte: first('oppervlakte'),
        gebruiksdoelen: all('gebruiksdoel'),
        status: first('status'),
        pand_ids: all('maaktDeelUitVan/PandRef'),
        ...pointFields(object.geometry),
      },
    },
    ...(v.get('heeftAlsHoofdadres/NummeraanduidingRef') ?? []).map((n) => link(n, 'f')),
    ...(v.get('heeftAlsNevenadres/NummeraanduidingRef') ?? []).map((n) => link(n, 't')),
  ];
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
