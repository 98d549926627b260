import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../lib/config.ts';
import { sqlState } from '../../lib/errors.ts';
import type { AfterPull, PullLocation } from '../../lib/pull-locations.ts';
import { SOURCE_LABELS, SOURCES } from '../../sources/index.ts';
import type { SourceName } from '../../sources/source.ts';
import type { PipelineContext } from '../../lib/context.ts';
import { inboxFolder } from '../ingest/inbox.ts';
import { PullRefusal } from './errors.ts';
import { fileBackend } from './file.ts';
import { pullHttps } from './https.ts';
import { emptyOutcome, type FetchedFile, type LocationOutcome, type PullJob } from './job.ts';
import { removeStaleTemps } from './landing.ts';
import { pullListed } from './listed.ts';
import { networkProblem } from './network.ts';
import { recordAttempt } from './records.ts';
import { secretsFrom } from './secrets.ts';

export type { FetchedFile, LocationOutcome } from './job.ts';

/**
 * A source's locations and what happens to a remote file after the pull. `targets` says which
 * municipality's folder each location fills: PULL_<SOURCE> the source's own (inbox/<source>/),
 * PULL_<SOURCE>_<gemeentecode> that municipality's (inbox/<gemeentecode>/<source>/).
 */
export function pullSettings(
  config: Config,
  source: SourceName,
): { locations: PullLocation[]; after: AfterPull; targets: { gemeentecode?: string; locations: PullLocation[] }[] } {
  const own = {
    bag: { locations: config.PULL_BAG, after: config.PULL_BAG_AFTER },
    brp: { locations: config.PULL_BRP, after: config.PULL_BRP_AFTER },
    permits: { locations: config.PULL_PERMITS, after: config.PULL_PERMITS_AFTER },
    damocles: { locations: config.PULL_DAMOCLES, after: config.PULL_DAMOCLES_AFTER },
    meldingen: { locations: config.PULL_MELDINGEN, after: config.PULL_MELDINGEN_AFTER },
  }[source];
  const prefix = `PULL_${source.toUpperCase()}_`;
  const perGemeente = Object.entries(config.pullPerGemeente)
    .filter(([key]) => key.startsWith(prefix) && /^\d{4}$/.test(key.slice(prefix.length)))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, locations]) => ({ gemeentecode: key.slice(prefix.length), locations }));
  const targets = [{ locations: own.locations }, ...perGemeente].filter((t) => t.locations.length > 0);
  return { locations: targets.flatMap((t) => t.locations), after: own.after, targets };
}

export function pullConfigured(config: Config, sources: readonly SourceName[] = SOURCES): boolean {
  return sources.some((s) => pullSettings(config, s).locations.length > 0);
}

export interface PullSummary {
  outcomes: LocationOutcome[];
  fetched: FetchedFile[];
  /** In Dutch, for the run's warnings, the report and the CLI. */
  warnings: string[];
  /** Sources with a location that failed or a file that was refused: what they publish is not tonight's. */
  notRefreshed: SourceName[];
  /** Inbox paths that arrived whole: the scan need not wait for them to settle. */
  landed: Set<string>;
}

/**
 * Fetches what is new at every configured location into the inbox, source by source, location
 * by location. Nothing here fails the caller: a location that cannot be read is retried
 * (PULL_RETRIES, waiting PULL_RETRY_SECONDS and then twice as long each time), and then becomes a
 * warning naming the source and the location. Only a database error throws. The caller holds
 * the run lock, so no other pull writes in the same inbox.
 */
export async function pullSources(ctx: PipelineContext, options: { sources?: readonly SourceName[]; runId?: number } = {}): Promise<PullSummary> {
  const { db, config, log } = ctx;
  const secrets = secretsFrom(config);
  const outcomes: LocationOutcome[] = [];
  for (const source of options.sources ?? SOURCES) {
    const { after, targets } = pullSettings(config, source);
    for (const { gemeentecode, locations } of targets) {
      const inboxDir = inboxFolder(config.INBOX_DIR, source, gemeentecode);
      await removeStaleTemps(inboxDir);
      for (const location of locations) {
        const job: PullJob = { db, log, config, source, location, after, inboxDir, runId: options.runId, secrets };
        const outcome = await pullLocation(job);
        await recordAttempt(db, { source, location: location.display, error: outcome.error, fetched: outcome.fetched.length, at: new Date() });
        log.info(
          {
            source,
            location: location.display,
            fetched: outcome.fetched.length,
            unchanged: outcome.unchanged,
            waiting: outcome.waiting.length,
            refused: outcome.refused.length,
            attempts: outcome.attempts,
            error: outcome.error,
          },
          'pull location done',
        );
        outcomes.push(outcome);
      }
    }
  }
  const fetched = outcomes.flatMap((o) => o.fetched);
  return {
    outcomes,
    fetched,
    warnings: outcomes.flatMap(warningsOf),
    notRefreshed: [...new Set(outcomes.filter((o) => o.error || o.refused.length).map((o) => o.source))],
    landed: new Set(fetched.map((f) => f.path)),
  };
}

async function pullLocation(job: PullJob): Promise<LocationOutcome> {
  const outcome = emptyOutcome(job);
  for (let attempt = 1; ; attempt++) {
    // What one attempt saw is replaced by the next; files already fetched stay fetched.
    Object.assign(outcome, { attempts: attempt, unchanged: 0, waiting: [], refused: [], moveErrors: [], error: undefined });
    try {
      await pullOnce(job, outcome);
      return outcome;
    } catch (caught) {
      // The database failing is the run failing, not a location that cannot be reached.
      if (sqlState(caught)) throw caught;
      const error = networkProblem(caught);
      const retry = !(error instanceof PullRefusal) && attempt <= job.config.PULL_RETRIES;
      job.log.warn({ source: job.source, location: job.location.display, attempt, retry, err: caught }, 'pull attempt failed');
      if (!retry) {
        // Our own Dutch line; what the library said is in the log above.
        outcome.error = error.message;
        return outcome;
      }
      await sleep(job.config.PULL_RETRY_SECONDS * 1000 * 2 ** (attempt - 1));
    }
  }
}

async function pullOnce(job: PullJob, outcome: LocationOutcome): Promise<void> {
  switch (job.location.scheme) {
    case 'https':
    case 'http':
      return pullHttps(job, outcome);
    case 'file':
      return pullListed(job, fileBackend(), outcome);
    case 'sftp': {
      // ssh2 is loaded only where a location needs it, like the CLI loads its commands.
      const { openSftp } = await import('./sftp.ts');
      const session = await openSftp(job);
      try {
        return await pullListed(job, session.backend, outcome);
      } finally {
        session.close();
      }
    }
  }
}

function warningsOf(o: LocationOutcome): string[] {
  const label = `bron ${SOURCE_LABELS[o.source]}`;
  return [
    ...(o.error ? [`${label}: ophalen van ${o.location} mislukt${o.attempts > 1 ? ` na ${o.attempts} pogingen` : ''}: ${o.error}`] : []),
    ...o.waiting.map((r) => `${label}: ${r} wordt nog geschreven (grootte of tijd veranderde tussen twee keer kijken) en wacht op de volgende run`),
    ...o.refused.map((r) => `${label}: ${r.remote} niet opgehaald: ${r.reason}`),
    ...o.moveErrors.map((r) => `${label}: ${r.remote} is opgehaald maar niet verplaatst (PULL_${o.source.toUpperCase()}_AFTER): ${r.reason}`),
  ];
}
