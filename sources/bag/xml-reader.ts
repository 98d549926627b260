/**
 * Reader for the official Kadaster BAG 2.0 stand extract (XML per object type, in a zip or an
 * unpacked folder). Emits the current voorkomen of each verblijfsobject (and ligplaats and
 * standplaats, which carry addresses too) and nummeraanduiding.
 *
 * Parsed with a streaming SAX parser because national VBO files are gigabytes. Element names are
 * matched without their prefix: the prefixes are a convention of the extract, not a contract.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SaxesParser } from 'saxes';
import { FileRejectedError } from '../types.ts';
import type { ReaderOptions, SourceRecord } from '../types.ts';
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

export async function* readBagXml(path: string, options?: ReaderOptions): AsyncGenerator<SourceRecord> {
  const displayName = options?.displayName ?? basename(path);
  let count = 0;
  try {
    for await (const entry of entriesOf(path, options?.tempDir)) {
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

async function* entriesOf(path: string, tempDir: string | undefined): AsyncGenerator<ZipEntryStream> {
  if (!(await stat(path)).isDirectory()) {
    if (/\.xml$/i.test(path)) yield { name: basename(path), stream: createReadStream(path) };
    else yield* zipEntries(path, choose, tempDir);
    return;
  }
  // Sorted so that a load is reproducible whatever order the file system lists.
  for (const name of (await readdir(path)).sort()) {
    const choice = choose(name);
    if (choice === 'read') yield { name, stream: createReadStream(join(path, name)) };
    else if (choice === 'descend') yield* zipEntries(join(path, name), choose, tempDir);
  }
}

interface OpenObject {
  type: 'VBO' | 'LIG' | 'STA' | 'NUM';
  line: number;
  depth: number;
  values: Map<string, string[]>;
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
