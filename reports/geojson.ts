/**
 * The open signals as a map layer: a GeoJSON FeatureCollection (RFC 7946) with one Point per
 * verblijfsobject, read from the analysts' view signals.flagged_addresses, so an analyst login can
 * make it and it shows what that view shows. QGIS, ArcGIS, Leaflet and every GIS read it as is.
 * Properties carry addresses, rule codes and explanations; no names, BSNs or pseudonyms (rule
 * explanations never name persons; the evidence, which does hold pseudonyms, is not written).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Session } from '../lib/db.ts';
import { amsterdamTime } from '../lib/local-time.ts';

interface FlaggedRow {
  verblijfsobject_id: string;
  straat: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  postcode: string | null;
  woonplaats: string | null;
  rule_codes: string[];
  highest_severity: string;
  signal_count: number;
  explanation: string;
  first_seen_at: Date;
  triage_statuses: string[];
  rd_x: number | null;
  rd_y: number | null;
  lat: number | null;
  lon: number | null;
}

export interface MapLayer {
  path: string;
  /** Verblijfsobjecten on the map. */
  features: number;
  /** Verblijfsobjecten with open signals but no point in the BAG: not on the map. */
  withoutPoint: string[];
  /** Open signals on no verblijfsobject (an address unknown to the BAG), per rule: not on the map. */
  withoutObject: Record<string, number>;
}

// Drawn in file order: the most serious last, so it lies on top where points crowd.
const FLAGGED = `
  SELECT verblijfsobject_id, straat, huisnummer, huisletter, huisnummertoevoeging, postcode, woonplaats,
    rule_codes, highest_severity, signal_count::int AS signal_count, explanation, first_seen_at, triage_statuses,
    rd_x, rd_y, lat, lon
  FROM signals.flagged_addresses
  WHERE verblijfsobject_id IS NOT NULL
  ORDER BY CASE highest_severity WHEN 'hoog' THEN 2 WHEN 'midden' THEN 1 ELSE 0 END, verblijfsobject_id`;

const WITHOUT_OBJECT = `
  SELECT rule_code, count(*)::int AS n FROM signals.signal_details
  WHERE status = 'open' AND verblijfsobject_id IS NULL
  GROUP BY rule_code ORDER BY rule_code`;

/** Writes the open signals with a point to `path` (whole or not at all) and says what was left out. */
export async function writeGeoJson(db: Pick<Session, 'query'>, path: string): Promise<MapLayer> {
  const { rows } = await db.query<FlaggedRow>(FLAGGED);
  const { rows: objectless } = await db.query<{ rule_code: string; n: number }>(WITHOUT_OBJECT);
  const features: string[] = [];
  const withoutPoint: string[] = [];
  for (const row of rows) {
    if (row.lat === null || row.lon === null) withoutPoint.push(row.verblijfsobject_id);
    else features.push(JSON.stringify(feature(row)));
  }
  const text = `{"type":"FeatureCollection","name":"informatiepakhuis open signalen","features":[\n${features.join(',\n')}\n]}\n`;
  await mkdir(dirname(path), { recursive: true });
  // A GIS may have the file open and reload it: it sees the old layer or the new one, never half.
  const partial = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(partial, text, 'utf8');
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { path, features: features.length, withoutPoint, withoutObject: Object.fromEntries(objectless.map((r) => [r.rule_code, r.n])) };
}

function feature(row: FlaggedRow) {
  return {
    type: 'Feature',
    id: row.verblijfsobject_id,
    // RFC 7946: longitude first; six decimals are about 10 cm, finer than the point is known.
    geometry: { type: 'Point', coordinates: [round6(row.lon!), round6(row.lat!)] },
    properties: {
      verblijfsobject: row.verblijfsobject_id,
      adres: address(row),
      postcode: row.postcode,
      woonplaats: row.woonplaats,
      regels: row.rule_codes.join(', '),
      hoogste_ernst: row.highest_severity,
      aantal_signalen: row.signal_count,
      uitleg: row.explanation,
      eerst_gezien: amsterdamTime(row.first_seen_at),
      triage: row.triage_statuses.map((s) => s.replace('_', ' ')).join(', '),
      rd_x: row.rd_x,
      rd_y: row.rd_y,
    },
  };
}

function address(row: FlaggedRow): string | null {
  const number = row.huisnummer === null ? '' : `${row.huisnummer}${row.huisletter ?? ''}${row.huisnummertoevoeging ? `-${row.huisnummertoevoeging}` : ''}`;
  const street = [row.straat, number].filter(Boolean).join(' ');
  const place = [row.postcode, row.woonplaats].filter(Boolean).join(' ');
  return [street, place].filter(Boolean).join(', ') || null;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
