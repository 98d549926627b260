import type { Session } from '../lib/db.ts';

export interface RunCountsInput {
  runId: number;
  /** The day the run counts as made on (ISO). */
  peildatum: string;
  /** Every rule in the register: a rule with nothing to count gets its zeros, so a month shows 0, not a gap. */
  rules: string[];
  /** MELDING_TERUGKOPPELING_DAGEN, for the view of meldingen owed feedback. */
  feedbackDays: number;
}

/**
 * What this run did, per rule, for the trend (signals.trend) and the nulmeting: signals new,
 * resolved and open after the merge, and the judgements recorded since the run before it. Runs in
 * the publishing transaction, after the merge: a failed run counts nothing. A judgement is counted
 * once, by the first run after it, and in that run's month, so a replayed month (--today) counts
 * its judgements where it is replayed.
 */
export async function recordRunCounts(tx: Session, input: RunCountsInput): Promise<void> {
  await tx.query(
    `INSERT INTO pakhuis.trend_runs (run_id, peildatum, triage_log_upto)
     SELECT $1, $2::date, coalesce((SELECT max(id) FROM pakhuis.triage_log), 0)`,
    [input.runId, input.peildatum],
  );
  await tx.query(
    `WITH since AS (
       SELECT coalesce(max(triage_log_upto), 0) AS upto FROM pakhuis.trend_runs WHERE run_id <> $1
     ),
     judged AS (
       SELECT s.gemeentecode, s.rule_code,
         count(DISTINCT l.signal_id) FILTER (WHERE l.status = 'vals_positief') AS vals_positief,
         count(DISTINCT l.signal_id) FILTER (WHERE l.status = 'afgehandeld') AS afgehandeld
       FROM pakhuis.triage_log l
       JOIN pakhuis.signals s ON s.id = l.signal_id
       WHERE l.id > (SELECT upto FROM since) AND l.id <= (SELECT triage_log_upto FROM pakhuis.trend_runs WHERE run_id = $1)
       GROUP BY s.gemeentecode, s.rule_code
     ),
     signal_counts AS (
       SELECT gemeentecode, rule_code,
         count(*) FILTER (WHERE first_seen_run = $1) AS new_signals,
         count(*) FILTER (WHERE status = 'resolved' AND resolved_run = $1) AS resolved_signals,
         count(*) FILTER (WHERE status = 'open') AS open_signals
       FROM pakhuis.signals
       GROUP BY gemeentecode, rule_code
     ),
     -- Every rule in every municipality served (0000 in a warehouse of one), and whatever else counted.
     gemeenten AS (
       SELECT code FROM pakhuis.gemeenten UNION SELECT '0000' WHERE NOT EXISTS (SELECT 1 FROM pakhuis.gemeenten)
     ),
     codes AS (
       SELECT g.code AS gemeentecode, r.rule_code FROM gemeenten g CROSS JOIN unnest($2::text[]) AS r (rule_code)
       UNION SELECT gemeentecode, rule_code FROM signal_counts
     )
     INSERT INTO pakhuis.trend_rule_counts (run_id, gemeentecode, rule_code, new_signals, resolved_signals, open_signals, judged_vals_positief, judged_afgehandeld)
     SELECT $1, c.gemeentecode, c.rule_code, coalesce(n.new_signals, 0), coalesce(n.resolved_signals, 0), coalesce(n.open_signals, 0),
       coalesce(j.vals_positief, 0), coalesce(j.afgehandeld, 0)
     FROM codes c
     LEFT JOIN signal_counts n USING (gemeentecode, rule_code)
     LEFT JOIN judged j USING (gemeentecode, rule_code)`,
    [input.runId, input.rules],
  );
  await tx.query(
    `INSERT INTO pakhuis.settings (name, value, updated_run) VALUES ('MELDING_TERUGKOPPELING_DAGEN', $1, $2)
     ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_run = EXCLUDED.updated_run`,
    [String(input.feedbackDays), input.runId],
  );
}
