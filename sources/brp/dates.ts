import { parseDate, type Checked } from '../validate.ts';

/** The date as staged: ISO with 00 for unknown parts, `0000-00-00` when wholly unknown. */
export interface BrpDate {
  /** The first day it can be (unknown month or day become 01); null when wholly unknown. */
  date: string | null;
  partial: string;
}

export const UNKNOWN_DATE: BrpDate = { date: null, partial: '0000-00-00' };

/**
 * A BRP date. The standard value 00000000 (in any of the accepted forms: 0000-00-00, 00-00-0000)
 * means "unknown", not "wrong" (Logisch Ontwerp BRP, standaardwaarden); YYYY0000 and YYYYMM00 are
 * partly unknown and stay partial.
 */
export function brpDate(raw: string): Checked<BrpDate> {
  if (isUnknown(raw)) return { ok: true, value: UNKNOWN_DATE };
  const parsed = parseDate(raw, { allowPartial: true });
  return parsed.ok ? { ok: true, value: { date: parsed.value.date, partial: parsed.value.partial } } : parsed;
}

function isUnknown(raw: string): boolean {
  let zeros = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 48) zeros++;
    else if (c !== 45 && c !== 47 && c !== 46 && c !== 32) return false; // - / . and space separate
  }
  return zeros === 8;
}
