/**
 * The nightly run as an operator gets it: `node bin/pakhuis.js run` as its own process, timed from
 * spawn to exit, so Node's start, loading the code, reading the configuration, opening the
 * database and the migration check count as well as the run itself. The CLI is built first
 * (`npm run build`), as the README's installation does, and the JSON says whether the bundle ran.
 * The database is fresh and migrated beforehand, as a deployed install is; the inbox holds the
 * same files as the in-process run's.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../bin/build.js';
import { freshBundle } from '../bin/bundle.js';
import { openDatabase } from '../lib/db.ts';
import { migrate } from '../lib/migrate.ts';
import { SOURCES } from '../sources/index.ts';
import { fingerprint, type Fingerprint } from './fingerprint.ts';
import { freshDatabase } from './shared.ts';

/** USER_HZ: what /proc counts CPU time in; 100 on every Linux Node runs on. */
const CLOCK_TICKS = 100;

export interface CliRun {
  /** Whether the child ran the bundled CLI (dist/) rather than the sources through tsx. */
  bundled: boolean;
  /** From spawn to exit: what the operator waits. */
  seconds: number;
  /** The run as pakhuis.runs records it (first statement to last): the rest is start-up and shutdown. */
  runSeconds: number;
  startupAndExitSeconds: number;
  /** From spawn to the run's first statement (Node, loader, configuration, opening the database, migration check). */
  startupSeconds: number;
  /** From the run's last statement to the process's exit. */
  exitSeconds: number;
  /** The child's peak resident set (VmHWM), sampled every 100 ms; 0 where /proc is not there. */
  peakRssMb: number;
  /**
   * CPU time of the child, all its threads (user and system, from /proc, sampled every 100 ms, so
   * up to 0.1 s short): steadier than wall time on a shared machine. A PostgreSQL server's own
   * CPU is not in it; PGlite's is.
   */
  cpuSeconds: number;
  /** What the child's run decided: must equal the in-process run's. */
  fingerprint: Fingerprint;
}

/** Hard links of the municipality's files into `inbox` (the run archives, i.e. renames, them; the cached originals stay). */
export async function fillInbox(dataDir: string, inbox: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const source of SOURCES) {
    const dir = join(dataDir, source);
    if (!existsSync(dir)) continue;
    await mkdir(join(inbox, source), { recursive: true });
    for (const name of await readdir(dir)) {
      await link(join(dir, name), join(inbox, source, name));
      files[source] ??= join(dir, name);
    }
  }
  return files;
}

export async function cliRun(options: {
  adminUrl?: string;
  database: string;
  dataDir: string;
  work: string;
  key: string;
  /** Node flags for the child, e.g. --cpu-prof to see where its time goes. */
  nodeArgs?: string[];
}): Promise<CliRun> {
  const { adminUrl, database, dataDir, work, key, nodeArgs = [] } = options;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const url = adminUrl ? await freshDatabase(adminUrl, database) : undefined;
  const pgliteDir = join(work, 'pglite');
  const before = await openDatabase({ url, pgliteDir });
  try {
    await migrate(before);
  } finally {
    await before.close();
  }
  await fillInbox(dataDir, join(work, 'inbox'));

  // Only what the run needs: an operator's crontab sets these, and any other PAKHUIS-like variable
  // of the calling shell would be refused as an unknown setting.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(url ? { DATABASE_URL: url } : { PGLITE_DIR: pgliteDir }),
    INBOX_DIR: join(work, 'inbox'),
    ARCHIVE_DIR: join(work, 'archive'),
    OUT_DIR: join(work, 'out'),
    SPOOL_DIR: join(work, 'spool'),
    PSEUDONYMIZATION_KEY: key,
    FILE_STABLE_SECONDS: '0',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
  await buildBundle();
  const bundled = freshBundle() !== undefined;
  const bin = fileURLToPath(new URL('../bin/pakhuis.js', import.meta.url));
  const started = performance.now();
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, bin, 'run', '--trigger', 'bench-cli'], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let peak = 0;
  let ticks = 0;
  const sampler = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8')
      .then((status) => {
        const kb = Number(/VmHWM:\s*(\d+)/.exec(status)?.[1] ?? 0);
        if (kb * 1024 > peak) peak = kb * 1024;
      })
      .catch(() => {});
    readFile(`/proc/${child.pid}/stat`, 'utf8')
      .then((stat) => {
        // Fields 14 and 15 (utime, stime), counted after the command name in parentheses.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const used = Number(fields[11]) + Number(fields[12]);
        if (used > ticks) ticks = used;
      })
      .catch(() => {});
  }, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  const exitedAt = Date.now();
  clearInterval(sampler);
  if (code !== 0) throw new Error(`pakhuis run exited with ${code}: ${stderr.slice(-2000)}`);

  const after = await openDatabase({ url, pgliteDir });
  try {
    // The database's clock and this process's are the same machine's.
    const { rows } = await after.query<{ s: number; started: number; finished: number }>(
      `SELECT extract(epoch FROM finished_at - started_at)::float8 AS s, extract(epoch FROM started_at)::float8 * 1000 AS started,
         extract(epoch FROM finished_at)::float8 * 1000 AS finished
       FROM pakhuis.runs WHERE trigger = 'bench-cli' ORDER BY id DESC LIMIT 1`,
    );
    const runSeconds = Number(rows[0]?.s ?? NaN);
    const round = (ms: number) => Math.round(ms) / 1000;
    return {
      bundled,
      seconds,
      runSeconds,
      startupAndExitSeconds: Math.round((seconds - runSeconds) * 1000) / 1000,
      startupSeconds: round(Number(rows[0]?.started) - spawnedAt),
      exitSeconds: round(exitedAt - Number(rows[0]?.finished)),
      peakRssMb: Math.round(peak / 1024 / 1024),
      cpuSeconds: ticks / CLOCK_TICKS,
      fingerprint: await fingerprint(after),
    };
  } finally {
    await after.close();
  }
}
