import type { Config } from '../../lib/config.ts';
import type { Session } from '../../lib/db.ts';
import type { Logger } from '../../lib/logger.ts';
import type { AfterPull, PullLocation } from '../../lib/pull-locations.ts';
import type { SourceName } from '../../sources/source.ts';
import type { Secrets } from './secrets.ts';

/** Everything one location's pull needs. */
export interface PullJob {
  db: Pick<Session, 'query'>;
  log: Logger;
  config: Config;
  source: SourceName;
  location: PullLocation;
  after: AfterPull;
  /** The source's inbox folder: downloads land here. */
  inboxDir: string;
  runId?: number;
  secrets: Secrets;
}

export interface FetchedFile {
  source: SourceName;
  location: string;
  remote: string;
  /** The name in the inbox folder. */
  inboxName: string;
  path: string;
  bytes: number;
  sha256: string;
}

/** What one location gave; problems with single files are kept apart from the location failing. */
export interface LocationOutcome {
  source: SourceName;
  location: string;
  fetched: FetchedFile[];
  /** Files seen that were fetched before (or answered 304 Not Modified). */
  unchanged: number;
  /** Files whose size or modification time changed between two looks: next run. */
  waiting: string[];
  /** Files refused on their own (too large, checksum wrong); the others were still fetched. */
  refused: { remote: string; reason: string }[];
  /** Remote moves that failed (PULL_<SOURCE>_AFTER); the file is in the inbox all the same. */
  moveErrors: { remote: string; reason: string }[];
  /** Set when the location could not be read at all, after the retries. */
  error?: string;
  attempts: number;
}

export function emptyOutcome(job: Pick<PullJob, 'source' | 'location'>): LocationOutcome {
  return { source: job.source, location: job.location.display, fetched: [], unchanged: 0, waiting: [], refused: [], moveErrors: [], attempts: 0 };
}

/** The shown name of one file at a location: the location with its last segment replaced. */
export function remoteDisplay(location: PullLocation, name: string): string {
  return location.glob ? location.display.slice(0, location.display.lastIndexOf('/') + 1) + name : location.display;
}
