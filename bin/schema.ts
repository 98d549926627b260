import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { openDatabase, type Session } from '../lib/db.ts';
import { migrate } from '../lib/migrate.ts';
import { schemaSql, schemaTypes } from '../lib/schema-snapshot.ts';

/**
 * `npm run schema`: migrates a fresh embedded database and writes from its catalog the current
 * schema in one file (sql/schema.sql) and the typed query builder's table interface
 * (lib/database-schema.ts). tests/schema.test.ts compares both with what this would write now.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SCHEMA_FILES = { sql: 'sql/schema.sql', types: 'lib/database-schema.ts' } as const;

/** Both files' text for the database `db` is connected to, the TypeScript laid out as Prettier would. */
export async function schemaFiles(db: Pick<Session, 'query'>): Promise<Record<keyof typeof SCHEMA_FILES, string>> {
  const typesPath = join(ROOT, SCHEMA_FILES.types);
  const types = await format(await schemaTypes(db), { ...(await resolveConfig(typesPath)), filepath: typesPath });
  return { sql: await schemaSql(db), types };
}

async function main(): Promise<void> {
  // PGlite, not DATABASE_URL: a fresh database every time, on any machine, without a server.
  const dir = await mkdtemp(join(tmpdir(), 'pakhuis-schema-'));
  const db = await openDatabase({ pgliteDir: join(dir, 'pglite') });
  try {
    await migrate(db);
    const files = await schemaFiles(db);
    for (const key of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]) {
      await writeFile(join(ROOT, SCHEMA_FILES[key]), files[key]);
      process.stdout.write(`${SCHEMA_FILES[key]} geschreven\n`);
    }
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`npm run schema: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
