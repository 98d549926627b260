import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import pg from 'pg';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openDatabase, withUser } from '../../lib/db.ts';
import { createLogger } from '../../lib/logger.ts';
import { Pseudonymizer } from '../../lib/pseudonym.ts';
import type { PipelineContext } from '../../lib/context.ts';
import { urlFor, type Target } from './database-target.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    target: Target;
  }
}

export const TEST_KEY = 'test-key-0123456789abcdef0123456789abcdef';

export interface TestContext extends PipelineContext {
  dir: string;
  /** Everything the logger wrote, for tests that prove no personal data is logged. */
  logOutput: string[];
  /** A connection string to this test's database, or undefined on PGlite. */
  url?: string;
  close(): Promise<void>;
}

/**
 * A fresh database and fresh folders for one test file (or one test): a clone of the migrated
 * template on PostgreSQL, a new PGlite data folder otherwise.
 */
export async function createTestContext(overrides: Partial<Record<keyof Config, unknown>> = {}): Promise<TestContext> {
  const target = inject('target');
  const dir = await mkdtemp(join(tmpdir(), 'pakhuis-test-'));
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (target.kind === 'postgres') {
    const name = `pakhuis_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: withUser(target.adminUrl) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${target.template}`);
    await admin.end();
    url = urlFor(target.adminUrl, name);
    dropDatabase = async () => {
      const a = new pg.Client({ connectionString: withUser(target.adminUrl) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
  const config = loadConfig({
    env: {},
    overrides: {
      DATABASE_URL: url,
      PGLITE_DIR: join(dir, 'pglite'),
      INBOX_DIR: join(dir, 'inbox'),
      ARCHIVE_DIR: join(dir, 'archive'),
      OUT_DIR: join(dir, 'out'),
      SPOOL_DIR: join(dir, 'spool'),
      PSEUDONYMIZATION_KEY: TEST_KEY,
      FILE_STABLE_SECONDS: 0,
      ...overrides,
    },
  });
  const logOutput: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logOutput.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: 'debug', format: 'json', destination: sink });
  if (target.kind === 'pglite') await cp(target.templateDir, config.PGLITE_DIR, { recursive: true });
  const db = await openDatabase({ url, pgliteDir: config.PGLITE_DIR });
  return {
    db,
    config,
    log,
    logOutput,
    pseudonymizer: new Pseudonymizer(TEST_KEY, 1),
    dir,
    url,
    async close() {
      await db.close();
      await dropDatabase();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A migrated database of its own for `pakhuis` run as a child process: the settings to pass in
 * its environment, and what removes it afterwards.
 */
export async function cliDatabase(dir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const target = inject('target');
  if (target.kind === 'pglite') {
    const pgliteDir = join(dir, `pglite-${Math.random().toString(36).slice(2, 10)}`);
    await cp(target.templateDir, pgliteDir, { recursive: true });
    return { env: { PGLITE_DIR: pgliteDir }, drop: () => rm(pgliteDir, { recursive: true, force: true }) };
  }
  const name = `pakhuis_c_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: withUser(target.adminUrl) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${target.template}`);
  } finally {
    await admin.end();
  }
  return {
    env: { DATABASE_URL: urlFor(target.adminUrl, name) },
    async drop() {
      const a = new pg.Client({ connectionString: withUser(target.adminUrl) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
