import { sql } from 'kysely';
import { StepError, oneLine } from '../lib/errors.ts';
import { kyselyOf } from '../lib/kysely.ts';
import { createNightlyReport, deliverPending, finishReportFile, removeStaleReportParts, type CreatedReport, type DeliveryOutcome } from '../reports/outbox.ts';
import { keyVersionWarning, verifyKey } from './key-versions.ts';
import { checkFreshness, freshnessWarnings } from './freshness.ts';
import { purgeExpired } from './operations/retention.ts';
import { sourcesOf, type SourceRegistry } from '../sources/index.ts';
import { discardXlsxParser, isXlsx, prewarmXlsxParser } from '../sources/xlsx.ts';
import { prewarmChartRenderer } from '../reports/trend-chart.ts';
import type { PipelineContext } from '../lib/context.ts';
import { archive, scanInbox } from './ingest/inbox.ts';
import { removeStaleSpools } from './ingest/spool.ts';
import { ingestFile, type IngestResult } from './ingest/ingest.ts';
import { notedText } from './ingest/row-router.ts';
import { publish, resolvedRules, type PublishResult } from './publish.ts';
import { checkedRecipients, mailConfigured } from '../reports/mailer.ts';
import { pullConfigured, pullSources, type PullSummary } from './pull/index.ts';
import { withRunLock } from './run-lock.ts';

export { RUN_LOCK } from './run-lock.ts';

export interface RunSummary {
  runId: number;
  status: 'succeeded' | 'failed';
  files: IngestResult[];
  waiting: string[];
  /** What the pull fetched; absent when no location is configured. */
  pull?: PullSummary;
  publish?: PublishResult;
  /** The first report's file (the only one for a single municipality). */
  reportPath?: string;
  reportRows?: number;
  /** One report per municipality when the warehouse serves several. */
  reports?: { gemeentecode?: string; path: string; signals: number }[];
  /** A quiet night whose report is not mailed (REPORT_NOTHING_NEW). */
  reportNotMailedQuiet?: boolean;
  delivery?: DeliveryOutcome;
  signalsPerRule: Record<string, number>;
  warnings: string[];
  error?: string;
  failedStep?: string;
  ms: number;
}

export interface RunOptions {
  trigger: string;
  /**
   * The day the run counts as made on (ISO date), instead of today: the rules judge dates against
   * it, the trend counts the run in its month, and feedback owed is counted from it. For replaying
   * past months and for tests; a nightly run leaves it out.
   */
  today?: string;
}

/**
 * The nightly job, once: load what the inbox holds, publish model and signals in one transaction,
 * write the report. Every step is recorded in pakhuis.run_steps; a failed step fails the run and
 * leaves the previously published signals as they were.
 */
export async function runPipeline(ctx: PipelineContext, options: RunOptions): Promise<RunSummary> {
  return withRunLock(ctx.db, ctx.log, () => runLocked(ctx, options));
}

