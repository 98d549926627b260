/** What the benchmarks share: the cached synthetic municipality, a fresh database, raw COPY. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withUser, type Session } from '../lib/db.ts';

export interface Municipality {
  dir: string;
  residents: number;
  verblijfsobjecten: number;
  /** Seconds spent generating it; 0 when it came from the cache. */
  generatedIn: number;
}

/**
 * The municipality of `scale` residents under `root`, generated once in a child process (so the
 * generator's leftover heap is not counted against what a benchmark measures) and cached.
 */
export async function municipality(root: string, scale: number, options: { verblijfsobjecten?: number; regenerate?: boolean } = {}): Promise<Municipality> {
  const { verblijfsobjecten, regenerate = false } = options;
  const dir = resolve(root, verblijfsobjecten === undefined ? String(scale) : `${scale}-${verblijfsobjecten}`);
  const started = Date.now();
  let generated = false;
  if (regenerate || !existsSync(join(dir, 'done'))) {
    const args = [dir, String(scale), ...(verblijfsobjecten === undefined ? [] : [String(verblijfsobjecten)])];
    // The child gets this process's own flags, so it has the same TypeScript loader.
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./generate.ts', import.meta.url)), ...args], { stdio: 'inherit' });
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (code !== 0) throw new Error(`generating the municipality failed (${signal ? `signal ${signal}` : `exit code ${code}`})`);
    generated = true;
  }
  const done = JSON.parse(await readFile(join(dir, 'done'), 'utf8')) as { residents: number; verblijfsobjecten: number };
  return { dir, ...done, generatedIn: generated ? (Date.now() - started) / 1000 : 0 };
}

/** Drops and creates `database` on the server of `adminUrl`; returns the new database's URL. */
export async function freshDatabase(adminUrl: string, database: string): Promise<string> {
  await dropDatabase(adminUrl, database);
  const admin = new pg.Client({ connectionString: withUser(adminUrl) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = new URL(withUser(adminUrl));
  url.pathname = `/${database}`;
  return url.toString();
}

/** Drops `database` on the server of `adminUrl`, if it is there. */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withUser(adminUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The header line of a CSV file, without a BOM. */
export async function firstLine(file: string): Promise<string> {
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    const end = (chunk as string).indexOf('\n');
    return (end === -1 ? (chunk as string) : (chunk as string).slice(0, end)).replace(/^\uFEFF/, '').trim();
  }
  return '';
}

/**
 * The physical limit: the CSV file as it is, parsed by PostgreSQL's own CSV reader into a new
 * table of text columns, nothing else. Returns seconds and rows; the table is dropped afterwards
 * unless `keep` is set.
 */
export async function rawCopy(session: Session, file: string, table: string, options: { keep?: boolean } = {}): Promise<{ seconds: number; rows: number }> {
  const header = (await firstLine(file)).split(';');
  await session.exec(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (${header.map((_, i) => `c${i} text`).join(', ')})`);
  const started = Date.now();
  const rows = await session.copyIn(table, [], withoutHeader(file), "FORMAT csv, DELIMITER ';'");
  const seconds = (Date.now() - started) / 1000;
  if (!options.keep) await session.exec(`DROP TABLE ${table}`);
  return { seconds, rows };
}

async function* withoutHeader(file: string): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    let text = chunk as string;
    if (first) {
      text = text.slice(text.indexOf('\n') + 1);
      first = false;
    }
    yield text;
  }
}
