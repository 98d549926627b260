import { parseArgs, type ParseArgsConfig } from 'node:util';
import { basename, dirname, resolve } from 'node:path';
import { openContext } from '../lib/app.ts';
import { ConfigError, RunLockedError, oneLine } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { migrate } from '../lib/migrate.ts';
import { LOG_LEVELS, loadConfig } from '../lib/config.ts';
import { openDatabase } from '../lib/db.ts';
import { userInfo } from 'node:os';
import { SOURCES, type SourceName } from '../sources/source.ts';
import { aantal } from '../lib/dutch.ts';
import { printable } from '../lib/terminal.ts';

// Each command imports what it runs when it runs: `ingest` then never loads the scheduler, the
// mailer or the rules, which kept about 45 MB resident for nothing (peak of a 900,000-row BAG
// ingest: 290 MB with every module loaded up front, 247 MB like this).

interface Command {
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  run(args: { positionals: string[]; values: Record<string, unknown> }): Promise<number>;
}

/** Everything the CLI prints goes through printable(): names, file names and reasons come from outside. */
const print = (line: string) => process.stdout.write(printable(line) + '\n');

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'apply pending database migrations (safe to run twice or in parallel)',
    usage: 'pakhuis migrate',
    async run() {
      const config = loadConfig();
      const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
      const db = await openDatabase({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
      try {
        const applied = await migrate(db, log);
        print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return 0;
      } finally {
        await db.close();
      }
    },
  },
  ingest: {
    summary: 'load one export file into staging (exactly once per content)',
    usage: `pakhuis ingest <${SOURCES.join('|')}> <file> [--sheet NAME]`,
    options: { sheet: { type: 'string' } },
    async run({ positionals, values }) {
      const [source, file] = positionals;
      if (!source || !file || !SOURCES.includes(source as SourceName)) throw new UsageError(this.usage);
      return withContext({}, async (ctx) => {
      const [{ ingestFile }, { SOURCE_DEFINITIONS }, { verifyKey }] = await Promise.all([import('../pipelines/ingest.ts'), import('../sources/index.ts'), import('../pipelines/key-versions.ts')]);
      await verifyKey(ctx.db, ctx.pseudonymizer);
      const result = await ingestFile(ctx, SOURCE_DEFINITIONS[source as SourceName], resolve(file), { sheet: values.sheet as string | undefined });
      if (result.status === 'rejected' || result.status === 'quarantined') throw new Error(result.error);
      print(result.status === 'duplicate'
        ? `${result.file}: overgeslagen, deze inhoud is al geladen`
        : `${result.file}: ${aantal(result.rowsStaged, 'rij', 'rijen')} geladen, ${result.rowsRejected} afgekeurd (load ${result.loadId})`);
      return 0;
      });
    },
  },
  run: {
    summary: 'the nightly pipeline once: inbox -> staging -> model -> signals -> report',
    usage: 'pakhuis run [--trigger NAME]',
    options: { trigger: { type: 'string', default: 'cli' } },
    async run({ values }) {
      return withContext({}, async (ctx) => {
      const [{ runPipeline }, { formatSummary }] = await Promise.all([import('../pipelines/run.ts'), import('../pipelines/summary.ts')]);
      const summary = await runPipeline(ctx, { trigger: String(values.trigger) });
      print(formatSummary(summary));
      if (summary.status === 'failed') throw new Error(`run ${summary.runId} failed in step ${summary.failedStep ?? '?'}: ${summary.error}`);
      return 0;
      });
    },
  },
  report: {
    summary: 'write all open signals as a CSV (--all --out FILE), or retry reports waiting in the outbox (--retry)',
    usage: 'pakhuis report --all --out FILE | pakhuis report --retry',
    options: { all: { type: 'boolean', default: false }, out: { type: 'string' }, retry: { type: 'boolean', default: false } },
    async run({ values }) {
      if (values.retry) {
        return withContext({ requireKey: false }, async (ctx) => {
        const { deliverPending } = await import('../reports/outbox.ts');
        const outcome = await deliverPending(ctx);
        for (const note of outcome.notes) print(note);
        print(`${aantal(outcome.sent, 'rapport', 'rapporten')} verzonden, ${outcome.failed} mislukt${outcome.withheld ? `, ${outcome.withheld} niet verzonden (geen ontvanger meer toegestaan)` : ''}`);
        if (outcome.failed) throw new Error(`sending failed: ${outcome.errors[0]}`);
        return 0;
        });
      }
      if (!values.all || !values.out) throw new UsageError(this.usage);
      return withContext({ requireKey: false }, async (ctx) => {
      const { openSignals, writeReport } = await import('../reports/anomaly-report.ts');
      // "Nieuw" as in the last nightly report: first seen or worse in the last run that published
      // (a run can publish and still fail in a later step).
      const { rows: published } = await ctx.db.query<{ run_id: string }>(
        `SELECT coalesce(max(run_id), 1) AS run_id FROM pakhuis.run_steps WHERE step = 'publish' AND status = 'succeeded'`,
      );
      const rows = await openSignals(ctx.db, Number(published[0]!.run_id) - 1);
      const out = resolve(String(values.out));
      const path = await writeReport(dirname(out), basename(out), rows);
      print(`${rows.length} open signalen geschreven naar ${path}`);
      return 0;
      });
    },
  },
  status: {
    summary: 'show the last runs as a table',
    usage: 'pakhuis status [--limit N]',
    options: { limit: { type: 'string', default: '10' } },
    async run({ values }) {
      return withContext({ requireKey: false }, async (ctx) => {
      const { statusTable } = await import('../pipelines/status.ts');
      print(await statusTable(ctx.db, Number(values.limit) || 10));
      return 0;
      });
    },
  },
  schedule: {
    summary: 'run the nightly pipeline on the configured cron schedule (long-lived; SIGTERM stops cleanly)',
    usage: 'pakhuis schedule',
    async run() {
      const ctx = await openContext();
      const { startScheduler } = await import('../pipelines/scheduler.ts');
      const scheduler = await startScheduler(ctx);
      print(`scheduler gestart: "${ctx.config.SCHEDULE_CRON}" (${ctx.config.SCHEDULE_TZ}), volgende run ${scheduler.task.getNextRun()?.toISOString() ?? '?'}`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          ctx.log.info({ signal }, 'stopping: a run in progress finishes first');
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await scheduler.stop();
      await ctx.db.close();
      return 0;
    },
  },
  triage: {
    summary: 'record a human judgement on a signal: in_onderzoek, vals_positief or afgehandeld',
    usage: 'pakhuis triage <signal-id> <in_onderzoek|vals_positief|afgehandeld> [--note TEXT] [--by NAME]',
    options: { note: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      const [id, status] = positionals;
      if (!id || !/^\d+$/.test(id) || !status) throw new UsageError(this.usage);
      // No migrations: a login that holds only the analyst or re-identification role may not read them.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
      const by = (values.by as string | undefined) ?? userInfo().username;
      await ctx.db.query('SELECT signals.triage($1, $2, $3, $4)', [Number(id), status, (values.note as string | undefined) ?? null, by]);
      print(`signaal ${id}: ${status}`);
      return 0;
      });
    },
  },
  reveal: {
    summary: 'show the names of the persons a signal\'s rule linked to it (audited: who, when, why, which signal; refusals too)',
    usage: 'pakhuis reveal <signal-id> --reason "why, at least 10 visible characters" [--by NAME]',
    options: { reason: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      const [id] = positionals;
      if (!id || !/^\d+$/.test(id) || values.reason === undefined) throw new UsageError(this.usage);
      // No migrations: a login that holds only the analyst or re-identification role may not read them.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
      const by = (values.by as string | undefined) ?? userInfo().username;
      const { rows } = await ctx.db.query<{ pseudonym: string; geslachtsnaam: string | null; voornamen: string | null; geboortedatum: string | null; relatie: string; weigering: string | null }>(
        'SELECT * FROM reident.reveal($1, $2, $3)',
        [Number(id), String(values.reason), by],
      );
      // A refusal comes back as a row, so that its audit record commits (migration 0023).
      const refused = rows.find((r) => r.weigering !== null);
      if (refused) throw new Error(`${refused.weigering} (deze geweigerde inzage is vastgelegd)`);
      print(`signaal ${id}: ${aantal(new Set(rows.map((r) => r.pseudonym)).size, 'persoon', 'personen')} (deze inzage is vastgelegd)`);
      // print() shows any control character in a name as an escape, never raw.
      for (const r of rows) print(`  ${[r.voornamen, r.geslachtsnaam].filter(Boolean).join(' ') || '(naam onbekend)'}  geb. ${r.geboortedatum ?? '?'}  ${r.relatie}`);
      return 0;
      });
    },
  },
  demo: {
    summary: 'generate a Woerden-sized synthetic municipality and run the pipeline over it',
    usage: 'pakhuis demo [--residents N] [--data-dir DIR]',
    options: { residents: { type: 'string', default: '53000' }, 'data-dir': { type: 'string', default: './data' } },
    async run({ values }) {
      const residents = Number(values.residents);
      if (!Number.isInteger(residents) || residents < 100) throw new UsageError('--residents must be a whole number of at least 100');
      const started = performance.now();
      const { runDemo } = await import('../pipelines/demo.ts');
      const summary = await runDemo({ residents, dataDir: String(values['data-dir']), print });
      print(`Demo klaar in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      return summary.status === 'succeeded' ? 0 : 1;
    },
  },
};

class UsageError extends Error {}

/** Opens the database for one command and closes it whatever happens. */
async function withContext<T>(options: Parameters<typeof openContext>[0], fn: (ctx: Awaited<ReturnType<typeof openContext>>) => Promise<T>): Promise<T> {
  const ctx = await openContext(options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
  }
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'pakhuis: the informatiepakhuis command line',
    '',
    'Usage: pakhuis <command> [options]   (pakhuis <command> --help for its options)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from environment variables (see README.md); without DATABASE_URL the embedded PGlite database in ./data/pglite is used.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    print(help());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`pakhuis: unknown command "${printable(name)}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    print(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    const { positionals, values } = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    return await command.run({ positionals, values: values as Record<string, unknown> });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pakhuis ${name}: ${printable(error.message)}\nUsage: ${command.usage}\n`);
      return 2;
    }
    // One readable line on stderr; the structured log (stderr as JSON, or pretty) carries the detail,
    // at the LOG_LEVEL the user chose.
    if (!(error instanceof ConfigError) && !(error instanceof RunLockedError)) failureLog().error({ err: error }, 'command failed');
    process.stderr.write(`pakhuis ${name}: ${printable(oneLine(error))}\n`);
    return error instanceof RunLockedError ? 3 : 1;
  }
}

function failureLog() {
  try {
    const config = loadConfig();
    return createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  } catch {
    // The configuration is what failed: take what the environment says, where it makes sense.
  }
  const { LOG_LEVEL: level, LOG_FORMAT: format } = process.env;
  return createLogger({
    level: (LOG_LEVELS as readonly string[]).includes(level ?? '') ? level : 'info',
    format: format === 'json' || format === 'pretty' ? format : undefined,
  });
}
