/**
 * The point of a BAG object: RD x/y as the file gives them, and WGS84 latitude/longitude as the
 * file gives them or, when it gives only RD, computed from RD (lib/rd-wgs84.ts). A coordinate that
 * cannot be right is left out with a note: the object itself always loads.
 */
import { rdToWgs84 } from '../../lib/rd-wgs84.ts';
import { opt } from '../fields.ts';
import type { AddNote, SourceRecord } from '../source.ts';

/** RD New over the European Netherlands, with a margin: x 0..300 km, y 300..625 km. */
export const RD_BOUNDS = { x: [0, 300_000], y: [300_000, 625_000] } as const;
/** The Netherlands' bounding box in WGS84 degrees (Cadzand to Bad Nieuweschans, Vaals to Rottumeroog), with a margin. */
export const WGS84_BOUNDS = { lat: [50.7, 53.7], lon: [3.2, 7.3] } as const;
/**
 * A file's lon/lat further than this from its own RD point is wrong in one of the two (a shifted
 * column, another object's point). The series and PROJ agree to 0.3 m, so 10 m is no rounding.
 */
const MAX_DISAGREEMENT_M = 10;

/**
 * The staging fields of a point, numbers as COPY text: a coordinate the file gave goes through as
 * written (a decimal comma made a point).
 */
export interface StagedPoint {
  rd_x: string | null;
  rd_y: string | null;
  lat: string | null;
  lon: string | null;
}

const point = (rd_x: string | null, rd_y: string | null, lat: string | null, lon: string | null): StagedPoint => ({ rd_x, rd_y, lat, lon });
/** Shared by every object without a point: rows copy its fields, none changes it. */
const NONE: StagedPoint = Object.freeze(point(null, null, null, null));

type Pair = { ok: true; a: number; b: number; aText: string; bText: string } | { ok: false; column: string; reason: string } | null;

/** The point of a record; `note` hears of every coordinate left out. */
export function bagPoint(record: SourceRecord, note: AddNote): StagedPoint {
  const fault = opt(record, 'punt_fout');
  if (fault !== undefined) note('geometrie', `${fault}; punt weggelaten, object wel geladen`);
  const rd = pair(record, 'rd_x', 'rd_y', RD_BOUNDS.x, RD_BOUNDS.y, 'RD-bereik');
  const wgs = pair(record, 'lat', 'lon', WGS84_BOUNDS.lat, WGS84_BOUNDS.lon, 'Nederland');
  if (rd === null && wgs === null) return NONE;
  if (rd !== null && !rd.ok) {
    note(rd.column, `${rd.reason}; ${wgs?.ok ? 'RD-punt weggelaten, lat/lon uit het bestand wel gebruikt' : 'punt weggelaten, object wel geladen'}`);
  }
  if (!rd?.ok) {
    if (wgs !== null && !wgs.ok) note(wgs.column, `${wgs.reason}; punt weggelaten, object wel geladen`);
    return wgs?.ok ? point(null, null, wgs.aText, wgs.bText) : NONE;
  }
  const computed = rdToWgs84(rd.a, rd.b);
  const fromRd = point(rd.aText, rd.bText, degrees(computed.lat), degrees(computed.lon));
  if (wgs === null) return fromRd;
  if (!wgs.ok) {
    note(wgs.column, `${wgs.reason}; lat/lon berekend uit rd_x/rd_y`);
    return fromRd;
  }
  if (farApart(computed, wgs.a, wgs.b)) {
    // RD is the BAG's own reference system; lon/lat are derived from it.
    note('lat', `lat/lon ligt meer dan ${MAX_DISAGREEMENT_M} m van het punt van rd_x/rd_y; lat/lon berekend uit rd_x/rd_y`);
    return fromRd;
  }
  return point(rd.aText, rd.bText, wgs.aText, wgs.bText);
}

function pair(record: SourceRecord, aName: string, bName: string, aBounds: readonly [number, number], bBounds: readonly [number, number], area: string): Pair {
  const aRaw = opt(record, aName);
  const bRaw = opt(record, bName);
  if (aRaw === undefined && bRaw === undefined) return null;
  if (aRaw === undefined) return { ok: false, column: aName, reason: `${aName} ontbreekt terwijl ${bName} gegeven is` };
  if (bRaw === undefined) return { ok: false, column: bName, reason: `${bName} ontbreekt terwijl ${aName} gegeven is` };
  const aText = decimal(aRaw);
  const bText = decimal(bRaw);
  if (aText === null) return { ok: false, column: aName, reason: `${aName} is geen getal` };
  if (bText === null) return { ok: false, column: bName, reason: `${bName} is geen getal` };
  const a = Number(aText);
  const b = Number(bText);
  const aIn = a >= aBounds[0] && a <= aBounds[1];
  const bIn = b >= bBounds[0] && b <= bBounds[1];
  if (aIn && bIn) return { ok: true, a, b, aText, bText };
  if (!aIn && !bIn && a >= bBounds[0] && a <= bBounds[1] && b >= aBounds[0] && b <= aBounds[1]) {
    return { ok: false, column: aName, reason: `${aName} en ${bName} lijken verwisseld` };
  }
  const [column, bounds] = aIn ? [bName, bBounds] : [aName, aBounds];
  return { ok: false, column, reason: `${column} ligt buiten ${dutch(bounds[0])}..${dutch(bounds[1])} (${area})` };
}

/**
 * A decimal number as registers write coordinates, as text PostgreSQL reads: digits with at most
 * one `.` or `,` (Dutch Excel; made a point) and an optional minus sign. Null for anything else,
 * including the exponents and hex that Number() would accept. A character loop, and the text
 * passed on as written: turning the parsed number back into text cost more than the parse.
 */
function decimal(raw: string): string | null {
  if (raw.length > 30) return null;
  let digits = 0;
  let comma = -1;
  let separators = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 || c === 44) {
      separators++;
      if (c === 44) comma = i;
    } else if (!(c === 45 && i === 0)) return null;
  }
  if (digits === 0 || separators > 1) return null;
  return comma === -1 ? raw : `${raw.slice(0, comma)}.${raw.slice(comma + 1)}`;
}

/** Whether a file's lat/lon lies too far from the point computed from its RD x/y to be the same point (sources/bag/plain-rows.ts asks too). */
export function farApart(computed: { lat: number; lon: number }, lat: number, lon: number): boolean {
  return metres(computed.lat - lat, computed.lon - lon, lat) > MAX_DISAGREEMENT_M;
}

/** Distance in metres of a small difference in degrees, at a latitude (plenty for 10 m against 0.3 m). */
function metres(dLat: number, dLon: number, lat: number): number {
  return Math.hypot(dLat * 111_320, dLon * 111_320 * Math.cos((lat * Math.PI) / 180));
}

const dutch = (n: number) => String(n).replace('.', ',');

/**
 * Degrees with seven decimals (about a centimetre; more is noise), written from the integer of
 * ten-millionths: a double's shortest text or toFixed() took 0.12 to 0.18 µs a value, most of the
 * point's cost per row, and the text of a small integer next to nothing. Dutch degrees are
 * always at least 1, so the integer has more than seven digits.
 */
function degrees(n: number): string {
  const text = String(Math.round(n * 1e7));
  return text.length > 7 ? `${text.slice(0, -7)}.${text.slice(-7)}` : n.toFixed(7);
}
