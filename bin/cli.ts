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
      const [{ ingestFile }, { SOURCE_DEFINITIONS }, { fileDetails }, { verifyKey }] = await Promise.all([
        import('../pipelines/ingest.ts'), import('../sources/index.ts'), import('../pipelines/summary.ts'), import('../pipelines/key-versions.ts'),
      ]);
      await verifyKey(ctx.db, ctx.pseudonymizer);
      const result = await ingestFile(ctx, SOURCE_DEFINITIONS[source as SourceName], resolve(file), { sheet: values.sheet as string | undefined });
      if (result.status === 'rejected' || result.status === 'quarantined') throw new Error(result.error);
      // The totals come last, where a terminal (or tail) shows them.
      for (const line of [...result.warnings.map((w) => `Waarschuwing: ${w}`), ...fileDetails(result)]) print(`  ${line}`);
      print(result.status === 'duplicate'
        ? `${result.file}: overgeslagen, deze inhoud is al geladen`
        : `${result.file}: ${aantal(result.rowsStaged, 'rij', 'rijen')} geladen, ${result.rowsRejected} afgekeurd (load ${result.loadId})`);
      return 0;
      });
    },
  },
  pull: {
    summary: 'fetch new exports now from the configured locations (PULL_<SOURCE>) into the inbox',
    usage: `pakhuis pull [${SOURCES.join('|')}]`,
    async run({ positionals }) {
      const [source] = positionals;
      if (positionals.length > 1 || (source && !SOURCES.includes(source as SourceName))) throw new UsageError(this.usage);
      // No key: a pull moves files and reads no person data.
      return withContext({ requireKey: false }, async (ctx) => {
      const [{ pullConfigured, pullSources }, { formatPull }, { withRunLock }] = await Promise.all([
        import('../pipelines/pull/index.ts'), import('../pipelines/pull/report.ts'), import('../pipelines/run-lock.ts'),
      ]);
      const sources = source ? [source as SourceName] : SOURCES;
      if (!pullConfigured(ctx.config, sources)) throw new Error(`geen locatie ingesteld voor ${source ? `PULL_${source.toUpperCase()}` : SOURCES.map((s) => `PULL_${s.toUpperCase()}`).join(', ')}`);
      const summary = await withRunLock(ctx.db, ctx.log, () => pullSources(ctx, { sources }));
      print(formatPull(summary).join('\n'));
      for (const w of summary.warnings) print(`  Waarschuwing: ${w}`);
      const failed = summary.outcomes.filter((o) => o.error).length;
      if (failed) throw new Error(`${aantal(failed, 'locatie', 'locaties')} niet bereikbaar`);
      return 0;
      });
    },
  },
  run: {
    summary: 'the nightly pipeline once: pull -> inbox -> staging -> model -> signals -> report',
    usage: 'pakhuis run [--trigger NAME] [--today JJJJ-MM-DD]   (--today: count the run as made on that day, to replay a past month)',
    options: { trigger: { type: 'string', default: 'cli' }, today: { type: 'string' } },
    async run({ values }) {
      const today = values.today === undefined ? undefined : isoDate(String(values.today), '--today');
      return withContext({}, async (ctx) => {
      const [{ runPipeline }, { formatSummary }] = await Promise.all([import('../pipelines/run.ts'), import('../pipelines/summary.ts')]);
      const summary = await runPipeline(ctx, { trigger: String(values.trigger), today });
      print(formatSummary(summary));
      if (summary.status === 'failed') throw new Error(`run ${summary.runId} failed in step ${summary.failedStep ?? '?'}: ${summary.error}`);
      return 0;
      });
    },
  },
  report: {
    summary: 'write all open signals as a CSV (--all --out FILE) or as a GeoJSON map layer (--geojson --out FILE), or retry reports waiting in the outbox (--retry)',
    usage: 'pakhuis report --all --out FILE | pakhuis report --geojson --out FILE | pakhuis report --retry',
    options: { all: { type: 'boolean', default: false }, geojson: { type: 'boolean', default: false }, out: { type: 'string' }, retry: { type: 'boolean', default: false } },
    async run({ values }) {
      if (values.geojson) {
        if (!values.out || values.all || values.retry) throw new UsageError(this.usage);
        // Reads the analysts' views only, and runs no migrations: an analyst login can make the map.
        return withContext({ requireKey: false, migrate: false }, async (ctx) => {
          const { writeGeoJson } = await import('../reports/geojson.ts');
          const layer = await writeGeoJson(ctx.db, resolve(String(values.out)));
          print(`${aantal(layer.features, 'adres', 'adressen')} met open signalen op de kaart geschreven naar ${layer.path}`);
          if (layer.withoutPoint.length > 0) {
            const shown = layer.withoutPoint.slice(0, 10).join(', ');
            const more = layer.withoutPoint.length > 10 ? ` en ${layer.withoutPoint.length - 10} meer` : '';
            process.stderr.write(`Niet op de kaart: ${aantal(layer.withoutPoint.length, 'adres', 'adressen')} met open signalen zonder punt in de BAG (${shown}${more})\n`);
          }
          const objectless = Object.entries(layer.withoutObject);
          if (objectless.length > 0) {
            const total = objectless.reduce((sum, [, n]) => sum + n, 0);
            process.stderr.write(`Niet op de kaart: ${aantal(total, 'open signaal', 'open signalen')} zonder verblijfsobject (${objectless.map(([rule, n]) => `${rule} ${n}`).join(', ')})\n`);
          }
          return 0;
        });
      }
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
    summary: 'show the last runs, and the last successful pull per location, as tables',
    usage: 'pakhuis status [--limit N]',
    options: { limit: { type: 'string', default: '10' } },
    async run({ values }) {
      return withContext({ requireKey: false }, async (ctx) => {
      const [{ statusTable }, { pullStatusTable }] = await Promise.all([import('../pipelines/status.ts'), import('../pipelines/pull/report.ts')]);
      print(await statusTable(ctx.db, Number(values.limit) || 10));
      const pulls = await pullStatusTable(ctx.db, ctx.config);
      if (pulls) print(`\n${pulls}`);
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
  terugkoppeling: {
    summary: 'record the feedback to the melder of a melding: ontvangen, in_behandeling or teruggekoppeld',
    usage: 'pakhuis terugkoppeling <melding-id> <ontvangen|in_behandeling|teruggekoppeld> [--note TEXT] [--by NAME]',
    options: { note: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      const [id, status] = positionals;
      if (!id || !status || positionals.length > 2) throw new UsageError(this.usage);
      // No migrations: a login that holds only the analyst role may not read them.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
      const by = (values.by as string | undefined) ?? userInfo().username;
      await ctx.db.query('SELECT signals.terugkoppeling($1, $2, $3, $4)', [id, status, (values.note as string | undefined) ?? null, by]);
      print(`melding ${id}: ${status.replace('_', ' ')}`);
      return 0;
      });
    },
  },
  overleg: {
    summary: 'write the overview for the monthly ondermijningsoverleg (XLSX and printable HTML, no names), optionally e-mail it',
    usage: 'pakhuis overleg --maand JJJJ-MM --out FILE [--mail] [--gemeente CODE ...]',
    options: { maand: { type: 'string' }, out: { type: 'string' }, mail: { type: 'boolean', default: false }, gemeente: { type: 'string', multiple: true } },
    async run({ values }) {
      if (!values.maand || !values.out) throw new UsageError(this.usage);
      const gemeenten = (values.gemeente as string[] | undefined) ?? [];
      for (const code of gemeenten) if (!/^\d{4}$/.test(code)) throw new UsageError(`--gemeente ${code}: een gemeentecode is 4 cijfers`);
      return withContext({ requireKey: false }, async (ctx) => {
      const { makeOverleg, formatOverleg } = await import('../reports/overleg/index.ts');
      const result = await makeOverleg(ctx, { month: String(values.maand), out: String(values.out), mail: Boolean(values.mail), gemeenten });
      print(formatOverleg(result).join('\n'));
      if (result.delivery?.failed) throw new Error(`het overzicht is geschreven, maar niet verzonden: ${result.delivery.errors[0]}`);
      return 0;
      });
    },
  },
  nulmeting: {
    summary: 'freeze the nulmeting (baseline) the trend is measured against: once, or again with --vervang',
    usage: 'pakhuis nulmeting --datum JJJJ-MM-DD [--vervang] [--by NAME]',
    options: { datum: { type: 'string' }, vervang: { type: 'boolean', default: false }, by: { type: 'string' } },
    async run({ values }) {
      if (!values.datum) throw new UsageError(this.usage);
      const date = isoDate(String(values.datum), '--datum');
      return withContext({ requireKey: false }, async (ctx) => {
      const { freezeBaseline } = await import('../pipelines/nulmeting.ts');
      const baseline = await freezeBaseline(ctx.db, { date, replace: Boolean(values.vervang), statedBy: (values.by as string | undefined) ?? userInfo().username });
      print(`nulmeting vastgelegd op ${baseline.date} (maand ${baseline.month.slice(0, 7)}): ${aantal(baseline.rules, 'regel', 'regels')}, ${aantal(baseline.meldingen, 'melding', 'meldingen')} ontvangen`);
      if (baseline.replaced) print(`  vervangt de nulmeting van ${baseline.replaced.date} (vastgelegd ${baseline.replaced.frozenAt.toISOString().slice(0, 10)} door ${baseline.replaced.by}); die blijft bewaard`);
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

/** A real calendar day written JJJJ-MM-DD, or a usage error naming the option. */
function isoDate(text: string, option: string): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
  if (!valid) throw new UsageError(`${option} ${text}: geen bestaande datum in de vorm JJJJ-MM-DD`);
  return text;
}

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
