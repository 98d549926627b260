import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { rdToWgs84 } from '../lib/rd-wgs84.ts';

/** Distance in metres between two nearby WGS84 points. */
function metres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  return Math.hypot((a.lat - b.lat) * 111_320, (a.lon - b.lon) * 111_320 * Math.cos((a.lat * Math.PI) / 180));
}

describe('RD to WGS84 (Schreutelkamp and Strang van Hees)', () => {
  it('puts the Amersfoort base point where the series defines it', () => {
    const p = rdToWgs84(155_000, 463_000);
    expect(p.lat).toBeCloseTo(52.15517, 5);
    expect(p.lon).toBeCloseTo(5.38721, 5);
  });

  // PROJ 9.1.1, `cs2cs EPSG:28992 EPSG:4326` (Helmert EPSG:4833), at the corners of the country.
  it.each([
    ['Vaals', 190_000, 310_000, 50.77885716, 5.88341075],
    ['Groningen', 233_000, 582_000, 53.21892498, 6.55496289],
    ['Den Helder', 112_000, 553_000, 52.96230425, 4.74725291],
    ['Vlissingen', 30_000, 385_000, 51.44022804, 3.58923353],
    ['Enschede', 258_000, 471_000, 52.21745275, 6.89447915],
    ['Doesburg (BAG XML sample)', 206_335.699, 447_529.842, 52.0137495, 6.13499069],
  ])('is within half a metre of PROJ near %s', (_, x, y, lat, lon) => {
    expect(metres(rdToWgs84(x, y), { lat, lon })).toBeLessThan(0.5);
  });

  it('is within half a metre of the lon/lat NLExtract gives beside x/y, on every row of the real sample', async () => {
    const text = await readFile(new URL('./fixtures/bag-csv-nlextract/bagadres-full.csv', import.meta.url), 'utf8');
    const [header, ...rows] = text
      .trim()
      .split('\n')
      .map((line) => line.split(';'));
    const at = (name: string) => header!.indexOf(name);
    const distances = rows.map((r) => metres(rdToWgs84(Number(r[at('x')]), Number(r[at('y')])), { lat: Number(r[at('lat')]), lon: Number(r[at('lon')]) }));
    expect(distances).toHaveLength(99);
    expect(Math.max(...distances)).toBeLessThan(0.5);
  });
});
