import type { Session } from '../lib/db.ts';
import { aantal } from '../lib/dutch.ts';

interface RunRow {
  id: string;
  trigger: string;
  started_at: Date;
  finished_at: Date | null;
  status: string;
  failed_step: string | null;
  error: string | null;
  warnings: string[];
  files: number;
  staged: number;
  rejected: number;
  open_signals: number | null;
}

/** The last runs as a fixed-width table for a terminal. */
export async function statusTable(db: Pick<Session, 'query'>, limit = 10): Promise<string> {
  const { rows } = await db.query<RunRow>(
    `SELECT r.id, r.trigger, r.started_at, r.finished_at, r.status, r.failed_step, r.error, r.warnings,
       (SELECT count(*)::int FROM pakhuis.loads l WHERE l.run_id = r.id) AS files,
       (SELECT coalesce(sum(rows_staged), 0)::int FROM pakhuis.loads l WHERE l.run_id = r.id) AS staged,
       (SELECT coalesce(sum(rows_rejected), 0)::int FROM pakhuis.loads l WHERE l.run_id = r.id) AS rejected,
       (r.summary -> 'signals' ->> 'open')::int AS open_signals
     FROM pakhuis.runs r ORDER BY r.id DESC LIMIT $1`,
    [limit],
  );
  if (rows.length === 0) return 'Nog geen runs.';
  const header = ['run', 'trigger', 'gestart (UTC)', 'duur', 'status', 'bestanden', 'geladen', 'afgekeurd', 'open signalen', 'opmerking'];
  const body = rows.map((r) => [
    String(r.id),
    r.trigger,
    new Date(r.started_at).toISOString().slice(0, 19).replace('T', ' '),
    r.finished_at ? `${((new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000).toFixed(1)} s` : '-',
    r.status,
    String(r.files),
    String(r.staged),
    String(r.rejected),
    r.open_signals === null ? '-' : String(r.open_signals),
    r.status === 'failed' ? `stap ${r.failed_step ?? '?'}: ${r.error ?? ''}` : r.warnings.length ? aantal(r.warnings.length, 'waarschuwing', 'waarschuwingen') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
