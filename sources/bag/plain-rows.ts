import { rdToWgs84 } from '../../lib/rd-wgs84.ts';
import { TAB, type CopyOut, type PlainRow, type PlainRowWriter, type PlainRows } from '../plain-csv.ts';
import { has, isBagId, isLetter, isPostcode, isToevoeging, postcodeOut, trimmed, uintOf, upper } from '../plain-checks.ts';
import { farApart, RD_BOUNDS, WGS84_BOUNDS } from './point.ts';

/**
 * The plain NLExtract row, checked on its bytes and written as the three COPY lines bag.validate()
 * makes of it (vboRow, numRow without its own status, linkRow in sources/bag/index.ts): one for
 * staging.bag_vbo (the live table), one for staging.bag_num and one for staging.bag_vbo_num.
 *
 * Plain: object type VBO, LIG or STA in any case (or empty: VBO); 16-digit ids, not all zero,
 * with their type code; oppervlakte 1..999999 in digits (a VBO must have one); gebruiksdoelen
 * and pand ids as comma-separated lists without spaces or empty items, each doel written exactly
 * as listed (lower case), a VBO with at least one; status exactly as listed or empty; postcode,
 * huisnummer, huisletter and toevoeging as in the plain BRP row; street and place without
 * leading or trailing spaces; nevenadres t/f/true/false/ja/nee/j/n/1/0 in any case or empty;
 * coordinates as unsigned decimals with a point (digits, optionally `.` and digits), RD x/y
 * within RD_BOUNDS, lat/lon within WGS84_BOUNDS and, with RD, within 10 m of it. Anything else
 * (a synonym such as `verblijfsobject`, a short id, a decimal comma, a coordinate given alone or
 * out of bounds, which validate() notes) is declined and goes through validate().
 * tests/plain-bag.test.ts holds the two paths to the same lines.
 */

/** The mapped columns a plain row may have; any other mapped column must be empty. */
const PLAIN_FIELDS = [
  'verblijfsobject_id',
  'object_type',
  'nummeraanduiding_id',
  'is_nevenadres',
  'gebruiksdoelen',
  'oppervlakte',
  'status',
  'pand_ids',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'openbareruimte',
  'woonplaats',
  'rd_x',
  'rd_y',
  'lat',
  'lon',
] as const;

const V = 86;
const L = 76;
const S = 83;
const COMMA = 44;
const QUOTE = 34;
/** BAG type codes (positions 5 and 6 of an id) as two ASCII digits in one number. */
const CODE = { VBO: 0x3031, LIG: 0x3032, STA: 0x3033, pand: 0x3130, nummeraanduiding: 0x3230 } as const;
/** The coordinate read last by decimalOf. */
let decimalValue = 0;

/**
 * The writer writes the three staging tables' columns in the order sources/bag/index.ts declares
 * them (VBO, NUM, VBO_NUM); a column added or moved there without this file makes
 * tests/plain-bag.test.ts fail, since the two paths' lines then differ.
 */
