import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBagXml } from '../sources/bag/xml-reader.ts';
import { FileRejectedError, type SourceRecord } from '../sources/source.ts';
import { crc32 } from 'node:zlib';
import { zipBuffer } from './helpers/zip.ts';
import { writeZip } from './helpers/zip-writer.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bag-xml-doesburg');
const VBO_FILE = '0221VBO15092020-000001.xml';

let tmp: string;
let zipPath: string;
let nestedZipPath: string;

async function readAll(path: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of readBagXml(path)) records.push(record);
  return records;
}

async function fixtureEntries(): Promise<{ name: string; data: Buffer }[]> {
  const names = (await readdir(FIXTURE)).sort();
  return Promise.all(names.map(async (name) => ({ name, data: await readFile(join(FIXTURE, name)) })));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'bag-xml-test-'));
  const entries = await fixtureEntries();
  zipPath = join(tmp, 'BAGGEM0221L-15092020.zip');
  await writeFile(zipPath, zipBuffer(entries.map((e) => ({ name: `extract/${e.name}`, data: e.data }))));
  // The national extract shape: one inner zip per object type inside the outer zip.
  const byType = (type: string) => entries.filter((e) => e.name.includes(type));
  nestedZipPath = join(tmp, 'lvbag-extract-nl.zip');
  await writeFile(
    nestedZipPath,
    zipBuffer([
      { name: 'Leveringsdocument-BAG-Extract.xml', data: entries.find((e) => e.name.startsWith('Lever'))!.data },
      { name: '0221VBO15092020.zip', data: zipBuffer(byType('VBO')) },
      { name: '0221NUM15092020.zip', data: zipBuffer(byType('NUM')) },
      { name: '0221PND15092020.zip', data: zipBuffer(byType('PND')) },
    ]),
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function expectDoesburg(records: SourceRecord[]): void {
  const vbos = records.filter((r) => r.kind === 'vbo' && r.fields.object_type === 'VBO');
  // 5 voorkomens of 2 verblijfsobjecten in the file; only the current ones remain.
  expect(vbos).toHaveLength(2);

  const withHistory = vbos.filter((r) => r.fields.verblijfsobject_id === '0221010000330226');
  expect(withHistory).toHaveLength(1);
  expect(withHistory[0]!.fields).toEqual({
    verblijfsobject_id: '0221010000330226',
    object_type: 'VBO',
    oppervlakte: '223',
    gebruiksdoelen: 'woonfunctie',
    status: 'Verbouwing verblijfsobject',
    pand_ids: '0221100000312938',
    // The gml:Point "206335.699 447529.842 0.0": x and y as given, the height left.
    rd_x: '206335.699',
    rd_y: '447529.842',
  });
  expect(withHistory[0]!.location).toBe(`${VBO_FILE} regel 152`);
  expect(withHistory[0]!.line).toBe(152);

  const other = vbos.find((r) => r.fields.verblijfsobject_id === '0221010000330999');
  expect(other?.fields.gebruiksdoelen).toBe('overige gebruiksfunctie');
  expect(other?.fields.oppervlakte).toBe('18');

  const links = records.filter((r) => r.kind === 'vbo_num' && r.fields.verblijfsobject_id === '0221010000330999');
  expect(links.map((r) => [r.fields.nummeraanduiding_id, r.fields.is_nevenadres])).toEqual([
    ['0221200000330229', 'f'],
    ['0221200000330998', 't'],
    ['0221200000330999', 't'],
  ]);

  const nums = records.filter((r) => r.kind === 'num');
  // 15 voorkomens, 4 of them ended.
  expect(nums).toHaveLength(11);
  const hoofdadres = nums.find((r) => r.fields.nummeraanduiding_id === '0221200000330227');
  expect(hoofdadres?.fields).toMatchObject({
    postcode: '6981CH',
    huisnummer: '4',
    status: 'Naamgeving uitgegeven',
    openbareruimte_id: '0221300000311333',
    type_adresseerbaar_object: 'Verblijfsobject',
  });
  expect(nums.find((r) => r.fields.huisletter === 'x')?.fields).toMatchObject({ postcode: '6981ED', huisnummer: '4' });

  expect(records.some((r) => /PND|Leveringsdocument/.test(r.location ?? ''))).toBe(false);
}

describe('readBagXml', () => {
  it('reads an unpacked extract folder', async () => {
    expectDoesburg(await readAll(FIXTURE));
  });

  it('reads the same extract as a zip', async () => {
    const fromZip = await readAll(zipPath);
    expectDoesburg(fromZip);
    expect(fromZip).toEqual(await readAll(FIXTURE));
  });

  it('reads zips nested in a zip, as in the national extract', async () => {
    const records = await readAll(nestedZipPath);
    expect(records.filter((r) => r.kind === 'vbo')).toHaveLength(2);
    expect(records.filter((r) => r.kind === 'num')).toHaveLength(11);
  });

  it('reads ligplaatsen and standplaatsen as address-carrying objects without oppervlakte', async () => {
    const records = await readAll(FIXTURE);
    const sta = records.find((r) => r.fields.verblijfsobject_id === '0221030000330174' && r.kind === 'vbo');
    expect(sta?.fields).toMatchObject({ object_type: 'STA', status: 'Plaats aangewezen', oppervlakte: undefined });
    expect(records.filter((r) => r.kind === 'vbo' && r.fields.object_type === 'LIG')).toHaveLength(2);
  });

  it('gives a ligplaats or standplaats the centroid of its outline as its point', async () => {
    const records = await readAll(FIXTURE);
    const point = (id: string) => records.find((r) => r.kind === 'vbo' && r.fields.verblijfsobject_id === id)?.fields;
    // A parallelogram: its centroid is the mean of its four corners.
    expect(point('0221020000330152')).toMatchObject({ rd_x: '207439.694', rd_y: '446264.643' });
    // A pentagon whose posList the extract wraps onto a second line.
    expect(point('0221030000330172')).toMatchObject({ rd_x: '206272.843', rd_y: '447164.298' });
  });

  it('reads polygons with holes, 3D coordinates, several parts or gml:pos rings, and says why a geometry gives no point', async () => {
    const poly = (exterior: string, attrs = 'srsDimension="2"', interior = '') =>
      `<gml:Polygon ${attrs}><gml:exterior><gml:LinearRing><gml:posList>${exterior}</gml:posList></gml:LinearRing></gml:exterior>${interior}</gml:Polygon>`;
    const object = (type: string, id: string, geometry: string) =>
      `<Objecten:${type}><Objecten:identificatie>${id}</Objecten:identificatie><Objecten:status>Plaats aangewezen</Objecten:status>` +
      `<Objecten:geometrie>${geometry}</Objecten:geometrie></Objecten:${type}>`;
    const square = '100000 400000 100010 400000 100010 400010 100000 400010 100000 400000';
    const file = join(tmp, 'geometries.xml');
    await writeFile(
      file,
      '<?xml version="1.0"?>\n<sl-bag-extract:bagStand xmlns:sl-bag-extract="x" xmlns:Objecten="y" xmlns:gml="z">\n' +
        // A hole does not move the point: the largest ring, the outline, decides.
        object(
          'Ligplaats',
          '0221020000000001',
          poly(
            square,
            'srsDimension="2"',
            '<gml:interior><gml:LinearRing><gml:posList>100001 400001 100003 400001 100003 400003 100001 400001</gml:posList></gml:LinearRing></gml:interior>',
          ),
        ) +
        '\n' +
        // x y z triples, the dimension told by count as well as srsDimension.
        object(
          'Standplaats',
          '0221030000000002',
          poly('100000 400000 0 100010 400000 0 100010 400010 0 100000 400010 0 100000 400000 0', 'srsDimension="3"').replace(
            '<gml:posList>',
            '<gml:posList count="5">',
          ),
        ) +
        '\n' +
        // A multivlak: the point is that of its largest part.
        object(
          'Ligplaats',
          '0221020000000003',
          `<gml:MultiSurface><gml:surfaceMember>${poly('100000 400000 100002 400000 100002 400002 100000 400000')}</gml:surfaceMember><gml:surfaceMember>${poly(square.replace(/100/g, '120'))}</gml:surfaceMember></gml:MultiSurface>`,
        ) +
        '\n' +
        // A ring written as separate gml:pos elements.
        object(
          'Ligplaats',
          '0221020000000004',
          `<gml:Polygon><gml:exterior><gml:LinearRing>${square
            .match(/\d+ \d+/g)!
            .map((p) => `<gml:pos>${p}</gml:pos>`)
            .join('')}</gml:LinearRing></gml:exterior></gml:Polygon>`,
        ) +
        '\n' +
        object('Ligplaats', '0221020000000005', poly('100000 400000 100010')) +
        '\n' +
        object('Standplaats', '0221030000000006', poly(square, 'srsName="urn:ogc:def:crs:EPSG::4258" srsDimension="2"')) +
        '\n' +
        '</sl-bag-extract:bagStand>\n',
    );
    const fields = (await readAll(file)).map((r) => r.fields);
    expect(fields.map(({ rd_x, rd_y, punt_fout }) => ({ rd_x, rd_y, punt_fout }))).toEqual([
      { rd_x: '100005.000', rd_y: '400005.000', punt_fout: undefined },
      { rd_x: '100005.000', rd_y: '400005.000', punt_fout: undefined },
      { rd_x: '120005.000', rd_y: '400005.000', punt_fout: undefined },
      { rd_x: '100005.000', rd_y: '400005.000', punt_fout: undefined },
      { rd_x: undefined, rd_y: undefined, punt_fout: 'gml:posList is geen ring van punten met 2 of 3 coördinaten' },
      { rd_x: undefined, rd_y: undefined, punt_fout: 'geometrie is niet in RD (EPSG:28992)' },
    ]);
    // The geometry's text never reaches the object's other fields.
    expect(fields[0]).toEqual({
      verblijfsobject_id: '0221020000000001',
      object_type: 'LIG',
      status: 'Plaats aangewezen',
      rd_x: '100005.000',
      rd_y: '400005.000',
    });
  });

  it('can stop early without leaving the zip open', async () => {
    for await (const record of readBagXml(zipPath)) {
      expect(record.kind).toBeDefined();
      break;
    }
  });

  it('rejects a truncated VBO file and names it', async () => {
    const dir = join(tmp, 'truncated');
    await mkdir(dir);
    const xml = await readFile(join(FIXTURE, VBO_FILE));
    await writeFile(join(dir, VBO_FILE), xml.subarray(0, Math.floor(xml.length * 0.6)));
    await copyFile(join(FIXTURE, '0221NUM15092020-000001.xml'), join(dir, '0221NUM15092020-000001.xml'));

    const error = await readAll(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).message).toContain(VBO_FILE);
  });

  it('rejects a DOCTYPE with an external entity without resolving it', async () => {
    const file = join(tmp, '0221VBO15092020-000009.xml');
    await writeFile(
      file,
      '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' +
        '<bagStand><Verblijfsobject><identificatie>&e;</identificatie></Verblijfsobject></bagStand>\n',
    );
    const error = await readAll(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).message).toMatch(/DOCTYPE/);
    expect((error as FileRejectedError).message).not.toMatch(/root:/);
  });

  it('refuses a nested zip that unpacks to many times its size (a zip bomb for the spool disk) without unpacking it', async () => {
    const zeros = Buffer.alloc(24 << 20);
    const inner = writeZip([{ name: '0221VBO15092020.xml', stored: zeros, method: 0, crc: crc32(zeros), uncompressedSize: zeros.length }]);
    const bomb = join(tmp, 'bomb.zip');
    await writeFile(bomb, zipBuffer([{ name: '0221VBO15092020.zip', data: inner }]));
    const spool = await mkdtemp(join(tmp, 'spool-'));
    const reading = (async () => {
      for await (const _ of readBagXml(bomb, { tempDir: spool })) void _;
    })();
    await expect(reading).rejects.toThrow(/bomb\.zip: .*0221VBO15092020\.zip pakt uit tot 24 MB uit .* zipbom/);
    expect(await readdir(spool)).toEqual([]);
  });

  it('rejects a truncated zip', async () => {
    const whole = await readFile(zipPath);
    const file = join(tmp, 'truncated.zip');
    await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await readAll(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).file).toBe('truncated.zip');
  });

  it('rejects XML that is not a BAG stand extract', async () => {
    const file = join(tmp, '0221NUM15092020-000009.xml');
    await writeFile(file, '<?xml version="1.0"?>\n<personen><persoon/></personen>\n');
    await expect(readAll(file)).rejects.toThrow(FileRejectedError);
  });

  it('rejects a zip without VBO or NUM files', async () => {
    const file = join(tmp, 'empty-extract.zip');
    await writeFile(file, zipBuffer([{ name: 'readme.txt', data: 'niets' }]));
    await expect(readAll(file)).rejects.toThrow(/geen/);
  });
});
