import { sql } from 'kysely';
import type { Session } from '../../lib/db.ts';
import { kyselyOf } from '../../lib/kysely.ts';
import { aantal } from '../../lib/dutch.ts';
import { LOCAL_TIME_ZONE, localTime } from '../../lib/local-time.ts';
import { printable, textTable } from '../../lib/terminal.ts';

/** What became of the run's report by e-mail (report_outbox.status), in words. */
const MAIL = {
  sent: 'verzonden',
  pending: 'NIET verzonden, wacht in outbox',
  not_sent: 'geen (SMTP niet ingesteld)',
  niets_nieuws: 'geen (niets nieuws)',
} as Record<string, string>;

/**
 * The last runs as a fixed-width table for a terminal, in local time, followed by the text of
 * every warning and why an e-mail did not go out: a count alone ("1 waarschuwing") sent the
 * beheerder to the database to find out what it was. The e-mail column is the report's state now:
 * a report that failed at night and went out with `report --retry` shows as sent.
 */
export async function statusTable(db: Pick<Session, 'query'>, limit = 10): Promise<string> {
  // signals.runs: the analysts' view of the run records, so an analyst login can run this too. It
  // has a row per run and municipality (those the login may see): summed here, one line a run,
  // and a report waiting for one municipality is what the e-mail column says.
  const grouped = ['run_id', 'trigger', 'started_at', 'finished_at', 'status', 'failed_step', 'error', 'warnings'] as const;
  const rows = await kyselyOf(db)
    .selectFrom('signals.runs')
    .select([
      'run_id as id',
      ...grouped.slice(1),
      sql<number>`sum(files)::int`.as('files'),
      sql<number>`sum(rows_loaded)::int`.as('staged'),
      sql<number>`sum(rows_rejected)::int`.as('rejected'),
      sql<number | null>`sum(open_signals)::int`.as('open_signals'),
      sql<string | null>`(array_agg(mail_status ORDER BY mail_status = 'pending' DESC, mail_status) FILTER (WHERE mail_status IS NOT NULL))[1]`.as('mail'),
    ])
    .groupBy([...grouped])
    .orderBy('run_id', 'desc')
    .limit(limit)
    // The view's columns come from pakhuis.runs, where these are NOT NULL (a view never says so).
    .$narrowType<{ id: string | number; trigger: string; started_at: Date; status: string; warnings: string[] }>()
    .execute();
  if (rows.length === 0) return 'Nog geen runs.';
  const header = [
    'run',
    'trigger',
    `gestart (${LOCAL_TIME_ZONE})`,
    'duur',
    'status',
    'bestanden',
    'geladen',
    'afgekeurd',
    'open signalen',
    'e-mail',
    'opmerking',
  ];
  const body = rows.map((r) => [
    String(r.id),
    printable(r.trigger),
    localTime(new Date(r.started_at)),
    r.finished_at ? `${((new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000).toFixed(1)} s` : '-',
    r.status,
    String(r.files),
    String(r.staged),
    String(r.rejected),
    r.open_signals === null ? '-' : String(r.open_signals),
    r.mail ? (MAIL[r.mail] ?? r.mail) : '-',
    r.status === 'failed'
      ? printable(`stap ${r.failed_step ?? '?'}: ${r.error ?? ''}`)
      : r.warnings.length
        ? `${aantal(r.warnings.length, 'waarschuwing', 'waarschuwingen')}, zie onder`
        : '',
  ]);
  // The run's own warnings already say why an e-mail failed; the column says where it is now.
  const notes = rows.flatMap((r) => r.warnings.map((w) => `  run ${r.id}: ${printable(w)}`));
  return [...textTable(header, body), ...(notes.length ? ['', 'Waarschuwingen:', ...notes] : [])].join('\n');
}
