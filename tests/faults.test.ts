/**
 * Faults during a nightly run: the process killed mid-ingest and mid-publish, the database
 * connection cut, two runs at once, the mail server down, the archive disk full. Each ends in a
 * state the next run can carry on from, and the published signals are never half-updated.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_LOCK, runPipeline } from '../pipelines/run.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, newBsn, persons, vbo, writeFileIn, type TestPerson } from './helpers/files.ts';
import { startSmtp } from './helpers/smtp.ts';

const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;
const onPostgres = Boolean(process.env.DATABASE_URL);

const a = vbo(21, 100);
const b = vbo(22, 90);
const c = vbo(23, 100);
const withBsn = (list: TestPerson[]) => list.map((p) => ({ ...p, bsn: newBsn() }));

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stderr shows `text`; rejects when the child exits first or time runs out. */
  waitFor(text: string, ms?: number): Promise<void>;
}

/** `pakhuis <args>` as its own process against the test's database and folders. */
function pakhuis(ctx: TestContext, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn('node', [BIN, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: ctx.url,
      PSEUDONYMIZATION_KEY: TEST_KEY,
      INBOX_DIR: ctx.config.INBOX_DIR,
      ARCHIVE_DIR: ctx.config.ARCHIVE_DIR,
      OUT_DIR: ctx.config.OUT_DIR,
      SPOOL_DIR: ctx.config.SPOOL_DIR,
      FILE_STABLE_SECONDS: '0',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor(text, ms = 25_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (err.includes(text)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for "${text}"; stderr so far:\n${err}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        void exit.then(({ code, signal }) => {
          if (err.includes(text)) return;
          cleanup();
          reject(new Error(`child exited (${code ?? signal}) before "${text}"; stderr:\n${err}\nstdout:\n${out}`));
        });
        listeners.add(check);
        check();
      });
    },
  };
}

