/**
 * The contract between a file reader and the loader.
 *
 * A reader turns one export file into a stream of records whose field names are already the
 * canonical ones of its source (aliases resolved). Values stay raw strings: validation and
 * normalisation belong to the source's validator, so every reader of one source is checked by
 * the same rules and rejects with the same reasons.
 */
export interface SourceRecord {
  /** Which staging table the record is for, when a source has several (BAG: vbo, num, vbo_num). */
  kind?: string;
  /**
   * Human position in the file for error messages: "blad Vergunningen rij 4". Absent means
   * "regel <line>"; CSV readers leave it out because a string per row is measurable at scale.
   */
  location?: string;
  /** Numeric position (line or row number) kept with a staged or rejected row. */
  line: number;
  /** Canonical field name to raw value; missing and empty are both "no value". */
  fields: Record<string, string | undefined>;
  /**
   * Set by readers of delimited text when the row has more fields than the header has columns.
   * A delimiter inside an unquoted value may have shifted the values after it, so no field can be
   * trusted to be what its column says: such a row is masked whole if it is rejected, and
   * rejected when an extra field holds a value (`extra`). Excel's trailing empty field is not.
   */
  fieldCount?: { row: number; header: number; extra: boolean };
}

/** A whole file is unusable: the message names the file and what is wrong. */
export class FileRejectedError extends Error {
  override readonly name = 'FileRejectedError';
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
  }
}

/** Options every reader accepts. */
export interface ReaderOptions {
  /** Display name of the file in messages (the path relative to the inbox, usually). */
  displayName?: string;
  /** For spreadsheets: the sheet to read; default the first. */
  sheet?: string;
  /** Where the reader may write temporary files (the load's spool folder); default the OS temp folder. */
  tempDir?: string;
}

export type Reader = (path: string, options?: ReaderOptions) => AsyncIterable<SourceRecord>;
