import { TAB, type CopyOut, type PlainRow, type PlainRowWriter, type PlainRows } from '../plain-csv.ts';
import { has, isBagId, isLetter, isPostcode, isToevoeging, postcodeOut, trimmed, uintOf, upper } from '../plain-checks.ts';

/**
 * The plain BRP row, checked on its bytes and written as the COPY line brp.validate() makes of it
 * (sources/brp/index.ts): a living resident at a Dutch address given by BAG id or postcode and
 * huisnummer, with full dates, a 9-digit BSN and no list id, life event, foreign address,
 * onjuist mark or investigation. Anything else (a partial or unknown date, an 8-digit BSN, a
 * value to normalise beyond case, any field the plain form does not cover) is declined and goes
 * through validate(), which notes, classifies or rejects it. tests/plain-csv.test.ts checks that
 * both give the same line for every row this accepts.
 */

/** Fields a plain row may have; any other mapped column must be empty. */
const PLAIN_FIELDS = [
  'bsn',
  'geslachtsnaam',
  'voorvoegsel',
  'voornamen',
  'geboortedatum',
  'functie_adres',
  'datum_aanvang_adreshouding',
  'verblijfsobject_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'nummeraanduiding_id',
  'historie_index',
  'gemeente_van_inschrijving',
  // Read by validate() only for an occurrence without a BAG id or postal address, which is not plain.
  'straatnaam',
  'woonplaats',
] as const;

/** What every plain row has from `persoonslijst` on: no list id, an address, not onjuist, no land, no life event, no successor. */
const PLAIN_TAIL = '\\N\tadres\tfalse\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n';
const UNKNOWN_DATE = '0000-00-00';

/**
 * The writer writes staging.brp's columns in the order sources/brp/index.ts declares them (STAGING);
 * a column added or moved there without this file makes tests/plain-csv.test.ts fail, since the
 * two paths' lines then differ.
 */
export function brpPlainRows(): PlainRows {
  return (mapping, { pseudonymizer }) => {
    const at = (name: string) => mapping.find((m) => m.canonical === name)?.index ?? -1;
    const [bsn, naam, voorvoegsel, voornamen, geboorte, functie, aanvang, vbo, postcode, huisnummer, huisletter, toevoeging, num, historie, gemeente] =
      PLAIN_FIELDS.map(at);
    const others = Int32Array.from(mapping.filter((m) => !(PLAIN_FIELDS as readonly string[]).includes(m.canonical)).map((m) => m.index));
    const keyVersion = String(pseudonymizer.keyVersion);
    if (bsn! < 0) return null;
    const write: PlainRowWriter = ({ line, start, end }: PlainRow, out: CopyOut) => {
      for (let k = 0; k < others.length; k++) if (start[others[k]!]! !== end[others[k]!]!) return false;
      // Checks first, nothing written until the row is known to be plain.
      if (!isBsn(line, start[bsn!]!, end[bsn!]!)) return false;
      const historieIndex = has(start, end, historie!) ? uintOf(line, start[historie!]!, end[historie!]!, 0, 10_000) : 0;
      if (historieIndex < 0) return false;
      if (has(start, end, naam!) && !trimmed(line, start[naam!]!, end[naam!]!)) return false;
      if (has(start, end, voorvoegsel!) && !trimmed(line, start[voorvoegsel!]!, end[voorvoegsel!]!)) return false;
      if (has(start, end, voornamen!) && !trimmed(line, start[voornamen!]!, end[voornamen!]!)) return false;
      if (has(start, end, gemeente!) && !trimmed(line, start[gemeente!]!, end[gemeente!]!)) return false;
      const geboortedatum = has(start, end, geboorte!) ? dayOf(line, start[geboorte!]!, end[geboorte!]!) : 0;
      if (geboortedatum < 0) return false;
      const datumAanvang = has(start, end, aanvang!) ? dayOf(line, start[aanvang!]!, end[aanvang!]!) : 0;
      if (datumAanvang < 0) return false;
      let functieAdres = 87; // W
      if (has(start, end, functie!)) {
        if (end[functie!]! - start[functie!]! !== 1) return false;
        const c = line[start[functie!]!]! & 0xdf; // upper case
        if (c !== 87 && c !== 66) return false;
        functieAdres = c;
      }
      const hasVbo = has(start, end, vbo!);
      if (hasVbo && !isBagId(line, start[vbo!]!, end[vbo!]!, 0x3031, 0x3033)) return false;
      const hasNum = has(start, end, num!);
      if (hasNum && !isBagId(line, start[num!]!, end[num!]!, 0x3230, 0x3230)) return false;
      const hasPostcode = has(start, end, postcode!);
      if (hasPostcode && !isPostcode(line, start[postcode!]!, end[postcode!]!)) return false;
      const nummer = has(start, end, huisnummer!) ? uintOf(line, start[huisnummer!]!, end[huisnummer!]!, 1, 99_999) : 0;
      if (nummer < 0) return false;
      const hasLetter = has(start, end, huisletter!);
      if (hasLetter && (end[huisletter!]! - start[huisletter!]! !== 1 || !isLetter(line[start[huisletter!]!]!))) return false;
      const hasToevoeging = has(start, end, toevoeging!);
      if (hasToevoeging && !isToevoeging(line, start[toevoeging!]!, end[toevoeging!]!)) return false;
      // The occurrence must locate: a BAG id, or postcode and huisnummer.
      if (!hasVbo && !hasNum && !(hasPostcode && nummer > 0)) return false;

      out.uint(historieIndex);
      out.byte(TAB);
      pseudonymizer.pseudonymiseInto(line, start[bsn!]!, out.buf, out.pos);
      out.pos += 64;
      out.byte(TAB);
      out.ascii(keyVersion);
      out.byte(TAB);
      if (has(start, end, naam!)) {
        if (has(start, end, voorvoegsel!)) {
          out.bytes(line, start[voorvoegsel!]!, end[voorvoegsel!]!);
          out.byte(32);
        }
        out.bytes(line, start[naam!]!, end[naam!]!);
      } else out.nul();
      out.byte(TAB);
      if (has(start, end, voornamen!)) out.bytes(line, start[voornamen!]!, end[voornamen!]!);
      else out.nul();
      out.byte(TAB);
      if (geboortedatum > 0) isoDate(out, geboortedatum);
      else out.nul();
      out.byte(TAB);
      out.byte(functieAdres);
      out.byte(TAB);
      if (datumAanvang > 0) {
        isoDate(out, datumAanvang);
        out.byte(TAB);
        isoDate(out, datumAanvang);
      } else {
        out.nul();
        out.byte(TAB);
        out.ascii(UNKNOWN_DATE);
      }
      out.byte(TAB);
      if (hasVbo) out.bytes(line, start[vbo!]!, end[vbo!]!);
      else out.nul();
      out.byte(TAB);
      if (hasPostcode) postcodeOut(out, line, start[postcode!]!, end[postcode!]!);
      else out.nul();
      out.byte(TAB);
      if (nummer > 0) out.uint(nummer);
      else out.nul();
      out.byte(TAB);
      if (hasLetter) out.byte(line[start[huisletter!]!]! & 0xdf);
      else out.nul();
      out.byte(TAB);
      if (hasToevoeging) upper(out, line, start[toevoeging!]!, end[toevoeging!]!);
      else out.nul();
      out.byte(TAB);
      if (hasNum) out.bytes(line, start[num!]!, end[num!]!);
      else out.nul();
      out.byte(TAB);
      if (has(start, end, gemeente!)) out.bytes(line, start[gemeente!]!, end[gemeente!]!);
      else out.nul();
      out.byte(TAB);
      out.ascii(PLAIN_TAIL);
      return true;
    };
    return write;
  };
}

