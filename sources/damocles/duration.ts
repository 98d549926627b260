import type { Checked } from '../validate.ts';

/**
 * Closure durations as registers write them: "3", "3 maanden", "6 mnd", or "onbepaalde tijd"
 * (premises can be closed indefinitely: months is then null and the closure has no end).
 */
export function parseDuration(raw: string): Checked<{ months: number | null }> {
  const s = raw.trim().toLowerCase();
  if (/^onbepaald(e)?( tijd)?$/.test(s)) return { ok: true, value: { months: null } };
  const match = /^(\d{1,3})\s*(maanden|maand|mnd\.?|m)?$/.exec(s);
  if (!match) return { ok: false, reason: 'duur heeft geen herkenbare vorm (aantal maanden, bijvoorbeeld 3 of "6 maanden", of "onbepaalde tijd")' };
  const months = Number(match[1]);
  if (months < 1 || months > 120) return { ok: false, reason: `duur ${months} maanden ligt buiten 1..120` };
  return { ok: true, value: { months } };
}

/**
 * The last day of a closure of `months` from `start` (ISO): a closure of 3 months from 1 March
 * covers 1 March up to and including 31 May. A start on the 31st runs to the end of the shorter month.
 */
export function closureEnd(start: string, months: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const targetMonth = m - 1 + months;
  const lastDay = new Date(Date.UTC(y, targetMonth + 1, 0)).getUTCDate();
  const sameDay = new Date(Date.UTC(y, targetMonth, Math.min(d, lastDay)));
  return new Date(sameDay.getTime() - 86_400_000).toISOString().slice(0, 10);
}
