import type { Database } from '../../lib/db.ts';

export class NulmetingError extends Error {
  override name = 'NulmetingError';
}

export interface Baseline {
  setId: number;
  date: string;
  month: string;
  rules: number;
  meldingen: number;
  replaced?: { date: string; frozenAt: Date; by: string };
}

/**
 * Freezes the nulmeting: per rule the counts of the month of `date` up to and including that day
 * (as the runs of that month recorded them), and the meldingen received in it. Once: a second
 * call is refused unless `replace`, and a replaced nulmeting stays in the tables (append-only),
 * so nobody can quietly move the yardstick the trend is measured against.
 */
export async function freezeBaseline(db: Database, options: { date: string; replace?: boolean; statedBy?: string }): Promise<Baseline> {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(options.date) ||
    Number.isNaN(Date.parse(`${options.date}T00:00:00Z`)) ||
    new Date(`${options.date}T00:00:00Z`).toISOString().slice(0, 10) !== options.date
  ) {
    throw new NulmetingError(`datum "${options.date}" is geen bestaande datum in de vorm JJJJ-MM-DD`);
  }
  return db.transaction(async (tx) => {
    // Two at once would both see none: the second waits here and then sees the first.
    await tx.exec('LOCK TABLE pakhuis.baseline_sets IN SHARE ROW EXCLUSIVE MODE');
    const { rows: current } = await tx.query<{ id: string; baseline_date: string; frozen_at: Date; by_user: string }>(
      `SELECT id, baseline_date::text, frozen_at, by_user FROM pakhuis.baseline_sets ORDER BY id DESC LIMIT 1`,
    );
    const earlier = current[0];
    if (earlier && !options.replace) {
      throw new NulmetingError(
        `er is al een nulmeting (datum ${earlier.baseline_date}, vastgelegd ${new Date(earlier.frozen_at).toISOString().slice(0, 10)} door ${earlier.by_user}); ` +
          'een nulmeting wordt één keer vastgelegd: gebruik --vervang om haar bewust te vervangen',
      );
    }
    const { rows: check } = await tx.query<{ month: string; future: boolean; runs: number }>(
      `SELECT date_trunc('month', $1::date)::date::text AS month, $1::date > current_date AS future,
         (SELECT count(*)::int FROM pakhuis.trend_runs WHERE peildatum >= date_trunc('month', $1::date) AND peildatum <= $1::date) AS runs`,
      [options.date],
    );
    const { month, future, runs } = check[0]!;
    if (future) throw new NulmetingError(`datum ${options.date} ligt in de toekomst`);
    if (runs === 0) throw new NulmetingError(`geen run in ${month.slice(0, 7)} op of voor ${options.date}: er is nog niets om vast te leggen`);
    const { rows: created } = await tx.query<{ id: string }>(
      `INSERT INTO pakhuis.baseline_sets (baseline_date, month, stated_by, replaces) VALUES ($1, $2, $3, $4) RETURNING id`,
      [options.date, month, options.statedBy ?? null, earlier ? Number(earlier.id) : null],
    );
    const setId = Number(created[0]!.id);
    const { rowCount } = await tx.query(
      `WITH runs AS (
         SELECT run_id, peildatum FROM pakhuis.trend_runs WHERE peildatum >= $2::date AND peildatum <= $3::date
       )
       INSERT INTO pakhuis.baseline_counts (set_id, gemeentecode, rule_code, new_signals, resolved_signals, open_signals, judged_vals_positief, judged_afgehandeld, meldingen_received)
       SELECT $1::bigint, c.gemeentecode, c.rule_code, sum(c.new_signals), sum(c.resolved_signals), (array_agg(c.open_signals ORDER BY r.peildatum DESC, r.run_id DESC))[1],
         sum(c.judged_vals_positief), sum(c.judged_afgehandeld), NULL
       FROM runs r JOIN pakhuis.trend_rule_counts c ON c.run_id = r.run_id
       GROUP BY c.gemeentecode, c.rule_code
       UNION ALL
       -- Per municipality that counted tonight's rules: a month without meldingen counts 0.
       SELECT $1::bigint, g.gemeentecode, 'MELDPUNT', NULL, NULL, NULL, NULL, NULL,
         (SELECT count(*) FROM pakhuis.melding_ledger l WHERE l.gemeentecode = g.gemeentecode AND l.datum_ontvangen >= $2::date AND l.datum_ontvangen <= $3::date)
       FROM (SELECT DISTINCT c.gemeentecode FROM runs r JOIN pakhuis.trend_rule_counts c ON c.run_id = r.run_id) g`,
      [setId, month, options.date],
    );
    const { rows: meldingen } = await tx.query<{ n: number; k: number }>(
      `SELECT coalesce(sum(meldingen_received), 0)::int AS n, count(*)::int AS k FROM pakhuis.baseline_counts WHERE set_id = $1 AND rule_code = 'MELDPUNT'`,
      [setId],
    );
    return {
      setId,
      date: options.date,
      month,
      rules: (rowCount - meldingen[0]!.k) / Math.max(1, meldingen[0]!.k),
      meldingen: Number(meldingen[0]!.n),
      replaced: earlier ? { date: earlier.baseline_date, frozenAt: new Date(earlier.frozen_at), by: earlier.by_user } : undefined,
    };
  });
}
