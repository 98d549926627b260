import { createReadStream } from 'node:fs';

/** A byte range of a CSV file that starts and ends on record boundaries. */
export interface CsvRange {
  start: number;
  /** Exclusive. */
  end: number;
  /** Physical line number of the first byte of the range. */
  firstLine: number;
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Finds where records end in a CSV file without parsing its fields, so that parts of the file can
 * be read by different threads. It follows the quoting rules of CsvSplitter: a quote opens a
 * quoted field only at the start of a field, `""` inside quotes is a quote, and a newline inside
 * quotes belongs to the field. Lines without a quote, nearly all of an export, are skipped with
 * a native byte search.
 *
 * Works on bytes: the delimiter, quote and newline are ASCII, and neither UTF-8 nor Windows-1252
 * uses those byte values inside another character.
 */
export class CsvBoundaryScanner {
  #offset = 0;
  #line = 1;
  #inQuotes = false;
  /** A quote was the last byte of the previous chunk while in quotes: `""` or a closing quote. */
  #quotePending = false;
  #previousByte = NEWLINE;

  constructor(readonly delimiter: number) {}

  /**
   * Feeds the next chunk; calls onRecordEnd(offset after the newline, line number after it) for
   * every newline that ends a record. Returning true from the callback stops the scan.
   */
  push(chunk: Buffer, onRecordEnd: (offset: number, nextLine: number) => boolean | void): boolean {
    let i = 0;
    if (this.#quotePending) {
      this.#quotePending = false;
      if (chunk.length > 0 && chunk[0] === QUOTE)
        i = 1; // an escaped quote: still in quotes
      else this.#inQuotes = false;
    }
    const n = chunk.length;
    let nextQuote = -2;
    while (i < n) {
      if (this.#inQuotes) {
        const q = chunk.indexOf(QUOTE, i);
        const end = q === -1 ? n : q;
        this.#line += countNewlines(chunk, i, end);
        if (q === -1) {
          break;
        }
        if (q + 1 === n) {
          this.#quotePending = true;
          break;
        }
        if (chunk[q + 1] === QUOTE) i = q + 2;
        else {
          this.#inQuotes = false;
          i = q + 1;
        }
        continue;
      }
      const nl = chunk.indexOf(NEWLINE, i);
      // The next quote is searched once and reused until passed: searching it per line would scan
      // the rest of a quote-free chunk for every line.
      if (nextQuote !== -1 && nextQuote < i) nextQuote = chunk.indexOf(QUOTE, i);
      const q = nextQuote;
      if (q !== -1 && (nl === -1 || q < nl)) {
        const before = q > 0 ? chunk[q - 1]! : this.#previousByte;
        if (before === this.delimiter || before === NEWLINE) this.#inQuotes = true;
        i = q + 1;
        continue;
      }
      if (nl === -1) {
        break;
      }
      this.#line++;
      i = nl + 1;
      if (onRecordEnd(this.#offset + i, this.#line) === true) {
        this.#offset += n;
        return true;
      }
    }
    if (n > 0) this.#previousByte = chunk[n - 1]!;
    this.#offset += n;
    return false;
  }
}

function countNewlines(chunk: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = chunk.indexOf(NEWLINE, from); i !== -1 && i < to; i = chunk.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

/**
 * Splits the data part of a CSV file (from dataStart, the byte after the header record) into up
 * to `parts` ranges of about equal size, each starting on a record boundary. Reads the file up to
 * the last cut only.
 */
export async function splitCsvRanges(
  path: string,
  options: { delimiter: string; dataStart: number; dataStartLine: number; size: number; parts: number },
): Promise<CsvRange[]> {
  const { dataStart, size, parts } = options;
  const targets: number[] = [];
  for (let k = 1; k < parts; k++) targets.push(dataStart + Math.floor(((size - dataStart) * k) / parts));
  const cuts: { offset: number; line: number }[] = [];
  if (targets.length > 0) {
    const scanner = new CsvBoundaryScanner(options.delimiter.charCodeAt(0));
    // Scanning starts at the data, which begins outside quotes at the start of a line.
    for await (const chunk of createReadStream(path, { start: dataStart, highWaterMark: 4 << 20 })) {
      const stop = scanner.push(chunk as Buffer, (relative, nextLine) => {
        const offset = dataStart + relative;
        if (offset < targets[cuts.length]!) return false;
        cuts.push({ offset, line: options.dataStartLine + nextLine - 1 });
        return cuts.length === targets.length;
      });
      if (stop) break;
    }
  }
  const ranges: CsvRange[] = [];
  let start = dataStart;
  let line = options.dataStartLine;
  for (const cut of cuts) {
    if (cut.offset >= size) break;
    ranges.push({ start, end: cut.offset, firstLine: line });
    start = cut.offset;
    line = cut.line;
  }
  ranges.push({ start, end: size, firstLine: line });
  return ranges.filter((r) => r.end > r.start);
}
