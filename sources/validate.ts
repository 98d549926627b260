/**
 * Field checks shared by all sources. Each returns the normalised value or a Dutch reason; none
 * throws, so one bad field costs one rejected row and the load goes on. A reason never quotes the
 * value it refused: reasons reach the run summary, the run record and the e-mail, and the value
 * may be a birth date, or a BSN typed into the wrong column.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (reason: string): Checked<never> => ({ ok: false, reason });

/**
 * The 9 digits of something written as a BSN (spaces, dots and hyphens dropped; 8 digits get a
 * leading zero), or null when it is not 8 or 9 digits. No 11-proef: checkBsn adds that, and the
 * masking of rejected rows uses this alone to recognise a BSN it must not store.
 */
export function bsnDigits(raw: string): string | null {
  // A register writes the plain 9 digits nearly always; the clean-up below is for the rest.
  const digits = raw.length === 9 && allDigits(raw) ? raw : raw.replace(/[\s.-]/g, '');
  if ((digits.length !== 8 && digits.length !== 9) || !allDigits(digits)) return null;
  return digits.length === 8 ? '0' + digits : digits;
}

/** BSN: 9 digits (8 get a leading zero), 11-proef; 000000000 is invalid; test ranges 0000/9999 pass. */
export function checkBsn(raw: string): Checked<string> {
  const bsn = bsnDigits(raw);
  if (bsn === null) return fail('BSN moet 9 cijfers zijn');
  if (bsn === '000000000') return fail('BSN 000000000 is ongeldig');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (bsn.charCodeAt(i) - 48);
  sum -= bsn.charCodeAt(8) - 48;
  if (sum % 11 !== 0) return fail('BSN voldoet niet aan de 11-proef');
  return ok(bsn);
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Postcode as BAG stores it: `1234AB`; SA, SD and SS are never issued. */
export function normalisePostcode(raw: string): Checked<string> {
  const plain = plainPostcode(raw);
  const pc = plain ?? raw.replace(/\s+/g, '').toUpperCase();
  if (plain === null && !/^[1-9][0-9]{3}[A-Z]{2}$/.test(pc)) return fail('postcode heeft niet de vorm 1234AB');
  const letters = pc.slice(4);
  if (letters === 'SA' || letters === 'SD' || letters === 'SS') return fail(`postcodeletters ${letters} worden niet uitgegeven`);
  return ok(pc);
}

/** `1234AB` or `1234 AB` as they nearly always come, without a regular expression; else null. */
function plainPostcode(raw: string): string | null {
  const s = raw.length === 7 && raw.charCodeAt(4) === 32 ? raw.slice(0, 4) + raw.slice(5) : raw;
  if (s.length !== 6) return null;
  for (let i = 0; i < 6; i++) {
    const c = s.charCodeAt(i);
    const fits = i === 0 ? c >= 49 && c <= 57 : i < 4 ? c >= 48 && c <= 57 : c >= 65 && c <= 90;
    if (!fits) return null;
  }
  return s;
}

export const BAG_TYPES = {
  verblijfsobject: '01',
  ligplaats: '02',
  standplaats: '03',
  pand: '10',
  nummeraanduiding: '20',
  openbareruimte: '30',
} as const;

/**
 * BAG id: digits, left-padded to 16, with the object-type code expected at positions 5-6. Exports
 * may drop leading zeros, so a shorter id is padded; when the padded id still has the wrong type
 * code, the fault named is the length (a digit went missing), not the type code it happens to show.
 */
export function checkBagId(raw: string, ...types: (keyof typeof BAG_TYPES)[]): Checked<string> {
  const digits = raw.trim();
  if (!/^\d+$/.test(digits)) return fail('BAG-identificatie bestaat niet alleen uit cijfers');
  if (digits.length > 16) return fail(`BAG-identificatie heeft ${digits.length} cijfers; het zijn er 16`);
  const id = digits.padStart(16, '0');
  const code = id.slice(4, 6);
  for (let i = 0; i < types.length; i++) if (BAG_TYPES[types[i]!] === code) return ok(id);
  const expected = types.map((t) => BAG_TYPES[t]);
  if (digits.length < 16) {
    return fail(
      `BAG-identificatie heeft ${digits.length} cijfers in plaats van 16, en aangevuld met voorloopnullen is het geen ${types.join('/')} (objecttypecode ${code})`,
    );
  }
  return fail(`BAG-identificatie heeft objecttypecode ${code}, verwacht ${expected.join(' of ')} (${types.join('/')})`);
}

export function checkKvk(raw: string): Checked<string> {
  const digits = raw.replace(/\s+/g, '');
  return /^\d{8}$/.test(digits) ? ok(digits) : fail('KvK-nummer moet 8 cijfers zijn');
}

export function checkInt(raw: string, min: number, max: number, what: string): Checked<number> {
  const s = raw.trim();
  if (!/^-?\d+$/.test(s)) return fail(`${what} is geen geheel getal`);
  const n = Number(s);
  if (n < min || n > max) return fail(`${what} ligt buiten ${min}..${max}`);
  return ok(n);
}

export interface ParsedDate {
  /** ISO date usable as a SQL date; unknown month or day become 01. */
  date: string;
  /** The date as given, ISO with 00 for unknown parts. */
  partial: string;
  exact: boolean;
}

/**
 * Dates as municipalities write them: YYYYMMDD (BRP, with 00 for unknown month/day), YYYY-MM-DD,
 * dd-mm-jjjj and d-m-jjjj (Dutch Excel), and Excel serial day numbers from spreadsheets.
 */
export function parseDate(raw: string, options: { allowPartial?: boolean; allowSerial?: boolean } = {}): Checked<ParsedDate> {
  const s = raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
  const day = dayNumber(s);
  if (day < 0) return parseDateText(raw.trim(), options);
  // No cache: at a million rows a lookup table of checked days missed the CPU cache so often that
  // it cost several times the arithmetic below.
  return checkDay(Math.floor(day / 10_000), Math.floor(day / 100) % 100, day % 100, options);
}

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysInMonth = (y: number, m: number) => (m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);

/** Digit value of the character at i, or -1. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function digitsAt(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = digitAt(s, i);
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

const isDateSeparator = (c: number) => c === 45 || c === 47 || c === 46; // - / .

/** Whether s has a line terminator from index `from` on: the reference's `.` does not match one. */
function hasLineBreak(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/**
 * YYYYMMDD, YYYY-MM-DD[T...] and d-m-jjjj as the number y*10000 + m*100 + d (month and day not
 * yet checked), or -1 for any other text. Accepts exactly what parseDateText's patterns accept.
 */
function dayNumber(s: string): number {
  const n = s.length;
  if (n === 8) {
    const v = digitsAt(s, 0, 8);
    if (v >= 0) return v;
  }
  if (
    n >= 10 &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    (n === 10 || ((s.charCodeAt(10) === 84 || s.charCodeAt(10) === 32) && !hasLineBreak(s, 11)))
  ) {
    const y = digitsAt(s, 0, 4),
      m = digitsAt(s, 5, 2),
      d = digitsAt(s, 8, 2);
    if (y >= 0 && m >= 0 && d >= 0) return y * 10_000 + m * 100 + d;
  }
  if (n >= 8 && n <= 10) {
    const first = isDateSeparator(s.charCodeAt(1)) ? 1 : isDateSeparator(s.charCodeAt(2)) ? 2 : -1;
    if (first < 0) return -1;
    const second = n - 5;
    if (!isDateSeparator(s.charCodeAt(second)) || second - first - 1 < 1 || second - first - 1 > 2) return -1;
    const d = digitsAt(s, 0, first),
      m = digitsAt(s, first + 1, second - first - 1),
      y = digitsAt(s, second + 1, 4);
    if (y >= 0 && m >= 0 && d >= 0) return y * 10_000 + m * 100 + d;
  }
  return -1;
}

/** The reference reading by regular expressions; parseDate's fast path must agree with it. */
export function parseDateText(s: string, options: { allowPartial?: boolean; allowSerial?: boolean }): Checked<ParsedDate> {
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(s)) || (match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s))) {
    return checkDay(Number(match[1]), Number(match[2]), Number(match[3]), options);
  }
  if ((match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s))) {
    return checkDay(Number(match[3]), Number(match[2]), Number(match[1]), options);
  }
  if (options.allowSerial && /^\d{1,6}(\.\d+)?$/.test(s)) {
    const serial = Math.floor(Number(s));
    // Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
    if (serial < 1 || serial > 2958465) return fail('datum (Excel-serienummer) buiten bereik');
    const epoch = Date.UTC(1899, 11, 30);
    const date = new Date(epoch + serial * 86_400_000).toISOString().slice(0, 10);
    return ok({ date, partial: date, exact: true });
  }
  return fail('datum heeft geen herkenbare vorm (JJJJMMDD, JJJJ-MM-DD of DD-MM-JJJJ)');
}

