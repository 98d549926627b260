import {
  CompiledQuery,
  DeleteQueryNode,
  InsertQueryNode,
  Kysely,
  MergeQueryNode,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  UpdateQueryNode,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Session } from './db.ts';
import type { DB } from './database-schema.ts';

export type { DB } from './database-schema.ts';

/** What a typed query needs of a connection: the one method both engines and every session share. */
type Queryable = Pick<Session, 'query'>;

/**
 * A Kysely driver over one of our sessions rather than over a pool of its own: a typed query made
 * with `kyselyOf(tx)` runs on the connection and in the transaction `tx` already holds, on
 * PostgreSQL and PGlite alike, and a bulk COPY or a transform script on the same `tx` sees its
 * writes. Transactions are opened by `db.transaction`, which also owns ROLLBACK and the
 * connection's release; Kysely's own `transaction()` is refused so that two owners never nest.
 */
class SessionDriver implements Driver {
  readonly #connection: DatabaseConnection;

  constructor(session: Queryable) {
    this.#connection = {
      async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
        const { rows, rowCount } = await session.query<R>(compiled.sql, [...compiled.parameters]);
        const node = compiled.query;
        const writes = InsertQueryNode.is(node) || UpdateQueryNode.is(node) || DeleteQueryNode.is(node) || MergeQueryNode.is(node);
        return { rows, numAffectedRows: writes ? BigInt(rowCount) : undefined };
      },
      // eslint-disable-next-line require-yield -- the interface asks for a generator; streaming has no use here yet
      async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
        throw new Error('streaming is not supported on a session; use COPY or a cursor in SQL');
      },
    };
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error('open the transaction with db.transaction(async (tx) => …) and query it with kyselyOf(tx)');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

class SessionDialect implements Dialect {
  constructor(private readonly session: Queryable) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new SessionDriver(this.session);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

const builders = new WeakMap<Queryable, Kysely<DB>>();

/**
 * The typed query builder on a session (a transaction's `tx`, a `withSession` connection, or the
 * database itself for a statement on its own). The builder holds no connection: it is made once
 * per session and costs nothing to ask for again.
 */
export function kyselyOf(session: Queryable): Kysely<DB> {
  let builder = builders.get(session);
  if (!builder) {
    builder = new Kysely<DB>({ dialect: new SessionDialect(session) });
    builders.set(session, builder);
  }
  return builder;
}
