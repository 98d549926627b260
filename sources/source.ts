import type { Pseudonymizer } from '../lib/pseudonym.ts';
import type { SourceRecord } from './types.ts';
import type { CsvSplitPlan } from './csv.ts';

export type SourceName = 'brp' | 'bag' | 'permits' | 'damocles';
export const SOURCES: readonly SourceName[] = ['bag', 'brp', 'permits', 'damocles'];
/** Each source as the Dutch warnings and reports name it. */
export const SOURCE_LABELS: Record<SourceName, string> = { brp: 'BRP', bag: 'BAG', permits: 'vergunningen', damocles: 'Damocles' };

/** A value bound for a staging column; null is SQL NULL. */
export type StagedValue = string | number | boolean | null;

/** One validated row for one staging table, values in the order of that table's columns. */
export interface StagedRow {
  table: string;
  values: StagedValue[];
}

export type Validation =
  | { ok: true; rows: StagedRow[] }
  | { ok: false; column: string; reason: string };

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
  validate(record: SourceRecord, context: ValidateContext): Validation;
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

export function validation(build: () => StagedRow[]): Validation {
  try {
    return { ok: true, rows: build() };
  } catch (error) {
    if (error instanceof RowError) return { ok: false, column: error.column, reason: error.reason };
    throw error;
  }
}
