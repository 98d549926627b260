import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Pseudonymizer } from '../lib/pseudonym.ts';
import { resolveColumns, type ColumnSpec } from './columns.ts';
import { CsvSplitter } from './csv-split.ts';
import { compileMapper, detectDialect, hasValueFrom, type CsvRecord } from './csv.ts';
import { FileRejectedError, type PlainReadOptions, type SourceFormat } from './source.ts';

/**
 * A CSV file read as bytes straight into COPY text, for the rows in the plain form that nearly
 * every row of a register export has; every other row comes out as the record readCsv would have
 * made of it, for the source's own validate().
 *
 * Why: reading a row into strings, a record, checked values and a COPY line cost about 8 µs a BRP
 * row, six times what PostgreSQL's own COPY of the file takes; the bytes of a plain row can be
 * checked and written out in a fraction of that. A source opts in per format with a PlainRows
 * factory (sources/brp/plain-rows.ts, sources/bag/plain-rows.ts) whose writer must produce, for
 * every row it accepts, exactly the lines its validate() would have, one per staging table the
 * row fills (BAG's NLExtract row fills three: the live one streams into COPY, the others go to
 * the loader's spool files): tests/plain-csv.test.ts and tests/plain-bag.test.ts hold the two to
 * that on random and real rows. A writer accepts only what it can check completely and declines the rest, which then
 * takes the ordinary path with its notes, kinds and rejections.
 *
 * A line is plain when it is printable ASCII without a quote or a backslash (so nothing needs
 * quoting or escaping), has as many fields as the header and fits the source's field limit.
 */

/** The fields of one line as byte ranges: field i is line[start[i], end[i]). */
export interface PlainRow {
  readonly line: Buffer;
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/**
 * Writes the row's COPY values (after the load id and line, which the reader writes) and its
 * newline into `out` for the live table and into `spooled[k]` for the k-th of the format's other
 * tables (PlainCsvOptions.spooled), a line in each; false: not plain, and the reader takes back
 * whatever was written.
 */
export type PlainRowWriter = (row: PlainRow, out: CopyOut, spooled: readonly CopyOut[]) => boolean;

/** Makes a writer for a file's header mapping, or null when this header cannot be read plainly. */
export type PlainRows = (mapping: { canonical: string; index: number }[], context: { pseudonymizer: Pseudonymizer }) => PlainRowWriter | null;

/** What the reader hands on: COPY text of the plain rows, and the other rows as records. */
export interface PlainChunk {
  /** Whole COPY lines for the source's first (live) staging table. */
  copy: Buffer | null;
  /** Whole COPY lines for the source's other staging tables, per table name (for the loader's spool files); only tables with lines. */
  spooled: [string, Buffer][];
  rows: number;
  records: CsvRecord[];
}

/** COPY text written into a buffer; the writer functions below are all a plain row needs. */
export class CopyOut {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  bytes(src: Uint8Array, from: number, to: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) b[p++] = src[i]!;
    this.pos = p;
  }

