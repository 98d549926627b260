import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Session } from '../lib/db.ts';
import { join, resolve } from 'node:path';
import { oneLine } from '../lib/errors.ts';
import type { PipelineContext } from '../pipelines/context.ts';
import { reportCsv, signalsById } from './anomaly-report.ts';
import { composeReport, type ReportFacts } from './email.ts';
import { checkedRecipients, createMailer, describeMailError, mailConfigured, type Mailer } from './mailer.ts';

/**
 * Signals for the nightly report: open, and new or worse since a report last carried them. A
 * signal an analyst judged (vals positief, afgehandeld) comes back only when its score rises
 * above what it was at that judgement. A pending (unsent) report counts as carrying its
 * signals: it will be retried, so they are not put in a second report as well.
 */
const NEW_OR_WORSE = `
  SELECT s.id FROM pakhuis.signals s
  WHERE s.status = 'open'
    AND NOT (s.triage_status IN ('vals_positief', 'afgehandeld') AND coalesce(s.score, 0) <= coalesce(s.triage_score, 0))
    AND NOT EXISTS (
      SELECT 1 FROM pakhuis.report_signals rs JOIN pakhuis.report_outbox o ON o.id = rs.outbox_id
      WHERE rs.signal_id = s.id
        AND coalesce(rs.score, 0) >= coalesce(s.score, 0)
        AND (s.worsened_run IS NULL OR o.run_id >= s.worsened_run))`;

export interface CreatedReport {
  outboxId: number;
  path: string;
  signals: number;
}

export interface ReportInputs {
  runId: number;
  warnings: string[];
  rejected: ReportFacts['rejected'];
}

/**
 * Builds tonight's report inside the caller's publishing transaction: the outbox row commits with
 * the signals it reports, or not at all. The CSV is written as `<path>.part`; the caller renames it
 * with finishReportFile once the transaction has committed, so a failed run leaves no report.
 */