async function runLocked(ctx: PipelineContext, options: RunOptions): Promise<RunSummary> {
  const { db, config, log } = ctx;
  const started = performance.now();
  const k = kyselyOf(db);
  // A run left 'running' by a killed process can never finish; say so instead of leaving it open.
  await k
    .updateTable('pakhuis.runs')
    .set({ status: 'failed', finished_at: sql`clock_timestamp()`, error: 'process stopped before the run finished' })
    .where('status', '=', 'running')
    .execute();
  const inserted = await k.insertInto('pakhuis.runs').values({ trigger: options.trigger }).returning('id').executeTakeFirstOrThrow();
  const runId = Number(inserted.id);
  // This run holds the run lock; a killed one left its spool folders behind. Failing to remove
  // them costs disk, not the night.
  await removeStaleSpools(ctx).catch((error: unknown) => log.warn({ err: error }, 'stale spool folders could not be removed'));
  await removeStaleReportParts(config.OUT_DIR).catch((error: unknown) => log.warn({ err: error }, 'half-written reports could not be removed'));
  const summary: RunSummary = { runId, status: 'succeeded', files: [], waiting: [], signalsPerRule: {}, warnings: [], ms: 0 };
  const log2 = log.child({ runId });
  log2.info({ trigger: options.trigger, today: options.today }, 'run started');

  const step = async <T>(
    name: string,
    fn: () => Promise<T>,
    counts?: (result: T) => { in?: number; out?: number; rejected?: number; details?: unknown },
  ): Promise<T> => {
    await k.insertInto('pakhuis.run_steps').values({ run_id: runId, step: name, started_at: new Date(), status: 'running' }).execute();
    const thisStep = k.updateTable('pakhuis.run_steps').where('run_id', '=', runId).where('step', '=', name);
    try {
      const result = await fn();
      const c = counts?.(result) ?? {};
      await thisStep
        .set({
          status: 'succeeded',
          finished_at: sql`clock_timestamp()`,
          rows_in: c.in ?? null,
          rows_out: c.out ?? null,
          rows_rejected: c.rejected ?? null,
          details: JSON.stringify(c.details ?? {}),
        })
        .execute();
      return result;
    } catch (error) {
      await thisStep
        .set({ status: 'failed', finished_at: sql`clock_timestamp()`, error: oneLine(error) })
        .execute()
        .catch(() => {});
      throw new StepError(name, oneLine(error), { cause: error });
    }
  };

  try {
    // Settings that only publishing reads are checked before anything is loaded: a typo in a rule
    // parameter or a recipient should not cost a night's ingest first.
    await step('configuration', async () => {
      await verifyKey(db, ctx.pseudonymizer);
      resolvedRules(ctx);
      if (mailConfigured(config)) checkedRecipients(config);
    });
    // Pulled first, as a step of its own: a location that cannot be reached is a warning, and
    // what the others gave (and what lies in the inbox) still loads and publishes.
    if (pullConfigured(config)) {
      summary.pull = await step(
        'pull',
        () => pullSources(ctx, { runId }),
        (p) => ({
          out: p.fetched.length,
          rejected: p.outcomes.filter((o) => o.error).length,
          details: {
            locations: p.outcomes.map((o) => ({
              source: o.source,
              location: o.location,
              fetched: o.fetched.map((f) => f.inboxName),
              unchanged: o.unchanged,
              waiting: o.waiting.length,
              refused: o.refused.length,
              attempts: o.attempts,
              error: o.error,
            })),
          },
        }),
      );
      summary.warnings.push(...summary.pull.warnings);
    }
    const sources = sourcesOf(ctx);
    const { ready, waiting } = await scanInbox(config.INBOX_DIR, config.FILE_STABLE_SECONDS, Date.now(), summary.pull?.landed, Object.keys(sources));
    summary.waiting = waiting.map((f) => f.name);
    for (const f of waiting)
      summary.warnings.push(`${f.name} wordt nog geschreven (gewijzigd in de laatste ${config.FILE_STABLE_SECONDS} s) en wacht op de volgende run`);
    // The workbook parser loads SheetJS while the files before it load (sources/xlsx.ts).
    if (ready.some((f) => isXlsx(f.path))) prewarmXlsxParser();
    for (const file of ready) {
      const result = await step(
        `ingest ${file.name}`,
        () => ingestFile(ctx, sources[file.source]!, file.path, { displayName: file.name, runId, gemeentecode: file.gemeentecode }),
        (r) => ({
          in: r.rowsRead,
          out: r.rowsStaged,
          rejected: r.rowsRejected,
          details: { status: r.status, format: r.format, reasons: r.reasons, kinds: r.kinds, notes: r.notes, error: r.error },
        }),
      );
      summary.files.push(result);
      for (const n of result.notes) summary.warnings.push(notedText(file.name, n));
      if (result.status === 'rejected') summary.warnings.push(`${file.name} is geweigerd: ${result.error}`);
      summary.warnings.push(...result.warnings);
      // A duplicate whose earlier load never got archived (the archive step failed after it
      // loaded) is that load's file: it is archived as loaded, not as a duplicate.
      const unarchived = result.status === 'duplicate' && result.duplicateOf && !result.duplicateOf.archived ? result.duplicateOf.loadId : undefined;
      const outcome = unarchived ? 'loaded' : result.status === 'quarantined' ? 'quarantine' : result.status;
      const reason = result.status === 'rejected' || result.status === 'quarantined' ? result.error : undefined;
      const archived = await step(`archive ${file.name}`, () => archive(file, config.ARCHIVE_DIR, outcome, new Date(), reason));
      // Out of the inbox, so the next night runs without it; nothing retries it by itself.
      if (result.status === 'quarantined') summary.warnings.push(`${result.error}; het bestand staat in quarantaine: ${archived}`);
      const loadId = result.loadId ?? unarchived;
      if (loadId) await k.updateTable('pakhuis.loads').set({ archived_as: archived }).where('id', '=', loadId).execute();
    }
    discardXlsxParser();
    summary.warnings.push(...supersededWarnings(summary.files, sources));
    summary.warnings.push(...freshnessWarnings(await checkFreshness(db, config, { sources }), { notRefreshed: summary.pull?.notRefreshed, sources }));
    const rejected = summary.files
      .filter((f) => f.rowsRejected > 0)
      .map((f) => ({ file: f.file, rows: f.rowsRejected, reasons: f.reasons.map((r) => `${r.count}x ${r.column}: ${r.reason}`) }));
    // The report is made inside the publishing transaction: signals and report commit together.
    let report: CreatedReport | undefined;
    // Publishing is mostly waiting on the database: the chart renderer loads meanwhile.
    prewarmChartRenderer();
    try {
      summary.publish = await step(
        'publish',
        () =>
          publish(
            ctx,
            runId,
            async (tx, { rules, peildatum }) => {
              const skipped = rules.filter((r) => r.skipped).map((r) => `${r.code} (${r.skipped})`);
              if (skipped.length > 0) summary.warnings.push(`niet uitgevoerd, hun signalen blijven zoals ze waren: ${skipped.join(', ')}`);
              const keys = await keyVersionWarning(tx, sources);
              if (keys) summary.warnings.push(keys);
              report = await createNightlyReport(ctx, { runId, warnings: summary.warnings, rejected, peildatum }, tx);
            },
            { peildatum: options.today },
          ),
        (p) => ({
          out: p.signals.open,
          details: { changed: p.changed, transforms: p.transforms, rules: p.rules, signals: p.signals, matchRates: p.matchRates, brp: p.brp },
        }),
      );
    } catch (error) {
      if (report) await finishReportFile(report, false).catch(() => {});
      throw error;
    }
    for (const rule of summary.publish.rules) summary.signalsPerRule[rule.code] = rule.produced;
    const created = report!;
    await step(
      'report',
      () => finishReportFile(created, true),
      () => ({ out: created.signals }),
    );
    summary.reportPath = created.path;
    summary.reportRows = created.signals;
    summary.reports = created.parts.map((p) => ({ gemeentecode: p.gemeentecode, path: p.path, signals: p.signals }));
    summary.reportNotMailedQuiet = created.quietNotMailed;
    await step(
      'retention',
      () => purgeExpired(ctx),
      (c) => ({ out: c.stagingRows + c.rejectedRows + c.resolvedSignals + c.archivedFolders, details: c }),
    );
    // A mail server that is down does not fail the run: the report waits in the outbox.
    const delivery = await step(
      'deliver',
      () => deliverPending(ctx),
      (d) => ({ out: d.sent, rejected: d.failed, details: d }),
    );
    summary.delivery = delivery;
    summary.warnings.push(...delivery.notes);
    if (delivery.failed)
      summary.warnings.push(`${delivery.errors[0]}. Het rapport blijft in de outbox en gaat mee met de volgende run of met pakhuis report --retry`);
    if (delivery.refused.length)
      summary.warnings.push(
        `de mailserver weigerde ontvanger ${delivery.refused.map((r) => JSON.stringify(r)).join(', ')}; de andere ontvangers kregen het rapport. Controleer REPORT_RECIPIENTS`,
      );
  } catch (error) {
    summary.status = 'failed';
    summary.error = oneLine(error instanceof StepError ? error.cause : error);
    summary.failedStep = error instanceof StepError ? error.step : undefined;
    log2.error({ err: error, step: summary.failedStep }, 'run failed');
    discardXlsxParser();
  }
  summary.ms = Math.round(performance.now() - started);
  await k
    .updateTable('pakhuis.runs')
    .set({
      status: summary.status,
      finished_at: sql`clock_timestamp()`,
      failed_step: summary.failedStep ?? null,
      error: summary.error ?? null,
      warnings: JSON.stringify(summary.warnings),
      summary: JSON.stringify(runRecord(summary)),
    })
    .where('id', '=', runId)
    .execute();
  log2.info({ status: summary.status, ms: summary.ms, signalsPerRule: summary.signalsPerRule }, 'run finished');
  return summary;
}

