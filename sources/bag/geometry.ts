/**
 * The one point the model keeps of a BAG 2.0 geometry (RD New, EPSG:28992). A verblijfsobject
 * has a `gml:Point` (x y z): its x and y are taken as given. Ligplaatsen, standplaatsen and some
 * verblijfsobjecten have a polygon (`vlak`, or a multivlak of several): the point is the centroid
 * of the largest ring, which is always an exterior one (a hole lies inside its outline), so the
 * outline of the object or of its largest part. The centroid is the area's centre of mass, the
 * point GIS tools label a polygon with; of a strongly bent berth it can lie just outside the
 * outline, which on a map of addresses is metres, not a wrong place. Holes are not subtracted:
 * they move the centre of a berth by centimetres at most.
 */

/** Coordinates as the reader found them; `dim` is the srsDimension in force (2, or 3 with z). */
export interface GmlCoordinates {
  text: string;
  dim: number;
  /** The posList's `count` attribute (points), when present; it settles the dimension too. */
  count?: number;
}

export type GmlPoint = { ok: true; x: string; y: string } | { ok: false; reason: string };

/** The point of one object: its `gml:pos`, or the centroid of its largest ring. */
export function gmlPoint(pos: string | undefined, rings: GmlCoordinates[]): GmlPoint | undefined {
  if (pos !== undefined) {
    const [x, y] = tokens(pos);
    if (x === undefined || y === undefined) return { ok: false, reason: 'gml:pos heeft geen x en y' };
    return { ok: true, x, y };
  }
  let best: { x: number; y: number; area: number } | undefined;
  for (const ring of rings) {
    const centroid = ringCentroid(ring);
    if (!centroid.ok) return centroid;
    if (!best || centroid.area > best.area) best = centroid;
  }
  // Millimetres: what the BAG records; more digits would only suggest precision.
  return best && { ok: true, x: best.x.toFixed(3), y: best.y.toFixed(3) };
}

function ringCentroid(ring: GmlCoordinates): { ok: true; x: number; y: number; area: number } | { ok: false; reason: string } {
  const numbers = tokens(ring.text).map(Number);
  const dim = ring.count ? numbers.length / ring.count : ring.dim;
  if (!(dim === 2 || dim === 3) || numbers.length % dim !== 0 || numbers.length < 3 * dim) {
    return { ok: false, reason: 'gml:posList is geen ring van punten met 2 of 3 coördinaten' };
  }
  if (numbers.some((n) => !Number.isFinite(n))) return { ok: false, reason: 'gml:posList bevat iets anders dan getallen' };
  // Shoelace over coordinates relative to the first vertex: products of six-digit RD values would
  // lose the centimetres.
  const x0 = numbers[0]!;
  const y0 = numbers[1]!;
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  const points = numbers.length / dim;
  for (let i = 0; i < points; i++) {
    const ax = numbers[i * dim]! - x0;
    const ay = numbers[i * dim + 1]! - y0;
    const j = ((i + 1) % points) * dim;
    const bx = numbers[j]! - x0;
    const by = numbers[j + 1]! - y0;
    const cross = ax * by - bx * ay;
    twiceArea += cross;
    cx += (ax + bx) * cross;
    cy += (ay + by) * cross;
    sx += ax;
    sy += ay;
  }
  // A ring without area (all points on a line) has no centroid: the mean of its points stands in,
  // the closing point (a repeat of the first) not counted twice.
  if (Math.abs(twiceArea) < 1e-9) {
    const closed = numbers[numbers.length - dim] === x0 && numbers[numbers.length - dim + 1] === y0 ? 1 : 0;
    return { ok: true, x: x0 + sx / (points - closed), y: y0 + sy / (points - closed), area: 0 };
  }
  return { ok: true, x: x0 + cx / (3 * twiceArea), y: y0 + cy / (3 * twiceArea), area: Math.abs(twiceArea) / 2 };
}

/** Whitespace-separated tokens by a character loop (posLists are long; GML may wrap them). */
function tokens(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const space = i === text.length || text.charCodeAt(i) <= 32;
    if (space && start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    } else if (!space && start < 0) start = i;
  }
  return out;
}
