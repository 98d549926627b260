import type { CopyOut } from './plain-csv.ts';

/**
 * Checks of a field's bytes for the plain writers (sources/brp/plain-rows.ts, sources/bag/plain-rows.ts), each the plain form
 * of a check in sources/validate.ts: true only where that check passes and the value it returns
 * is the bytes as written (or, where a writer below says so, upper-cased).
 */

/** Whether the mapped column i (-1: not in the file) has a value. A function of the module, not a closure: tsx names every closure made per row. */
export function has(start: Int32Array, end: Int32Array, i: number): boolean {
  return i >= 0 && start[i]! < end[i]!;
}

/** Neither starts nor ends with a space (the ordinary path trims; such a field is not plain). */
export function trimmed(line: Buffer, from: number, to: number): boolean {
  return line[from] !== 32 && line[to - 1] !== 32;
}

/** Digits only, min..max, as a number; -1 when not (checkInt without a sign). */
export function uintOf(line: Buffer, from: number, to: number, min: number, max: number): number {
  if (to - from > 9) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = line[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n >= min && n <= max ? n : -1;
}

/** Sixteen digits, not all zero, with an object type code (positions 5 and 6) in lo..hi (two ASCII digits as one number). */
export function isBagId(line: Buffer, from: number, to: number, lo: number, hi: number): boolean {
  if (to - from !== 16) return false;
  let nonZero = false;
  for (let i = from; i < to; i++) {
    const c = line[i]!;
    if (c < 48 || c > 57) return false;
    if (c !== 48) nonZero = true;
  }
  const code = (line[from + 4]! << 8) | line[from + 5]!;
  return nonZero && code >= lo && code <= hi;
}

/** `1234AB` or `1234 AB`, upper case, first digit not 0, letters not SA, SD or SS. */
export function isPostcode(line: Buffer, from: number, to: number): boolean {
  const n = to - from;
  if (n !== 6 && !(n === 7 && line[from + 4] === 32)) return false;
  const first = line[from]!;
  if (first < 49 || first > 57) return false;
  for (let i = from + 1; i < from + 4; i++) if (line[i]! < 48 || line[i]! > 57) return false;
  const a = line[to - 2]!;
  const b = line[to - 1]!;
  if (a < 65 || a > 90 || b < 65 || b > 90) return false;
  return !(a === 83 && (b === 65 || b === 68 || b === 83));
}

export function postcodeOut(out: CopyOut, line: Buffer, from: number, to: number): void {
  out.bytes(line, from, from + 4);
  out.bytes(line, to - 2, to);
}

export const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** One to four letters or digits. */
export function isToevoeging(line: Buffer, from: number, to: number): boolean {
  if (to - from > 4) return false;
  for (let i = from; i < to; i++) {
    const c = line[i]!;
    if (!isLetter(c) && (c < 48 || c > 57)) return false;
  }
  return true;
}

export function upper(out: CopyOut, line: Buffer, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = line[i]!;
    out.byte(c >= 97 && c <= 122 ? c - 32 : c);
  }
}