export async function createNightlyReport(ctx: PipelineContext, inputs: ReportInputs, tx: Session): Promise<CreatedReport> {
  const { config } = ctx;
  const willMail = mailConfigured(config);
  const recipients = willMail ? checkedRecipients(config) : [];
  {
    const { rows: ids } = await tx.query<{ id: string }>(NEW_OR_WORSE);
    const rows = await signalsById(tx, ids.map((r) => Number(r.id)), inputs.runId - 1);
    const { rows: perRule } = await tx.query<{ rule_code: string; n: number }>(
      `SELECT rule_code, count(*)::int AS n FROM pakhuis.signals WHERE status = 'open' GROUP BY rule_code`,
    );
    const date = new Date();
    const composed = composeReport({
      runId: inputs.runId,
      date,
      rows,
      openPerRule: Object.fromEntries(perRule.map((r) => [r.rule_code, r.n])),
      rejected: inputs.rejected,
      warnings: inputs.warnings,
    });
    const csv = reportCsv(rows, inputs.warnings);
    const { fileName, path } = await reserveReportFile(config.OUT_DIR, `anomalierapport-${date.toISOString().slice(0, 10)}-run${inputs.runId}`, csv);
    const { rows: created } = await tx.query<{ id: string }>(
      `INSERT INTO pakhuis.report_outbox (run_id, file_name, file_path, csv, subject, text_body, html_body, recipients, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [inputs.runId, fileName, path, csv, composed.subject, composed.text, composed.html, recipients, willMail ? 'pending' : 'not_sent'],
    );
    const outboxId = Number(created[0]!.id);
    await tx.query(
      `INSERT INTO pakhuis.report_signals (outbox_id, signal_id, score, severity)
       SELECT $1, id, score, severity FROM pakhuis.signals WHERE id = ANY ($2::bigint[])`,
      [outboxId, rows.map((r) => Number(r.signal_id))],
    );
    if (!willMail) ctx.log.info({ report: path }, 'SMTP not configured: report written to the output folder only');
    return { outboxId, path, signals: rows.length };
  }
}

/**
 * Writes the report as `<name>.csv.part` under a name no other report has. Run numbers are per
 * database: the demo on PGlite and then on PostgreSQL both made run 1 and the second report
 * overwrote the first. The `.part` is created exclusively ('wx') and the final name checked after
 * that, so two processes never pick one name: the later one takes `-2`, `-3`, ….
 */
async function reserveReportFile(outDir: string, base: string, csv: string): Promise<{ fileName: string; path: string }> {
  await mkdir(outDir, { recursive: true });
  for (let n = 1; ; n++) {
    const fileName = `${base}${n === 1 ? '' : `-${n}`}.csv`;
    const path = resolve(join(outDir, fileName));
    try {
      await writeFile(`${path}.part`, csv, { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    if (!(await stat(path).then(() => true, () => false))) return { fileName, path };
    await rm(`${path}.part`, { force: true });
  }
}

/** After commit: the report file takes its name. After a failure: the partial file goes. */
export async function finishReportFile(report: CreatedReport, committed: boolean): Promise<void> {
  if (committed) await rename(`${report.path}.part`, report.path);
  else await rm(`${report.path}.part`, { force: true });
}

export interface DeliveryOutcome {
  sent: number;
  failed: number;
  /** Why each failed send failed, in Dutch. */
  errors: string[];
  /** Recipients the mail server refused while it took the report for the others. */
  refused: string[];
}

/** Sends every pending report, oldest first; a failure stays pending for the next run. */
export async function deliverPending(ctx: PipelineContext, mailer?: Mailer): Promise<DeliveryOutcome> {
  const { db, config, log } = ctx;
  const outcome: DeliveryOutcome = { sent: 0, failed: 0, errors: [], refused: [] };
  const { rows } = await db.query<{ id: string; file_name: string; csv: string; subject: string; text_body: string; html_body: string; recipients: string[] }>(
    `SELECT id, file_name, csv, subject, text_body, html_body, recipients FROM pakhuis.report_outbox WHERE status = 'pending' ORDER BY id`,
  );
  if (rows.length === 0) return outcome;
  if (!mailConfigured(config)) {
    log.warn({ pending: rows.length }, 'reports are waiting in the outbox but SMTP is not configured');
    return outcome;
  }
  const transport = mailer ?? createMailer(config);
  for (const row of rows) {
    try {
      const recipients = row.recipients.length ? row.recipients : checkedRecipients(config);
      const { messageId, rejected } = await transport.send({
        to: recipients,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        attachment: { filename: row.file_name, content: row.csv },
      });
      await db.query(
        `UPDATE pakhuis.report_outbox SET status = 'sent', sent_at = clock_timestamp(), message_id = $2, recipients = $3, attempts = attempts + 1, last_error = NULL WHERE id = $1`,
        [row.id, messageId, recipients],
      );
      outcome.sent++;
      // A typo'd address the server refuses while it takes the others: sent, yet someone did not get it.
      for (const r of rejected) if (!outcome.refused.includes(r)) outcome.refused.push(r);
      log.info({ outboxId: Number(row.id), recipients: recipients.length, refused: rejected.length }, 'report e-mailed');
    } catch (error) {
      const message = oneLine(error);
      await db.query(`UPDATE pakhuis.report_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [row.id, message]);
      outcome.failed++;
      outcome.errors.push(describeMailError(error, config));
      // The message and code are the detail; a stack trace of a refused connection says nothing
      // more, and on a terminal it stood in English beside the Dutch warning (debug keeps it).
      log.warn({ outboxId: Number(row.id), error: message, code: (error as { code?: unknown }).code }, 'report e-mail failed; it stays in the outbox');
      log.debug({ outboxId: Number(row.id), err: error }, 'report e-mail failure, full error');
    }
  }
  return outcome;
}
