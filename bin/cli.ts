import { parseArgs, type ParseArgsConfig } from 'node:util';
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { openContext } from '../lib/app.ts';
import { ConfigError, RunLockedError, oneLine, sqlState } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { migrate } from '../lib/migrate.ts';
import { LOG_LEVELS, gemeentenOf, loadConfig, type Config } from '../lib/config.ts';
import { checkoutWarning } from '../lib/checkout-guard.ts';
import { openDatabase } from '../lib/db.ts';
import { kyselyOf } from '../lib/kysely.ts';
import { sql } from 'kysely';
import { userInfo } from 'node:os';
import { SOURCES } from '../sources/index.ts';
import type { SourceName } from '../sources/source.ts';
import { aantal } from '../lib/dutch.ts';
import { LOCAL_TIME_ZONE, localTime } from '../lib/local-time.ts';
import { printable } from '../lib/terminal.ts';

// Each command imports what it runs when it runs: `ingest` then never loads the scheduler, the
// mailer or the rules, which kept about 45 MB resident for nothing (peak of a 900,000-row BAG
// ingest: 290 MB with every module loaded up front, 247 MB like this).

interface Command {
  /** One line in Dutch for `pakhuis --help`. */
  summary: string;
  usage: string;
  /** What `pakhuis <command> --help` adds: what it reads and writes, what it needs, exit codes. */
  help?: string[];
  options?: ParseArgsConfig['options'];
  run(args: { positionals: string[]; values: Record<string, unknown> }): Promise<number>;
}

/** Everything the CLI prints goes through printable(): names, file names and reasons come from outside. */
const print = (line: string) => process.stdout.write(printable(line) + '\n');

/** Exit codes, as README.md and `--help` describe them. */
const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, mailWaiting: 4 } as const;

const EXIT_CODES_HELP =
  'Exitcodes: 0 gelukt; 1 mislukt (één regel op stderr, details in het log); 2 verkeerd gebruik; 3 een andere run loopt al; 4 gepubliceerd, maar het rapport is niet gemaild en wacht in de outbox.';

/**
 * Folders with personal data inside a git work tree get a warning before a command that fills
 * them starts; the command still runs (a test machine may well want it so).
 */