/** Nine digits, not all zero, passing the 11-proef (checkBsn on its plain form). */
function isBsn(line: Buffer, from: number, to: number): boolean {
  if (to - from !== 9) return false;
  let sum = 0;
  let nonZero = false;
  for (let i = 0; i < 9; i++) {
    const d = line[from + i]! - 48;
    if (d < 0 || d > 9) return false;
    if (d !== 0) nonZero = true;
    sum += i < 8 ? (9 - i) * d : -d;
  }
  return nonZero && sum % 11 === 0;
}

/**
 * A whole, existing date as y*10000 + m*100 + d, in the forms parseDate reads without a regular
 * expression (JJJJMMDD, JJJJ-MM-DD, d-m-jjjj with - / or .); -1 for anything else, including the
 * partly or wholly unknown dates the ordinary path keeps as partial.
 */
function dayOf(line: Buffer, from: number, to: number): number {
  const n = to - from;
  let y = -1;
  let m = -1;
  let d = -1;
  const v = n === 8 ? digits(line, from, 8) : -1;
  if (v >= 0) {
    y = Math.floor(v / 10_000);
    m = Math.floor(v / 100) % 100;
    d = v % 100;
  } else if (n === 10 && line[from + 4] === 45 && line[from + 7] === 45) {
    y = digits(line, from, 4);
    m = digits(line, from + 5, 2);
    d = digits(line, from + 8, 2);
  } else if (n >= 8 && n <= 10) {
    const first = isSeparator(line[from + 1]!) ? 1 : isSeparator(line[from + 2]!) ? 2 : -1;
    const second = n - 5;
    if (first < 0 || !isSeparator(line[from + second]!) || second - first - 1 < 1 || second - first - 1 > 2) return -1;
    d = digits(line, from, first);
    m = digits(line, from + first + 1, second - first - 1);
    y = digits(line, from + second + 1, 4);
  }
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return -1;
  if (d > (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31)) return -1;
  return y * 10_000 + m * 100 + d;
}

const isSeparator = (c: number) => c === 45 || c === 47 || c === 46;

function digits(line: Buffer, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = line[i]! - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function isoDate(out: CopyOut, day: number): void {
  out.uint(Math.floor(day / 10_000));
  const m = Math.floor(day / 100) % 100;
  const d = day % 100;
  out.byte(45);
  out.byte(48 + Math.floor(m / 10));
  out.byte(48 + (m % 10));
  out.byte(45);
  out.byte(48 + Math.floor(d / 10));
  out.byte(48 + (d % 10));
}