function checkDay(y: number, m: number, d: number, options: { allowPartial?: boolean }): Checked<ParsedDate> {
  if (y < 1800 || y > 2200) return fail('jaar ligt buiten 1800..2200');
  const partial = `${y}-${TWO[m]}-${TWO[d]}`;
  if (m === 0 || d === 0) {
    if (!options.allowPartial) return fail('datum is onvolledig (maand of dag 00)');
    if (m === 0 && d !== 0) return fail('datum met onbekende maand maar bekende dag bestaat niet');
    if (m > 12) return fail('maand groter dan 12');
    return ok({ date: `${y}-${TWO[m || 1]}-01`, partial, exact: false });
  }
  if (m > 12) return fail('maand groter dan 12');
  if (d > daysInMonth(y, m)) return fail('datum bestaat niet (die maand heeft minder dagen)');
  return ok({ date: partial, partial, exact: true });
}

/** Normalised address key: postcode, huisnummer, huisletter and toevoeging, upper case, no spaces. */
export function addressKey(postcode: string, huisnummer: number | string, huisletter?: string | null, toevoeging?: string | null): string {
  return [
    postcode.replace(/\s+/g, '').toUpperCase(),
    String(huisnummer),
    (huisletter ?? '').trim().toUpperCase(),
    (toevoeging ?? '').replace(/\s+/g, '').toUpperCase(),
  ].join('|');
}

