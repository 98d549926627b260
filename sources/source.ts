import type { Session } from '../lib/db.ts';
import type { Pseudonymizer } from '../lib/pseudonym.ts';
import type { SourceRecord } from './types.ts';
import type { CsvSplitPlan } from './csv.ts';

export type SourceName = 'brp' | 'bag' | 'permits' | 'damocles' | 'meldingen';
export const SOURCES: readonly SourceName[] = ['bag', 'brp', 'permits', 'damocles', 'meldingen'];
/** Each source as the Dutch warnings and reports name it. */
export const SOURCE_LABELS: Record<SourceName, string> = { brp: 'BRP', bag: 'BAG', permits: 'vergunningen', damocles: 'Damocles', meldingen: 'meldpunt' };

/** A value bound for a staging column; null is SQL NULL. */
export type StagedValue = string | number | boolean | null;

/** One validated row for one staging table, values in the order of that table's columns. */
export interface StagedRow {
  table: string;
  values: StagedValue[];
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

export interface ReadOptions {
  /** The file's name as messages and rejected rows show it. */
  displayName: string;
  /** The sheet of a spreadsheet to read; the first when absent. */
  sheet?: string;
  /** Spreadsheets larger than this are refused before any parsing (XLSX_MAX_MB). */
  maxSpreadsheetBytes?: number;
  /** The load's spool folder, for readers that need temporary files (nested zips). */
  tempDir?: string;
}

/** A file format of a source: how to recognise it and how to read it into canonical records. */
export interface SourceFormat {
  name: string;
  /** Cheap test on the path and the first bytes; the first format that claims a file reads it. */
  claims(path: string, head: Buffer): boolean;
  read(path: string, options: ReadOptions): AsyncIterable<SourceRecord>;
  /**
   * Offered by formats whose records can be read from independent byte ranges (plain CSV, where
   * no record continues another), so that large files are validated on several threads.
   */
  split?: {
    plan(path: string, options: { displayName: string; parts: number }): Promise<CsvSplitPlan | null>;
    read(path: string, options: { displayName: string; plan: CsvSplitPlan; index: number }): AsyncIterable<SourceRecord>;
  };
}

export interface SourceDefinition {
  name: SourceName;
  formats: SourceFormat[];
  /** Staging table name (schema-qualified) to its columns after (load_id, line). */
  tables: Record<string, readonly string[]>;
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
