/**
 * The contract between a source's declaration (sources/<name>/index.ts), its readers and the
 * loader: what a source declares, what a reader yields, what a validator returns. Types and the
 * few helpers every declaration builds rows with; nothing here knows a particular source.
 */
import { compileCopyFields, type Session } from '../lib/db.ts';
import type { Pseudonymizer } from '../lib/pseudonym.ts';
import type { PlainChunk } from './plain-csv.ts';

/**
 * The production sources. The registry (sources/index.ts) must declare exactly these, which the
 * type checker holds it to; the name is also the inbox folder and the key of runs and loads.
 */
export type SourceName = 'brp' | 'bag' | 'permits' | 'damocles' | 'meldingen';

/**
 * One row of an export file as a reader yields it: field names already the canonical ones of its
 * source (aliases resolved), values raw strings. Validation and normalisation belong to the
 * source's validator, so every reader of one source is checked by the same rules and rejects with
 * the same reasons.
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
export interface ReadOptions {
  /** The file's name as messages and rejected rows show it (the path relative to the inbox, usually). */
  displayName?: string;
  /** The sheet of a spreadsheet to read; the first when absent. */
  sheet?: string;
  /** Spreadsheets larger than this are refused before any parsing (XLSX_MAX_MB). */
  maxSpreadsheetBytes?: number;
  /** The load's spool folder, for readers that need temporary files (nested zips); default the OS temp folder. */
  tempDir?: string;
}

/**
 * A file cut into byte ranges that can be read independently. What else a plan holds (dialect,
 * header) is the format's own: it gets back the plan it made.
 */
export interface SplitPlan {
  readonly ranges: readonly unknown[];
}

/** What the loader gives a format's readPlain. */
export interface PlainReadOptions {
  displayName: string;
  pseudonymizer: Pseudonymizer;
  /** Written at the head of every COPY line, as the loader writes it for validated rows. */
  loadId: number;
  /** A longer line is not plain: the loader's field length limit, so no plain field exceeds it. */
  maxLine: number;
}

/** A file format of a source: how to recognise it and how to read it into canonical records. */
export interface SourceFormat {
  name: string;
  /** Cheap test on the path and the first bytes; the first format that claims a file reads it. */
  claims(path: string, head: Buffer): boolean;
  read(path: string, options: ReadOptions & { displayName: string }): AsyncIterable<SourceRecord>;
  /**
   * Reads the file as bytes straight into COPY text for the rows in their plain form, the others as
   * records (sources/plain-csv.ts); resolves to null when this file cannot be read so, and the
   * loader then calls read().
   */
  readPlain?(path: string, options: PlainReadOptions): Promise<AsyncIterable<PlainChunk> | null>;
  /**
   * Offered by formats whose records can be read from independent byte ranges (plain CSV, where
   * no record continues another), so that large files are validated on several threads.
   */
  split?: {
    plan(path: string, options: { displayName: string; parts: number }): Promise<SplitPlan | null>;
    read(path: string, options: { displayName: string; plan: SplitPlan; index: number }): AsyncIterable<SourceRecord>;
  };
}

/** A value bound for a staging column; null is SQL NULL. */
export type StagedValue = string | number | boolean | null;

/** A row of one staging table as named fields: every column, and no other. */
export type StagingFields<C extends string> = { [K in C]: StagedValue };

/**
 * A staging table and its columns after (load_id, line), in the order COPY writes them. Rows are
 * built by name through `row`, so a missing or unknown column is a type error, not a value in
 * the wrong column; tests/staging-columns.test.ts holds the names to the migrated table.
 */
export class StagingTable<C extends string = string> {
  /** One staged row as a COPY text line, its values in the order of `columns`, after `lead` (load_id, line). */
  readonly copyLine: (fields: Readonly<Record<string, StagedValue>>, lead?: string) => string;

  constructor(
    /** Schema-qualified: staging.<name>. */
    readonly name: string,
    readonly columns: readonly C[],
  ) {
    this.copyLine = compileCopyFields(columns);
  }

  row(fields: StagingFields<C>): StagedRow {
    return { table: this, fields };
  }
}

export function stagingTable<const C extends string>(name: string, columns: readonly C[]): StagingTable<C> {
  return new StagingTable(name, columns);
}

/** A source's `tables`, in the order given: the first is the one streamed into COPY. */
export function tablesByName(...tables: StagingTable[]): Readonly<Record<string, StagingTable>> {
  return Object.freeze(Object.fromEntries(tables.map((table) => [table.name, table])));
}

