import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Session } from '../lib/db.ts';
import { sql } from 'kysely';
import { kyselyOf } from '../lib/kysely.ts';
import { join, resolve } from 'node:path';
import { oneLine } from '../lib/errors.ts';
import type { PipelineContext } from '../lib/context.ts';
import { reportCsv, reportXlsx, signalsById, xlsxPathOf } from './anomaly-report.ts';
import { composeReport, type ReportFacts } from './email.ts';
import { concentrations } from './verantwoording/spreiding.ts';
import { checkedRecipients, mailConfigured, type MailAttachment } from './mailer.ts';
import { renderTrendChart, monthLabel } from './trend-chart.ts';
import { trendData, type TrendData } from './trend-data.ts';
import { RULES } from '../rules/index.ts';
import { dropDirFor, gemeentenOf, recipientsFor } from '../lib/config.ts';
import type { Channel } from './channels/channel.ts';

/**
 * Signals for the nightly report: open, and new or worse since a report last carried them. A
 * signal an analyst judged (vals positief, afgehandeld) comes back only when its score rises
 * above what it was at that judgement. A pending (unsent) report counts as carrying its
 * signals: it will be retried, so they are not put in a second report as well.
 */
function newOrWorse(tx: Pick<Session, 'query'>, gemeentecode: string | null) {
  return kyselyOf(tx)
    .selectFrom('pakhuis.signals as s')
    .select('s.id')
    .where((eb) =>
      eb.and([
        eb('s.status', '=', 'open'),
        ...(gemeentecode === null ? [] : [eb('s.gemeentecode', '=', gemeentecode)]),
        eb.not(
          eb.and([
            eb('s.triage_status', 'in', ['vals_positief', 'afgehandeld']),
            eb(eb.fn.coalesce('s.score', sql.lit(0)), '<=', eb.fn.coalesce('s.triage_score', sql.lit(0))),
          ]),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom('pakhuis.report_signals as rs')
              .innerJoin('pakhuis.report_outbox as o', 'o.id', 'rs.outbox_id')
              .select(sql.lit(1).as('one'))
              .whereRef('rs.signal_id', '=', 's.id')
              .where((inner) =>
                inner.and([
                  inner(inner.fn.coalesce('rs.score', sql.lit(0)), '>=', inner.fn.coalesce('s.score', sql.lit(0))),
                  inner.or([inner('s.worsened_run', 'is', null), inner('o.run_id', '>=', inner.ref('s.worsened_run'))]),
                ]),
              ),
          ),
        ),
      ]),
    )
    .execute();
}

