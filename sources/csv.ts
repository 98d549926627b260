import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { FileRejectedError, type SourceRecord } from './types.ts';
import { resolveColumns, type ColumnSpec } from './columns.ts';

export type Encoding = 'utf-8' | 'windows-1252';

const SAMPLE_BYTES = 256 * 1024;

/** What the first bytes of a CSV file tell about how to read it. */
export interface CsvDialect {
  encoding: Encoding;
  bom: boolean;
  delimiter: ';' | ',' | '\t';
}

/**
 * Reads a sample from the head of the file to choose encoding and delimiter.
 * Dutch Excel writes Windows-1252 with `;`; modern exports write UTF-8 (often with a BOM) with `,`.
 * A sample that is not valid UTF-8 can only be a single-byte code page; 1252 is what Excel uses here.
 */
export async function detectDialect(path: string, displayName = path): Promise<CsvDialect> {
  const handle = await open(path, 'r');
  let sample: Buffer;
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    sample = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (sample.length === 0) throw new FileRejectedError(displayName, 'het bestand is leeg');
  if (looksBinary(sample)) {
    throw new FileRejectedError(displayName, 'het bestand is geen tekst (binaire inhoud); verwacht CSV');
  }
  const bom = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf;
  const encoding: Encoding = bom || isUtf8(sample) ? 'utf-8' : 'windows-1252';
  const text = iconv.decode(bom ? sample.subarray(3) : sample, encoding);
  return { encoding, bom, delimiter: guessDelimiter(text) };
}

function looksBinary(sample: Buffer): boolean {
  const n = Math.min(sample.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = sample[i]!;
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > n * 0.05;
}

/** A sample cut at an arbitrary byte may end inside a multi-byte sequence; that is not invalid. */
function isUtf8(sample: Buffer): boolean {
  let end = sample.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = sample[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** The delimiter is the candidate that occurs most often outside quotes in the header line. */
function guessDelimiter(text: string): CsvDialect['delimiter'] {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.entries(counts) as [CsvDialect['delimiter'], number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ';';
}

/** A decoded text stream of the file, with the BOM removed; invalid UTF-8 later in the file rejects it. */
export function openText(path: string, dialect: CsvDialect, displayName: string): Readable {
  const raw = createReadStream(path, { start: dialect.bom ? 3 : 0, highWaterMark: 1 << 20 });
  const out = new PassThrough({ encoding: 'utf8' });
  const decoder =
    dialect.encoding === 'utf-8' ? new TextDecoder('utf-8', { fatal: true }) : null;
  const legacy = dialect.encoding === 'windows-1252' ? iconv.getDecoder('windows-1252') : null;
  raw.on('data', (chunk: Buffer | string) => {
    try {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const text = decoder ? decoder.decode(buf, { stream: true }) : legacy!.write(buf);
      if (!out.write(text)) {
        raw.pause();
        out.once('drain', () => raw.resume());
      }
    } catch (error) {
      raw.destroy();
      out.destroy(
        new FileRejectedError(displayName, 'ongeldige UTF-8 verderop in het bestand (gemengde codering?)', {
          cause: error,
        }),
      );
    }
  });
  raw.on('end', () => {
    try {
      const rest = decoder ? decoder.decode() : legacy!.end() ?? '';
      if (rest) out.write(rest);
      out.end();
    } catch (error) {
      out.destroy(new FileRejectedError(displayName, 'bestand eindigt midden in een UTF-8-teken', { cause: error }));
    }
  });
  raw.on('error', (error) => out.destroy(error));
  return out;
}

export interface CsvReadOptions {
  displayName?: string;
  columns: ColumnSpec;
  /** Called with the header as found, for readers that need positional columns (LO3). */
  onHeader?: (header: string[]) => void;
  /** Give the raw row too, for readers that need columns outside the spec. */
  raw?: boolean;
}

export interface CsvRecord extends SourceRecord {
  raw?: string[];
}

/**
 * Streams a CSV file as canonical records. The header row maps columns through the source's
 * aliases; a missing required column rejects the whole file before any row is read.
 * Line numbers are physical lines, so quoted fields with embedded newlines shift them correctly.
 */
export async function* readCsv(path: string, options: CsvReadOptions): AsyncGenerator<CsvRecord> {
  const displayName = options.displayName ?? path;
  const dialect = await detectDialect(path, displayName);
  const text = openText(path, dialect, displayName);

  let mapping: { canonical: string; index: number }[] | undefined;
  let line = 1;
  let dataRows = 0;
  try {
    for await (const batch of parseBatches(text, dialect.delimiter)) {
      for (const row of batch) {
        const startLine = line;
        line += 1 + embeddedNewlines(row);
        if (row.length === 1 && row[0] === '') continue;
        if (!mapping) {
          options.onHeader?.(row);
          mapping = resolveColumns(row, options.columns, displayName);
          continue;
        }
        dataRows++;
        const fields: Record<string, string | undefined> = {};
        for (const { canonical, index } of mapping) {
          const value = row[index];
          fields[canonical] = value === undefined ? undefined : value.trim();
        }
        const record: CsvRecord = { location: `regel ${startLine}`, line: startLine, fields };
        if (options.raw) record.raw = row;
        yield record;
      }
    }
  } catch (error) {
    if (error instanceof FileRejectedError) throw error;
    throw new FileRejectedError(displayName, `CSV kon niet worden gelezen: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    text.destroy();
  }
  if (!mapping) throw new FileRejectedError(displayName, 'het bestand heeft geen kopregel');
  if (dataRows === 0) throw new FileRejectedError(displayName, 'het bestand bevat alleen een kopregel, geen gegevens');
}

/**
 * Papa Parse in chunk mode, bridged to an async iterator with back-pressure: the parser pauses
 * while batches wait to be consumed. (Its duplex-stream mode emits one event per row and is an
 * order of magnitude slower.)
 */
async function* parseBatches(text: Readable, delimiter: string): AsyncGenerator<string[][]> {
  const queue: string[][][] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let parser: Papa.Parser | undefined;
  let paused = false;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  text.on('error', (error) => {
    failure ??= error;
    done = true;
    signal();
  });
  // Papa's typings do not cover Node readables, which it supports.
  (Papa.parse as (input: unknown, config: Papa.ParseLocalConfig<string[]>) => void)(text, {
    delimiter,
    skipEmptyLines: false,
    header: false,
    chunk(results: Papa.ParseResult<string[]>, p: Papa.Parser) {
      parser = p;
      queue.push(results.data);
      if (queue.length >= 4 && !paused) {
        paused = true;
        p.pause();
      }
      signal();
    },
    complete() {
      done = true;
      signal();
    },
    error(error: Error) {
      failure ??= error;
      done = true;
      signal();
    },
  });
  while (true) {
    const batch = queue.shift();
    if (batch) {
      if (paused && queue.length < 2) {
        paused = false;
        parser?.resume();
      }
      yield batch;
      continue;
    }
    if (failure) throw failure;
    if (done) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

function embeddedNewlines(row: string[]): number {
  let n = 0;
  for (const field of row) {
    if (field.length > 0 && field.includes('\n')) {
      for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
    }
  }
  return n;
}
