import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { inTransaction, type Database } from './db.ts';
import { MigrationOrderError } from './errors.ts';
import type { Logger } from './logger.ts';
import { projectUrl } from './root.ts';

export const MIGRATIONS_DIR = fileURLToPath(projectUrl('sql/migrations/'));

/** Shared by every process of this product: two starting at once wait for each other here. */
const MIGRATION_LOCK = 7_305_001;

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(f)).sort();
  return Promise.all(files.map(async (name) => ({ id: Number(name.slice(0, 4)), name, sql: await readFile(dir + name, 'utf8') })));
}

/**
 * Applies pending migrations in order, each in its own transaction together with its record, under
 * a session-level advisory lock. Running it twice, or in two processes at once, applies each once.
 */
export async function migrate(db: Database, log?: Logger, options: { dir?: string } = {}): Promise<string[]> {
  const migrations = await listMigrations(options.dir);
  return db.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      // Only the first migration needs the right to create; an up-to-date database is only read.
      const { rows: exists } = await session.query<{ t: string | null }>(`SELECT to_regclass('pakhuis_meta.migrations')::text AS t`);
      if (!exists[0]?.t) {
        await session.exec(`
          CREATE SCHEMA IF NOT EXISTS pakhuis_meta;
          CREATE TABLE IF NOT EXISTS pakhuis_meta.migrations (
            id integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
          );`);
      }
      const { rows } = await session.query<{ id: number }>('SELECT id FROM pakhuis_meta.migrations');
      const done = new Set(rows.map((r) => Number(r.id)));
      // A new database applies every file in number order, one migrated last month applies only the
      // new ones: a file numbered below the newest applied one would run in a different order on
      // the two, and each would end with its own schema (a view redefined by both, say).
      const newest = Math.max(0, ...done);
      const late = migrations.filter((m) => !done.has(m.id) && m.id < newest);
      if (late.length > 0) {
        throw new MigrationOrderError(
          `migration ${late.map((m) => m.name).join(', ')} is numbered below ${String(newest).padStart(4, '0')}, the newest applied; renumber it after that one`,
        );
      }
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.id)) continue;
        try {
          await inTransaction(session, async (tx) => {
            await tx.exec(migration.sql);
            await tx.query('INSERT INTO pakhuis_meta.migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
          });
        } catch (error) {
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        log?.info({ migration: migration.name }, 'migration applied');
        applied.push(migration.name);
      }
      if (applied.length > 0) {
        const { rows: grants } = await session.query<{ f: string | null }>(`SELECT to_regprocedure('pakhuis_meta.apply_grants()')::text AS f`);
        if (grants[0]?.f) await session.query('SELECT pakhuis_meta.apply_grants()');
      }
      return applied;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    }
  });
}