  /** Text known to be printable ASCII without a backslash (our own constants). */
  ascii(text: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < text.length; i++) b[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer in decimal. */
  uint(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    const digits = n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : n < 100_000 ? 5 : String(n).length;
    let p = this.pos + digits;
    this.pos = p;
    for (; n > 0; n = Math.floor(n / 10)) this.buf[--p] = 48 + (n % 10);
  }

  /** COPY's NULL, `\N`. */
  nul(): void {
    this.buf[this.pos++] = 92;
    this.buf[this.pos++] = 78;
  }
}

export const TAB = 9;

/** Bytes read at a time. */
const READ_CHUNK = 256 * 1024;
/** COPY text handed on at a time. */
const OUT_CHUNK = 512 * 1024;
/** Room kept free in each output for one more row: a plain line is at most maxLine bytes, each COPY line made of it under 3 times that plus fixed columns. */
const ROW_ROOM = 8 * 1024;
/** The longest line read plainly, whatever the caller allows; longer lines take the ordinary path. */
const MAX_PLAIN_LINE = 2000;
/** Records gathered before they are handed on. */
const RECORDS_CHUNK = 2048;

export interface PlainCsvOptions extends PlainReadOptions {
  columns: ColumnSpec;
  plain: PlainRows;
  /** The staging tables after the live one that every plain row also writes a line for, in the writer's order. */
  spooled?: readonly string[];
}

/** A format's readPlain for a CSV with these columns and this source's plain rows (and the other tables they write, see PlainRowWriter). */
export function plainCsv(columns: ColumnSpec, plain: PlainRows, spooled: readonly string[] = []): NonNullable<SourceFormat['readPlain']> {
  return (path, options) => readPlainCsv(path, { ...options, columns, plain, spooled });
}

/**
 * The file's rows as PlainChunks, or null when the file cannot be read this way (not UTF-8, a
 * header that is not a plain first line, or a header the source's writer declines): readCsv then
 * reads it. Header problems (a missing column) are left to readCsv to report, word for word.
 */
export async function readPlainCsv(path: string, options: PlainCsvOptions): Promise<AsyncIterable<PlainChunk> | null> {
  const { displayName } = options;
  const dialect = await detectDialect(path, displayName);
  if (dialect.encoding !== 'utf-8') return null;
  const offset = dialect.bom ? 3 : 0;
  const head = await firstLine(path, offset);
  if (head === null) return null;
  const headerText = head.text;
  if (headerText.includes('"') || headerText.trim() === '') return null;
  const header = new CsvSplitter(dialect.delimiter);
  const rows: string[][] = [];
  header.push(headerText + '\n', rows, []);
  const columns = rows[0]!;
  let mapping: { canonical: string; index: number }[];
  try {
    mapping = resolveColumns(columns, options.columns, displayName);
  } catch {
    return null;
  }
  const write = options.plain(mapping, { pseudonymizer: options.pseudonymizer });
  if (!write) return null;
  return chunks(path, options, {
    delimiter: dialect.delimiter,
    width: columns.length,
    toFields: compileMapper(mapping),
    write,
    dataStart: offset + head.bytes,
  });
}

/** The first line of the file from `offset` (without its line end) and its length with it; null when no newline in the first megabyte. */
async function firstLine(path: string, offset: number): Promise<{ text: string; bytes: number } | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const nl = buffer.subarray(0, bytesRead).indexOf(10);
    if (nl === -1) return null;
    const end = nl > 0 && buffer[nl - 1] === 13 ? nl - 1 : nl;
    return { text: buffer.toString('utf8', 0, end), bytes: nl + 1 };
  } finally {
    await handle.close();
  }
}

interface Plan {
  delimiter: string;
  width: number;
  toFields: (row: string[]) => Record<string, string | undefined>;
  write: PlainRowWriter;
  dataStart: number;
}

