import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { copyLine } from '../lib/db.ts';
import { classifyPgError } from '../lib/errors.ts';
import { failpoint } from '../lib/failpoint.ts';
import { hashPath } from '../lib/file-hash.ts';
import { Progress } from '../lib/progress.ts';
import type { SourceDefinition, SourceFormat } from '../sources/source.ts';
import { FileRejectedError, type SourceRecord } from '../sources/types.ts';
import type { PipelineContext } from './context.ts';

export interface IngestResult {
  status: 'loaded' | 'duplicate' | 'rejected';
  source: string;
  file: string;
  format?: string;
  loadId?: number;
  sha256?: string;
  rowsRead: number;
  rowsStaged: number;
  rowsRejected: number;
  /** Rejections per column and reason, for the summary and the report. */
  reasons: { column: string; reason: string; count: number }[];
  error?: string;
  /** For a duplicate: the earlier load of the same content, and whether its file was archived. */
  duplicateOf?: { loadId: number; archived: boolean };
}

export interface IngestOptions {
  displayName?: string;
  runId?: number | null;
  sheet?: string;
}

class DuplicateContent extends Error {}

/**
 * Loads one export file (or BAG folder) into staging, exactly once: the content hash, the load
 * record, the staged rows and the rejected rows commit together or not at all. A file-level
 * problem rolls everything back and is recorded in pakhuis.rejected_files.
 */
