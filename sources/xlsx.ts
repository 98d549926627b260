import { stat, readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import yauzl from 'yauzl';
import { FileRejectedError, type ReadOptions, type SourceFormat, type SourceRecord } from './source.ts';
import { resolveColumns, type ColumnSpec } from './columns.ts';
import { projectUrl } from '../lib/root.ts';

/** What ./xlsx-worker.js posts (its header has the protocol). */
export type WorkerMessage =
  { type: 'sheet'; name: string } | { type: 'rows'; rows: [number, string[]][] } | { type: 'end' } | { type: 'error'; message: string };

/**
 * Excel workbooks (.xlsx/.xlsm). SheetJS 0.18.5 has advisories for crafted files and reads the
 * whole workbook into memory, so a file passes three gates before and while it is parsed:
 *  1. its size on disk (maxBytes);
 *  2. its zip structure: declared sizes, compression ratios and the actual inflated sizes, so a
 *     zip bomb is refused before SheetJS inflates it into memory outside the V8 heap limits;
 *  3. parsing happens in a worker thread with a heap limit and a time limit.
 *
 * Cell values are the stored values, not the displayed text: numbers as String(n), so a date cell
 * arrives as its Excel serial day number ("45292" = 2024-01-01) whatever its format, and text
 * typed as "01-01-2024" stays text. Validators parse both. Booleans are "TRUE"/"FALSE", error
 * cells their code ("#N/A"), formulas their value cached when the file was last saved.
 */

export interface XlsxReadOptions extends ReadOptions {
  columns: ColumnSpec;
  /** Larger files are refused before any parsing; default 50 MB. */
  maxBytes?: number;
  /** Time the parser may spend (time the caller spends consuming records not counted); default 60 s. */
  timeoutMs?: number;
}

const MB = 1024 * 1024;
const DEFAULT_MAX_BYTES = 50 * MB;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Cap on the inflated size of all entries, whatever maxBytes is: SheetJS holds it all in memory. */
const MAX_UNCOMPRESSED = 500 * MB;
const UNCOMPRESSED_PER_BYTE = 20;
/** Workbooks deflate far less than 100x; bombs sit near deflate's maximum of ~1032x. */
const MAX_RATIO = 300;
const RATIO_FLOOR = 1 * MB;
const MAX_ENTRIES = 10_000;
const WORKER_HEAP_MB = 1024;

export function isXlsx(path: string): boolean {
  return /\.(xlsx|xlsm)$/i.test(path);
}

/** The spreadsheet format of a source: its first sheet or a named one, read with these columns. */
export function spreadsheetFormat(name: string, columns: ColumnSpec): SourceFormat {
  return {
    name,
    claims: (path) => isXlsx(path),
    read: (path, { displayName, sheet, maxSpreadsheetBytes }) => readXlsx(path, { displayName, sheet, columns, maxBytes: maxSpreadsheetBytes }),
  };
}

export async function* readXlsx(path: string, options: XlsxReadOptions): AsyncGenerator<SourceRecord> {
  const displayName = options.displayName ?? path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // One read, then every check and the parse use the same bytes: the file cannot change in between.
  const data = await readLimited(path, maxBytes, displayName);
  assertZipSignature(data, displayName);
  await inspectZip(data, Math.min(UNCOMPRESSED_PER_BYTE * maxBytes, MAX_UNCOMPRESSED), displayName);

  const session = new ParserSession(data, options.sheet, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, displayName);
  try {
    let sheetName = '';
    let mapping: { canonical: string; index: number }[] | undefined;
    let dataRows = 0;
    for (;;) {
      const message = await session.next();
      if (message.type === 'error') throw new FileRejectedError(displayName, message.message);
      if (message.type === 'end') break;
      if (message.type === 'sheet') {
        sheetName = message.name;
        continue;
      }
      for (const [rowNumber, cells] of message.rows) {
        if (!mapping) {
          mapping = resolveColumns(cells, options.columns, displayName);
          continue;
        }
        dataRows++;
        const fields: Record<string, string | undefined> = {};
        for (const { canonical, index } of mapping) {
          const value = cells[index];
          fields[canonical] = value === undefined ? undefined : value.trim();
        }
        yield { location: `blad ${sheetName} rij ${rowNumber}`, line: rowNumber, fields };
      }
      session.requestMore();
    }
    if (!mapping) throw new FileRejectedError(displayName, `blad "${sheetName}" is leeg`);
    if (dataRows === 0) {
      throw new FileRejectedError(displayName, `blad "${sheetName}" bevat alleen een kopregel, geen gegevens`);
    }
  } finally {
    await session.close();
  }
}

async function readLimited(path: string, maxBytes: number, displayName: string): Promise<Buffer> {
  const tooLarge = (size: number) =>
    new FileRejectedError(
      displayName,
      `het bestand is ${formatMb(size)}, meer dan de grens van ${formatMb(maxBytes)} voor Excel; lever grote bestanden als CSV`,
    );
  const { size } = await stat(path);
  if (size > maxBytes) throw tooLarge(size);
  const data = await readFile(path);
  if (data.length > maxBytes) throw tooLarge(data.length);
  if (data.length === 0) throw new FileRejectedError(displayName, 'het bestand is leeg');
  return data;
}

function formatMb(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`;
}

function assertZipSignature(data: Buffer, displayName: string): void {
  // Compound File Binary: the pre-2007 .xls format, and also how Excel stores password-protected .xlsx.
  if (data.length >= 8 && data.readUInt32BE(0) === 0xd0cf11e0 && data.readUInt32BE(4) === 0xa1b11ae1) {
    throw new FileRejectedError(
      displayName,
      'dit is een oud Excel-bestand (.xls) of een met wachtwoord beveiligde werkmap; sla het op als .xlsx (zonder wachtwoord) of als CSV',
    );
  }
  if (data.length < 4 || data.readUInt32BE(0) !== 0x504b0304) {
    throw new FileRejectedError(displayName, 'het bestand is geen Excel-werkmap (.xlsx is een zip-archief; dit niet)');
  }
}

/**
 * Refuses archives whose declared sizes or ratios are implausible, then inflates every entry once
 * (discarding the output) so that sizes that lie are caught too: yauzl fails a stream that yields
 * more bytes than its entry declares.
 */
export async function inspectZip(data: Buffer, maxUncompressed: number, displayName: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true }, (error, zipfile) =>
      error ? reject(damaged(displayName, error)) : resolve(zipfile),
    ),
  );
  if (zip.entryCount > MAX_ENTRIES) {
    zip.close();
    throw new FileRejectedError(displayName, `het zip-archief bevat ${zip.entryCount} onderdelen; dat is geen gewone werkmap`);
  }
  let declared = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(error instanceof FileRejectedError ? error : damaged(displayName, error));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (declared > maxUncompressed) {
        return fail(
          new FileRejectedError(displayName, `uitgepakt zou de werkmap meer dan ${formatMb(maxUncompressed)} zijn; dat is te groot (of een zip-bom)`),
        );
      }
      if (entry.uncompressedSize > RATIO_FLOOR && ratio > MAX_RATIO) {
        return fail(
          new FileRejectedError(displayName, `onderdeel "${entry.fileName}" is ${Math.round(ratio)} keer samengeperst; dat doet geen echte werkmap (zip-bom?)`),
        );
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        stream.on('error', fail);
        stream.on('end', () => zip.readEntry());
        stream.resume();
      });
    });
    zip.readEntry();
  });
}

function damaged(displayName: string, error: unknown): FileRejectedError {
  return new FileRejectedError(displayName, `het bestand is geen leesbare .xlsx-werkmap (beschadigd of onvolledig zip-archief: ${(error as Error).message})`, {
    cause: error,
  });
}

/** JavaScript, so it starts without the TypeScript loader (why: its header). */
const WORKER_MODULE = projectUrl('sources/xlsx-worker.js');

function startParser(): Worker {
  return new Worker(WORKER_MODULE, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
}

/** A parser started ahead, SheetJS loaded or loading, waiting for its workbook; undefined once taken or if it died. */
let spare: { worker: Worker; alive: boolean } | undefined;

/**
 * Starts the parser for a workbook that is about to be read, so that starting the worker and
 * loading SheetJS (some 0.15 s of CPU, more wall time on a busy two-core machine) overlaps
 * whatever comes first instead of holding up the workbook. A run calls this when its inbox
 * holds a workbook. The worker still parses one workbook only: the isolation is unchanged.
 */
export function prewarmXlsxParser(): void {
  if (spare?.alive) return;
  const entry = { worker: startParser(), alive: true };
  const died = () => {
    entry.alive = false;
    if (spare === entry) spare = undefined;
  };
  entry.worker.once('exit', died);
  entry.worker.once('error', died);
  // A spare nobody takes must not keep the process alive.
  entry.worker.unref();
  spare = entry;
}

/** Ends a started parser no workbook took (the workbook was a duplicate, say): a long-lived process does not keep it. */
export function discardXlsxParser(): void {
  const unused = spare;
  spare = undefined;
  if (unused?.alive) void unused.worker.terminate();
}

function takeParser(): Worker {
  const taken = spare?.alive ? spare : undefined;
  spare = undefined;
  if (!taken) return startParser();
  taken.worker.removeAllListeners('exit');
  taken.worker.removeAllListeners('error');
  taken.worker.ref();
  return taken.worker;
}

/** One worker parsing one workbook; flow-controlled so rows cross only as fast as they are consumed. */
class ParserSession {
  private readonly worker: Worker;
  private readonly queue: WorkerMessage[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private spentMs = 0;
  private finished = false;

  constructor(
    data: Buffer,
    sheet: string | undefined,
    private readonly timeoutMs: number,
    private readonly displayName: string,
  ) {
    this.worker = takeParser();
    this.worker.on('message', (message: unknown) => {
      try {
        this.queue.push(checkMessage(message));
      } catch (error) {
        this.failure ??= error as Error;
      }
      this.wake?.();
    });
    this.worker.on('error', (error: Error & { code?: string }) => {
      this.failure ??=
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new FileRejectedError(displayName, `de werkmap vraagt meer dan ${WORKER_HEAP_MB} MB geheugen om te lezen; lever het als CSV`, { cause: error })
          : new Error(`xlsx-parser kon niet draaien: ${error.message}`, { cause: error });
      this.wake?.();
    });
    this.worker.on('exit', (code) => {
      if (!this.finished) this.failure ??= new Error(`xlsx-parser stopte onverwacht (exitcode ${code})`);
      this.wake?.();
    });
    const copy = new Uint8Array(data); // own ArrayBuffer of exact size, safe to transfer
    this.worker.postMessage({ data: copy, sheet }, [copy.buffer]);
  }

  /** The next message; only time spent waiting here counts against the time limit. */
  async next(): Promise<WorkerMessage> {
    for (;;) {
      const queued = this.queue.shift();
      if (queued) {
        if (queued.type === 'end' || queued.type === 'error') this.finished = true;
        return queued;
      }
      if (this.failure) throw this.failure;
      const remaining = this.timeoutMs - this.spentMs;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(false);
        timer = setTimeout(() => resolve(true), Math.max(remaining, 0));
      });
      clearTimeout(timer);
      this.wake = undefined;
      this.spentMs += performance.now() - started;
      if (timedOut && this.queue.length === 0 && !this.failure) {
        this.finished = true;
        await this.worker.terminate();
        throw new FileRejectedError(
          this.displayName,
          `het lezen van de werkmap duurde langer dan ${this.timeoutMs} ms (timed out); is het bestand te groot of misvormd?`,
        );
      }
    }
  }

  requestMore(): void {
    this.worker.postMessage('next');
  }

  async close(): Promise<void> {
    this.finished = true;
    await this.worker.terminate();
  }
}

function checkMessage(message: unknown): WorkerMessage {
  const m = message as Partial<Record<string, unknown>> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    (m.type === 'end' ||
      (m.type === 'sheet' && typeof m.name === 'string') ||
      (m.type === 'error' && typeof m.message === 'string') ||
      (m.type === 'rows' &&
        Array.isArray(m.rows) &&
        m.rows.every(
          (row: unknown) =>
            Array.isArray(row) && typeof row[0] === 'number' && Array.isArray(row[1]) && (row[1] as unknown[]).every((cell) => typeof cell === 'string'),
        )));
  if (!ok) throw new Error('xlsx-parser stuurde een onverwacht bericht');
  return message as WorkerMessage;
}
