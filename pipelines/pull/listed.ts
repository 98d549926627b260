import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { oneLine } from '../../lib/errors.ts';
import { patternRegExp } from '../../lib/pull-locations.ts';
import { isInProgressName } from '../ingest/inbox.ts';
import { PullRefusal } from './errors.ts';
import { networkProblem } from './network.ts';
import { remoteDisplay, type LocationOutcome, type PullJob } from './job.ts';
import { land, megabytes } from './landing.ts';
import { fileKey, knownFiles, lastFetch, recordFetch, recordMove } from './records.ts';

export interface RemoteStat {
  size: number;
  mtime: Date;
}

export interface RemoteEntry extends RemoteStat {
  name: string;
  path: string;
}

/** A location that can be listed: an SFTP server or a folder on this machine. */
export interface ListedBackend {
  /** Regular files (symbolic links followed) in a folder. */
  list(dir: string): Promise<RemoteEntry[]>;
  /** null when the file is gone. */
  stat(path: string): Promise<RemoteStat | null>;
  read(path: string): Readable;
  /** A small text file, or null when there is none. */
  readSmall(path: string, maxBytes: number): Promise<string | null>;
  /** Moves a file into a folder (relative to the file's folder unless absolute); returns where it went. */
  move(path: string, folder: string): Promise<string>;
  join(dir: string, name: string): string;
}

/**
 * One pass over a listed location. A file is fetched when it matches the pattern, was not
 * fetched before (same name, size and modification time) and holds still: its size and mtime
 * are the same at two looks FILE_STABLE_SECONDS apart and again after the download, or it waits
 * for the next run. A file with a `<name>.sha256` beside it must match that checksum.
 * Failures of the connection throw (the caller retries); refusals of one file are noted and the
 * other files still come.
 */
export async function pullListed(job: PullJob, backend: ListedBackend, outcome: LocationOutcome): Promise<void> {
  const { location, config, db } = job;
  const entries = location.glob
    ? (await backend.list(location.dir)).filter((e) => patternRegExp(location.pattern).test(e.name) && !isInProgressName(e.name))
    : await single(backend, backend.join(location.dir, location.pattern), location.pattern);
  const known = await knownFiles(db, location.display);
  const fresh: RemoteEntry[] = [];
  for (const e of entries) {
    const remote = remoteDisplay(location, e.name);
    // Fetched by an earlier attempt of this pull, before the connection failed.
    if (outcome.fetched.some((f) => f.remote === remote)) continue;
    if (known.has(fileKey(remote, e.size, e.mtime))) {
      outcome.unchanged++;
      if (job.after) await moveAway(job, backend, e, outcome);
    } else {
      fresh.push(e);
    }
  }
  if (fresh.length === 0) return;

  await sleep(config.FILE_STABLE_SECONDS * 1000);
  for (const e of fresh) {
    const remote = remoteDisplay(location, e.name);
    const second = await backend.stat(e.path);
    if (!second) continue;
    if (!same(e, second)) {
      outcome.waiting.push(remote);
      continue;
    }
    if (e.size > config.PULL_MAX_MB * 1024 * 1024) {
      outcome.refused.push({ remote, reason: `groter dan de grens van ${megabytes(config.PULL_MAX_MB * 1024 * 1024)} (PULL_MAX_MB): ${megabytes(e.size)}` });
      continue;
    }
    const published = await backend.readSmall(`${e.path}.sha256`, 4096);
    const expectedSha256 = published === null ? undefined : /\b[0-9a-fA-F]{64}\b/.exec(published)?.[0];
    if (published !== null && !expectedSha256) {
      outcome.refused.push({ remote, reason: `${e.name}.sha256 bevat geen SHA-256` });
      continue;
    }
    let landed;
    try {
      landed = await land(backend.read(e.path), {
        dir: job.inboxDir,
        maxBytes: config.PULL_MAX_MB * 1024 * 1024,
        expectedBytes: e.size,
        expectedSha256,
        idleMs: config.PULL_TIMEOUT_SECONDS * 1000,
        mtime: e.mtime,
      });
    } catch (error) {
      // A file that grew while it was read has more bytes than it had: it waits, it is not refused.
      const after = await backend.stat(e.path).catch(() => null);
      if (after && !same(e, after)) {
        outcome.waiting.push(remote);
        continue;
      }
      if (error instanceof PullRefusal) {
        outcome.refused.push({ remote, reason: error.message });
        continue;
      }
      throw networkProblem(error);
    }
    const third = await backend.stat(e.path);
    if (!third || !same(e, third)) {
      await landed.discard();
      outcome.waiting.push(remote);
      continue;
    }
    // Touched but not changed (a re-export of the same state): remembered, nothing goes in the inbox.
    const previous = await lastFetch(db, remote);
    const unchanged = previous?.sha256 === landed.sha256;
    const inboxName = unchanged ? null : await landed.commit(e.name);
    if (unchanged) await landed.discard();
    const id = await recordFetch(db, {
      source: job.source,
      location: location.display,
      remote,
      remoteSize: e.size,
      remoteMtime: e.mtime,
      bytes: landed.bytes,
      sha256: landed.sha256,
      inboxName,
      runId: job.runId,
    });
    if (inboxName === null) outcome.unchanged++;
    else
      outcome.fetched.push({
        source: job.source,
        location: location.display,
        remote,
        inboxName,
        path: join(job.inboxDir, inboxName),
        bytes: landed.bytes,
        sha256: landed.sha256,
      });
    if (job.after) await moveAway(job, backend, e, outcome, id);
  }
}

async function single(backend: ListedBackend, path: string, name: string): Promise<RemoteEntry[]> {
  const s = await backend.stat(path);
  if (!s) throw new PullRefusal(`${name} bestaat niet (meer) op de bron`);
  return [{ name, path, ...s }];
}

/** Only after the file is safely in the inbox and recorded; a failed move is a warning, the file is not fetched again. */
async function moveAway(job: PullJob, backend: ListedBackend, e: RemoteEntry, outcome: LocationOutcome, id?: number): Promise<void> {
  try {
    const to = await backend.move(e.path, job.after!.move);
    if (id !== undefined) await recordMove(job.db, id, to);
  } catch (error) {
    outcome.moveErrors.push({ remote: remoteDisplay(job.location, e.name), reason: oneLine(error) });
  }
}

function same(a: RemoteStat, b: RemoteStat): boolean {
  return a.size === b.size && Math.floor(a.mtime.getTime() / 1000) === Math.floor(b.mtime.getTime() / 1000);
}
