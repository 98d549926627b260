import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../lib/migrate.ts';
import { withUser } from '../../lib/db.ts';

/**
 * Where tests get their databases: the PostgreSQL server in DATABASE_URL; else a testcontainers
 * PostgreSQL when a Docker engine answers; else PGlite, one data folder per test file.
 */
export type Target = { kind: 'postgres'; adminUrl: string; template: string } | { kind: 'pglite'; templateDir: string };

/** Template name changes with the migrations, so a stale template is never cloned. */
export function templateName(): string {
  return `pakhuis_template_${migrationsHash()}`;
}

/**
 * The migrated PGlite data folder that test files copy. Its name changes with the migrations and
 * the PGlite version (a data folder is tied to the engine that wrote it).
 */
export function pgliteTemplateDir(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
  return join(tmpdir(), `pakhuis-pglite-template-${migrationsHash()}-${version}`);
}

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(readFileSync(MIGRATIONS_DIR + f));
  return h.digest('hex').slice(0, 12);
}

export function urlFor(adminUrl: string, database: string): string {
  const url = new URL(withUser(adminUrl));
  url.pathname = `/${database}`;
  return url.toString();
}

export function dockerReachable(): boolean {
  return existsSync('/var/run/docker.sock') || Boolean(process.env.DOCKER_HOST);
}