/** What the run record keeps: counts and names of files, never row content. */
function runRecord(summary: RunSummary): Record<string, unknown> {
  return {
    pulled: summary.pull?.fetched.map((f) => ({ source: f.source, remote: f.remote, file: f.inboxName, bytes: f.bytes, sha256: f.sha256 })),
    files: summary.files.map((f) => ({
      file: f.file,
      source: f.source,
      status: f.status,
      read: f.rowsRead,
      staged: f.rowsStaged,
      rejected: f.rowsRejected,
      reasons: f.reasons,
      kinds: f.kinds,
      notes: f.notes,
    })),
    signalsPerRule: summary.signalsPerRule,
    signals: summary.publish?.signals,
    matchRates: summary.publish?.matchRates,
    brp: summary.publish?.brp,
    report: summary.reportPath,
    reports: summary.reports,
    perGemeente: summary.publish?.perGemeente.map((g) => ({ gemeentecode: g.gemeentecode, open: g.open })),
    delivery: summary.delivery && { sent: summary.delivery.sent, failed: summary.delivery.failed },
    ms: summary.ms,
  };
}

/**
 * Each source is published from its newest load per municipality only: two exports of one
 * register of one municipality in one night are two full states, not halves. Say which file
 * counts, so a split export is not half lost unseen.
 */
function supersededWarnings(files: IngestResult[], sources: SourceRegistry): string[] {
  const loaded = new Map<string, IngestResult[]>();
  for (const f of files) {
    if (f.status !== 'loaded') continue;
    const key = `${f.source}\0${f.gemeentecode ?? ''}`;
    const same = loaded.get(key);
    if (same) same.push(f);
    else loaded.set(key, [f]);
  }
  const warnings: string[] = [];
  for (const results of loaded.values()) {
    if (results.length < 2) continue;
    const { source, gemeentecode } = results[0]!;
    const newest = results.reduce((a, b) => ((b.loadId ?? 0) > (a.loadId ?? 0) ? b : a));
    const others = results.filter((r) => r !== newest).map((r) => r.file);
    const of = gemeentecode && gemeentecode !== '0000' ? ` voor gemeente ${gemeentecode}` : '';
    warnings.push(
      `${results.length} bestanden van bron ${sources[source]?.label}${of} geladen; alleen ${newest.file} wordt gepubliceerd (een levering is een volledige stand), niet ${others.join(', ')}`,
    );
  }
  return warnings;
}
