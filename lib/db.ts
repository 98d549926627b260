import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { classifyPgError } from './errors.ts';

/**
 * One connection: plain SQL, multi-statement scripts and COPY. Typed queries on the same connection
 * and transaction come from `kyselyOf(session)` (lib/kysely.ts).
 */
export interface Session {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Several statements, no parameters: migrations and transform scripts. */
  exec(sql: string): Promise<void>;
  /**
   * COPY lines into a table; returns the number of rows copied. Text format unless `options`
   * (the COPY WITH clause, e.g. "FORMAT csv, DELIMITER ';'") says otherwise; no header lines.
   */
  /** Whole lines of COPY text, as strings or as UTF-8 bytes. */
  copyIn(table: string, columns: string[], lines: AsyncIterable<string | Buffer>, options?: string): Promise<number>;
}

export interface Database extends Session {
  readonly kind: 'postgres' | 'pglite';
  /** A dedicated connection for the callback (an advisory lock lives as long as its session). */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** BEGIN … COMMIT on one connection; ROLLBACK when the callback throws. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `pg` needs a user name; a URL without one would fall back to $USER, which CI may not set. */
export function withUser(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = process.env.PGUSER ?? safeUserName();
  return parsed.toString();
}

function safeUserName(): string {
  try {
    return userInfo().username || 'postgres';
  } catch {
    return 'postgres';
  }
}

export async function openDatabase(options: { url?: string; pgliteDir?: string; poolSize?: number }): Promise<Database> {
  if (options.url) return openPostgres(withUser(options.url), options.poolSize ?? 4);
  return openPglite(options.pgliteDir ?? './data/pglite');
}

// ---------------------------------------------------------------- PostgreSQL

function pgSession(client: pg.PoolClient | pg.Pool): Session {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql) {
      await client.query(sql);
    },
    async copyIn(table, columns, lines, options) {
      if (!('release' in client)) throw new Error('COPY needs a dedicated session (withSession or transaction)');
      const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN', options)));
      await pipeline(Readable.from(batch(lines)), stream);
      return Number(stream.rowCount ?? 0);
    },
  };
}

/** Joins small lines into larger writes: one write per line would make COPY chatty. Bytes go as they are. */
async function* batch(lines: AsyncIterable<string | Buffer>, size = 256 * 1024): AsyncGenerator<string | Buffer> {
  let buffer = '';
  for await (const line of lines) {
    if (typeof line !== 'string') {
      if (buffer) yield buffer;
      buffer = '';
      yield line;
      continue;
    }
    buffer += line;
    if (buffer.length >= size) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'informatiepakhuis' });
  // An idle client dropped by the server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const shared = pgSession(pool);
  const withSession = async <T>(fn: (s: Session) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // pg-pool listens for errors only on idle clients; a checked-out one that loses its server
    // would otherwise crash the process with an unhandled 'error' event. The query in flight
    // fails on its own, so the error itself needs no handling here.
    let lost: unknown;
    const onError = (error: unknown) => {
      lost = error;
    };
    client.on('error', onError);
    let broken = false;
    try {
      return await fn(pgSession(client));
    } catch (error) {
      broken = Boolean(lost) || classifyPgError(error) === 'connection';
      // pg reports only "not queryable" on the next query; the server's reason is in `lost`.
      if (lost) throw new Error(`database connection lost: ${(lost as Error).message}`, { cause: error });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };
  return {
    kind: 'postgres',
    ...shared,
    withSession,
    transaction: (fn) => withSession((session) => inTransaction(session, fn)),
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}

/** BEGIN … COMMIT on a session that is already the caller's alone; ROLLBACK when fn throws. */
export async function inTransaction<T>(session: Session, fn: (session: Session) => Promise<T>): Promise<T> {
  await session.exec('BEGIN');
  try {
    const result = await fn(session);
    await session.exec('COMMIT');
    return result;
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => {});
    throw error;
  }
}

// ---------------------------------------------------------------- PGlite

const PGLITE_COPY_CHUNK = 8 * 1024 * 1024;