export function bagPlainRows(lists: { gebruiksdoelen: readonly string[]; statuses: readonly string[] }): PlainRows {
  const doelen = lists.gebruiksdoelen.map((d) => Buffer.from(d, 'latin1'));
  const statuses = lists.statuses.map((d) => Buffer.from(d, 'latin1'));
  return (mapping) => {
    const at = (name: string) => mapping.find((m) => m.canonical === name)?.index ?? -1;
    const [vboId, type, numId, neven, doel, opp, status, pand, postcode, huisnummer, huisletter, toevoeging, straat, plaats, rdX, rdY, lat, lon] =
      PLAIN_FIELDS.map(at);
    const others = Int32Array.from(mapping.filter((m) => !(PLAIN_FIELDS as readonly string[]).includes(m.canonical)).map((m) => m.index));
    if (vboId! < 0 || numId! < 0) return null;
    const write: PlainRowWriter = ({ line, start, end }: PlainRow, out: CopyOut, spooled: readonly CopyOut[]) => {
      for (let k = 0; k < others.length; k++) if (start[others[k]!]! !== end[others[k]!]!) return false;
      // Checks first, nothing written until the row is known to be plain.
      let kind: number = V;
      if (has(start, end, type!)) {
        if (end[type!]! - start[type!]! !== 3) return false;
        const i = start[type!]!;
        const t = ((line[i]! & 0xdf) << 16) | ((line[i + 1]! & 0xdf) << 8) | (line[i + 2]! & 0xdf);
        if (t === 0x56424f) kind = V;
        else if (t === 0x4c4947) kind = L;
        else if (t === 0x535441) kind = S;
        else return false;
      }
      const isVbo = kind === V;
      const code = isVbo ? CODE.VBO : kind === L ? CODE.LIG : CODE.STA;
      if (!has(start, end, vboId!) || !isBagId(line, start[vboId!]!, end[vboId!]!, code, code)) return false;
      if (!has(start, end, numId!) || !isBagId(line, start[numId!]!, end[numId!]!, CODE.nummeraanduiding, CODE.nummeraanduiding)) return false;
      const hasOpp = has(start, end, opp!);
      const oppervlakte = hasOpp ? uintOf(line, start[opp!]!, end[opp!]!, 1, 999_999) : 0;
      if (oppervlakte < 0 || (isVbo && !hasOpp)) return false;
      const hasDoel = has(start, end, doel!);
      if (hasDoel ? !doelenPlain(line, start[doel!]!, end[doel!]!, doelen) : isVbo) return false;
      let statusIndex = -1;
      if (has(start, end, status!)) {
        statusIndex = member(line, start[status!]!, end[status!]!, statuses);
        if (statusIndex < 0) return false;
      }
      const hasPand = has(start, end, pand!);
      if (hasPand && !pandenPlain(line, start[pand!]!, end[pand!]!)) return false;
      const hasPostcode = has(start, end, postcode!);
      if (hasPostcode && !isPostcode(line, start[postcode!]!, end[postcode!]!)) return false;
      const nummer = has(start, end, huisnummer!) ? uintOf(line, start[huisnummer!]!, end[huisnummer!]!, 1, 99_999) : -1;
      if (nummer < 0) return false;
      const hasLetter = has(start, end, huisletter!);
      if (hasLetter && (end[huisletter!]! - start[huisletter!]! !== 1 || !isLetter(line[start[huisletter!]!]!))) return false;
      const hasToevoeging = has(start, end, toevoeging!);
      if (hasToevoeging && !isToevoeging(line, start[toevoeging!]!, end[toevoeging!]!)) return false;
      const hasStraat = has(start, end, straat!);
      if (hasStraat && !trimmed(line, start[straat!]!, end[straat!]!)) return false;
      const hasPlaats = has(start, end, plaats!);
      if (hasPlaats && !trimmed(line, start[plaats!]!, end[plaats!]!)) return false;
      const nevenadres = has(start, end, neven!) ? boolOf(line, start[neven!]!, end[neven!]!) : 0;
      if (nevenadres < 0) return false;
      // The point: RD and lat/lon each both given or both absent, in bounds, and agreeing.
      const hasRd = has(start, end, rdX!) || has(start, end, rdY!);
      const hasWgs = has(start, end, lat!) || has(start, end, lon!);
      let x = 0;
      let y = 0;
      if (hasRd) {
        if (!has(start, end, rdX!) || !has(start, end, rdY!)) return false;
        if (!decimalOf(line, start[rdX!]!, end[rdX!]!)) return false;
        x = decimalValue;
        if (!decimalOf(line, start[rdY!]!, end[rdY!]!)) return false;
        y = decimalValue;
        if (!(x >= RD_BOUNDS.x[0] && x <= RD_BOUNDS.x[1] && y >= RD_BOUNDS.y[0] && y <= RD_BOUNDS.y[1])) return false;
      }
      let latRound = 0;
      let lonRound = 0;
      if (hasWgs) {
        if (!has(start, end, lat!) || !has(start, end, lon!)) return false;
        if (!decimalOf(line, start[lat!]!, end[lat!]!)) return false;
        const a = decimalValue;
        if (!decimalOf(line, start[lon!]!, end[lon!]!)) return false;
        const b = decimalValue;
        if (!(a >= WGS84_BOUNDS.lat[0] && a <= WGS84_BOUNDS.lat[1] && b >= WGS84_BOUNDS.lon[0] && b <= WGS84_BOUNDS.lon[1])) return false;
        if (hasRd && farApart(rdToWgs84(x, y), a, b)) return false;
      } else if (hasRd) {
        const computed = rdToWgs84(x, y);
        latRound = Math.round(computed.lat * 1e7);
        lonRound = Math.round(computed.lon * 1e7);
        // degrees() in point.ts writes these two ways: the integer with a point before its last
        // seven digits when it has more than seven, which a Dutch point always has.
        if (!(latRound >= 1e7 && lonRound >= 1e7)) return false;
      }

      // staging.bag_vbo
      out.bytes(line, start[vboId!]!, end[vboId!]!);
      out.byte(TAB);
      out.ascii(isVbo ? 'VBO' : kind === L ? 'LIG' : 'STA');
      out.byte(TAB);
      if (hasOpp) out.uint(oppervlakte);
      else out.nul();
      out.byte(TAB);
      pgArray(out, line, hasDoel ? start[doel!]! : 0, hasDoel ? end[doel!]! : 0);
      out.byte(TAB);
      if (statusIndex >= 0) out.bytes(line, start[status!]!, end[status!]!);
      else out.nul();
      out.byte(TAB);
      pgArray(out, line, hasPand ? start[pand!]! : 0, hasPand ? end[pand!]! : 0);
      out.byte(TAB);
      if (hasRd) {
        out.bytes(line, start[rdX!]!, end[rdX!]!);
        out.byte(TAB);
        out.bytes(line, start[rdY!]!, end[rdY!]!);
      } else {
        out.nul();
        out.byte(TAB);
        out.nul();
      }
      out.byte(TAB);
      if (hasWgs) {
        out.bytes(line, start[lat!]!, end[lat!]!);
        out.byte(TAB);
        out.bytes(line, start[lon!]!, end[lon!]!);
      } else if (hasRd) {
        degrees(out, latRound);
        out.byte(TAB);
        degrees(out, lonRound);
      } else {
        out.nul();
        out.byte(TAB);
        out.nul();
      }
      out.byte(10);

      // staging.bag_num, without status: an NLExtract row's status is the object's.
      const num = spooled[0]!;
      num.bytes(line, start[numId!]!, end[numId!]!);
      num.byte(TAB);
      if (hasPostcode) postcodeOut(num, line, start[postcode!]!, end[postcode!]!);
      else num.nul();
      num.byte(TAB);
      num.uint(nummer);
      num.byte(TAB);
      if (hasLetter) num.byte(line[start[huisletter!]!]! & 0xdf);
      else num.nul();
      num.byte(TAB);
      if (hasToevoeging) upper(num, line, start[toevoeging!]!, end[toevoeging!]!);
      else num.nul();
      num.byte(TAB);
      if (hasStraat) num.bytes(line, start[straat!]!, end[straat!]!);
      else num.nul();
      num.byte(TAB);
      if (hasPlaats) num.bytes(line, start[plaats!]!, end[plaats!]!);
      else num.nul();
      num.byte(TAB);
      num.nul();
      num.byte(10);

      // staging.bag_vbo_num
      const link = spooled[1]!;
      link.bytes(line, start[vboId!]!, end[vboId!]!);
      link.byte(TAB);
      link.bytes(line, start[numId!]!, end[numId!]!);
      link.byte(TAB);
      link.ascii(nevenadres === 1 ? 'true\n' : 'false\n');
      return true;
    };
    return write;
  };
}