export interface CreatedReport {
  outboxId: number;
  /** The first report's CSV (the workbook is beside it: xlsxPathOf); `parts` has one per municipality when the warehouse serves several. */
  path: string;
  signals: number;
  /** Whether it goes out, by e-mail or file drop (a quiet night may not: REPORT_NOTHING_NEW). */
  mailed: boolean;
  /** A channel is set up, but tonight had nothing new and REPORT_NOTHING_NEW kept the report home. */
  quietNotMailed: boolean;
  parts: { gemeentecode?: string; outboxId: number; path: string; signals: number; mailed: boolean; quietNotMailed: boolean }[];
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportInputs {
  runId: number;
  warnings: string[];
  rejected: ReportFacts['rejected'];
  /** The day of the run (ISO): the report's date, and the end of its trend. */
  peildatum?: string;
}

/**
 * A report waiting to be sent: the nightly one or an overleg overview, on one channel, with the
 * payload that channel needs (an e-mail's subject, bodies and recipients; a file drop's folder
 * name) and its files, the nightly CSV first.
 */
export interface OutboxEntry {
  kind: 'nachtrapport' | 'overleg';
  runId: number | null;
  /** The report's own file in OUT_DIR. */
  fileName: string;
  filePath: string | null;
  payload: { channel: 'email'; subject: string; text: string; html: string; recipients: string[] } | { channel: 'file_drop'; dropName: string };
  status: 'pending' | 'not_sent';
  attachments: MailAttachment[];
  /** The municipality a nightly report is for (its recipients: REPORT_RECIPIENTS_<code>, its folder: REPORT_DROP_DIR_<code>). */
  gemeentecode?: string;
  /** A nightly report's day (ISO), against which REPORT_NOTHING_NEW counts "once a week". */
  reportDate?: string;
  /** A channel was set up, but a night with nothing new kept the report home (REPORT_NOTHING_NEW). */
  quiet?: boolean;
}

/** Stores a report in the outbox with its attachments (one statement for all of them); returns its id. */
export async function enqueue(tx: Pick<Session, 'query'>, entry: OutboxEntry): Promise<number> {
  const k = kyselyOf(tx);
  const mail = entry.payload.channel === 'email' ? entry.payload : undefined;
  const { id } = await k
    .insertInto('pakhuis.report_outbox')
    .values({
      kind: entry.kind,
      channel: entry.payload.channel,
      run_id: entry.runId,
      file_name: entry.fileName,
      file_path: entry.filePath,
      subject: mail?.subject ?? null,
      text_body: mail?.text ?? null,
      html_body: mail?.html ?? null,
      recipients: mail?.recipients ?? [],
      drop_name: entry.payload.channel === 'file_drop' ? entry.payload.dropName : null,
      status: entry.status,
      gemeentecode: entry.gemeentecode ?? null,
      report_date: entry.reportDate ?? null,
      quiet: entry.quiet ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const outboxId = Number(id);
  if (entry.attachments.length)
    await k
      .insertInto('pakhuis.report_attachments')
      .values(
        entry.attachments.map((a, position) => ({
          outbox_id: outboxId,
          position,
          file_name: a.filename,
          content_type: a.contentType,
          content: Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content, 'utf8'),
          content_id: a.cid ?? null,
        })),
      )
      .execute();
  return outboxId;
}

export const CHART_CID = 'trend@informatiepakhuis';

/**
 * The trend of the last twelve months and its chart, for the nightly e-mail and the overleg. A chart
 * that cannot be drawn is no reason to fail the night: the numbers table still goes, with a warning.
 */
export async function trendWithChart(
  db: Pick<Session, 'query'>,
  until: string,
  warn: (message: string) => void,
  gemeenten?: string[],
): Promise<{ trend: TrendData; chart?: MailAttachment }> {
  const trend = await trendData(db, { until, rules: RULES.map((r) => r.code), gemeenten });
  try {
    const { png } = await renderTrendChart(trend, `Informatiepakhuis: signalen en meldingen tot en met ${monthLabel(trend.months.at(-1)!)}`);
    return { trend, chart: { filename: 'trend.png', content: png, contentType: 'image/png', cid: CHART_CID } };
  } catch (error) {
    warn(`de trendgrafiek kon niet worden getekend (${oneLine(error)}); de cijfers staan in de tabel`);
    return { trend };
  }
}

/**
 * Builds tonight's report inside the caller's publishing transaction: the outbox row commits with
 * the signals it reports, or not at all. The CSV is written as `<path>.part`; the caller renames it
 * with finishReportFile once the transaction has committed, so a failed run leaves no report.
 */
export async function createNightlyReport(ctx: PipelineContext, inputs: ReportInputs, tx: Session): Promise<CreatedReport> {
  const { gemeenten } = gemeentenOf(ctx.config);
  // One report per municipality, each to its own recipients; one as before when there is one.
  const scopes = gemeenten.length ? gemeenten : [undefined];
  const parts: CreatedReport['parts'] = [];
  try {
    for (const gemeente of scopes) parts.push(await createReportFor(ctx, inputs, tx, gemeente));
  } catch (error) {
    await Promise.all(parts.flatMap((p) => [rm(`${p.path}.part`, { force: true }), rm(`${xlsxPathOf(p.path)}.part`, { force: true })]));
    throw error;
  }
  return {
    outboxId: parts[0]!.outboxId,
    path: parts[0]!.path,
    signals: parts.reduce((n, p) => n + p.signals, 0),
    mailed: parts.some((p) => p.mailed),
    quietNotMailed: parts.every((p) => p.quietNotMailed),
    parts,
  };
}

async function createReportFor(
  ctx: PipelineContext,
  inputs: ReportInputs,
  tx: Session,
  gemeente?: { code: string; naam: string },
): Promise<CreatedReport['parts'][number]> {
  const { config } = ctx;
  const code = gemeente?.code ?? null;
  // A drop folder, when one is set for this report, else e-mail (lib/config.ts dropDirFor).
  const channel: Channel = dropDirFor(config, code ?? undefined) ? 'file_drop' : 'email';
  const willMail = channel === 'file_drop' || mailConfigured(config);
  const recipients = channel === 'email' && willMail ? (gemeente ? recipientsFor(config, gemeente.code) : checkedRecipients(config)) : [];
  {
    const ids = await newOrWorse(tx, code);
    const rows = await signalsById(
      tx,
      ids.map((r) => Number(r.id)),
      inputs.runId - 1,
    );
    const k = kyselyOf(tx);
    // Open signals per rule, or those this run resolved, of this municipality (all when there is one).
    const perRuleOf = async (resolvedHere: boolean): Promise<Record<string, number>> => {
      const counted = await k
        .selectFrom('pakhuis.signals')
        .select(['rule_code', sql<number>`count(*)::int`.as('n')])
        .where((eb) =>
          eb.and([resolvedHere ? eb('resolved_run', '=', inputs.runId) : eb('status', '=', 'open'), ...(code === null ? [] : [eb('gemeentecode', '=', code)])]),
        )
        .groupBy('rule_code')
        .execute();
      return Object.fromEntries(counted.map((r) => [r.rule_code ?? '', r.n]));
    };
    const perRule = await perRuleOf(false);
    const resolved = await perRuleOf(true);
    const date = inputs.peildatum ? new Date(`${inputs.peildatum}T12:00:00Z`) : new Date();
    const day = date.toISOString().slice(0, 10);
    // A quiet night: nothing new or worse, no rejected rows. Mailed per REPORT_NOTHING_NEW;
    // "wekelijks" when no nightly report went out (or waits to) in the six days before this one.
    // Warnings alone do not make a night worth a mail: a source a municipality never delivers
    // warns every night. The weekly mail carries them, and pakhuis status shows them.
    const quiet = rows.length === 0 && inputs.rejected.length === 0;
    let send = willMail;
    if (willMail && quiet && config.REPORT_NOTHING_NEW !== 'dagelijks') {
      const recent = await k
        .selectFrom('pakhuis.report_outbox')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('kind', '=', 'nachtrapport')
        .where('status', 'in', ['sent', 'pending'])
        .where('report_date', '>', sql<Date>`${day}::date - 7`)
        .where('gemeentecode', 'is not distinct from', code)
        .executeTakeFirstOrThrow();
      send = config.REPORT_NOTHING_NEW === 'wekelijks' && recent.n === 0;
    }
    // Counted as of the run's day: the publishing transaction set pakhuis.vandaag for the view.
    const { rows: owed } = await tx.query<{ n: number; published: boolean }>(
      `SELECT (SELECT count(*)::int FROM signals.terugkoppeling_achterstallig WHERE $1::text IS NULL OR gemeentecode = $1) AS n,
         EXISTS (SELECT 1 FROM model.source_state WHERE source = 'meldingen' AND ($1::text IS NULL OR gemeentecode = $1)) AS published`,
      [code],
    );
    const { trend, chart } = await trendWithChart(tx, day, (w) => inputs.warnings.push(w), code ? [code] : undefined);
    const spread = await concentrations(tx, config, code ?? undefined);
    const facts: ReportFacts = {
      gemeente: gemeente ? `${gemeente.code} ${gemeente.naam}` : undefined,
      runId: inputs.runId,
      date,
      rows,
      openPerRule: perRule,
      resolvedPerRule: resolved,
      titles: Object.fromEntries(RULES.map((r) => [r.code, r.title])),
      nothingNew: config.REPORT_NOTHING_NEW === 'dagelijks' ? 'dagelijks' : 'wekelijks',
      rejected: inputs.rejected,
      warnings: inputs.warnings,
      feedbackOwed: owed[0]!.published ? { count: owed[0]!.n, days: config.MELDING_TERUGKOPPELING_DAGEN } : undefined,
      trend,
      chartCid: chart?.cid,
      concentrations: { list: spread, factor: config.SPREIDING_FACTOR },
    };
    const composed = composeReport(facts);
    const csv = reportCsv(rows, inputs.warnings);
    const { fileName, path } = await reserveReportFile(config.OUT_DIR, `${REPORT_FILE_PREFIX}${code ? `${code}-` : ''}${day}-run${inputs.runId}`, csv);
    const xlsx = reportXlsx(rows, inputs.warnings);
    await writeFile(`${xlsxPathOf(path)}.part`, xlsx);
    const csvAttachment: MailAttachment = { filename: fileName, content: csv, contentType: 'text/csv; charset=utf-8' };
    const xlsxAttachment: MailAttachment = { filename: fileName.replace(/\.csv$/, '.xlsx'), content: xlsx, contentType: XLSX_TYPE };
    const base = fileName.replace(/\.csv$/, '');
    // In a folder the summary is a page beside the files, the chart a file of its own (no cid: to point at).
    const files =
      channel === 'email'
        ? [csvAttachment, xlsxAttachment]
        : [
            csvAttachment,
            xlsxAttachment,
            { filename: `${base}.html`, content: composeReport({ ...facts, chartCid: undefined }).html, contentType: 'text/html; charset=utf-8' },
          ];
    const outboxId = await enqueue(tx, {
      kind: 'nachtrapport',
      runId: inputs.runId,
      fileName,
      filePath: path,
      payload: channel === 'email' ? { channel, subject: composed.subject, text: composed.text, html: composed.html, recipients } : { channel, dropName: base },
      status: send ? 'pending' : 'not_sent',
      attachments: chart && !quiet ? [...files, chart] : files,
      gemeentecode: code ?? undefined,
      reportDate: day,
      quiet: willMail && !send,
    });
    if (rows.length)
      await k
        .insertInto('pakhuis.report_signals')
        .columns(['outbox_id', 'signal_id', 'score', 'severity'])
        .expression(
          k
            .selectFrom('pakhuis.signals')
            .select([sql<string>`${outboxId}::bigint`.as('outbox_id'), 'id', 'score', 'severity'])
            .where(
              'id',
              'in',
              rows.map((r) => Number(r.signal_id)),
            ),
        )
        .execute();
    if (!willMail) ctx.log.info({ report: path }, 'SMTP not configured: report written to the output folder only');
    else if (send && channel === 'file_drop') ctx.log.info({ report: path }, 'report goes to the drop folder');
    else if (!send) ctx.log.info({ report: path }, 'nothing new tonight: report not mailed (REPORT_NOTHING_NEW)');
    return { gemeentecode: code ?? undefined, outboxId, path, signals: rows.length, mailed: send, quietNotMailed: willMail && !send };
  }
}

const REPORT_FILE_PREFIX = 'anomalierapport-';

/**
 * Removes the half-written reports (`anomalierapport-….csv.part`, `.xlsx.part`) a run killed
 * while writing its report left in OUT_DIR: they hold addresses under investigation and nobody
 * would ever send or delete them. Called by the run, which holds the run lock, so no report is
 * being written; a file that does not carry the report's name is left alone.
 */
export async function removeStaleReportParts(outDir: string): Promise<number> {
  const stale = (await readdir(outDir).catch(() => [] as string[])).filter((name) => name.startsWith(REPORT_FILE_PREFIX) && /\.(csv|xlsx)\.part$/.test(name));
  for (const name of stale) await rm(join(outDir, name), { force: true });
  return stale.length;
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
    if (
      !(await stat(path).then(
        () => true,
        () => false,
      ))
    )
      return { fileName, path };
    await rm(`${path}.part`, { force: true });
  }
}

/** After commit: the report file takes its name. After a failure: the partial file goes. */
export async function finishReportFile(report: CreatedReport, committed: boolean): Promise<void> {
  for (const part of report.parts) {
    if (committed) {
      await rename(`${part.path}.part`, part.path);
      await rename(`${xlsxPathOf(part.path)}.part`, xlsxPathOf(part.path));
    } else {
      await rm(`${part.path}.part`, { force: true });
      await rm(`${xlsxPathOf(part.path)}.part`, { force: true });
    }
  }
}

// Sending what is made here is the delivery's job (reports/delivery.ts); the run, `report --retry` and the overleg call it from here.
export { channelSenders, deliverPending, type DeliveryOutcome } from './delivery.ts';