async function* chunks(path: string, options: PlainCsvOptions, plan: Plan): AsyncGenerator<PlainChunk> {
  const { displayName } = options;
  // The room kept per output holds one row only for lines this short: a longer limit would let a
  // row run past the buffer, whose excess writes a typed array drops without a word.
  const maxLine = Math.min(options.maxLine, MAX_PLAIN_LINE);
  const { width, toFields, write } = plan;
  const delimiter = plan.delimiter.charCodeAt(0);
  const lead = Buffer.from(`${options.loadId}\t`);
  const start = new Int32Array(width + 1);
  const end = new Int32Array(width + 1);
  let out = new CopyOut(OUT_CHUNK);
  const tables = options.spooled ?? [];
  const more = tables.map(() => new CopyOut(OUT_CHUNK));
  const moreStart = new Int32Array(more.length);
  let rows = 0;
  let records: CsvRecord[] = [];
  let dataRows = 0;
  // The header is line 1; a quoted record spanning lines is read by a CsvSplitter from its first line.
  let lineNo = 2;
  let open: CsvSplitter | null = null;
  const pending: string[][] = [];
  const pendingLines: number[] = [];

  const takeRecords = () => {
    for (let k = 0; k < pending.length; k++) {
      const row = pending[k]!;
      if (row.length === 1 && row[0] === '') continue;
      dataRows++;
      const record: CsvRecord = { line: pendingLines[k]!, fields: toFields(row) };
      if (row.length > width) record.fieldCount = { row: row.length, header: width, extra: hasValueFrom(row, width) };
      records.push(record);
    }
    pending.length = 0;
    pendingLines.length = 0;
  };

  /** The line line[from, to) (to at its \n, or the end of the file), through the ordinary splitter. */
  const slow = (line: Buffer, from: number, to: number, number: number) => {
    const text = line.toString('utf8', from, to < line.length ? to + 1 : to);
    if (text.includes('\uFFFD')) throw new FileRejectedError(displayName, 'ongeldige UTF-8 verderop in het bestand (gemengde codering?)');
    open ??= new CsvSplitter(plan.delimiter, number);
    const before = pending.length;
    open.push(text, pending, pendingLines);
    // One physical line ends at most one record; none means a quote is still open.
    if (pending.length > before) open = null;
    takeRecords();
  };

  const line = (buf: Buffer, from: number, to: number) => {
    const number = lineNo++;
    if (open !== null) return slow(buf, from, to, number);
    let stop = to;
    if (stop > from && buf[stop - 1] === 13) stop--;
    if (stop === from) return; // a blank line, as readCsv skips it
    if (stop - from > maxLine) return slow(buf, from, to, number);
    let field = 0;
    start[0] = from;
    for (let i = from; i < stop; i++) {
      const c = buf[i]!;
      if (c === delimiter) {
        if (field === width - 1) return slow(buf, from, to, number);
        end[field++] = i;
        start[field] = i + 1;
      } else if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return slow(buf, from, to, number);
    }
    end[field] = stop;
    if (field !== width - 1) return slow(buf, from, to, number);
    const rowStart = out.pos;
    out.bytes(lead, 0, lead.length);
    out.uint(number);
    out.byte(TAB);
    for (let k = 0; k < more.length; k++) {
      const o = more[k]!;
      moreStart[k] = o.pos;
      o.bytes(out.buf, rowStart, out.pos);
    }
    if (!write({ line: buf, start, end }, out, more)) {
      out.pos = rowStart;
      for (let k = 0; k < more.length; k++) more[k]!.pos = moreStart[k]!;
      return slow(buf, from, to, number);
    }
    rows++;
    dataRows++;
  };

  /** Whether some output has less than a row's room left. */
  const full = () => {
    if (out.pos > OUT_CHUNK - ROW_ROOM) return true;
    for (let k = 0; k < more.length; k++) if (more[k]!.pos > OUT_CHUNK - ROW_ROOM) return true;
    return false;
  };

  const take = (): PlainChunk => {
    const spooled: [string, Buffer][] = [];
    for (let k = 0; k < more.length; k++) {
      if (more[k]!.pos === 0) continue;
      spooled.push([tables[k]!, more[k]!.buf.subarray(0, more[k]!.pos)]);
      more[k] = new CopyOut(OUT_CHUNK);
    }
    const chunk = { copy: out.pos > 0 ? out.buf.subarray(0, out.pos) : null, spooled, rows, records };
    if (out.pos > 0) out = new CopyOut(OUT_CHUNK);
    rows = 0;
    records = [];
    return chunk;
  };

  const stream = createReadStream(path, { start: plan.dataStart, highWaterMark: READ_CHUNK });
  let carry: Buffer | null = null;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      let from = 0;
      if (carry) {
        // Only the line that spans the two reads is joined: copying the whole read to join it
        // was a tenth of the reader's time.
        const nl = piece.indexOf(10);
        if (nl === -1) {
          carry = Buffer.concat([carry, piece]);
          continue;
        }
        const joined = Buffer.concat([carry, piece.subarray(0, nl + 1)]);
        carry = null;
        line(joined, 0, joined.length - 1);
        from = nl + 1;
        if (full() || records.length >= RECORDS_CHUNK) yield take();
      }
      for (let nl = piece.indexOf(10, from); nl !== -1; nl = piece.indexOf(10, from)) {
        line(piece, from, nl);
        from = nl + 1;
        if (full() || records.length >= RECORDS_CHUNK) yield take();
      }
      carry = from < piece.length ? Buffer.from(piece.subarray(from)) : null;
    }
    if (carry) line(carry, 0, carry.length);
    // Set inside line(), which the compiler does not follow.
    const unclosed = open as CsvSplitter | null;
    if (unclosed !== null) {
      unclosed.end(pending, pendingLines);
      takeRecords();
    }
  } catch (error) {
    if (error instanceof FileRejectedError) throw error;
    throw new FileRejectedError(displayName, `CSV kon niet worden gelezen: ${(error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
  if (rows > 0 || records.length > 0) yield take();
  if (dataRows === 0) throw new FileRejectedError(displayName, 'het bestand bevat alleen een kopregel, geen gegevens');
}