/** Comma-separated members of `allowed`, exactly as written there, none empty. */
function doelenPlain(line: Buffer, from: number, to: number, allowed: readonly Buffer[]): boolean {
  let i = from;
  for (;;) {
    let j = i;
    while (j < to && line[j] !== COMMA) j++;
    if (member(line, i, j, allowed) < 0) return false;
    if (j === to) return true;
    i = j + 1;
  }
}

/** Comma-separated pand ids, none empty. */
function pandenPlain(line: Buffer, from: number, to: number): boolean {
  let i = from;
  for (;;) {
    let j = i;
    while (j < to && line[j] !== COMMA) j++;
    if (!isBagId(line, i, j, CODE.pand, CODE.pand)) return false;
    if (j === to) return true;
    i = j + 1;
  }
}

/** The index in `allowed` of the bytes line[from, to), exactly; -1 when none. */
function member(line: Buffer, from: number, to: number, allowed: readonly Buffer[]): number {
  const n = to - from;
  for (let k = 0; k < allowed.length; k++) {
    const a = allowed[k]!;
    if (a.length !== n) continue;
    let i = 0;
    while (i < n && a[i] === line[from + i]) i++;
    if (i === n) return k;
  }
  return -1;
}

/**
 * A checked plain list (or none: from === to) as pgArray() in sources/bag/index.ts writes it:
 * each item in double quotes, which no plain item holds, nor a backslash.
 */
