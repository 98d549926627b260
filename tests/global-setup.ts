import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import pg from 'pg';
import { buildBundle } from '../bin/build.js';
import { openDatabase, withUser } from '../lib/db.ts';
import { migrate } from '../lib/migrate.ts';
import { dockerReachable, pgliteTemplateDir, templateName, urlFor } from './helpers/database-target.ts';

/**
 * Migrates one template database per migration set; every test file then clones it
 * (CREATE DATABASE … TEMPLATE …), which takes milliseconds instead of a migration run each.
 * On PGlite the template is a migrated data folder that each test file copies: a fresh PGlite
 * folder costs an initdb and fifteen migrations in WebAssembly (6 to 9 s per test file on this
 * two-core machine, most of the embedded suite's 13 minutes); opening a copy costs 1 to 3 s.
 */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  // The CLI as deployed (README, "Installing on a server"): the tests that start `pakhuis` as a
  // process then run the bundle, as a server does, and start it in 0.4 s instead of 1 s through
  // tsx (on PGlite 2 s): dozens of processes, a minute of the suite. Built from this checkout's
  // sources, so it is what they say; tests/cli-bundle.test.ts runs the sources through tsx too.
  await buildBundle();
  let adminUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl && dockerReachable() && process.env.PAKHUIS_TEST_DOCKER !== '0') {
    try {
      // Imported only here: testcontainers 11 must not load where no engine answers.
      const { GenericContainer, Wait } = await import('testcontainers');
      const container = await new GenericContainer('postgres:16-alpine')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      adminUrl = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
      stop = async () => void (await container.stop());
    } catch (error) {
      console.warn(`testcontainers unavailable (${(error as Error).message}); falling back to PGlite`);
    }
  }
  if (!adminUrl) {
    console.log('tests: no DATABASE_URL and no Docker engine: using embedded PGlite, one database folder per test file');
    provide('target', { kind: 'pglite', templateDir: await pgliteTemplate() });
    return;
  }
  const template = templateName();
  const admin = new pg.Client({ connectionString: withUser(adminUrl) });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!rowCount) {
      const building = `${template}_build_${process.pid}`;
      await admin.query(`CREATE DATABASE ${building}`);
      const db = await openDatabase({ url: urlFor(adminUrl, building) });
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
      // Renamed only when complete, so a crashed setup never leaves a half-migrated template.
      // The server may still be closing the migrating session for a moment (55006): retry.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
          break;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === '42P04') {
            await admin.query(`DROP DATABASE ${building} WITH (FORCE)`);
            break;
          }
          if (code !== '55006' || attempt > 50) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  } finally {
    await admin.end();
  }
  provide('target', { kind: 'postgres', adminUrl, template });
  return async () => {
    await stop?.();
  };
}

/** Builds the migrated PGlite folder once per migration set; renamed only when complete. */
async function pgliteTemplate(): Promise<string> {
  const dir = pgliteTemplateDir();
  if (existsSync(dir)) return dir;
  const building = `${dir}.build-${process.pid}`;
  const db = await openDatabase({ pgliteDir: building });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  // Another suite may have finished the same template meanwhile: theirs is as good as ours.
  await rename(building, dir).catch(() => rm(building, { recursive: true, force: true }));
  return dir;
}