export function checkHuisletter(raw: string): Checked<string> {
  return /^[A-Za-z]$/.test(raw) ? ok(raw.toUpperCase()) : fail('huisletter moet één letter zijn');
}

export function checkToevoeging(raw: string): Checked<string> {
  const s = raw.replace(/\s+/g, '');
  return /^[0-9A-Za-z]{1,4}$/.test(s) ? ok(s.toUpperCase()) : fail('huisnummertoevoeging moet 1 tot 4 letters of cijfers zijn');
}

/**
 * Characters that must not reach a terminal or a report from a name: C0 and C1 controls (an
 * escape sequence in a BRP name retitled and recoloured the terminal of whoever ran `pakhuis
 * reveal`) and the bidirectional overrides and isolates, which reorder what is shown.
 */
const UNPRINTABLE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_RUN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * A name as it is stored: control and bidi characters gone (a run of them becomes one space, so
 * a tab or line break between two names keeps them apart), spaces collapsed; null when nothing is left.
 */
export function cleanName(raw: string | undefined | null): string | null {
  if (raw === undefined || raw === null) return null;
  if (!UNPRINTABLE_IN_NAMES.test(raw)) return raw;
  const cleaned = raw.replace(UNPRINTABLE_RUN, ' ').replace(/ {2,}/g, ' ').trim();
  return cleaned === '' ? null : cleaned;
}