function pgArray(out: CopyOut, line: Buffer, from: number, to: number): void {
  out.byte(123);
  if (from < to) {
    out.byte(QUOTE);
    for (let i = from; i < to; i++) {
      const c = line[i]!;
      if (c === COMMA) {
        out.byte(QUOTE);
        out.byte(COMMA);
        out.byte(QUOTE);
      } else out.byte(c);
    }
    out.byte(QUOTE);
  }
  out.byte(125);
}

/** 1 for true, 0 for false in the forms the `bool` check in sources/bag/index.ts reads, -1 for anything else. */
function boolOf(line: Buffer, from: number, to: number): number {
  const n = to - from;
  const c = line[from]! | 0x20;
  if (n === 1) return c === 116 || c === 49 || c === 106 ? 1 : c === 102 || c === 48 || c === 110 ? 0 : -1;
  let word = 0;
  if (n > 5) return -1;
  for (let i = from; i < to; i++) word = word * 256 + (line[i]! | 0x20);
  // | 0x20 lower-cases letters and leaves no other byte in these words: compare with the words.
  if (word === 0x6a61) return 1; // ja
  if (word === 0x6e6565) return 0; // nee
  if (word === 0x74727565) return 1; // true
  if (word === 0x66616c7365) return 0; // false
  return -1;
}

/**
 * An unsigned decimal with a point (`123`, `123.45`) into decimalValue, exactly as Number() reads
 * it; false for anything else, which decimal() in point.ts may still read (a comma, a sign). Up
 * to 15 digits the value is the integer of the digits divided by a power of ten, both exact, so
 * the one correctly rounded division gives Number()'s result; longer ones ask Number().
 */
function decimalOf(line: Buffer, from: number, to: number): boolean {
  const n = to - from;
  if (n > 30) return false;
  let m = 0;
  let point = -1;
  for (let i = from; i < to; i++) {
    const c = line[i]!;
    if (c >= 48 && c <= 57) m = m * 10 + (c - 48);
    else if (c === 46 && point < 0 && i > from && i < to - 1) point = i;
    else return false;
  }
  const fraction = point < 0 ? 0 : to - point - 1;
  if (n - (point < 0 ? 0 : 1) > 15) decimalValue = Number(line.toString('latin1', from, to));
  else decimalValue = fraction === 0 ? m : m / POWERS[fraction]!;
  return true;
}

/** Exact powers of ten, written out. */
const POWERS = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** degrees() of point.ts for a value of at least one degree, from its integer of ten-millionths. */
function degrees(out: CopyOut, tenMillionths: number): void {
  out.uint(Math.floor(tenMillionths / 1e7));
  out.byte(46);
  const rest = tenMillionths % 1e7;
  for (let p = 1e6; p >= 1; p /= 10) out.byte(48 + (Math.floor(rest / p) % 10));
}
