import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullSources } from '../pipelines/pull/index.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { closedPort, makeCa, startWebServer, type TestCa, type TestWebServer } from './helpers/https-server.ts';
import { everything, withPull } from './helpers/pull.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest();
const GB = 1024 * 1024 * 1024;

/** Writes `total` bytes in 1 MB chunks as the client takes them; resolves with what was written when the connection ends. */
function stream(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let sent = 0;
  return new Promise((resolve) => {
    res.on('close', () => resolve(sent));
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
}

describe('pull over HTTPS (a real server with a certificate from a test CA)', () => {
  let ctx: TestContext;
  let ca: TestCa;
  let server: TestWebServer;

  beforeAll(async () => {
    ctx = await createTestContext();
    ca = makeCa(ctx.dir);
    server = await startWebServer({ tls: ca });
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    await rm(join(ctx.config.INBOX_DIR, 'bag'), { recursive: true, force: true });
  });

  const inbox = () => join(ctx.config.INBOX_DIR, 'bag');
  const pull = (path: string, extra: Record<string, unknown> = {}) =>
    pullSources(withPull(ctx, { PULL_BAG: server.url(path), PULL_CA_FILE: ca.caFile, ...extra }));

  it('asks with If-None-Match and If-Modified-Since, so an unchanged extract answers 304 and is not downloaded again', async () => {
    let version = { etag: '"v1"', body: Buffer.from('BAG extract, stand 1') };
    const lastModified = 'Wed, 01 Jan 2025 03:00:00 GMT';
    server.routes.set('/bag/BAGGEM0632L-15012025.zip', (req, res) => {
      if (req.headers['if-none-match'] === version.etag) return void res.writeHead(304).end();
      res.writeHead(200, { etag: version.etag, 'last-modified': lastModified, 'content-length': version.body.length }).end(version.body);
    });
    const first = await pull('/bag/BAGGEM0632L-15012025.zip');
    expect(first.warnings).toEqual([]);
    expect(first.fetched.map((f) => f.inboxName)).toEqual(['BAGGEM0632L-15012025.zip']);
    expect(await readFile(join(inbox(), 'BAGGEM0632L-15012025.zip'))).toEqual(version.body);

    const second = await pull('/bag/BAGGEM0632L-15012025.zip');
    expect(second.fetched).toEqual([]);
    expect(second.outcomes[0]!.unchanged).toBe(1);
    expect(server.log.at(-1)).toEqual({ path: '/bag/BAGGEM0632L-15012025.zip', ifNoneMatch: '"v1"', ifModifiedSince: lastModified, status: 304 });
    expect(await everything(inbox())).toEqual(['BAGGEM0632L-15012025.zip']);

    // A new state under the same URL comes in beside the one still waiting, never over it.
    version = { etag: '"v2"', body: Buffer.from('BAG extract, stand 2') };
    const third = await pull('/bag/BAGGEM0632L-15012025.zip');
    expect(third.fetched.map((f) => f.inboxName)).toEqual(['BAGGEM0632L-15012025-2.zip']);
    expect(await readFile(join(inbox(), 'BAGGEM0632L-15012025.zip'), 'utf8')).toBe('BAG extract, stand 1');
    const { rows } = await ctx.db.query<{ etag: string; inbox_name: string }>(
      'SELECT etag, inbox_name FROM pakhuis.pulled_files WHERE remote LIKE $1 ORDER BY id',
      ['%BAGGEM0632L%'],
    );
    expect(rows).toEqual([
      { etag: '"v1"', inbox_name: 'BAGGEM0632L-15012025.zip' },
      { etag: '"v2"', inbox_name: 'BAGGEM0632L-15012025-2.zip' },
    ]);
  });

  it('keeps the same bytes out of the inbox when a server without conditional GET sends them again', async () => {
    server.routes.set('/bag/plain.zip', (_req, res) => void res.writeHead(200).end('always the same'));
    expect((await pull('/bag/plain.zip')).fetched).toHaveLength(1);
    const again = await pull('/bag/plain.zip');
    expect(again.fetched).toEqual([]);
    expect(again.outcomes[0]!.unchanged).toBe(1);
    expect(await everything(inbox())).toEqual(['plain.zip']);
  });

  it('stops a 1 GB response at the size limit while streaming it, and leaves nothing behind', async () => {
    let sent: Promise<number> = Promise.resolve(0);
    server.routes.set('/bag/huge.zip', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip' }); // chunked: no length announced
      sent = stream(res, GB);
    });
    const rssBefore = process.memoryUsage().rss;
    const result = await pull('/bag/huge.zip', { PULL_MAX_MB: 8 });
    expect(result.outcomes[0]!.refused).toEqual([
      { remote: server.url('/bag/huge.zip'), reason: expect.stringMatching(/^groter dan de grens van 8\.0 MB \(PULL_MAX_MB\); afgebroken na 8\.\d MB$/) },
    ]);
    expect(result.warnings).toEqual([expect.stringMatching(/^bron BAG: https:\/\/localhost:\d+\/bag\/huge\.zip niet opgehaald: groter dan de grens/)]);
    expect(result.notRefreshed).toEqual(['bag']);
    // The server could only write what the socket buffers took beyond the limit.
    expect(await sent).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
    expect(await everything(inbox())).toEqual([]);

    // A length announced over the limit is refused before the body is read.
    server.routes.set('/bag/announced.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': GB });
      sent = stream(res, GB);
    });
    const announced = await pull('/bag/announced.zip', { PULL_MAX_MB: 8 });
    expect(announced.outcomes[0]!.refused[0]!.reason).toMatch(/de server meldt 1024 MB/);
    expect(await sent).toBeLessThan(64 * 1024 * 1024);
    expect(await everything(inbox())).toEqual([]);
  });

  it('leaves nothing in the inbox when a download is cut halfway, retries a bounded number of times, and takes a whole one', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x62);
    let requests = 0;
    let cutUntil = Infinity;
    server.routes.set('/bag/cut.zip', (_req, res) => {
      requests++;
      res.writeHead(200, { 'content-length': body.length });
      if (requests > cutUntil) return void res.end(body);
      res.write(body.subarray(0, body.length / 2), () => res.socket?.destroy());
    });
    const cut = await pull('/bag/cut.zip', { PULL_RETRIES: 2 });
    expect(requests).toBe(3);
    expect(cut.outcomes[0]!.attempts).toBe(3);
    expect(cut.outcomes[0]!.error).toMatch(/verbroken|onvolledig/);
    expect(cut.warnings[0]).toMatch(/^bron BAG: ophalen van https:\/\/localhost:\d+\/bag\/cut\.zip mislukt na 3 pogingen: /);
    expect(await everything(inbox())).toEqual([]);

    requests = 0;
    cutUntil = 1;
    const retried = await pull('/bag/cut.zip', { PULL_RETRIES: 2 });
    expect(retried.outcomes[0]!.attempts).toBe(2);
    expect(retried.warnings).toEqual([]);
    expect(sha(await readFile(join(inbox(), 'cut.zip')))).toEqual(sha(body));
  });

  it('follows a redirect to https and refuses one to plain http', async () => {
    server.routes.set('/bag/latest.zip', (_req, res) => void res.writeHead(302, { location: '/bag/2025-01.zip' }).end());
    server.routes.set('/bag/2025-01.zip', (_req, res) => void res.writeHead(200).end('januari'));
    const followed = await pull('/bag/latest.zip');
    expect(followed.fetched.map((f) => f.inboxName)).toEqual(['latest.zip']);
    expect(await readFile(join(inbox(), 'latest.zip'), 'utf8')).toBe('januari');

    server.routes.set('/bag/downgrade.zip', (_req, res) => void res.writeHead(301, { location: `http://localhost:${server.port}/bag/2025-01.zip` }).end());
    const refused = await pull('/bag/downgrade.zip', { PULL_RETRIES: 2 });
    expect(refused.outcomes[0]!.error).toMatch(/^doorverwijzing naar http:\/\/localhost:\d+ geweigerd: alleen https wordt gevolgd$/);
    expect(refused.outcomes[0]!.attempts).toBe(1);
  });

  it('trusts the test CA only through PULL_CA_FILE', async () => {
    server.routes.set('/bag/ca.zip', (_req, res) => void res.writeHead(200).end('x'));
    const untrusted = await pull('/bag/ca.zip', { PULL_CA_FILE: undefined, PULL_RETRIES: 2 });
    expect(untrusted.outcomes[0]!.error).toMatch(/^het certificaat van localhost:\d+ wordt niet vertrouwd \([A-Z_]+\); een eigen CA hoort in PULL_CA_FILE/);
    expect(untrusted.outcomes[0]!.attempts).toBe(1);
    expect(await everything(inbox())).toEqual([]);
  });

  it('checks a checksum the server publishes (Repr-Digest)', async () => {
    let digest = `sha-256=:${Buffer.alloc(32).toString('base64')}:`;
    server.routes.set('/bag/digest.zip', (_req, res) => void res.writeHead(200, { 'repr-digest': digest }).end('inhoud'));
    const wrong = await pull('/bag/digest.zip');
    expect(wrong.outcomes[0]!.refused[0]!.reason).toMatch(/SHA-256 klopt niet/);
    expect(await everything(inbox())).toEqual([]);
    digest = `sha-256=:${sha('inhoud').toString('base64')}:`;
    expect((await pull('/bag/digest.zip')).fetched).toHaveLength(1);
  });

  it('gives up on a server that stops sending, after PULL_TIMEOUT_SECONDS, and leaves nothing behind', async () => {
    server.routes.set('/bag/stall.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('begin, en dan niets meer');
    });
    const stalled = await pull('/bag/stall.zip', { PULL_TIMEOUT_SECONDS: 1, PULL_RETRIES: 0 });
    expect(stalled.outcomes[0]!.error).toBe('geen gegevens ontvangen in 1 s');
    expect(await everything(inbox())).toEqual([]);
  });

  it('gives up on a server that sends a byte now and then (each one reset the idle timer), and leaves nothing behind', async () => {
    let drip: NodeJS.Timeout | undefined;
    server.routes.set('/bag/drip.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': 1_000_000 });
      drip = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    try {
      const slow = await pull('/bag/drip.zip', { PULL_TIMEOUT_SECONDS: 1, PULL_RETRIES: 0 });
      expect(slow.outcomes[0]!.error).toMatch(/^te traag: \d+ bytes in 1 s \(minder dan 1 kB\/s\)$/);
    } finally {
      clearInterval(drip);
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await everything(inbox())).toEqual([]);
  });

  it('says which source and location could not be reached, after the retries', async () => {
    const port = await closedPort();
    const down = await pullSources(withPull(ctx, { PULL_BAG: `https://localhost:${port}/bag/extract.zip`, PULL_RETRIES: 1 }));
    expect(down.outcomes[0]).toMatchObject({ attempts: 2, error: 'verbinding geweigerd (draait de server?)' });
    expect(down.warnings).toEqual([
      `bron BAG: ophalen van https://localhost:${port}/bag/extract.zip mislukt na 2 pogingen: verbinding geweigerd (draait de server?)`,
    ]);
    expect(down.notRefreshed).toEqual(['bag']);
  });

  it('takes plain http only from this machine, and only when allowed', async () => {
    const plain = await startWebServer();
    try {
      plain.routes.set('/export.zip', (_req, res) => void res.writeHead(200).end('lokaal'));
      const result = await pullSources(withPull(ctx, { PULL_BAG: plain.url('/export.zip'), PULL_ALLOW_HTTP_LOCALHOST: true }));
      expect(result.fetched.map((f) => f.inboxName)).toEqual(['export.zip']);
      expect(() => withPull(ctx, { PULL_BAG: plain.url('/export.zip') })).toThrow(
        /PULL_BAG: http:\/\/localhost:\d+\/export\.zip: plain http is refused; use https, or set PULL_ALLOW_HTTP_LOCALHOST=true/,
      );
    } finally {
      await plain.close();
    }
  });
});
