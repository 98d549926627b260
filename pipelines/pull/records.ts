import type { Session } from '../../lib/db.ts';

type Db = Pick<Session, 'query'>;

export interface FetchRecord {
  source: string;
  location: string;
  remote: string;
  remoteSize?: number;
  remoteMtime?: Date;
  etag?: string;
  lastModified?: string;
  bytes: number;
  sha256: string;
  /** Null when the content was the one fetched last time and nothing went into the inbox. */
  inboxName: string | null;
  runId?: number;
}

/** Remote files of a listed location (SFTP, file:) fetched before, by name, size and mtime: one query per location. */
export async function knownFiles(db: Db, location: string): Promise<Set<string>> {
  const { rows } = await db.query<{ remote: string; remote_size: string | null; remote_mtime: Date | null }>(
    'SELECT DISTINCT remote, remote_size, remote_mtime FROM pakhuis.pulled_files WHERE location = $1',
    [location],
  );
  return new Set(rows.map((r) => fileKey(r.remote, r.remote_size === null ? undefined : Number(r.remote_size), r.remote_mtime ?? undefined)));
}

export function fileKey(remote: string, size: number | undefined, mtime: Date | undefined): string {
  // Whole seconds: SFTP gives no more, and timestamptz keeps microseconds a file system may have.
  return `${remote}\0${size ?? ''}\0${mtime ? Math.floor(mtime.getTime() / 1000) : ''}`;
}

/** What the last fetch of a remote said about it: sent back in a conditional GET, compared after a download. */
export async function lastFetch(db: Db, remote: string): Promise<{ etag: string | null; lastModified: string | null; sha256: string } | undefined> {
  const { rows } = await db.query<{ etag: string | null; last_modified: string | null; sha256: string }>(
    'SELECT etag, last_modified, sha256 FROM pakhuis.pulled_files WHERE remote = $1 ORDER BY id DESC LIMIT 1',
    [remote],
  );
  const r = rows[0];
  return r && { etag: r.etag, lastModified: r.last_modified, sha256: r.sha256 };
}

/** Written after the file is in the inbox: a crash in between fetches it again, and the manifest refuses it then. */
export async function recordFetch(db: Db, r: FetchRecord): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO pakhuis.pulled_files (source, location, remote, remote_size, remote_mtime, etag, last_modified, bytes, sha256, inbox_name, run_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      r.source,
      r.location,
      r.remote,
      r.remoteSize ?? null,
      r.remoteMtime ?? null,
      r.etag ?? null,
      r.lastModified ?? null,
      r.bytes,
      r.sha256,
      r.inboxName,
      r.runId ?? null,
    ],
  );
  return Number(rows[0]!.id);
}

export async function recordMove(db: Db, id: number, movedTo: string): Promise<void> {
  await db.query('UPDATE pakhuis.pulled_files SET moved_to = $2 WHERE id = $1', [id, movedTo]);
}

export async function recordAttempt(db: Db, a: { source: string; location: string; error?: string; fetched: number; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO pakhuis.pull_locations AS p (source, location, last_attempt_at, last_success_at, last_fetch_at, last_error)
     VALUES ($1, $2, $3, CASE WHEN $4::text IS NULL THEN $3::timestamptz END, CASE WHEN $5::int > 0 THEN $3::timestamptz END, $4)
     ON CONFLICT (source, location) DO UPDATE SET
       last_attempt_at = excluded.last_attempt_at,
       last_success_at = coalesce(excluded.last_success_at, p.last_success_at),
       last_fetch_at = coalesce(excluded.last_fetch_at, p.last_fetch_at),
       last_error = excluded.last_error`,
    [a.source, a.location, a.at, a.error ?? null, a.fetched],
  );
}

export interface LocationState {
  source: string;
  location: string;
  lastAttemptAt: Date;
  lastSuccessAt: Date | null;
  lastFetchAt: Date | null;
  lastError: string | null;
}

export async function locationStates(db: Db): Promise<LocationState[]> {
  const { rows } = await db.query<{
    source: string;
    location: string;
    last_attempt_at: Date;
    last_success_at: Date | null;
    last_fetch_at: Date | null;
    last_error: string | null;
  }>('SELECT source, location, last_attempt_at, last_success_at, last_fetch_at, last_error FROM pakhuis.pull_locations');
  return rows.map((r) => ({
    source: r.source,
    location: r.location,
    lastAttemptAt: new Date(r.last_attempt_at),
    lastSuccessAt: r.last_success_at && new Date(r.last_success_at),
    lastFetchAt: r.last_fetch_at && new Date(r.last_fetch_at),
    lastError: r.last_error,
  }));
}
