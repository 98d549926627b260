import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rdToWgs84 } from '../lib/rd-wgs84.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { amsterdamTime } from '../lib/local-time.ts';
import { writeGeoJson } from '../reports/geojson.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;

async function pakhuis(args: string[], env: Record<string, string | undefined> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'json', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

type Json = Record<string, unknown>;

/** RFC 7946's shape for a collection of points, with positions longitude first. */
function expectRfc7946Points(text: string): { id: string; lon: number; lat: number; properties: Json }[] {
  const doc = JSON.parse(text) as Json;
  expect(doc.type).toBe('FeatureCollection');
  // RFC 7946 dropped the crs member: positions are WGS84 longitude, latitude.
  expect(doc).not.toHaveProperty('crs');
  expect(Array.isArray(doc.features)).toBe(true);
  return (doc.features as Json[]).map((f) => {
    expect(f.type).toBe('Feature');
    expect(typeof f.id).toBe('string');
    const geometry = f.geometry as Json;
    expect(geometry.type).toBe('Point');
    const position = geometry.coordinates as number[];
    expect(position).toHaveLength(2);
    const [lon, lat] = position as [number, number];
    expect(Math.abs(lon)).toBeLessThanOrEqual(180);
    expect(Math.abs(lat)).toBeLessThanOrEqual(90);
    // In the Netherlands the two cannot be confused: latitude 50.7-53.7, longitude 3.2-7.3.
    expect(lat).toBeGreaterThan(50.7);
    expect(lat).toBeLessThan(53.7);
    expect(lon).toBeGreaterThan(3.2);
    expect(lon).toBeLessThan(7.3);
    expect(typeof f.properties).toBe('object');
    return { id: f.id as string, lon, lat, properties: f.properties as Json };
  });
}

describe('first seen on the map', () => {
  it('is Dutch local time with its offset, in winter and in summer', () => {
    expect(amsterdamTime(new Date('2025-01-15T02:30:05Z'))).toBe('2025-01-15T03:30:05+01:00');
    expect(amsterdamTime(new Date('2025-07-15T01:30:05.900Z'))).toBe('2025-07-15T03:30:05+02:00');
    // The night the clocks go back: 02:30 happens twice, the offset tells which.
    expect(amsterdamTime(new Date('2025-10-26T00:30:00Z'))).toBe('2025-10-26T02:30:00+02:00');
    expect(amsterdamTime(new Date('2025-10-26T01:30:00Z'))).toBe('2025-10-26T02:30:00+01:00');
  });
});

describe('a map of the open signals', () => {
  let ctx: TestContext;
  let summary: RunSummary;
  // Points of the NLExtract sample (Amsterdam, De Ruijterkade): RD alone, and RD with lon/lat.
  const rdOnly = vbo(1, 100, { point: ['122177', '487877', '', ''] });
  const both = vbo(2, 100, { point: ['122025', '487653', '4.902956599510026', '52.3757574184544'] });
  // An x no Dutch object has: the point goes, the object stays.
  const offMap = vbo(3, 100, { point: ['999999', '487877', '', ''] });
  const notInBag = vbo(50, 80);

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([rdOnly, both, offMap]));
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'),
      brpCsv([...persons(12, rdOnly), ...persons(12, both), ...persons(12, offMap), ...persons(1, notInBag)]),
    );
    summary = await runPipeline(ctx, { trigger: 'test' });
    expect(summary.status, summary.error).toBe('succeeded');
    const { rows } = await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE verblijfsobject_id = $1`, [both.id]);
    await ctx.db.query(`SELECT signals.triage($1, 'in_onderzoek', 'huisbezoek gepland')`, [rows[0]!.id]);
  });
  afterAll(async () => ctx?.close());

  it('keeps the point in the model; a coordinate that cannot be right costs the point, not the object, and is said', async () => {
    const { rows } = await ctx.db.query<{ verblijfsobject_id: string; rd_x: number | null; rd_y: number | null; lat: number | null; lon: number | null }>(
      'SELECT verblijfsobject_id, rd_x, rd_y, lat, lon FROM model.verblijfsobject ORDER BY 1',
    );
    const computed = rdToWgs84(122177, 487877);
    expect(rows).toEqual([
      { verblijfsobject_id: rdOnly.id, rd_x: 122177, rd_y: 487877, lat: expect.closeTo(computed.lat, 6), lon: expect.closeTo(computed.lon, 6) },
      { verblijfsobject_id: both.id, rd_x: 122025, rd_y: 487653, lat: 52.3757574184544, lon: 4.902956599510026 },
      { verblijfsobject_id: offMap.id, rd_x: null, rd_y: null, lat: null, lon: null },
    ]);
    const warning = 'bag/bag.csv: 1x rd_x: rd_x ligt buiten 0..300000 (RD-bereik); punt weggelaten, object wel geladen (eerste: regel 4)';
    expect(summary.warnings).toContain(warning);
    const record = await ctx.db.query<{ warnings: string[]; summary: { files: { file: string; notes: unknown[] }[] } }>(
      'SELECT warnings, summary FROM pakhuis.runs WHERE id = $1',
      [summary.runId],
    );
    expect(record.rows[0]!.warnings).toContain(warning);
    expect(record.rows[0]!.summary.files.find((f) => f.file === 'bag/bag.csv')?.notes).toEqual([
      {
        column: 'rd_x',
        reason: 'rd_x ligt buiten 0..300000 (RD-bereik); punt weggelaten, object wel geladen',
        count: 1,
        firstLine: 4,
        firstLocation: 'regel 4',
      },
    ]);
  });

  it('shows the point in signals.flagged_addresses, each new column explained in Dutch', async () => {
    const { rows } = await ctx.db.query(`SELECT verblijfsobject_id, rd_x, rd_y, lat, lon FROM signals.flagged_addresses WHERE verblijfsobject_id = $1`, [
      both.id,
    ]);
    expect(rows).toEqual([{ verblijfsobject_id: both.id, rd_x: 122025, rd_y: 487653, lat: 52.3757574184544, lon: 4.902956599510026 }]);
    const comments = await ctx.db.query<{ attname: string; comment: string | null }>(
      `SELECT attname, col_description(attrelid, attnum) AS comment FROM pg_attribute
       WHERE attrelid = 'signals.flagged_addresses'::regclass AND attname IN ('rd_x', 'rd_y', 'lat', 'lon') ORDER BY attnum`,
    );
    expect(comments.rows.map((r) => r.attname)).toEqual(['rd_x', 'rd_y', 'lat', 'lon']);
    for (const { comment } of comments.rows) expect(comment).toMatch(/(RD-[xy] van het object in meters|graad van het object in graden \(WGS84)/);
  });

  it('writes the open signals with a point as RFC 7946 GeoJSON, longitude first, and counts what it leaves off', async () => {
    const path = join(ctx.dir, 'kaart', 'signalen.geojson');
    const layer = await writeGeoJson(ctx.db, path);
    expect(layer).toEqual({ path, features: 2, withoutPoint: [offMap.id], withoutObject: { ADRES_ONBEKEND: 1 } });
    const text = await readFile(path, 'utf8');
    const features = expectRfc7946Points(text);
    expect(features.map((f) => f.id).sort()).toEqual([rdOnly.id, both.id]);
    const computed = rdToWgs84(122177, 487877);
    const first = features.find((f) => f.id === rdOnly.id)!;
    expect([first.lon, first.lat]).toEqual([expect.closeTo(computed.lon, 5), expect.closeTo(computed.lat, 5)]);
    expect(first.properties).toEqual({
      verblijfsobject: rdOnly.id,
      adres: `Teststraat 1, ${rdOnly.postcode} Testdorp`,
      postcode: rdOnly.postcode,
      woonplaats: 'Testdorp',
      regels: 'OVERBEWONING',
      hoogste_ernst: 'midden',
      aantal_signalen: 1,
      uitleg: expect.stringMatching(/^OVERBEWONING: /),
      eerst_gezien: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/),
      triage: 'nieuw',
      rd_x: 122177,
      rd_y: 487877,
    });
    const { rows } = await ctx.db.query<{ first_seen_at: Date }>('SELECT first_seen_at FROM signals.flagged_addresses WHERE verblijfsobject_id = $1', [
      rdOnly.id,
    ]);
    expect(Math.abs(Date.parse(first.properties.eerst_gezien as string) - rows[0]!.first_seen_at.getTime())).toBeLessThan(1000);
    expect(features.find((f) => f.id === both.id)!.properties.triage).toBe('in onderzoek');
    // No persons: no BSN (nine digits on their own), no pseudonym (64 hex), no name.
    expect(text).not.toMatch(/(?<!\d)\d{9}(?!\d)/);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain('Testpersoon');
  });

  it('refuses --geojson without --out as a usage error', async () => {
    const result = await pakhuis(['report', '--geojson']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pakhuis report --geojson --out BESTAND');
  });

  // The CLI is another process; only a database server can be shared with it.
  it.skipIf(!process.env.DATABASE_URL)('is made by pakhuis report --geojson run by a login that holds only the analyst role', async () => {
    const login = `pakhuis_t_kaart_${process.pid}`;
    await ctx.db.exec(`DROP ROLE IF EXISTS ${login}; CREATE ROLE ${login} LOGIN IN ROLE pakhuis_analyst`);
    // Without a grant an analyst sees no municipality; this warehouse has one (GEMEENTEN unset: 0000).
    await ctx.db.query(`SELECT audit.grant_access($1, '0000')`, [login]);
    try {
      const url = new URL(ctx.url!);
      url.username = login;
      const out = join(ctx.dir, 'analist.geojson');
      const result = await pakhuis(['report', '--geojson', '--out', out], { DATABASE_URL: url.toString() });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`2 adressen met open signalen op de kaart geschreven naar ${out}\n`);
      expect(result.stderr.split('\n').filter((l) => l && !l.startsWith('{'))).toEqual([
        `Niet op de kaart: 1 adres met open signalen zonder punt in de BAG (${offMap.id})`,
        'Niet op de kaart: 1 open signaal zonder verblijfsobject (ADRES_ONBEKEND 1)',
      ]);
      expect(
        expectRfc7946Points(await readFile(out, 'utf8'))
          .map((f) => f.id)
          .sort(),
      ).toEqual([rdOnly.id, both.id]);
    } finally {
      await ctx.db.exec(`DROP ROLE IF EXISTS ${login}`);
    }
  });
});
