import type { Session } from '../lib/db.ts';

/** One line of the trend: a rule's open signals per month, or the meldingen received (MELDPUNT). */
export interface TrendSeries {
  code: string;
  /** One value per month of TrendData.months; null where no run counted that month. */
  values: (number | null)[];
}

export interface TrendData {
  /** The months shown, oldest first, as YYYY-MM. */
  months: string[];
  series: TrendSeries[];
}

export const MELDPUNT = 'MELDPUNT';

/** `count` months up to and including the month of `until` (ISO date), as YYYY-MM. */
export function monthsUntil(until: string, count = 12): string[] {
  const [y, m] = until.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (count - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/**
 * The last twelve months per rule from signals.trend: open signals as the month's last run left
 * them, and the meldingen received. Every rule in `rules` gets a line, also one that never fired.
 */
export async function trendData(
  db: Pick<Session, 'query'>,
  options: { until: string; rules: string[]; months?: number; gemeenten?: string[] },
): Promise<TrendData> {
  const months = monthsUntil(options.until, options.months ?? 12);
  // Per municipality in the view; the sum over those asked for (all when none is named).
  const { rows } = await db.query<{ month: string; rule_code: string; open_signals: number | null; meldingen_received: number | null }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, rule_code, sum(open_signals)::int AS open_signals, sum(meldingen_received)::int AS meldingen_received
     FROM signals.trend WHERE to_char(month, 'YYYY-MM') = ANY ($1::text[]) AND (cardinality($2::text[]) = 0 OR gemeentecode = ANY ($2::text[]))
     GROUP BY 1, 2`,
    [months, options.gemeenten ?? []],
  );
  const codes = [...options.rules, ...new Set(rows.map((r) => r.rule_code).filter((c) => c !== MELDPUNT && !options.rules.includes(c))), MELDPUNT];
  const series = codes.map((code) => ({
    code,
    values: months.map((month) => {
      const row = rows.find((r) => r.rule_code === code && r.month === month);
      if (code === MELDPUNT) return row?.meldingen_received ?? 0;
      return row?.open_signals ?? null;
    }),
  }));
  return { months, series };
}
