/**
 * RFC 4180 rows from text chunks. Lines without a quote (nearly all of a register export) are cut
 * with String.split, which V8 does natively; a line with a quote goes through a small state
 * machine that handles doubled quotes, delimiters and newlines inside quotes. This replaced Papa
 * Parse on the hot path: per row it was the largest cost of an ingest after GC.
 *
 * Each row comes with the physical line it starts on, so errors can name the line even after a
 * field with embedded newlines.
 */
export class CsvSplitter {
  #rest = '';
  #line: number;
  /** Whether the line just taken ended in \r\n, for a newline that turns out to be inside quotes. */
  #previousCr = false;
  /** Fields of a quoted row that spans chunks or lines, and the state of the field in progress. */
  #open: { fields: string[]; field: string; startLine: number; inQuotes: boolean } | null = null;

  /** firstLine: the physical line the text starts on (a part of a file read on its own starts later). */
  constructor(
    readonly delimiter: string,
    firstLine = 1,
  ) {
    this.#line = firstLine;
  }

  /** Complete rows in this chunk (and what the previous chunk left open); `lines` parallels `rows`. */
  push(chunk: string, rows: string[][], lines: number[]): void {
    const text = this.#rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      this.#takeLine(text, start, nl, rows, lines);
      start = nl + 1;
    }
    this.#rest = text.slice(start);
  }

  /** The last line, which may lack a newline. Throws when a quote was never closed. */
  end(rows: string[][], lines: number[]): void {
    if (this.#rest.length > 0) {
      const text = this.#rest;
      this.#rest = '';
      this.#takeLine(text, 0, text.length, rows, lines);
    }
    if (this.#open) throw new Error(`aanhalingsteken geopend op regel ${this.#open.startLine} wordt nooit gesloten`);
  }

  #takeLine(text: string, from: number, to: number, rows: string[][], lines: number[]): void {
    const lineNo = this.#line++;
    let end = to;
    if (end > from && text.charCodeAt(end - 1) === 13) end--;
    const previousCr = this.#previousCr;
    this.#previousCr = end < to;
    if (this.#open === null) {
      const line = text.slice(from, end);
      if (line.indexOf('"') === -1) {
        rows.push(line.split(this.delimiter));
        lines.push(lineNo);
        return;
      }
      this.#open = { fields: [], field: '', startLine: lineNo, inQuotes: false };
      this.#scan(line);
    } else {
      // A newline inside quotes belongs to the field; keep \r\n as it was written.
      this.#open.field += previousCr ? '\r\n' : '\n';
      this.#scan(text.slice(from, end));
    }
    const open = this.#open;
    if (!open.inQuotes) {
      open.fields.push(open.field);
      rows.push(open.fields);
      lines.push(open.startLine);
      this.#open = null;
    }
  }

  /** Continues the quoted-row state machine over one physical line (without its newline). */
  #scan(line: string): void {
    const open = this.#open!;
    const d = this.delimiter;
    let i = 0;
    while (i < line.length) {
      if (open.inQuotes) {
        const q = line.indexOf('"', i);
        if (q === -1) {
          open.field += line.slice(i);
          return;
        }
        open.field += line.slice(i, q);
        if (line[q + 1] === '"') {
          open.field += '"';
          i = q + 2;
        } else {
          open.inQuotes = false;
          i = q + 1;
        }
      } else {
        const ch = line[i]!;
        if (ch === d) {
          open.fields.push(open.field);
          open.field = '';
          i++;
        } else if (ch === '"' && open.field.length === 0) {
          open.inQuotes = true;
          i++;
        } else {
          // Text outside quotes up to the next delimiter or quote (a stray quote is kept as text).
          let j = i + 1;
          while (j < line.length && line[j] !== d) j++;
          open.field += line.slice(i, j);
          i = j;
        }
      }
    }
  }
}
