import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { FileRejectedError, type SourceFormat, type SourceRecord } from './source.ts';
import { resolveColumns, type ColumnSpec } from './columns.ts';
import { CsvSplitter } from './csv-split.ts';
import { splitCsvRanges, CsvBoundaryScanner, type CsvRange } from './csv-boundaries.ts';

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
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    return dialectOf(buffer.subarray(0, bytesRead), displayName);
  } finally {
    await handle.close();
  }
}

/** The dialect from the first bytes of a file (up to SAMPLE_BYTES of them are looked at). */
function dialectOf(head: Buffer, displayName: string): CsvDialect {
  const sample = head.subarray(0, SAMPLE_BYTES);
  if (sample.length === 0) throw new FileRejectedError(displayName, 'het bestand is leeg');
  if (looksBinary(sample)) {
    throw new FileRejectedError(displayName, 'het bestand is geen tekst (binaire inhoud); verwacht CSV');
  }
  const bom = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf;
  const utf8 = isUtf8(sample);
  if (bom && !utf8)
    throw new FileRejectedError(displayName, 'het bestand begint met een UTF-8-BOM maar de eerste regels zijn geen geldige UTF-8 (gemengde codering?)');
  const encoding: Encoding = utf8 ? 'utf-8' : 'windows-1252';
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

/**
 * Bytes read at a time. Every row of a chunk is split before the first is validated, so a chunk's
 * rows live as long as the chunk takes: at 1 MB they outlived the young generation and were
 * promoted, and the old generation grew by garbage (peak 313 MB for 1 M BAG rows). At 64 KB they
 * die young: peak 235 MB, and faster, since promotion and mark-sweep cost more than the extra reads.
 */
const READ_CHUNK = 64 * 1024;

/**
 * A decoded text stream of the file, BOM removed. UTF-8 is decoded by the stream itself; an invalid
 * sequence further on becomes U+FFFD, which rejects the file (the head was checked strictly).
 */
export function openText(path: string, dialect: CsvDialect, displayName: string, range?: CsvRange): Readable {
  const start = range ? range.start : dialect.bom ? 3 : 0;
  const end = range ? range.end - 1 : undefined;
  if (dialect.encoding === 'windows-1252') {
    const raw = createReadStream(path, { start, end, highWaterMark: READ_CHUNK });
    const checked = windows1252Check(displayName, range === undefined);
    const decoded = checked.pipe(iconv.decodeStream('windows-1252') as unknown as Transform);
    raw.on('error', (error) => checked.destroy(error));
    checked.on('error', (error) => decoded.destroy(error));
    // pipe() never closes a source: a refused or abandoned file would keep its descriptor open
    // for as long as the scheduler runs.
    decoded.on('close', () => raw.destroy());
    raw.pipe(checked);
    return decoded;
  }
  const text = createReadStream(path, { start, end, encoding: 'utf8', highWaterMark: READ_CHUNK });
  const checked = new Transform({
    readableObjectMode: true,
    transform(chunk: string, _encoding, done) {
      if (chunk.includes('\uFFFD')) {
        done(new FileRejectedError(displayName, 'ongeldige UTF-8 verderop in het bestand (gemengde codering?)'));
      } else done(null, chunk);
    },
    decodeStrings: false,
  });
  text.on('error', (error) => checked.destroy(error));
  checked.on('close', () => text.destroy());
  return text.pipe(checked);
}

/** Bytes that Windows-1252 leaves undefined: a file that has them was written in another code page. */
const UNDEFINED_IN_1252 = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/**
 * Passes the raw bytes of a Windows-1252 file on, and rejects the file at the first byte that
 * 1252 does not define, or at the first UTF-8 encoded accented letter (0xC3 and a continuation
 * byte, which 1252 would show as "Ã©"): a file that turns to UTF-8 after its first lines would
 * otherwise load its later names garbled. `countLines` is false for a byte range read on its
 * own, whose line numbers are not the file's.
 */
function windows1252Check(displayName: string, countLines: boolean): Transform {
  let line = 1;
  let previous = -1;
  const where = (chunk: Buffer, at: number) => {
    if (!countLines) return '';
    let n = line;
    for (let i = chunk.indexOf(10); i !== -1 && i < at; i = chunk.indexOf(10, i + 1)) n++;
    return ` op regel ${n}`;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let bad = -1;
      for (const byte of UNDEFINED_IN_1252) {
        const at = chunk.indexOf(byte);
        if (at !== -1 && (bad === -1 || at < bad)) bad = at;
      }
      let utf8 = previous === 0xc3 && chunk.length > 0 && chunk[0]! >= 0x80 && chunk[0]! <= 0xbf ? 0 : -1;
      for (let at = chunk.indexOf(0xc3); utf8 === -1 && at !== -1 && at + 1 < chunk.length; at = chunk.indexOf(0xc3, at + 1)) {
        if (chunk[at + 1]! >= 0x80 && chunk[at + 1]! <= 0xbf) utf8 = at;
      }
      if (bad !== -1 && (utf8 === -1 || bad < utf8)) {
        const hex = chunk[bad]!.toString(16).toUpperCase();
        return done(
          new FileRejectedError(displayName, `byte 0x${hex}${where(chunk, bad)} bestaat niet in Windows-1252: het bestand heeft een andere codering`),
        );
      }
      if (utf8 !== -1)
        return done(new FileRejectedError(displayName, `UTF-8-tekens${where(chunk, utf8)} in een bestand dat als Windows-1252 begint (gemengde codering?)`));
      if (countLines) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) line++;
      previous = chunk.length > 0 ? chunk[chunk.length - 1]! : previous;
      done(null, chunk);
    },
  });
}

