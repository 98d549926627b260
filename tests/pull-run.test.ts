import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullStatusTable } from '../pipelines/pull/report.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { formatSummary } from '../pipelines/summary.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { closedPort, makeCa, startWebServer, type TestWebServer } from './helpers/https-server.ts';
import { everything, withPull } from './helpers/pull.ts';
import { PERMIT_HEADER, asText, csvFile, permitRow } from './helpers/registers.ts';
import { knownHostsLine, newKeyPair, startSftpServer, writeKeyFile, type SftpServer } from './helpers/sftp-server.ts';

/**
 * The nightly run with all three kinds of location at once: BRP from an SFTP server, BAG from an
 * HTTPS server with a private CA, permits from a folder (a mounted share). One setup, three runs.
 */
describe('the nightly run pulls first', () => {
  let ctx: TestContext;
  let sftp: SftpServer;
  let web: TestWebServer;
  let remote: string;
  let share: string;
  let settings: Record<string, unknown>;
  let first: RunSummary;
  const a = vbo(1, 100);

  beforeAll(async () => {
    ctx = await createTestContext();
    remote = join(ctx.dir, 'sftp');
    share = join(ctx.dir, 'mnt', 'vth', 'export');
    await mkdir(join(remote, 'exports', 'brp'), { recursive: true });
    await mkdir(join(share, 'verwerkt'), { recursive: true });
    await writeFile(join(remote, 'exports', 'brp', 'brp-20250101.csv'), brpCsv(persons(12, a)));
    await writeFile(
      join(share, 'vergunningen.csv'),
      csvFile(PERMIT_HEADER, [
        asText(
          permitRow({
            zaak: 'Z-2025-001',
            type: 'omzettingsvergunning',
            obj: { ...a, numId: '', doelen: 'woonfunctie' },
            kvk: '12345678',
            van: new Date('2024-01-01'),
          }),
        ),
      ]),
    );

    const clientKey = newKeyPair();
    sftp = await startSftpServer(remote, { clientKey });
    const ca = makeCa(ctx.dir);
    web = await startWebServer({ tls: ca });
    const bag = bagCsv([a]);
    web.routes.set('/kadaster/bagadres-full.csv', (req, res) => {
      if (req.headers['if-none-match'] === '"bag-1"') return void res.writeHead(304).end();
      res.writeHead(200, { etag: '"bag-1"', 'content-length': Buffer.byteLength(bag) }).end(bag);
    });
    const knownHosts = join(ctx.dir, 'known_hosts');
    await writeFile(knownHosts, `${knownHostsLine('127.0.0.1', sftp.port, sftp.hostKey)}\n`);
    settings = {
      PULL_BRP: `sftp://pakhuis@127.0.0.1:${sftp.port}/exports/brp/*.csv`,
      PULL_BAG: web.url('/kadaster/bagadres-full.csv'),
      PULL_PERMITS: `file://${share}/*.csv`,
      PULL_PERMITS_AFTER: 'move:verwerkt',
      PULL_SFTP_KEY_FILE: writeKeyFile(join(ctx.dir, 'id_ed25519'), clientKey),
      PULL_SFTP_KNOWN_HOSTS: knownHosts,
      PULL_CA_FILE: ca.caFile,
      PULL_RETRIES: 1,
    };
    first = await runPipeline(withPull(ctx, settings), { trigger: 'schedule' });
  });
  afterAll(async () => {
    await sftp?.close();
    await web?.close();
    await ctx?.close();
  });

  it('records the pull as its own step, then loads and publishes what it fetched', async () => {
    expect(first.status).toBe('succeeded');
    expect(first.warnings.filter((w) => /ophalen|opgehaald/.test(w))).toEqual([]);
    const { rows: steps } = await ctx.db.query<{ step: string; rows_out: number | null }>(
      'SELECT step, rows_out::int FROM pakhuis.run_steps WHERE run_id = $1 ORDER BY started_at, step',
      [first.runId],
    );
    expect(steps.slice(0, 2)).toEqual([
      { step: 'configuration', rows_out: null },
      { step: 'pull', rows_out: 3 },
    ]);
    const { rows: loads } = await ctx.db.query<{ source: string; file_name: string }>('SELECT source, file_name FROM pakhuis.loads ORDER BY source');
    expect(loads).toEqual([
      { source: 'bag', file_name: 'bag/bagadres-full.csv' },
      { source: 'brp', file_name: 'brp/brp-20250101.csv' },
      { source: 'permits', file_name: 'permits/vergunningen.csv' },
    ]);
    expect(first.signalsPerRule.OVERBEWONING).toBe(1);
    const text = formatSummary(first);
    expect(text).toMatch(/opgehaald BRP\s+brp-20250101\.csv \(\d+ kB\) van sftp:\/\/pakhuis@127\.0\.0\.1:\d+\/exports\/brp\/brp-20250101\.csv/);
    expect(text).toMatch(/opgehaald BAG\s+bagadres-full\.csv/);
    const { rows: runs } = await ctx.db.query<{ summary: { pulled: { source: string; file: string }[] } }>('SELECT summary FROM pakhuis.runs WHERE id = $1', [
      first.runId,
    ]);
    expect(runs[0]!.summary.pulled.map((p) => `${p.source}/${p.file}`).sort()).toEqual([
      'bag/bagadres-full.csv',
      'brp/brp-20250101.csv',
      'permits/vergunningen.csv',
    ]);
    // The remote side is left alone, except where PULL_PERMITS_AFTER moves the file.
    expect(await everything(join(remote, 'exports', 'brp'))).toEqual(['brp-20250101.csv']);
    expect(await everything(share)).toEqual(['verwerkt']);
    expect(await everything(join(share, 'verwerkt'))).toEqual(['vergunningen.csv']);
  });

  it('fetches nothing again on the next run', async () => {
    const opened = sftp.opened.length;
    const second = await runPipeline(withPull(ctx, settings), { trigger: 'schedule' });
    expect(second.status).toBe('succeeded');
    expect(second.pull!.fetched).toEqual([]);
    expect(second.files).toEqual([]);
    expect(sftp.opened.length).toBe(opened);
    expect(web.log.at(-1)).toMatchObject({ ifNoneMatch: '"bag-1"', status: 304 });
  });

  it('warns about an unreachable location by source and location, still loads and publishes the rest, and says how old that source now is', async () => {
    const port = await closedPort();
    const next = await writeFileIn(join(remote, 'exports', 'brp', 'brp-20250102.csv'), brpCsv(persons(13, a)));
    // The SFTP server's clock runs a minute ahead: the pulled file keeps that modification time,
    // and is loaded all the same, since the pull put it in the inbox whole.
    const ahead = new Date(Date.now() + 60_000);
    await utimes(next, ahead, ahead);
    const third = await runPipeline(withPull(ctx, { ...settings, PULL_BAG: `https://localhost:${port}/kadaster/bagadres-full.csv`, FILE_STABLE_SECONDS: 1 }), {
      trigger: 'schedule',
    });
    expect(third.status).toBe('succeeded');
    expect(third.files.map((f) => [f.file, f.status])).toEqual([['brp/brp-20250102.csv', 'loaded']]);
    expect(third.publish).toBeDefined();
    const bagDay = (
      await ctx.db.query<{ d: string }>(`SELECT to_char(max(loaded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d FROM pakhuis.loads WHERE source = 'bag'`)
    ).rows[0]!.d;
    expect(third.warnings).toEqual(
      expect.arrayContaining([
        `bron BAG: ophalen van https://localhost:${port}/kadaster/bagadres-full.csv mislukt na 2 pogingen: verbinding geweigerd (draait de server?)`,
        `bron BAG is niet opgehaald: de gegevens zijn van ${bagDay}, nu 0 uur oud (maximaal 35 dagen)`,
      ]),
    );
    const report = await readFile(third.reportPath!, 'utf8');
    expect(report).toContain(`Waarschuwing: bron BAG: ophalen van https://localhost:${port}/kadaster/bagadres-full.csv mislukt`);
    expect(report).toContain('Waarschuwing: bron BAG is niet opgehaald: de gegevens zijn van');

    // pakhuis status: the last successful pull per location, and what went wrong since.
    const table = (await pullStatusTable(ctx.db, withPull(ctx, settings).config)).split('\n');
    expect(table[0]).toBe('Ophalen per bron:');
    expect(table[1]).toMatch(/^bron\s+locatie\s+laatst gelukt \(UTC\)\s+laatst iets nieuws \(UTC\)\s+opmerking$/);
    expect(table.find((l) => l.startsWith('BRP'))).toMatch(
      /^BRP\s+sftp:\/\/pakhuis@127\.0\.0\.1:\d+\/exports\/brp\/\*\.csv\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
    // The BAG location of this run was another URL; the configured one last succeeded in run 2.
    expect(table.find((l) => l.startsWith('BAG'))).toMatch(
      /^BAG\s+https:\/\/localhost:\d+\/kadaster\/bagadres-full\.csv\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-/,
    );
    const failing = (
      await pullStatusTable(ctx.db, withPull(ctx, { ...settings, PULL_BAG: `https://localhost:${port}/kadaster/bagadres-full.csv` }).config)
    ).split('\n');
    expect(failing.find((l) => l.startsWith('BAG'))).toMatch(
      /^BAG\s+https:\/\/localhost:\d+\/kadaster\/bagadres-full\.csv\s+-\s+-\s+laatste poging \d{4}-\d\d-\d\d \d\d:\d\d:\d\d mislukt: verbinding geweigerd/,
    );
    expect(await stat(join(ctx.config.INBOX_DIR, 'bag')).then(async () => everything(join(ctx.config.INBOX_DIR, 'bag')))).toEqual([]);
  });
});