/** One validated row for one staging table; the loader writes its fields in the table's column order. */
export interface StagedRow {
  table: StagingTable;
  fields: Readonly<Record<string, StagedValue>>;
}

/** A remark on a row that was staged all the same: a field dropped, a value read as unknown. */
export interface Note {
  column: string;
  reason: string;
}

export interface Accepted {
  rows: StagedRow[];
  /**
   * What the row is when it is valid but not addressable (in Dutch, for the ingest summary: "in
   * het buitenland"); absent for an ordinary row.
   */
  kind?: string;
  notes?: Note[];
  /** Counted per load, not shown: what `inspect` needs to know to skip work (rows with a list id). */
  mark?: string;
}

export type Validation = ({ ok: true } & Accepted) | { ok: false; column: string; reason: string };

/**
 * How a row builder remarks on a value it leaves out while the row is staged all the same: a
 * coordinate outside the Netherlands costs the map its point, not the register its object.
 */
export type AddNote = (column: string, reason: string) => void;

export interface ValidateContext {
  pseudonymizer: Pseudonymizer;
}

/**
 * Everything the warehouse knows about a source, in one place: the rest (the list of sources,
 * labels, freshness, match rates, key versions, retention) is derived from these declarations.
 */
export interface SourceDefinition<Name extends string = string> {
  name: Name;
  /** As the Dutch warnings and reports name it ("bron vergunningen is verouderd"). */
  label: string;
  /** Maximum age in days of the newest load before a run warns; FRESHNESS_<NAME>_DAYS overrides it. */
  freshnessDays: number;
  formats: SourceFormat[];
  /**
   * Its staging tables by name (`tablesByName`); the first is streamed into COPY while reading,
   * the others are spooled. The transform runner maps a staging table a transform reads to the
   * source whose `tables` has it.
   */
  tables: Readonly<Record<string, StagingTable>>;
  /**
   * How the rows of its model table found their BAG object, reported after publishing: per
   * `match_method` of `table`, the rows `where` holds (all when absent). Absent for a source
   * that is the BAG itself.
   */
  matchRates?: { table: string; where?: string };
  /**
   * Where the key version of its pseudonyms is read (a staging table with a key_version column),
   * for the warning that published loads mix key versions. Absent for a source without pseudonyms.
   */
  keyVersionIn?: StagingTable;
  /**
   * How a load says which municipality its rows belong to, when its data says it: SQL over the
   * load's staged rows ($1 is the load id) giving (code, n) per municipality code, most rows first.
   * Absent for a register whose rows do not say it: its folder does (inbox/<gemeentecode>/<source>/).
   */
  gemeentecodesSql?: string;
  /**
   * Canonical fields that identify a person (BSN, names, birth date): never stored raw in
   * rejected rows. A value that looks like a BSN becomes its pseudonym; anything else is masked.
   */
  maskedFields: readonly string[];
  /** Fields allowed to be longer than the loader's general limit (MAX_FIELD_LENGTH), with their own. */
  maxLength?: Readonly<Record<string, number>>;
  validate(record: SourceRecord, context: ValidateContext): Validation;
  /**
   * Warnings about a load as a whole, found by set-based SQL once its rows are staged (inside the
   * load's transaction): what no single row shows, such as one BSN on two persoonslijsten.
   */
  inspect?(session: Session, load: { loadId: number; file: string; marks: ReadonlyMap<string, number> }): Promise<string[]>;
}

/** Row-building helper: checks run in order and the first failure rejects the row. */
export class RowError extends Error {
  constructor(
    readonly column: string,
    readonly reason: string,
  ) {
    super(`${column}: ${reason}`);
  }
}

// One collector for every row: building is synchronous, and a closure per row would be an
// allocation on every source's hot path for what nearly no row has.
const pending: Note[] = [];
const addNote: AddNote = (column, reason) => void pending.push({ column, reason });

export function validation(build: (note: AddNote) => StagedRow[] | Accepted): Validation {
  pending.length = 0;
  try {
    const built = build(addNote);
    const accepted: Accepted = Array.isArray(built) ? { rows: built } : built;
    if (pending.length > 0) accepted.notes = accepted.notes ? [...accepted.notes, ...pending.splice(0)] : pending.splice(0);
    return { ok: true, ...accepted };
  } catch (error) {
    if (error instanceof RowError) return { ok: false, column: error.column, reason: error.reason };
    throw error;
  }
}