export interface CsvReadOptions {
  displayName?: string;
  columns: ColumnSpec;
  /** Called with the header as found, for readers that need positional columns (LO3). */
  onHeader?: (header: string[]) => void;
  /** Give the raw row too, for readers that need columns outside the spec. */
  raw?: boolean;
  /** Read only this part of the file, planned by planCsvSplit (the header was read there). */
  part?: { plan: CsvSplitPlan; index: number };
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
  const part = options.part;
  const dialect = part ? part.plan.dialect : await detectDialect(path, displayName);
  const range = part ? part.plan.ranges[part.index] : undefined;
  const text = openText(path, dialect, displayName, range);

  let mapping: { canonical: string; index: number }[] | undefined;
  let toFields: ((row: string[]) => Record<string, string | undefined>) | undefined;
  let headerWidth = 0;
  if (part) {
    mapping = resolveColumns(part.plan.header, options.columns, displayName);
    toFields = compileMapper(mapping);
    headerWidth = part.plan.header.length;
  }
  let dataRows = 0;
  const splitter = new CsvSplitter(dialect.delimiter, range?.firstLine);
  const rows: string[][] = [];
  const lines: number[] = [];
  try {
    let finished = false;
    const iterator = text[Symbol.asyncIterator]();
    while (!finished) {
      const next = await iterator.next();
      if (next.done) {
        splitter.end(rows, lines);
        finished = true;
      } else {
        splitter.push(next.value as string, rows, lines);
      }
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k]!;
        if (row.length === 1 && row[0] === '') continue;
        if (!mapping) {
          options.onHeader?.(row);
          mapping = resolveColumns(row, options.columns, displayName);
          toFields = compileMapper(mapping);
          headerWidth = row.length;
          continue;
        }
        dataRows++;
        const record: CsvRecord = { line: lines[k]!, fields: toFields!(row) };
        if (row.length > headerWidth) record.fieldCount = { row: row.length, header: headerWidth, extra: hasValueFrom(row, headerWidth) };
        if (options.raw) record.raw = row;
        yield record;
      }
      rows.length = 0;
      lines.length = 0;
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
  // A part may hold no rows; whether the file as a whole has any is the loader's question.
  if (dataRows === 0 && !part) throw new FileRejectedError(displayName, 'het bestand bevat alleen een kopregel, geen gegevens');
}