export async function ingestFile(
  ctx: PipelineContext,
  source: SourceDefinition,
  path: string,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const displayName = options.displayName ?? basename(path);
  const result: IngestResult = { status: 'loaded', source: source.name, file: displayName, rowsRead: 0, rowsStaged: 0, rowsRejected: 0, reasons: [] };
  const hashing = hashPath(path);
  hashing.catch(() => {});
  const spoolDir = await mkdtemp(join(tmpdir(), 'pakhuis-spool-'));
  try {
    const format = await chooseFormat(source, path, displayName);
    result.format = format.name;
    const records = format.read(path, { displayName, sheet: options.sheet });
    const staged = await ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO pakhuis.loads (source, format, file_name, sha256, bytes, rows_read, rows_staged, rows_rejected, run_id)
         VALUES ($1, $2, $3, $4, 0, 0, 0, 0, $5) RETURNING id`,
        [source.name, format.name, displayName, `pending:${process.pid}:${Date.now()}:${Math.random()}`, options.runId ?? null],
      );
      const loadId = Number(rows[0]!.id);
      result.loadId = loadId;
      const staged = new Staging(source, loadId, spoolDir, ctx, result, await Progress.forFile(path, displayName, ctx.log));
      const [live, ...spooledTables] = Object.keys(source.tables);
      await tx.copyIn(live!, ['load_id', 'line', ...source.tables[live!]!], staged.lines(records, live!));
      await staged.closeSpools();
      for (const table of spooledTables) {
        await tx.copyIn(table, ['load_id', 'line', ...source.tables[table]!], staged.spooled(table));
      }
      await tx.copyIn(
        'pakhuis.rejected_rows',
        ['load_id', 'line', 'location', 'column_name', 'reason', 'raw'],
        staged.spooled('rejected'),
      );
      if (result.rowsStaged === 0) {
        throw new FileRejectedError(displayName, `geen enkele rij is geldig (${result.rowsRejected} afgekeurd)`);
      }
      const sha256 = await hashing;
      result.sha256 = sha256;
      const bytes = await sizeOf(path);
      try {
        await tx.query(
          `UPDATE pakhuis.loads SET sha256 = $2, bytes = $3, rows_read = $4, rows_staged = $5, rows_rejected = $6 WHERE id = $1`,
          [loadId, sha256, bytes, result.rowsRead, result.rowsStaged, result.rowsRejected],
        );
      } catch (error) {
        if (classifyPgError(error) === 'unique_violation') throw new DuplicateContent();
        throw error;
      }
      return staged;
    });
    result.reasons = staged.reasons();
    ctx.log.info(
      { source: source.name, file: displayName, format: format.name, loadId: result.loadId, rowsStaged: result.rowsStaged, rowsRejected: result.rowsRejected },
      'file loaded',
    );
    return result;
  } catch (error) {
    result.loadId = undefined;
    if (error instanceof DuplicateContent) {
      ctx.log.info({ source: source.name, file: displayName }, 'file skipped: this content was loaded before');
      const { rows } = await ctx.db.query<{ id: string; archived_as: string | null }>('SELECT id, archived_as FROM pakhuis.loads WHERE sha256 = $1', [result.sha256]);
      const earlier = rows[0] ? { loadId: Number(rows[0].id), archived: rows[0].archived_as !== null } : undefined;
      return { ...result, status: 'duplicate', rowsStaged: 0, rowsRejected: 0, reasons: [], duplicateOf: earlier };
    }
    if (error instanceof FileRejectedError) {
      const sha256 = await hashing.catch(() => null);
      await ctx.db.query(
        'INSERT INTO pakhuis.rejected_files (run_id, source, file_name, sha256, reason) VALUES ($1, $2, $3, $4, $5)',
        [options.runId ?? null, source.name, displayName, sha256, error.reason],
      );
      ctx.log.warn({ source: source.name, file: displayName, reason: error.reason }, 'file rejected');
      return { ...result, status: 'rejected', rowsStaged: 0, reasons: [], error: error.message };
    }
    throw new Error(`loading ${displayName} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

async function sizeOf(path: string): Promise<number> {
  const s = await stat(path);
  return s.isDirectory() ? 0 : s.size;
}

async function chooseFormat(source: SourceDefinition, path: string, displayName: string): Promise<SourceFormat> {
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
  return format;
}

/** No field of any register is anywhere near this long; a longer one is garbage or an attack. */
export const MAX_FIELD_LENGTH = 1000;

/** Checks every source shares: no absurdly long field, and no NUL character (PostgreSQL text cannot hold one). */
function unfitField(record: SourceRecord): { ok: false; column: string; reason: string } | undefined {
  for (const key in record.fields) {
    const value = record.fields[key];
    if (value === undefined) continue;
    if (value.length > MAX_FIELD_LENGTH) {
      return { ok: false, column: key, reason: `veld is ${value.length} tekens lang; het maximum is ${MAX_FIELD_LENGTH}` };
    }
    if (value.indexOf('\u0000') !== -1) return { ok: false, column: key, reason: 'veld bevat een NUL-teken (binaire inhoud)' };
  }
  return undefined;
}

/** Routes validated rows: the live table streams into COPY, the others and rejections spool to disk. */
class Staging {
  readonly #spools = new Map<string, { path: string; stream: WriteStream }>();

  constructor(
    readonly source: SourceDefinition,
    readonly loadId: number,
    readonly dir: string,
    readonly ctx: PipelineContext,
    readonly result: IngestResult,
    readonly progress: Progress | null = null,
  ) {}

  /** Rejection counts per column and reason. */
  readonly #reasons = new Map<string, { column: string; reason: string; count: number }>();

  reasons(): IngestResult['reasons'] {
    return [...this.#reasons.values()];
  }

  async *lines(records: AsyncIterable<SourceRecord>, live: string): AsyncGenerator<string> {
    const { source, loadId, result, ctx, progress } = this;
    let pending = '';
    for await (const record of records) {
      if (++result.rowsRead === 1000) await failpoint('ingest');
      progress?.tick();
      const checked = unfitField(record) ?? source.validate(record, { pseudonymizer: ctx.pseudonymizer });
      if (!checked.ok) {
        result.rowsRejected++;
        const key = `${checked.column}\u0000${checked.reason}`;
        const seen = this.#reasons.get(key);
        if (seen) seen.count++;
        else this.#reasons.set(key, { column: checked.column, reason: checked.reason, count: 1 });
        await this.#spool('rejected', copyLine([loadId, record.line, record.location ?? `regel ${record.line}`, checked.column, checked.reason, JSON.stringify(this.#rawForAudit(record))]));
        continue;
      }
      result.rowsStaged++;
      for (const row of checked.rows) {
        const line = copyLine([loadId, record.line, ...row.values]);
        if (row.table !== live) await this.#spool(row.table, line);
        else {
          // One yield per 256 KB, not per row: an await per row costs more than the row itself.
          pending += line;
          if (pending.length >= 256 * 1024) {
            yield pending;
            pending = '';
          }
        }
      }
    }
    if (pending) yield pending;
    progress?.done();
  }

  /** The row as read, minus BSNs: a valid one becomes its pseudonym, an invalid one is masked. */
  #rawForAudit(record: SourceRecord): Record<string, string | undefined> {
    const raw = { ...record.fields };
    // jsonb cannot hold U+0000 either: keep the row readable, mark where the NUL was.
    for (const key in raw) if (raw[key]?.includes('\u0000')) raw[key] = raw[key]!.replace(/\u0000/g, '\u2400');
    for (const field of this.source.maskedFields) {
      const value = raw[field]?.trim();
      if (!value) continue;
      const digits = value.replace(/[\s.-]/g, '');
      raw[field] = /^\d{8,9}$/.test(digits) ? `pseudoniem:${this.ctx.pseudonymizer.pseudonymise(digits.padStart(9, '0'))}` : `[gemaskeerd, ${value.length} tekens]`;
    }
    return raw;
  }

  async #spool(table: string, line: string): Promise<void> {
    let spool = this.#spools.get(table);
    if (!spool) {
      const path = join(this.dir, `${table}.copy`);
      spool = { path, stream: createWriteStream(path) };
      this.#spools.set(table, spool);
    }
    if (!spool.stream.write(line)) await once(spool.stream, 'drain');
  }

  async closeSpools(): Promise<void> {
    await Promise.all([...this.#spools.values()].map(({ stream }) => new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())))));
  }

  async *spooled(table: string): AsyncGenerator<string> {
    const spool = this.#spools.get(table);
    if (!spool) return;
    for await (const chunk of createReadStream(spool.path, { encoding: 'utf8', highWaterMark: 1 << 20 })) yield chunk as string;
  }
}
