import http, { type IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { PullRefusal } from './errors.ts';
import type { LocationOutcome, PullJob } from './job.ts';
import { land, megabytes } from './landing.ts';
import { PullNetworkError, networkProblem } from './network.ts';
import { lastFetch, recordFetch } from './records.ts';

const MAX_REDIRECTS = 5;
// Worth another try: the server or a proxy had a bad moment.
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/**
 * One file over HTTPS. A conditional GET (If-None-Match, If-Modified-Since from the last fetch)
 * lets an unchanged extract answer 304 without a byte of body. Redirects are followed to https
 * only; the size limit holds while streaming, whether or not the server announced a length; a
 * checksum in Repr-Digest, Content-Digest or Digest (sha-256) must match.
 */
export async function pullHttps(job: PullJob, outcome: LocationOutcome): Promise<void> {
  const { location, config, db } = job;
  const remote = location.display;
  const previous = await lastFetch(db, remote);
  const headers: Record<string, string> = { 'user-agent': 'informatiepakhuis', 'accept-encoding': 'identity' };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  const ca = await job.secrets.ca();
  const maxBytes = config.PULL_MAX_MB * 1024 * 1024;

  let url = new URL(location.href);
  let res: IncomingMessage;
  for (let hop = 0; ; hop++) {
    res = await get(url, headers, ca, config.PULL_TIMEOUT_SECONDS * 1000);
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new PullRefusal(`meer dan ${MAX_REDIRECTS} doorverwijzingen`);
      const next = new URL(res.headers.location ?? '', url);
      if (next.protocol !== 'https:') throw new PullRefusal(`doorverwijzing naar ${next.protocol}//${next.host} geweigerd: alleen https wordt gevolgd`);
      url = next;
      continue;
    }
    if (status === 304) {
      res.resume();
      outcome.unchanged++;
      return;
    }
    if (status !== 200) {
      res.resume();
      if (RETRYABLE_STATUS.has(status)) throw new PullNetworkError(`HTTP ${status}`, status);
      throw new PullRefusal(`HTTP ${status}${status === 404 ? ' (niet gevonden)' : status === 401 || status === 403 ? ' (geen toegang)' : ''}`);
    }
    break;
  }

  const encoding = res.headers['content-encoding'];
  if (encoding && encoding !== 'identity') {
    res.destroy();
    throw new PullRefusal(`de server stuurt het bestand gecomprimeerd (${encoding.slice(0, 20)}), terwijl dat niet is gevraagd`);
  }
  const announced = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
  if (announced !== undefined && announced > maxBytes) {
    res.destroy();
    outcome.refused.push({ remote, reason: `groter dan de grens van ${megabytes(maxBytes)} (PULL_MAX_MB): de server meldt ${megabytes(announced)}` });
    return;
  }
  const lastModified = res.headers['last-modified'];
  let landed;
  try {
    landed = await land(res, {
      dir: job.inboxDir,
      maxBytes,
      expectedBytes: announced,
      expectedSha256: publishedSha256(res.headers),
      idleMs: config.PULL_TIMEOUT_SECONDS * 1000,
      mtime: lastModified ? new Date(lastModified) : undefined,
    });
  } catch (error) {
    if (error instanceof PullRefusal) {
      outcome.refused.push({ remote, reason: error.message });
      return;
    }
    throw networkProblem(error);
  }
  const etag = res.headers.etag;
  // A server without conditional GET sends the same extract again: kept out of the inbox.
  const unchanged = previous?.sha256 === landed.sha256;
  const inboxName = unchanged ? null : await landed.commit(location.pattern);
  if (unchanged) await landed.discard();
  await recordFetch(db, {
    source: job.source,
    location: location.display,
    remote,
    etag,
    lastModified,
    bytes: landed.bytes,
    sha256: landed.sha256,
    inboxName,
    runId: job.runId,
  });
  if (inboxName === null) outcome.unchanged++;
  else
    outcome.fetched.push({
      source: job.source,
      location: remote,
      remote,
      inboxName,
      path: join(job.inboxDir, inboxName),
      bytes: landed.bytes,
      sha256: landed.sha256,
    });
}

function get(url: URL, headers: Record<string, string>, ca: string[] | undefined, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    // The socket timeout covers connecting and waiting for the headers; a pause in the body is
    // the download's own idle timer (landing.ts), which says so in its message.
    const req = lib.request(url, { method: 'GET', headers, ca, agent: false, timeout: timeoutMs }, (res) => {
      req.setTimeout(0);
      resolve(res);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('time-out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (TLS_CODES.test(error.code ?? '')) {
        reject(new PullRefusal(`het certificaat van ${url.host} wordt niet vertrouwd (${error.code}); een eigen CA hoort in PULL_CA_FILE`, { cause: error }));
      } else reject(networkProblem(error));
    });
    req.end();
  });
}

/** The sha-256 a server publishes in Repr-Digest or Content-Digest (RFC 9530) or Digest (RFC 3230), as hex. */
export function publishedSha256(headers: IncomingHttpHeaders): string | undefined {
  for (const name of ['repr-digest', 'content-digest']) {
    const value = headers[name];
    const match = typeof value === 'string' ? /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]+=*):/i.exec(value) : null;
    if (match) return Buffer.from(match[1]!, 'base64').toString('hex');
  }
  const digest = headers.digest;
  const match = typeof digest === 'string' ? /(?:^|,)\s*sha-256=([A-Za-z0-9+/]+=*)/i.exec(digest) : null;
  return match ? Buffer.from(match[1]!, 'base64').toString('hex') : undefined;
}