function warnIfInCheckout(config: Config): void {
  const warning = checkoutWarning(config);
  if (warning) process.stderr.write(`pakhuis: waarschuwing: ${warning}\n`);
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'openstaande databasemigraties uitvoeren (veilig om twee keer of tegelijk te draaien)',
    usage: 'pakhuis migrate',
    help: [
      'Maakt het databaseschema aan of werkt het bij: genummerde SQL-bestanden uit sql/migrations/, elk in één transactie.',
      'De eerste keer is een databasegebruiker nodig die rollen mag aanmaken (of de vier rollen bestaan al, zie README).',
      'Zonder DATABASE_URL: de ingebouwde PGlite-database in PGLITE_DIR (standaard ./data/pglite).',
    ],
    async run() {
      const config = loadConfig();
      const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
      const db = await openDatabase({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
      try {
        const applied = await migrate(db, log);
        print(applied.length ? `uitgevoerd: ${applied.join(', ')}` : 'de database is bijgewerkt, er stond niets open');
        return 0;
      } finally {
        await db.close();
      }
    },
  },
  ingest: {
    summary: 'één exportbestand in staging laden (elke inhoud precies één keer)',
    usage: `pakhuis ingest <${SOURCES.join('|')}> <bestand> [--sheet NAAM] [--gemeente CODE]`,
    help: [
      'Laadt één bestand van de genoemde bron; het gaat niet via de inbox en wordt niet gearchiveerd. Publiceren doet pas de volgende `pakhuis run`.',
      'Afgekeurde rijen worden met hun reden bewaard; een bestand met dezelfde inhoud wordt overgeslagen.',
      "Nodig: PSEUDONYMIZATION_KEY of PSEUDONYMIZATION_KEY_FILE (BSN's worden bij het laden gepseudonimiseerd).",
      '--sheet NAAM  het werkblad van een XLSX-bestand (standaard het eerste)',
      '--gemeente CODE  de gemeente waarvan het bestand is, voor registers die dat zelf niet zeggen (vergunningen, Damocles, meldpunt), zoals de map inbox/<gemeentecode>/<bron>/',
    ],
    options: { sheet: { type: 'string' }, gemeente: { type: 'string' } },
    async run({ positionals, values }) {
      const [source, file] = positionals;
      if (!source || !file || !SOURCES.includes(source as SourceName))
        throw new UsageError(source && !SOURCES.includes(source as SourceName) ? `onbekende bron "${source}"` : 'bron en bestand ontbreken');
      const gemeente = values.gemeente as string | undefined;
      if (gemeente !== undefined && !/^\d{4}$/.test(gemeente)) throw new UsageError(`--gemeente ${gemeente.slice(0, 20)}: een gemeentecode is 4 cijfers`);
      warnIfInCheckout(loadConfig());
      return withContext({}, async (ctx) => {
        const [{ ingestFile }, { SOURCE_DEFINITIONS }, { fileDetails }, { verifyKey }] = await Promise.all([
          import('../pipelines/ingest/ingest.ts'),
          import('../sources/index.ts'),
          import('../pipelines/summary.ts'),
          import('../pipelines/key-versions.ts'),
        ]);
        await verifyKey(ctx.db, ctx.pseudonymizer);
        // A link named here on purpose is followed (the inbox refuses links: anyone may write there).
        const path = await realpath(resolve(file)).catch(() => resolve(file));
        const result = await ingestFile(ctx, SOURCE_DEFINITIONS[source as SourceName], path, {
          displayName: basename(resolve(file)),
          sheet: values.sheet as string | undefined,
          gemeentecode: gemeente,
        });
        if (result.status === 'rejected' || result.status === 'quarantined') throw new Error(result.error);
        // The totals come last, where a terminal (or tail) shows them.
        for (const line of [...result.warnings.map((w) => `Waarschuwing: ${w}`), ...fileDetails(result)]) print(`  ${line}`);
        print(
          result.status === 'duplicate'
            ? `${result.file}: overgeslagen, deze inhoud is al geladen`
            : `${result.file}: ${aantal(result.rowsStaged, 'rij', 'rijen')} geladen, ${result.rowsRejected} afgekeurd (load ${result.loadId})`,
        );
        return 0;
      });
    },
  },
  pull: {
    summary: 'nu nieuwe exports ophalen van de ingestelde locaties (PULL_<BRON>) naar de inbox',
    usage: `pakhuis pull [${SOURCES.join('|')}]`,
    async run({ positionals }) {
      const [source] = positionals;
      if (positionals.length > 1 || (source && !SOURCES.includes(source as SourceName))) throw new UsageError(this.usage);
      // No key: a pull moves files and reads no person data.
      return withContext({ requireKey: false }, async (ctx) => {
        const [{ pullConfigured, pullSources }, { formatPull }, { withRunLock }] = await Promise.all([
          import('../pipelines/pull/index.ts'),
          import('../pipelines/pull/report.ts'),
          import('../pipelines/run-lock.ts'),
        ]);
        const sources = source ? [source as SourceName] : SOURCES;
        if (!pullConfigured(ctx.config, sources))
          throw new Error(`geen locatie ingesteld voor ${source ? `PULL_${source.toUpperCase()}` : SOURCES.map((s) => `PULL_${s.toUpperCase()}`).join(', ')}`);
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
    summary: 'de nachtelijke verwerking één keer: ophalen → inbox → staging → model → signalen → rapport → e-mail',
    usage: 'pakhuis run [--trigger NAAM] [--today JJJJ-MM-DD]',
    help: [
      'Ophalen: haalt eerst nieuwe exports op van de locaties in PULL_<BRON> (een SFTP-server, een HTTPS-adres of een map; zie README).',
      'Inbox: laadt wat in INBOX_DIR (standaard ./inbox) staat, in de submappen bag/, brp/, permits/, damocles/ en meldingen/,',
      '  en verplaatst elk bestand daarna naar ARCHIVE_DIR. Een bestand dat nog geen FILE_STABLE_SECONDS stilstaat, wacht op de volgende run.',
      'Gemeenten: met GEMEENTEN=0632,0589 horen vergunningen, Damocles en meldpunt in INBOX_DIR/<gemeentecode>/<bron>/; BAG en BRP',
      '  zeggen zelf van welke gemeente ze zijn. Een levering van een andere gemeente wordt geweigerd. Elke gemeente krijgt haar eigen',
      '  rapport, naar REPORT_RECIPIENTS_<gemeentecode> (anders REPORT_RECIPIENTS).',
      'Sleutel: PSEUDONYMIZATION_KEY of (beter, buiten de crontab) PSEUDONYMIZATION_KEY_FILE, een bestand met de sleutel',
      '  dat alleen de servicegebruiker mag lezen. Minstens 32 tekens; zonder sleutel start de run niet.',
      'Publiceren: model, regels, signalen en het rapport in één transactie; het rapport komt in OUT_DIR (standaard ./out).',
      'E-mail: het rapport gaat naar REPORT_RECIPIENTS via SMTP_HOST/SMTP_PORT (SMTP_USER, SMTP_PASSWORD of SMTP_PASSWORD_FILE).',
      '  Zonder SMTP_HOST wordt niet gemaild. Is de mailserver onbereikbaar, dan wacht het rapport in de outbox (exitcode 4).',
      EXIT_CODES_HELP,
      '--trigger NAAM       de aanleiding in het runverslag (standaard cli)',
      '--today JJJJ-MM-DD   de run telt als gemaakt op die dag (om een voorbije maand na te spelen)',
    ],
    options: { trigger: { type: 'string', default: 'cli' }, today: { type: 'string' } },
    async run({ values }) {
      const today = values.today === undefined ? undefined : isoDate(values.today as string, '--today');
      warnIfInCheckout(loadConfig());
      // Loaded while the database opens and the migrations are checked, not after: the run's
      // modules take about 0.4 s to load, opening PGlite more than a second.
      const modules = Promise.all([import('../pipelines/run.ts'), import('../pipelines/summary.ts')]);
      modules.catch(() => {});
      return withContext({}, async (ctx) => {
        const [{ runPipeline }, { formatSummary }] = await modules;
        const summary = await runPipeline(ctx, { trigger: String(values.trigger), today });
        print(formatSummary(summary));
        if (summary.status === 'failed') throw new Error(`run ${summary.runId} mislukt in stap ${summary.failedStep ?? '?'}: ${summary.error}`);
        if (summary.delivery?.failed) {
          process.stderr.write(`pakhuis run: gepubliceerd, maar ${summary.delivery.errors[0]}. Het rapport wacht in de outbox (pakhuis report --retry).\n`);
          return EXIT.mailWaiting;
        }
        return EXIT.ok;
      });
    },
  },
  report: {
    summary:
      'alle open signalen als CSV en XLSX (--all --out BESTAND) of als kaartlaag in GeoJSON (--geojson --out BESTAND), of rapporten uit de outbox opnieuw mailen (--retry)',
    usage: 'pakhuis report --all --out BESTAND | pakhuis report --geojson --out BESTAND | pakhuis report --retry',
    help: [
      '--all --out BESTAND      alle open signalen als CSV, en ernaast als XLSX (zelfde naam, .xlsx); "Nieuw of verergerd" is wat de laatste',
      '                         gepubliceerde run nieuw of erger vond, met de oude score of ernst. Werkt ook voor een login met alleen de analistenrol.',
      '--geojson --out BESTAND  de open signalen als punten voor QGIS of een andere GIS (WGS84, zonder namen)',
      '--retry                  mailt de rapporten die nog in de outbox wachten, aan de ontvangers die nu zijn ingesteld en toegestaan (exitcode 4 als dat weer mislukt)',
    ],
    options: {
      all: { type: 'boolean', default: false },
      geojson: { type: 'boolean', default: false },
      out: { type: 'string' },
      retry: { type: 'boolean', default: false },
    },
    async run({ values }) {
      if (values.geojson) {
        if (!values.out || values.all || values.retry) throw new UsageError(this.usage);
        // Reads the analysts' views only, and runs no migrations: an analyst login can make the map.
        return withContext({ requireKey: false, migrate: false }, async (ctx) => {
          const { writeGeoJson } = await import('../reports/geojson.ts');
          const layer = await writeGeoJson(ctx.db, resolve(values.out as string));
          print(`${aantal(layer.features, 'adres', 'adressen')} met open signalen op de kaart geschreven naar ${layer.path}`);
          if (layer.withoutPoint.length > 0) {
            const shown = layer.withoutPoint.slice(0, 10).join(', ');
            const more = layer.withoutPoint.length > 10 ? ` en ${layer.withoutPoint.length - 10} meer` : '';
            process.stderr.write(
              `Niet op de kaart: ${aantal(layer.withoutPoint.length, 'adres', 'adressen')} met open signalen zonder punt in de BAG (${shown}${more})\n`,
            );
          }
          const objectless = Object.entries(layer.withoutObject);
          if (objectless.length > 0) {
            const total = objectless.reduce((sum, [, n]) => sum + n, 0);
            process.stderr.write(
              `Niet op de kaart: ${aantal(total, 'open signaal', 'open signalen')} zonder verblijfsobject (${objectless.map(([rule, n]) => `${rule} ${n}`).join(', ')})\n`,
            );
          }
          return 0;
        });
      }
      if (values.retry) {
        return withContext({ requireKey: false }, async (ctx) => {
          const { deliverPending } = await import('../reports/outbox.ts');
          const outcome = await deliverPending(ctx);
          for (const note of outcome.notes) print(note);
          print(
            `${aantal(outcome.sent, 'rapport', 'rapporten')} verzonden, ${outcome.failed} mislukt${outcome.withheld ? `, ${outcome.withheld} niet verzonden (geen ontvanger meer toegestaan)` : ''}`,
          );
          if (outcome.failed) {
            process.stderr.write(`pakhuis report: ${outcome.errors[0]}. Het rapport blijft in de outbox.\n`);
            return EXIT.mailWaiting;
          }
          return EXIT.ok;
        });
      }
      if (!values.all || !values.out) throw new UsageError('kies --all --out BESTAND of --retry');
      if (/\.xlsx$/i.test(values.out as string)) throw new UsageError('--out is de naam van de CSV; de XLSX komt ernaast (zelfde naam, .xlsx)');
      // Reads the analysts' views only, and runs no migrations: an analyst login runs it too.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
        const { lastPublishedRun, openSignals, writeReport, xlsxPathOf } = await import('../reports/anomaly-report.ts');
        // "Nieuw" and "verergerd" as in the last nightly report: since the run before the last one
        // that published (a run can publish and still fail in a later step).
        const rows = await openSignals(ctx.db, (await lastPublishedRun(ctx.db)) - 1);
        const out = resolve(values.out as string);
        const path = await writeReport(dirname(out), basename(out), rows);
        print(`${rows.length} open signalen geschreven naar ${path} (en ${xlsxPathOf(path)})`);
        return 0;
      });
    },
  },
  status: {
    summary: 'de laatste runs als tabel (tijden, tellingen, waarschuwingen, of de e-mail is verstuurd) en de laatste geslaagde ophaalactie per locatie',
    usage: 'pakhuis status [--limit N]',
    help: ['Tijden in Europe/Amsterdam. Onder de tabel staat de tekst van elke waarschuwing.', '--limit N  zoveel runs (standaard 10)'],
    options: { limit: { type: 'string', default: '10' } },
    async run({ values }) {
      // Reads signals.runs and runs no migrations: an analyst login sees the runs too. The pulls are
      // the beheerder's (pakhuis.pulled_files), read only where locations are configured.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
        const [{ statusTable }, { pullStatusTable }, { pullConfigured }] = await Promise.all([
          import('../pipelines/operations/status.ts'),
          import('../pipelines/pull/report.ts'),
          import('../pipelines/pull/index.ts'),
        ]);
        print(await statusTable(ctx.db, Number(values.limit) || 10));
        if (pullConfigured(ctx.config, SOURCES)) {
          try {
            const pulls = await pullStatusTable(ctx.db, ctx.config);
            if (pulls) print(`\n${pulls}`);
          } catch (error) {
            // An analyst login with the beheerder's settings: the runs are shown, the pulls are not theirs.
            if (sqlState(error) !== '42501') throw error;
            print('\nOphalen per bron: niet te zien voor deze databasegebruiker (alleen voor de beheerder).');
          }
        }
        return 0;
      });
    },
  },
  schedule: {
    summary: 'de nachtelijke verwerking volgens SCHEDULE_CRON (blijft draaien; SIGTERM stopt netjes)',
    usage: 'pakhuis schedule',
    help: [
      'Draait `pakhuis run` op SCHEDULE_CRON in SCHEDULE_TZ (standaard 03:30 Europe/Amsterdam) en haalt een gemiste run bij het starten één keer in.',
      'Een run die loopt, maakt zijn werk af na SIGTERM of SIGINT. Nodig: wat `pakhuis run --help` noemt.',
    ],
    async run() {
      const config = loadConfig();
      warnIfInCheckout(config);
      const ctx = await openContext({ config });
      const { startScheduler } = await import('../pipelines/operations/scheduler.ts');
      const scheduler = await startScheduler(ctx);
      const next = scheduler.task.getNextRun();
      print(
        `scheduler gestart: "${ctx.config.SCHEDULE_CRON}" (${ctx.config.SCHEDULE_TZ}), volgende run ${next ? `${localTime(next)} (${LOCAL_TIME_ZONE})` : '?'}`,
      );
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
    summary: 'een menselijk oordeel over een signaal vastleggen: in_onderzoek, vals_positief of afgehandeld',
    usage: 'pakhuis triage <signaal> <in_onderzoek|vals_positief|afgehandeld> [--note TEKST] [--by NAAM] [--toegewezen NAAM]',
    help: [
      'Wie oordeelt, is de databasegebruiker; --by zet er een naam naast. Werkt ook voor een login met alleen de analistenrol.',
      '--toegewezen NAAM  wie het signaal behandelt (weglaten houdt de huidige behandelaar, "" haalt hem weg)',
      'Termijnen (Landelijke Aanpak Adreskwaliteit): binnen 4 weken een status, binnen 6 maanden een resultaat; zie signals.signal_details.',
      'De geschiedenis van de oordelen: signals.triage_history.',
    ],
    options: { note: { type: 'string' }, by: { type: 'string' }, toegewezen: { type: 'string' } },
    async run({ positionals, values }) {
      const [id, status] = positionals;
      if (!id || !/^\d+$/.test(id) || !status) throw new UsageError('signaalnummer en oordeel ontbreken');
      // No migrations: a login that holds only the analyst or re-identification role may not read them.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
        const by = (values.by as string | undefined) ?? userInfo().username;
        const assignee = values.toegewezen as string | undefined;
        const note = (values.note as string | undefined) ?? null;
        await sql`SELECT signals.triage(${Number(id)}, ${status}, ${note}, ${by}, ${assignee ?? null})`.execute(kyselyOf(ctx.db));
        print(`signaal ${id}: ${status}${assignee ? `, toegewezen aan ${assignee}` : assignee === '' ? ', niet meer toegewezen' : ''}`);
        return 0;
      });
    },
  },
  terugkoppeling: {
    summary: 'de terugkoppeling aan de melder van een melding vastleggen: ontvangen, in_behandeling of teruggekoppeld',
    usage: 'pakhuis terugkoppeling <melding-id> <ontvangen|in_behandeling|teruggekoppeld> [--note TEKST] [--by NAAM]',
    options: { note: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      const [id, status] = positionals;
      if (!id || !status || positionals.length > 2) throw new UsageError(this.usage);
      // No migrations: a login that holds only the analyst role may not read them.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
        const by = (values.by as string | undefined) ?? userInfo().username;
        const note = (values.note as string | undefined) ?? null;
        await sql`SELECT signals.terugkoppeling(${id}, ${status}, ${note}, ${by})`.execute(kyselyOf(ctx.db));
        print(`melding ${id}: ${status.replace('_', ' ')}`);
        return 0;
      });
    },
  },
  overleg: {
    summary: 'het overzicht voor het maandelijkse ondermijningsoverleg schrijven (XLSX en afdrukbare HTML, zonder namen), en het desgewenst mailen',
    usage: 'pakhuis overleg --maand JJJJ-MM --out BESTAND [--mail] [--gemeente CODE ...]',
    options: { maand: { type: 'string' }, out: { type: 'string' }, mail: { type: 'boolean', default: false }, gemeente: { type: 'string', multiple: true } },
    async run({ values }) {
      if (!values.maand || !values.out) throw new UsageError(this.usage);
      const gemeenten = (values.gemeente as string[] | undefined) ?? [];
      for (const code of gemeenten) if (!/^\d{4}$/.test(code)) throw new UsageError(`--gemeente ${code.slice(0, 20)}: een gemeentecode is 4 cijfers`);
      const served = gemeentenOf(loadConfig()).gemeenten.map((g) => g.code);
      for (const code of gemeenten)
        if (served.length && !served.includes(code)) throw new UsageError(`--gemeente ${code}: geen gemeente van dit pakhuis (GEMEENTEN=${served.join(',')})`);
      return withContext({ requireKey: false }, async (ctx) => {
        const { makeOverleg, formatOverleg } = await import('../reports/overleg/index.ts');
        const result = await makeOverleg(ctx, { month: String(values.maand), out: values.out as string, mail: Boolean(values.mail), gemeenten });
        print(formatOverleg(result).join('\n'));
        if (result.delivery?.failed) throw new Error(`het overzicht is geschreven, maar ${result.delivery.errors[0]}`);
        return 0;
      });
    },
  },
  nulmeting: {
    summary: 'de nulmeting vastleggen waartegen de trend wordt gemeten: één keer, of opnieuw met --vervang',
    usage: 'pakhuis nulmeting --datum JJJJ-MM-DD [--vervang] [--by NAAM]',
    options: { datum: { type: 'string' }, vervang: { type: 'boolean', default: false }, by: { type: 'string' } },
    async run({ values }) {
      if (!values.datum) throw new UsageError(this.usage);
      const date = isoDate(values.datum as string, '--datum');
      return withContext({ requireKey: false }, async (ctx) => {
        const { freezeBaseline } = await import('../pipelines/operations/nulmeting.ts');
        const baseline = await freezeBaseline(ctx.db, {
          date,
          replace: Boolean(values.vervang),
          statedBy: (values.by as string | undefined) ?? userInfo().username,
        });
        print(
          `nulmeting vastgelegd op ${baseline.date} (maand ${baseline.month.slice(0, 7)}): ${aantal(baseline.rules, 'regel', 'regels')}, ${aantal(baseline.meldingen, 'melding', 'meldingen')} ontvangen`,
        );
        if (baseline.replaced)
          print(
            `  vervangt de nulmeting van ${baseline.replaced.date} (vastgelegd ${baseline.replaced.frozenAt.toISOString().slice(0, 10)} door ${baseline.replaced.by}); die blijft bewaard`,
          );
        return 0;
      });
    },
  },
  reveal: {
    summary: 'de namen tonen van de personen die de regel aan één signaal koppelde (vastgelegd: wie, wanneer, waarom, welk signaal; weigeringen ook)',
    usage: 'pakhuis reveal <signaal> --reason "waarom, minstens 10 zichtbare tekens" [--by NAAM]',
    help: ['Elke inzage, ook een geweigerde, komt in audit.reidentification (en in het serverlog van PostgreSQL). Nodig: de rol pakhuis_reident.'],
    options: { reason: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      const [id] = positionals;
      if (!id || !/^\d+$/.test(id) || values.reason === undefined) throw new UsageError('signaalnummer of --reason ontbreekt');
      // No migrations: a login that holds only the analyst or re-identification role may not read them.
      return withContext({ requireKey: false, migrate: false }, async (ctx) => {
        const by = (values.by as string | undefined) ?? userInfo().username;
        const { rows } = await sql<{
          pseudonym: string;
          geslachtsnaam: string | null;
          voornamen: string | null;
          geboortedatum: string | null;
          relatie: string;
          weigering: string | null;
        }>`SELECT * FROM reident.reveal(${Number(id)}, ${String(values.reason)}, ${by})`.execute(kyselyOf(ctx.db));
        // A refusal comes back as a row, so that its audit record commits (migration 0023).
        const refused = rows.find((r) => r.weigering !== null);
        if (refused) throw new Error(`${refused.weigering} (deze geweigerde inzage is vastgelegd)`);
        print(`signaal ${id}: ${aantal(new Set(rows.map((r) => r.pseudonym)).size, 'persoon', 'personen')} (deze inzage is vastgelegd)`);
        // print() shows any control character in a name as an escape, never raw.
        for (const r of rows)
          print(`  ${[r.voornamen, r.geslachtsnaam].filter(Boolean).join(' ') || '(naam onbekend)'}  geb. ${r.geboortedatum ?? '?'}  ${r.relatie}`);
        return 0;
      });
    },
  },
  inzage: {
    summary: 'inzage (AVG art. 15): wat het pakhuis over één persoon verwerkt, als afdrukbare HTML en JSON (vastgelegd: wie, wanneer, waarom)',
    usage: 'pakhuis inzage --bsn BSN --reason "kenmerk van het verzoek, minstens 10 zichtbare tekens" --out BESTAND[.html|.json] [--by NAAM]',
    help: [
      'Leveringen waarin de persoon voorkwam, inschrijvingen, zaken en elk signaal (open of opgelost) met regel, norm, uitleg, oordeel en bewaartermijn.',
      'Andere personen staan er alleen als aantal in. Het BSN wordt hier gepseudonimiseerd; alleen het pseudoniem gaat naar de database.',
      'Nodig: de rol pakhuis_reident en PSEUDONYMIZATION_KEY (of _FILE). Elke inzage, ook een geweigerde, komt in audit.inzage.',
      '--out BESTAND  .html of .json schrijft dat ene bestand; zonder die extensie allebei (BESTAND.html en BESTAND.json)',
    ],
    options: { bsn: { type: 'string' }, reason: { type: 'string' }, out: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      if (positionals.length || values.bsn === undefined || values.reason === undefined || !values.out)
        throw new UsageError('--bsn, --reason of --out ontbreekt');
      const { checkBsn } = await import('../sources/validate.ts');
      const bsn = checkBsn(values.bsn as string);
      // The reason only: a mistyped BSN is still (nearly) someone's BSN.
      if (!bsn.ok) throw new UsageError(`--bsn is geen geldig BSN (${bsn.reason})`);
      // No migrations: a login that holds only the re-identification role may not run them.
      return withContext({ migrate: false }, async (ctx) => {
        const { inzage, writeInzage } = await import('../reports/verantwoording/inzage.ts');
        const by = (values.by as string | undefined) ?? userInfo().username;
        const overview = await inzage(ctx.db, ctx.pseudonymizer, ctx.config, { bsn: values.bsn as string, reason: String(values.reason), by });
        const paths = await writeInzage(overview, values.out as string);
        print(
          `inzage geschreven naar ${paths.join(' en ')}: ${aantal(overview.leveringen.length, 'levering', 'leveringen')}, ${aantal(overview.inschrijvingen.length, 'inschrijving', 'inschrijvingen')}, ${aantal(overview.zaken.length, 'zaak', 'zaken')}, ${aantal(overview.signalen.length, 'signaal', 'signalen')} (deze inzage is vastgelegd)`,
        );
        return 0;
      });
    },
  },
  dpia: {
    summary: 'de DPIA-bijlage uit de code: per regel doel, norm, grondslag, gelezen velden per bron, wie het ziet, bewaartermijn en de cijfers van 12 maanden',
    usage: 'pakhuis dpia --out BESTAND[.md|.html]',
    help: [
      '--out BESTAND  .md of .html schrijft dat ene bestand; zonder die extensie allebei (BESTAND.md en BESTAND.html). Bevat geen persoonsgegevens: alleen aantallen.',
    ],
    options: { out: { type: 'string' } },
    async run({ positionals, values }) {
      if (positionals.length || !values.out) throw new UsageError(this.usage);
      return withContext({ requireKey: false }, async (ctx) => {
        const { dpia, writeDpia } = await import('../reports/verantwoording/dpia.ts');
        const appendix = await dpia(ctx.db, ctx.config);
        const paths = await writeDpia(appendix, values.out as string);
        print(`DPIA-bijlage over ${aantal(appendix.regels.length, 'regel', 'regels')} geschreven naar ${paths.join(' en ')}`);
        return 0;
      });
    },
  },
  rules: {
    summary:
      'een wijziging van regelparameters eerst uitproberen: welke signalen erbij komen, vervallen of een andere ernst krijgen (er wordt niets gepubliceerd)',
    usage: 'pakhuis rules try RULE_<REGEL>__<PARAMETER>=<waarde> [...]',
    help: [
      'Draait alle regels op het gepubliceerde model, met de geldende parameters en met de wijzigingen, in een transactie die wordt teruggedraaid.',
      'Toont per regel hoeveel signalen erbij komen, vervallen of van ernst veranderen, met een paar adressen. Signalen, oordelen en het regelregister blijven onaangeroerd.',
      'Voorbeeld: pakhuis rules try RULE_OVERBEWONING__NORM_M2=15',
    ],
    async run({ positionals }) {
      const [sub, ...changes] = positionals;
      if (sub !== 'try') throw new UsageError(sub === undefined ? 'deelopdracht ontbreekt (try)' : `onbekende deelopdracht "${sub}" (alleen try)`);
      if (changes.length === 0) throw new UsageError('geef ten minste één wijziging RULE_<REGEL>__<PARAMETER>=<waarde>');
      const { parseOverrides, ruleVariants, tryRules, formatTry, RulesTryError } = await import('../reports/verantwoording/rules-try.ts');
      let overrides;
      try {
        overrides = parseOverrides(changes);
      } catch (error) {
        if (error instanceof RulesTryError) throw new UsageError(error.message);
        throw error;
      }
      // A value the rule refuses is found before the database is opened.
      const variants = ruleVariants(loadConfig(), overrides);
      return withContext({ requireKey: false }, async (ctx) => {
        print(formatTry(await tryRules(ctx.db, variants)).join('\n'));
        return 0;
      });
    },
  },
  access: {
    summary: 'toegang van een analist tot de signalen van een gemeente toekennen, intrekken of tonen (vastgelegd in audit.access_log)',
    usage: 'pakhuis access <grant|revoke> <login> --gemeente CODE [--by NAAM] | pakhuis access list',
    help: [
      'Een analist ziet in de views van schema signals alleen de rijen van de gemeenten die aan zijn login (of een rol die hij heeft) zijn toegekend; zonder toekenning niets.',
      'Elke toekenning en intrekking komt met wie en wanneer in audit.access_log. Nodig: de eigenaar van de database (pakhuis_owner) of een superuser.',
      'Zonder GEMEENTEN is er één gemeente, met code 0000: --gemeente mag dan wegblijven.',
    ],
    options: { gemeente: { type: 'string' }, by: { type: 'string' } },
    async run({ positionals, values }) {
      const [action, login, ...extra] = positionals;
      if (action === 'list') {
        if (login || values.gemeente) throw new UsageError('list neemt geen login of --gemeente');
        return withContext({ requireKey: false }, async (ctx) => {
          const rows = await kyselyOf(ctx.db)
            .selectFrom('audit.access_grants as g')
            .select(['g.login', 'g.gemeentecode', 'g.granted_by', 'g.at', (eb) => eb.fn<string>('signals.gemeente_naam', ['g.gemeentecode']).as('naam')])
            .orderBy('g.login')
            .orderBy('g.gemeentecode')
            .execute();
          if (rows.length === 0) print('geen toegang toegekend: een analist ziet niets');
          for (const r of rows) print(`${r.login}  ${r.gemeentecode} ${r.naam}  toegekend door ${r.granted_by} op ${localTime(r.at)}`);
          return EXIT.ok;
        });
      }
      if ((action !== 'grant' && action !== 'revoke') || !login || extra.length) throw new UsageError(this.usage);
      if (!/^[a-z_][a-z0-9_$-]{0,62}$/.test(login)) throw new UsageError(`${login.slice(0, 70)} is geen loginnaam (kleine letters, cijfers en _)`);
      const config = loadConfig();
      const { gemeenten } = gemeentenOf(config);
      const code = values.gemeente === undefined ? (gemeenten.length === 0 ? '0000' : undefined) : (values.gemeente as string);
      if (!code) throw new UsageError(`--gemeente ontbreekt (${gemeenten.map((g) => g.code).join(', ')})`);
      // Revoking what a former setting granted stays possible; granting only what the warehouse serves.
      if (action === 'grant' && !(gemeenten.length === 0 ? code === '0000' : gemeenten.some((g) => g.code === code))) {
        throw new UsageError(
          `--gemeente ${code.slice(0, 20)}: geen gemeente van dit pakhuis (GEMEENTEN=${gemeenten.map((g) => g.code).join(',') || 'niet gezet: gebruik 0000'})`,
        );
      }
      if (!/^\d{4}$/.test(code)) throw new UsageError(`--gemeente ${code.slice(0, 20)}: een gemeentecode is 4 cijfers`);
      return withContext({ requireKey: false }, async (ctx) => {
        const by = (values.by as string | undefined) ?? userInfo().username;
        const k = kyselyOf(ctx.db);
        const change = action === 'grant' ? sql`audit.grant_access` : sql`audit.revoke_access`;
        const { rows } = await sql<{ changed: boolean }>`SELECT ${change}(${login}, ${code}, ${by}) AS changed`.execute(k);
        const naam = (await sql<{ n: string }>`SELECT signals.gemeente_naam(${code}) AS n`.execute(k)).rows[0]!.n;
        if (action === 'grant')
          print(rows[0]!.changed ? `${login} ziet nu de signalen van ${code} ${naam} (vastgelegd)` : `${login} had al toegang tot ${code} ${naam}`);
        else print(rows[0]!.changed ? `${login} ziet de signalen van ${code} ${naam} niet meer (vastgelegd)` : `${login} had geen toegang tot ${code} ${naam}`);
        return EXIT.ok;
      });
    },
  },
  demo: {
    summary: 'een synthetische gemeente zo groot als Woerden maken en de verwerking erover draaien',
    usage: 'pakhuis demo [--residents N] [--data-dir MAP]',
    help: [
      'Zet verzonnen exports met geplante afwijkingen in MAP/demo/inbox, draait de run en laat zien wat gevonden is.',
      'De enige opdracht die zelf een sleutel maakt (in MAP/demo-key), als PSEUDONYMIZATION_KEY niet gezet is. Het rapport komt in OUT_DIR (standaard ./out).',
      '--residents N  aantal inwoners (standaard 53000)',
      '--data-dir MAP  standaard ./data',
    ],
    options: { residents: { type: 'string', default: '53000' }, 'data-dir': { type: 'string', default: './data' } },
    async run({ values }) {
      const residents = Number(values.residents);
      if (!Number.isInteger(residents) || residents < 100) throw new UsageError('--residents moet een heel getal van minstens 100 zijn');
      const started = performance.now();
      const { runDemo } = await import('../pipelines/operations/demo.ts');
      const summary = await runDemo({ residents, dataDir: String(values['data-dir']), print });
      print(`Demo klaar in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      return summary.status === 'succeeded' ? EXIT.ok : EXIT.failed;
    },
  },
};

class UsageError extends Error {}

/** A real calendar day written JJJJ-MM-DD, or a usage error naming the option. */
function isoDate(text: string, option: string): string {
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
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
    'pakhuis: de opdrachtregel van het informatiepakhuis',
    '',
    'Gebruik: pakhuis <opdracht> [opties]   (pakhuis <opdracht> --help geeft uitleg en opties)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Instellingen komen uit omgevingsvariabelen of pakhuis.config.json (zie README.md); zonder DATABASE_URL',
    'gebruikt pakhuis de ingebouwde PGlite-database in ./data/pglite.',
    EXIT_CODES_HELP,
  ].join('\n');
}

/** parseArgs's own messages are English and long; the option it stumbled on is what matters. */
function usageFromParseError(error: unknown): UsageError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return null;
  const option = /'(-[^' ]+)/.exec((error as Error).message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`onbekende optie ${option ?? ''}`.trim());
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(/does not take/.test((error as Error).message) ? `optie ${option} neemt geen waarde` : `optie ${option} mist een waarde`);
  }
  return new UsageError('onverwacht argument');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    print(help());
    return EXIT.ok;
  }
  if (!name) {
    process.stderr.write(`${help()}\n`);
    return EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`pakhuis: onbekende opdracht "${printable(name)}"\n\n${help()}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    print([command.summary, '', `Gebruik: ${command.usage}`, ...(command.help ? ['', ...command.help] : [])].join('\n'));
    return EXIT.ok;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageFromParseError(error) ?? error;
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pakhuis ${name}: ${printable(error.message)}\nGebruik: ${command.usage}\n`);
      return EXIT.usage;
    }
    // One readable line on stderr; the structured log (stderr as JSON, or pretty) carries the detail,
    // at the LOG_LEVEL the user chose.
    if (!(error instanceof ConfigError) && !(error instanceof RunLockedError)) failureLog().error({ err: error }, 'command failed');
    process.stderr.write(`pakhuis ${name}: ${printable(oneLine(error))}\n`);
    return error instanceof RunLockedError ? EXIT.locked : EXIT.failed;
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