/**
 * Row array to fields object through a function built for this header: an object literal with
 * fixed keys gets one hidden class, where assigning keys in a loop does not. The keys are
 * canonical field names from our own column specs, never text from the file.
 */
export function compileMapper(mapping: { canonical: string; index: number }[]): (row: string[]) => Record<string, string | undefined> {
  for (const { canonical } of mapping) {
    if (!/^[a-z_][a-z0-9_]*$/.test(canonical)) throw new Error(`column spec field name is not an identifier: ${canonical}`);
  }
  const body = `return { ${mapping.map(({ canonical, index }) => `${canonical}: t(r[${index}])`).join(', ')} };`;
  const build = new Function('r', 't', body) as (row: string[], trim: (v: string | undefined) => string | undefined) => Record<string, string | undefined>;
  return (row) => build(row, trimField);
}

/** Whether any field from index `from` on holds more than white space (Excel's trailing `;` does not). */
export function hasValueFrom(row: string[], from: number): boolean {
  for (let i = from; i < row.length; i++) if (row[i]!.trim() !== '') return true;
  return false;
}

function trimField(value: string | undefined): string | undefined {
  if (value === undefined || value.length === 0) return value;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first <= 32 || last <= 32 ? value.trim() : value;
}

/** How one CSV file is read in parts on several threads: its dialect, header and byte ranges. */
export interface CsvSplitPlan {
  dialect: CsvDialect;
  header: string[];
  ranges: CsvRange[];
}

/**
 * Plans reading a CSV file in up to `parts` parts. Checks the header as readCsv does (a missing
 * column rejects the file with the same message). Returns null when the file cannot be split
 * safely: no header within the first megabyte.
 */
export async function planCsvSplit(path: string, options: { displayName: string; columns: ColumnSpec; parts: number }): Promise<CsvSplitPlan | null> {
  const handle = await open(path, 'r');
  let dialect: CsvDialect;
  let head: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    dialect = dialectOf(buffer.subarray(0, bytesRead), options.displayName);
    head = buffer.subarray(dialect.bom ? 3 : 0, bytesRead);
  } finally {
    await handle.close();
  }
  // The header is the first record that is not blank, as readCsv takes it.
  const scanner = new CsvBoundaryScanner(dialect.delimiter.charCodeAt(0));
  let header: string[] | undefined;
  let dataStart = 0;
  let dataStartLine = 0;
  let recordStart = 0;
  scanner.push(head, (end, nextLine) => {
    const rows: string[][] = [];
    const splitter = new CsvSplitter(dialect.delimiter);
    splitter.push(iconv.decode(head.subarray(recordStart, end), dialect.encoding), rows, []);
    recordStart = end;
    const row = rows[0];
    if (!row || (row.length === 1 && row[0] === '')) return false;
    header = row;
    dataStart = end + (dialect.bom ? 3 : 0);
    dataStartLine = nextLine;
    return true;
  });
  if (!header) return null;
  resolveColumns(header, options.columns, options.displayName);
  const ranges = await splitCsvRanges(path, { delimiter: dialect.delimiter, dataStart, dataStartLine, size, parts: options.parts });
  return { dialect, header, ranges };
}

/** What a plain-CSV format offers the loader for reading in parts (see SourceFormat.split). */
export function csvSplitting(columns: ColumnSpec): NonNullable<SourceFormat['split']> {
  return {
    plan: (path, { displayName, parts }) => planCsvSplit(path, { displayName, columns, parts }),
    // The plan comes back to the format that made it (planCsvSplit above).
    read: (path, { displayName, plan, index }) => readCsv(path, { displayName, columns, part: { plan: plan as CsvSplitPlan, index } }),
  };
}