async function finished(child: Child, ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`child did not exit within ${ms} ms; stderr:\n${child.stderr()}`)), ms);
  });
  try {
    return await Promise.race([child.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills a child that is still alive; for finally blocks. */
async function reap(child: Child | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGKILL');
  await child.exit;
}

/** Lines a person reads on stderr: everything that is not a JSON log record. */
const humanLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

/**
 * After a SIGKILL the server notices the closed sockets on its own time: wait until the run lock
 * is free and no other session of this database is still busy or in a transaction.
 */
async function serverSettled(ctx: TestContext, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { rows } = await ctx.db.query<{ locks: number; busy: number }>(
      `SELECT (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locks,
              (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle') AS busy`,
      [RUN_LOCK],
    );
    if (rows[0]!.locks === 0 && rows[0]!.busy === 0) return;
    if (Date.now() > deadline) throw new Error(`database did not settle: ${JSON.stringify(rows[0])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const runs = async (ctx: TestContext) =>
  (
    await ctx.db.query<{ id: string; status: string; error: string | null; failed_step: string | null }>(
      'SELECT id, status, error, failed_step FROM pakhuis.runs ORDER BY id',
    )
  ).rows;

const signals = async (ctx: TestContext) =>
  (await ctx.db.query('SELECT rule_code, subject_key, status, severity, score::text AS score FROM pakhuis.signals ORDER BY 1, 2')).rows;

const loads = async (ctx: TestContext) =>
  (await ctx.db.query<{ source: string; file_name: string; rows_staged: string }>('SELECT source, file_name, rows_staged::text FROM pakhuis.loads ORDER BY id'))
    .rows;

/** The spool folders a load of this test's database has made and not yet removed. */
const spoolFolders = async (ctx: TestContext) =>
  (await readdir(ctx.config.SPOOL_DIR).catch(() => [] as string[])).filter((n) => n.startsWith('pakhuis-spool-'));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

// Several processes on one database: PGlite is an embedded, single-process database, so these
// need the PostgreSQL server in DATABASE_URL.
describe('a run killed or cut off half-way (PostgreSQL: needs several processes on one database)', () => {
  it.skipIf(!onPostgres)(
    'SIGKILL in the middle of an ingest: the next run loads each file exactly once',
    async () => {
      const ctx = await createTestContext();
      let child: Child | undefined;
      try {
        // The failpoint sits at the 1000th row read: the BRP file has more, the BAG file fewer.
        const extra = Array.from({ length: 896 }, (_, i) => vbo(1000 + i, 120));
        const residents = withBsn([...persons(12, a), ...persons(3, b), ...Array.from({ length: 1200 }, (_, i) => ({ vbo: extra[i % extra.length]! }))]);
        await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c, ...extra]));
        await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(residents));

        child = pakhuis(ctx, ['run'], { PAKHUIS_FAILPOINT: 'ingest' });
        await child.waitFor('failpoint ingest reached');
        // The load's spool folder, held by the run: a second run is refused and leaves it alone.
        const held = await spoolFolders(ctx);
        expect(held).toHaveLength(1);
        const second = pakhuis(ctx, ['run']);
        expect((await finished(second)).code).toBe(3);
        expect(await spoolFolders(ctx)).toEqual(held);
        child.proc.kill('SIGKILL');
        expect((await finished(child)).signal).toBe('SIGKILL');
        await serverSettled(ctx);
        expect(await spoolFolders(ctx)).toEqual(held);

        expect(await runs(ctx)).toEqual([expect.objectContaining({ status: 'running' })]);
        expect((await loads(ctx)).map((l) => l.file_name)).toEqual(['bag/bag.csv']);
        expect(await ctx.db.query('SELECT 1 FROM staging.brp')).toMatchObject({ rows: [] });

        const again = await runPipeline(ctx, { trigger: 'test' });
        expect(again.status).toBe('succeeded');
        expect(again.files.map((f) => [f.file, f.status])).toEqual([['brp/brp.csv', 'loaded']]);
        // The killed run's spool folder went when the next run started.
        expect(await spoolFolders(ctx)).toEqual([]);

        expect(await loads(ctx)).toEqual([
          { source: 'bag', file_name: 'bag/bag.csv', rows_staged: '899' },
          { source: 'brp', file_name: 'brp/brp.csv', rows_staged: String(residents.length) },
        ]);
        const { rows: staged } = await ctx.db.query<{ n: number; loads: number; people: number }>(
          'SELECT count(*)::int AS n, count(DISTINCT load_id)::int AS loads, count(DISTINCT pseudonym)::int AS people FROM staging.brp',
        );
        expect(staged).toEqual([{ n: residents.length, loads: 1, people: residents.length }]);
        expect(await runs(ctx)).toEqual([
          expect.objectContaining({ status: 'failed', error: 'process stopped before the run finished' }),
          expect.objectContaining({ status: 'succeeded' }),
        ]);
        expect(await signals(ctx)).toContainEqual(expect.objectContaining({ rule_code: 'OVERBEWONING', subject_key: a.id, status: 'open' }));
      } finally {
        await reap(child);
        await ctx.close();
      }
    },
    50_000,
  );

  it.skipIf(!onPostgres)(
    'a pakhuis ingest beside the nightly run keeps its spool folder; the next run after it was killed removes it',
    async () => {
      const ctx = await createTestContext();
      let child: Child | undefined;
      try {
        const file = join(ctx.dir, 'los-bestand.csv');
        await writeFileIn(file, brpCsv(withBsn(Array.from({ length: 1200 }, () => ({ vbo: c })))));
        child = pakhuis(ctx, ['ingest', 'brp', file], { PAKHUIS_FAILPOINT: 'ingest' });
        await child.waitFor('failpoint ingest reached');
        const held = await spoolFolders(ctx);
        expect(held).toHaveLength(1);
        // The run takes the run lock (an ingest does not hold it), but not the spool lock.
        expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
        expect(await spoolFolders(ctx)).toEqual(held);
        child.proc.kill('SIGKILL');
        await finished(child);
        await serverSettled(ctx);
        expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
        expect(await spoolFolders(ctx)).toEqual([]);
      } finally {
        await reap(child);
        await ctx.close();
      }
    },
    50_000,
  );

  it.skipIf(!onPostgres)(
    'SIGKILL in the middle of publishing: the published signals stay as they were; the next run publishes the new state',
    async () => {
      const ctx = await createTestContext();
      let child: Child | undefined;
      try {
        const onA = withBsn(persons(12, a));
        await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c]));
        await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-1.csv'), brpCsv([...onA, ...withBsn(persons(3, b))]));
        expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
        const before = await signals(ctx);
        const stateBefore = (await ctx.db.query('SELECT source, load_id FROM model.source_state ORDER BY 1')).rows;
        expect(before).toEqual([expect.objectContaining({ rule_code: 'OVERBEWONING', subject_key: a.id })]);

        // New data that opens a second signal on c.
        await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-2.csv'), brpCsv([...onA, ...withBsn(persons(3, b)), ...withBsn(persons(12, c))]));
        child = pakhuis(ctx, ['run'], { PAKHUIS_FAILPOINT: 'publish' });
        await child.waitFor('failpoint publish reached');
        child.proc.kill('SIGKILL');
        await finished(child);
        await serverSettled(ctx);

        expect(await signals(ctx)).toEqual(before);
        expect((await ctx.db.query('SELECT source, load_id FROM model.source_state ORDER BY 1')).rows).toEqual(stateBefore);

        const again = await runPipeline(ctx, { trigger: 'test' });
        expect(again.status).toBe('succeeded');
        expect(again.files).toEqual([]);
        expect(again.publish!.changed).toEqual(['brp']);

        const after = await signals(ctx);
        expect(after).toEqual([
          expect.objectContaining({ rule_code: 'OVERBEWONING', subject_key: a.id, status: 'open' }),
          expect.objectContaining({ rule_code: 'OVERBEWONING', subject_key: c.id, status: 'open' }),
        ]);
        expect((await loads(ctx)).map((l) => l.file_name)).toEqual(['bag/bag.csv', 'brp/brp-1.csv', 'brp/brp-2.csv']);
        const { rows: perLoad } = await ctx.db.query<{ file_name: string; n: number }>(
          'SELECT l.file_name, count(*)::int AS n FROM staging.brp s JOIN pakhuis.loads l ON l.id = s.load_id GROUP BY 1 ORDER BY 1',
        );
        expect(perLoad).toEqual([
          { file_name: 'brp/brp-1.csv', n: 15 },
          { file_name: 'brp/brp-2.csv', n: 27 },
        ]);
        const { rows: inModel } = await ctx.db.query<{ n: number; distinct: number }>(
          'SELECT count(*)::int AS n, count(DISTINCT pseudonym)::int AS distinct FROM model.persoon',
        );
        expect(inModel[0]!.n).toBe(27);
        expect(inModel[0]!.distinct).toBe(27);
        expect((await runs(ctx)).map((r) => r.status)).toEqual(['succeeded', 'failed', 'succeeded']);
      } finally {
        await reap(child);
        await ctx.close();
      }
    },
    50_000,
  );

  // A checked-out pg client that loses its server must not crash the process (lib/db.ts gives
  // it an error listener while it is out of the pool): the run records its own failure.
  it.skipIf(!onPostgres)(
    'the database connection dropped mid-run: the child exits non-zero, nothing is published, the run ends up failed and the next run succeeds',
    async () => {
      const ctx = await createTestContext();
      let child: Child | undefined;
      try {
        await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c]));
        await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(withBsn(persons(12, a))));
        // The failpoint waits 3 s, so the run goes on after its connections are gone.
        child = pakhuis(ctx, ['run'], { PAKHUIS_FAILPOINT: 'publish', PAKHUIS_FAILPOINT_MS: '3000' });
        await child.waitFor('failpoint publish reached');
        const { rows: killed } = await ctx.db.query<{ ok: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
        expect(killed.length).toBeGreaterThan(0);
        const exit = await finished(child);
        expect(exit.code).toBe(1);
        const lines = child
          .stderr()
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('{') && !l.startsWith('failpoint'));
        expect(lines).toEqual([
          expect.stringMatching(
            /^pakhuis run: run \d+ mislukt in stap publish: database connection lost: (terminating connection due to administrator command|Connection terminated unexpectedly)/,
          ),
        ]);
        await serverSettled(ctx);
        const [left] = await runs(ctx);
        expect(left!.status).toBe('failed');
        expect(await signals(ctx)).toEqual([]);
        expect((await ctx.db.query('SELECT * FROM model.source_state')).rows).toEqual([]);

        const again = await runPipeline(ctx, { trigger: 'test' });
        expect(again.status).toBe('succeeded');
        expect((await runs(ctx)).map((r) => r.status)).toEqual(['failed', 'succeeded']);
        expect(await signals(ctx)).toEqual([expect.objectContaining({ rule_code: 'OVERBEWONING', subject_key: a.id, status: 'open' })]);
        // The files were loaded (and archived) before the cut, once.
        expect((await loads(ctx)).map((l) => l.file_name)).toEqual(['bag/bag.csv', 'brp/brp.csv']);
      } finally {
        await reap(child);
        await ctx.close();
      }
    },
    50_000,
  );

  it.skipIf(!onPostgres)(
    'two runs at once: the second exits with code 3 and records nothing',
    async () => {
      const ctx = await createTestContext();
      let first: Child | undefined;
      let second: Child | undefined;
      try {
        await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c]));
        first = pakhuis(ctx, ['run'], { PAKHUIS_FAILPOINT: 'publish' });
        await first.waitFor('failpoint publish reached');

        second = pakhuis(ctx, ['run']);
        const exit = await finished(second);
        expect(exit.code).toBe(3);
        expect(humanLines(second.stderr())).toEqual(['pakhuis run: er loopt al een andere run (advisory lock bezet); deze is overgeslagen']);
        expect(await runs(ctx)).toEqual([expect.objectContaining({ status: 'running' })]);

        first.proc.kill('SIGKILL');
        await finished(first);
        await serverSettled(ctx);
        expect(await runs(ctx)).toHaveLength(1);
      } finally {
        await reap(first);
        await reap(second);
        await ctx.close();
      }
    },
    50_000,
  );
});

describe('the mail server down at report time', () => {
  it('keeps the report in the outbox and sends it, with the next one, once the server is back', async () => {
    // A port where nothing listens: bound, read and closed again.
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const ctx = await createTestContext({ SMTP_HOST: '127.0.0.1', SMTP_PORT: closedPort, REPORT_RECIPIENTS: 'oov@gemeente.example' });
    const smtp = await startSmtp();
    try {
      await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c]));
      const onA = withBsn(persons(12, a));
      await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-1.csv'), brpCsv(onA));
      const down = await runPipeline(ctx, { trigger: 'test' });
      expect(down.status).toBe('succeeded');
      expect(down.delivery).toMatchObject({ sent: 0, failed: 1 });
      expect(down.warnings.join('\n')).toContain(
        `e-mail niet verzonden: de mailserver 127.0.0.1:${closedPort} is niet bereikbaar (verbinding geweigerd). Het rapport blijft in de outbox`,
      );
      // The technical detail stays in the log and the outbox row, without a stack trace.
      expect(ctx.logOutput.join('')).toMatch(/"error":"connect ECONNREFUSED[^"]*","code":"ESOCKET","msg":"report e-mail failed; it stays in the outbox"/);
      expect((await ctx.db.query('SELECT run_id::int, status FROM pakhuis.report_outbox ORDER BY id')).rows).toEqual([
        { run_id: down.runId, status: 'pending' },
      ]);

      const up = { ...ctx, config: { ...ctx.config, SMTP_PORT: smtp.port } };
      await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-2.csv'), brpCsv([...onA, ...withBsn(persons(12, c))]));
      const next = await runPipeline(up, { trigger: 'test' });
      expect(next.status).toBe('succeeded');
      expect(next.delivery).toMatchObject({ sent: 2, failed: 0 });
      expect(smtp.received).toHaveLength(2);
      expect(smtp.received.map((m) => m.subject)).toEqual([
        expect.stringMatching(/: 1 nieuw of verergerd signaal/),
        expect.stringMatching(/: 1 nieuw of verergerd signaal/),
      ]);
      expect((await ctx.db.query('SELECT run_id::int, status FROM pakhuis.report_outbox ORDER BY id')).rows).toEqual([
        { run_id: down.runId, status: 'sent' },
        { run_id: next.runId, status: 'sent' },
      ]);
    } finally {
      await ctx.close();
      await smtp.close();
    }
  });
});

describe('the archive disk full', () => {
  let mounted: string | undefined;
  afterAll(async () => {
    if (!mounted) return;
    await promisify(execFile)('umount', [mounted]);
    await rm(mounted, { recursive: true, force: true });
  });

  it('fails the run in the archive step, leaves the file in the inbox and no partial copy; the next run archives it without loading it twice', async ({
    skip,
  }) => {
    const ctx = await createTestContext();
    try {
      // Outside ctx.dir, so removing the test folder never meets a mount point.
      const small = await mkdtemp(join(tmpdir(), 'pakhuis-full-archive-'));
      try {
        await promisify(execFile)('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
        mounted = small;
      } catch (error) {
        skip(`cannot mount a 64 KB tmpfs as the archive (needs root or CAP_SYS_ADMIN): ${(error as Error).message.split('\n')[0]}`);
      }
      const residents = withBsn([...persons(12, a), ...Array.from({ length: 900 }, (_, i) => ({ vbo: vbo(2000 + i, 150) }))]);
      const brp = brpCsv(residents);
      expect(Buffer.byteLength(brp)).toBeGreaterThan(64 * 1024);
      await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c]));
      const brpPath = await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brp);
      const full = { ...ctx, config: { ...ctx.config, ARCHIVE_DIR: small } };

      const failed = await runPipeline(full, { trigger: 'test' });
      expect(failed.status).toBe('failed');
      expect(failed.failedStep).toBe('archive brp/brp.csv');
      expect(failed.error).toMatch(/ENOSPC|no space left/i);
      expect((await stat(brpPath)).size).toBe(Buffer.byteLength(brp));
      expect(await filesUnder(join(small, 'brp'))).toEqual([]);
      const { rows: step } = await ctx.db.query<{ status: string; error: string }>(
        `SELECT status, error FROM pakhuis.run_steps WHERE run_id = $1 AND step = 'archive brp/brp.csv'`,
        [failed.runId],
      );
      expect(step).toEqual([{ status: 'failed', error: expect.stringMatching(/ENOSPC/) }]);
      // The load committed before the archive step: it is there once, and nothing was published yet.
      expect((await loads(ctx)).map((l) => l.file_name)).toEqual(['bag/bag.csv', 'brp/brp.csv']);
      expect(await signals(ctx)).toEqual([]);

      const next = await runPipeline(ctx, { trigger: 'test' });
      expect(next.status).toBe('succeeded');
      // Same content, so the loader calls it a duplicate: the rows are not staged a second time.
      expect(next.files).toEqual([expect.objectContaining({ file: 'brp/brp.csv', status: 'duplicate', rowsStaged: 0 })]);
      expect((await loads(ctx)).map((l) => l.file_name)).toEqual(['bag/bag.csv', 'brp/brp.csv']);
      expect((await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM staging.brp')).rows).toEqual([{ n: residents.length }]);
      await expect(stat(brpPath)).rejects.toMatchObject({ code: 'ENOENT' });
      // It is the file of the earlier load, so it is archived as loaded, not as a duplicate.
      const archived = await filesUnder(join(ctx.config.ARCHIVE_DIR, 'brp'));
      expect(archived.map((p) => p.split('/').at(-1))).toEqual(['brp.csv']);
      expect(archived[0]).not.toContain('/duplicate/');
      const { rows: manifest } = await ctx.db.query<{ archived_as: string | null }>(`SELECT archived_as FROM pakhuis.loads WHERE file_name = 'brp/brp.csv'`);
      expect(manifest).toEqual([{ archived_as: archived[0] }]);
      // And the load from the failed run is what gets published now.
      expect(next.publish!.changed).toEqual(expect.arrayContaining(['bag', 'brp']));
      expect(await signals(ctx)).toContainEqual(expect.objectContaining({ rule_code: 'OVERBEWONING', subject_key: a.id, status: 'open' }));
    } finally {
      await ctx.close();
    }
  }, 40_000);
});
