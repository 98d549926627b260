import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { lstat, open, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { blamesTheFile, classifyPgError, safeFailure } from '../../lib/errors.ts';
import { failpoint } from '../../lib/failpoint.ts';
import { hashPath } from '../../lib/file-hash.ts';
import { Progress } from '../../lib/progress.ts';
import { SOURCE_DEFINITIONS } from '../../sources/index.ts';
import { FileRejectedError, type SourceDefinition, type SourceFormat, type SourceRecord, type SplitPlan } from '../../sources/source.ts';
import { parallelLines } from './parallel-ingest.ts';
import { openSpool } from './spool.ts';
import { FLUSH_CHARS, MAX_FIELD_LENGTH, REJECTED, RowRouter, type Noted, type Reason } from './row-router.ts';
import type { PlainChunk } from '../../sources/plain-csv.ts';
import type { PipelineContext } from '../../lib/context.ts';
import { loadGemeente } from './load-gemeente.ts';
import { gemeentenOf } from '../../lib/config.ts';

export interface IngestResult {
  /** quarantined: the file could not be loaded for a reason that lies in it (see blamesTheFile). */
  status: 'loaded' | 'duplicate' | 'rejected' | 'quarantined';
  source: string;
  file: string;
  format?: string;
  /** Parts the file was read in: more than one when worker threads read it. */
  parts?: number;
  loadId?: number;
  /** The municipality the load belongs to (pipelines/load-gemeente.ts). */
  gemeentecode?: string;
  sha256?: string;
  rowsRead: number;
  rowsStaged: number;
  rowsRejected: number;
  /** Rejections per column and reason, most frequent first, for the summary and the report. */
  reasons: Reason[];
  /** Staged rows that are valid but not addressable, per kind ("in het buitenland"), most first. */
  kinds: { kind: string; count: number }[];
  /** Remarks on staged rows (a value dropped, one read as unknown, a coordinate left out), most frequent first. */
  notes: Noted[];
  /** What the source found about the load as a whole (one BSN on two persoonslijsten). */
  warnings: string[];
  error?: string;
  /** For a duplicate: the earlier load of the same content, and whether its file was archived. */
  duplicateOf?: { loadId: number; archived: boolean };
}

export interface IngestOptions {
  displayName?: string;
  runId?: number | null;
  sheet?: string;
  /** The municipality folder the file lay in (inbox/<gemeentecode>/<source>/). */
  gemeentecode?: string;
}

class DuplicateContent extends Error {}

/**
 * Loads one export file (or BAG folder) into staging, exactly once: the content hash, the load
 * record, the staged rows and the rejected rows commit together or not at all. A file-level
 * problem rolls everything back and is recorded in pakhuis.rejected_files.
 */
export async function ingestFile(ctx: PipelineContext, source: SourceDefinition, path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const displayName = options.displayName ?? basename(path);
  const result: IngestResult = {
    status: 'loaded',
    source: source.name,
    file: displayName,
    rowsRead: 0,
    rowsStaged: 0,
    rowsRejected: 0,
    reasons: [],
    kinds: [],
    notes: [],
    warnings: [],
  };
  // Read nothing that is not a plain file or folder: whoever can write to the inbox could leave a
  // named pipe (opening it blocks the run, lock and all, for ever, as would hashing it) or a
  // symbolic link to a file outside the inbox (the service's key file, say). Refused unopened.
  const odd = await notFileOrFolder(path);
  const hashing = odd ? Promise.reject(new Error('not hashed: not a plain file or folder')) : hashPath(path);
  hashing.catch(() => {});
  let spoolDir: string | undefined;
  let staging: Staging | undefined;
  let readBy: 'parallel' | 'plain' | 'records' | undefined;
  try {
    if (odd) throw new FileRejectedError(displayName, `is ${odd}, geen gewoon bestand of map, en wordt niet gelezen`);
    const { format, bytes } = await chooseFormat(source, path, displayName);
    result.format = format.name;
    const plan = await planParallel(ctx, source, format, path, displayName, bytes);
    result.parts = plan?.ranges.length ?? 1;
    const staged = await ctx.db.transaction(async (tx) => {
      spoolDir = await openSpool(tx, ctx.config.SPOOL_DIR);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO pakhuis.loads (source, format, file_name, sha256, bytes, rows_read, rows_staged, rows_rejected, run_id)
         VALUES ($1, $2, $3, $4, 0, 0, 0, 0, $5) RETURNING id`,
        [source.name, format.name, displayName, `pending:${process.pid}:${Date.now()}:${Math.random()}`, options.runId ?? null],
      );
      const loadId = Number(rows[0]!.id);
      result.loadId = loadId;
      const [live, ...spooledTables] = Object.values(source.tables);
      const router = new RowRouter(source, loadId, ctx.pseudonymizer, live!.name);
      const staged = (staging = new Staging(router, spoolDir, await Progress.forFile(path, displayName, ctx.log, ctx.progress)));
      const plain = plan ? null : await format.readPlain?.(path, { displayName, pseudonymizer: ctx.pseudonymizer, loadId, maxLine: maxLineOf(source) });
      readBy = plan ? 'parallel' : plain ? 'plain' : 'records';
      const lines = plan
        ? staged.linesInParallel(format, path, displayName, plan)
        : plain
          ? staged.plainLines(plain)
          : staged.lines(
              format.read(path, { displayName, sheet: options.sheet, maxSpreadsheetBytes: ctx.config.XLSX_MAX_MB * 1024 * 1024, tempDir: spoolDir }),
            );
      await tx.copyIn(live!.name, ['load_id', 'line', ...live!.columns], lines);
      await staged.closeSpools();
      result.rowsRead = staged.router.rowsRead;
      result.rowsStaged = staged.router.rowsStaged;
      result.rowsRejected = staged.router.rowsRejected;
      for (const table of spooledTables) {
        await tx.copyIn(table.name, ['load_id', 'line', ...table.columns], staged.spooled(table.name));
      }
      await tx.copyIn('pakhuis.rejected_rows', ['load_id', 'line', 'location', 'column_name', 'reason', 'raw'], staged.spooled(REJECTED));
      if (result.rowsStaged === 0) {
        throw new FileRejectedError(displayName, `geen enkele rij is geldig (${result.rowsRejected} afgekeurd)`);
      }
      result.gemeentecode = await loadGemeente(tx, {
        source,
        loadId,
        file: displayName,
        folder: options.gemeentecode,
        config: gemeentenOf(ctx.config),
      });
      result.warnings = (await source.inspect?.(tx, { loadId, file: displayName, marks: staged.router.marks })) ?? [];
      const sha256 = await hashing;
      result.sha256 = sha256;
      try {
        await tx.query(
          `UPDATE pakhuis.loads SET sha256 = $2, bytes = $3, rows_read = $4, rows_staged = $5, rows_rejected = $6, gemeentecode = $7 WHERE id = $1`,
          [loadId, sha256, bytes, result.rowsRead, result.rowsStaged, result.rowsRejected, result.gemeentecode],
        );
      } catch (error) {
        if (classifyPgError(error) === 'unique_violation') throw new DuplicateContent();
        throw error;
      }
      return staged;
    });
    result.reasons = byCount([...staged.router.reasons.values()]);
    result.notes = byCount([...staged.router.notes.values()]);
    result.kinds = [...staged.router.kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
    ctx.log.info(
      {
        source: source.name,
        file: displayName,
        format: format.name,
        // How it was read: in parts on worker threads, plain rows as bytes, or record by record.
        reader: readBy,
        loadId: result.loadId,
        rowsStaged: result.rowsStaged,
        rowsRejected: result.rowsRejected,
      },
      'file loaded',
    );
    return result;
  } catch (error) {
    result.loadId = undefined;
    result.gemeentecode = undefined;
    const recordRejectedFile = async (reason: string) =>
      ctx.db.query('INSERT INTO pakhuis.rejected_files (run_id, source, file_name, sha256, reason) VALUES ($1, $2, $3, $4, $5)', [
        options.runId ?? null,
        source.name,
        displayName,
        await hashing.catch(() => null),
        reason,
      ]);
    if (error instanceof DuplicateContent) {
      ctx.log.info({ source: source.name, file: displayName }, 'file skipped: this content was loaded before');
      const { rows } = await ctx.db.query<{ id: string; archived_as: string | null }>('SELECT id, archived_as FROM pakhuis.loads WHERE sha256 = $1', [
        result.sha256,
      ]);
      const earlier = rows[0] ? { loadId: Number(rows[0].id), archived: rows[0].archived_as !== null } : undefined;
      return { ...result, status: 'duplicate', rowsStaged: 0, rowsRejected: 0, reasons: [], kinds: [], notes: [], warnings: [], duplicateOf: earlier };
    }
    if (error instanceof FileRejectedError) {
      await recordRejectedFile(error.reason);
      ctx.log.warn({ source: source.name, file: displayName, reason: error.reason }, 'file rejected');
      // What was read before the file turned out unusable, for the run record.
      const counted = staging ? { rowsRead: staging.router.rowsRead, rowsRejected: staging.router.rowsRejected } : {};
      return { ...result, ...counted, status: 'rejected', rowsStaged: 0, reasons: [], kinds: [], notes: [], warnings: [], error: error.message };
    }
    if (blamesTheFile(error)) {
      // Loading it again would fail again and hold up every night: the caller moves it aside.
      // The message is left out everywhere people read it: PostgreSQL quotes the value it refused.
      const reason = `kon niet worden geladen: ${safeFailure(error)}`;
      await recordRejectedFile(reason);
      ctx.log.error({ source: source.name, file: displayName, failure: safeFailure(error) }, 'file could not be loaded; it goes to quarantine');
      return { ...result, status: 'quarantined', rowsStaged: 0, reasons: [], kinds: [], notes: [], warnings: [], error: `${displayName}: ${reason}` };
    }
    throw new Error(`loading ${displayName} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }
}

/** What the inbox entry is when it is neither a plain file nor a folder (lstat: a link is not followed). */
async function notFileOrFolder(path: string): Promise<string | undefined> {
  const s = await lstat(path).catch(() => undefined);
  if (!s || s.isFile() || s.isDirectory()) return undefined; // a vanished file is chooseFormat's to name
  return s.isSymbolicLink() ? 'een symbolische koppeling' : s.isFIFO() ? 'een named pipe' : s.isSocket() ? 'een socket' : 'een apparaatbestand';
}

/** The longest line a plain reader may take: no field of it can then exceed the source's field limits. */
function maxLineOf(source: SourceDefinition): number {
  return Math.min(MAX_FIELD_LENGTH, ...Object.values(source.maxLength ?? {}));
}

/** Most frequent first, so a summary that stops listing leaves out the rare ones. */
function byCount<R extends Reason>(reasons: R[]): R[] {
  return reasons.sort((a, b) => b.count - a.count || a.column.localeCompare(b.column) || a.reason.localeCompare(b.reason));
}

/**
 * Large plain-CSV files are read in parts on worker threads; everything else on this thread. A
 * worker finds its source by name in the production registry, so a source a caller injected
 * (PipelineContext.sources) is read here.
 */
async function planParallel(
  ctx: PipelineContext,
  source: SourceDefinition,
  format: SourceFormat,
  path: string,
  displayName: string,
  bytes: number,
): Promise<SplitPlan | null> {
  const workers = ctx.config.INGEST_WORKERS;
  if (!format.split || workers < 2 || bytes === 0 || bytes < ctx.config.INGEST_PARALLEL_MIN_MB * 1024 * 1024) return null;
  if ((SOURCE_DEFINITIONS as Record<string, SourceDefinition>)[source.name] !== source) return null;
  const plan = await format.split.plan(path, { displayName, parts: workers });
  return plan && plan.ranges.length > 1 ? plan : null;
}

/** The format that claims the file, and the file's size (0 for a folder). */
async function chooseFormat(source: SourceDefinition, path: string, displayName: string): Promise<{ format: SourceFormat; bytes: number }> {
  const s = await stat(path).catch((e: unknown) => {
    throw new FileRejectedError(displayName, 'bestand niet gevonden', { cause: e });
  });
  let head = Buffer.alloc(0);
  if (s.isFile()) {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
  const format = source.formats.find((f) => f.claims(path, head));
  if (!format) {
    throw new FileRejectedError(displayName, `onbekend bestandsformaat voor bron ${source.name}; verwacht ${source.formats.map((f) => f.name).join(', ')}`);
  }
  return { format, bytes: s.isFile() ? s.size : 0 };
}

/** Routes validated rows: the live table streams into COPY, the others and rejections spool to disk. */
class Staging {
  readonly #spools = new Map<string, { path: string; stream: WriteStream }>();

  constructor(
    readonly router: RowRouter,
    readonly dir: string,
    readonly progress: Progress | null = null,
  ) {}

  /** COPY text of the live table from records read on this thread. */
  async *lines(records: AsyncIterable<SourceRecord>): AsyncGenerator<string> {
    const { router, progress } = this;
    for await (const record of records) {
      router.route(record);
      if (router.rowsRead === 1000) await failpoint('ingest');
      progress?.tick();
      if (router.pending >= FLUSH_CHARS) yield* this.#taken();
    }
    yield* this.#taken();
    progress?.done();
  }

  /** The live lines the router holds, its other tables' lines to their spools. */
  async *#taken(): AsyncGenerator<string> {
    await this.#drainSpooled();
    if (this.router.hasLive) yield this.router.takeLive();
  }

  /** COPY text of the live table from a format that writes its plain rows itself (their lines for the other tables go to the spools), and its other rows as records. */
  async *plainLines(chunks: AsyncIterable<PlainChunk>): AsyncGenerator<string | Buffer> {
    const { router, progress } = this;
    let failpointPassed = false;
    for await (const chunk of chunks) {
      router.countPlain(chunk.rows);
      for (const record of chunk.records) router.route(record);
      progress?.advance(chunk.rows + chunk.records.length);
      if (!failpointPassed && router.rowsRead >= 1000) {
        failpointPassed = true;
        await failpoint('ingest');
      }
      for (const [table, text] of chunk.spooled) await this.#spool(table, text);
      if (chunk.copy) yield chunk.copy;
      if (router.pending >= FLUSH_CHARS) yield* this.#taken();
    }
    yield* this.#taken();
    progress?.done();
  }

  /** COPY text of the live table from a file read in parts on worker threads. */
  async *linesInParallel(format: SourceFormat, path: string, displayName: string, plan: SplitPlan): AsyncGenerator<string> {
    let failpointPassed = false;
    yield* parallelLines({
      format,
      path,
      displayName,
      plan,
      router: this.router,
      spool: (table, text) => this.#spool(table, text),
      onRows: (rows) => {
        this.progress?.advance(rows);
        if (!failpointPassed) {
          failpointPassed = true;
          return failpoint('ingest');
        }
      },
    });
    this.progress?.done();
  }

  async #drainSpooled(): Promise<void> {
    for (const [table, text] of this.router.takeSpooled()) await this.#spool(table, text);
  }

  async #spool(table: string, text: string | Buffer): Promise<void> {
    let spool = this.#spools.get(table);
    if (!spool) {
      const path = join(this.dir, `${table}.copy`);
      spool = { path, stream: createWriteStream(path) };
      this.#spools.set(table, spool);
    }
    if (!spool.stream.write(text)) await once(spool.stream, 'drain');
  }

  async closeSpools(): Promise<void> {
    await Promise.all(
      [...this.#spools.values()].map(({ stream }) => new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())))),
    );
  }

  /** A spool's COPY text as read, bytes not decoded: COPY takes the bytes, and decoding 100 MB into strings only to encode them again held up the COPY. */
  async *spooled(table: string): AsyncGenerator<Buffer> {
    const spool = this.#spools.get(table);
    if (!spool) return;
    for await (const chunk of createReadStream(spool.path, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
  }
}