async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  // Loaded only when used: the embedded engine costs about 50 MB of memory to import.
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: dir });
  // PGlite is one connection: callers in this process run one after another, so a mutex keeps a
  // transaction from interleaving with an unrelated query.
  let tail: Promise<unknown> = Promise.resolve();
  let depth = 0;
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (depth > 0) return fn();
    const previous = tail;
    let release!: () => void;
    tail = new Promise<void>((r) => (release = r));
    await previous;
    depth++;
    try {
      return await fn();
    } finally {
      depth--;
      release();
    }
  };
  const session: Session = {
    async query(sql, params) {
      const result = await db.query(sql, params as unknown[]);
      // PGlite reports affectedRows 0 for a SELECT; pg reports the rows returned.
      return { rows: result.rows as never[], rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async copyIn(table, columns, lines, options) {
      // Each chunk is a COPY of its own, so a chunk must end on a line boundary.
      let count = 0;
      let pending = '';
      // Bytes may arrive cut anywhere (a spool file is read a megabyte at a time), also inside a
      // character: the decoder keeps a split character's first bytes for the next piece.
      const decoder = new StringDecoder('utf8');
      const flush = async (text: string) => {
        const result = await db.query(copyStatement(table, columns, "'/dev/blob'", options), [], {
          blob: new Blob([text]),
        });
        count += result.affectedRows ?? 0;
      };
      for await (const piece of lines) {
        pending += typeof piece === 'string' ? piece : decoder.write(piece);
        if (pending.length >= PGLITE_COPY_CHUNK) {
          const cut = pending.lastIndexOf('\n') + 1;
          if (cut > 0) {
            await flush(pending.slice(0, cut));
            pending = pending.slice(cut);
          }
        }
      }
      pending += decoder.end();
      if (pending) await flush(pending);
      return count;
    },
  };
  return {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => session.query(sql, params)),
    exec: (sql) => exclusive(() => session.exec(sql)),
    copyIn: (t, c, l, o) => exclusive(() => session.copyIn(t, c, l, o)),
    withSession: (fn) => exclusive(() => fn(session)),
    transaction: (fn) => exclusive(() => inTransaction(session, fn)),
    async close() {
      await db.close();
    },
  };
}

function copyStatement(table: string, columns: string[], from: string, options?: string): string {
  return `COPY ${table}${columns.length ? ` (${columns.join(', ')})` : ''} FROM ${from}${options ? ` WITH (${options})` : ''}`;
}

/**
 * COPY text format: backslash, tab, newline and carriage return escaped; null as \N. `lead` is
 * text already in COPY form that goes first, ending in a tab (the loader's load id and line
 * number), so that it is formatted once per row rather than once per value.
 */
export function copyLine(values: readonly (string | number | boolean | null | undefined)[], lead = ''): string {
  // One join per line: a line grown by + per value is a rope of dozens of pieces, which cost more
  // to flatten at the socket than to build. The three pieces returned are copied once by the
  // router's join of a batch of lines.
  const parts = lineParts;
  parts.length = values.length;
  for (let i = 0; i < values.length; i++) parts[i] = copyText(values[i]);
  return lead + parts.join('\t') + '\n';
}
const lineParts: string[] = [];

type CopyValue = string | number | boolean | null | undefined;

/**
 * copyLine for rows of named fields, compiled once per staging table: the returned function reads
 * each field by its name and writes the values in the order of `columns`, the order COPY was told.
 * Generated code because a loop over the column list makes every read a keyed lookup with a
 * changing key, which V8 cannot cache; a written-out `f.postcode` is one cached property load.
 * Column names are checked to be plain SQL names first: they are compiled into code.
 */
export function compileCopyFields(columns: readonly string[]): (fields: Readonly<Record<string, CopyValue>>, lead?: string) => string {
  for (const c of columns) if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`staging column ${JSON.stringify(c)} is not a plain SQL name`);
  const reads = columns.map((c, i) => `p[${i}] = text(f.${c});`).join(' ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: the names are checked, the code is ours
  const factory = new Function('text', 'n', `const p = new Array(n); return function (f, lead = '') { ${reads} return lead + p.join('\\t') + '\\n'; };`) as (
    text: (v: CopyValue) => string,
    n: number,
  ) => (fields: Readonly<Record<string, CopyValue>>, lead?: string) => string;
  return factory(copyText, columns.length);
}

function copyText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return needsEscape(v) ? v.replace(/[\\\t\n\r]/g, escapeChar) : v;
  return String(v);
}

/** A character loop: at millions of rows it costs half what a regular-expression test per value did. */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return true;
  }
  return false;
}

const escapeChar = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');
