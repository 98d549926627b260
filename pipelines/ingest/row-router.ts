import { copyLine } from '../../lib/db.ts';
import type { Pseudonymizer } from '../../lib/pseudonym.ts';
import type { SourceDefinition, SourceRecord } from '../../sources/source.ts';
import { bsnDigits } from '../../sources/validate.ts';

/** No field of any register is anywhere near this long; a longer one is garbage or an attack. */
export const MAX_FIELD_LENGTH = 1000;

/**
 * Text held before it goes out (to COPY, a spool file or the main thread): one hand-off per
 * 256 KB, not per row, because an await per row costs more than the row itself.
 */
export const FLUSH_CHARS = 256 * 1024;

/** The spool that holds rejected rows (for pakhuis.rejected_rows). */
export const REJECTED = 'rejected';

export interface Reason {
  column: string;
  reason: string;
  count: number;
}

/** Remarks on staged rows (a value dropped, read as unknown), per column and reason, with where it first happened. */
export interface Noted extends Reason {
  firstLine: number;
  firstLocation: string;
}

/** One remark as the run's warnings and the CLI say it. */
export function notedText(file: string, d: Noted): string {
  return `${file}: ${d.count}x ${d.column}: ${d.reason} (eerste: ${d.firstLocation})`;
}

/**
 * Validates records and turns them into COPY text: rows for the live staging table, rows for the
 * source's other staging tables, and rejected rows with their reason. Synchronous and free of I/O,
 * so the same code runs on the main thread and on ingest workers.
 */
export class RowRouter {
  /**
   * Lines for the live table, taken by the caller as they grow. Joined once on taking: a string
   * grown by += is a rope of thousands of pieces, and flattening it for the socket cost more than
   * building it.
   */
  readonly #live: string[] = [];
  /** COPY lines per other table and for rejected rows. */
  readonly #spooled = new Map<string, string[]>();
  /** Characters held in live and spooled text together; flush when it reaches FLUSH_CHARS. */
  pending = 0;
  rowsRead = 0;
  rowsStaged = 0;
  rowsRejected = 0;
  readonly reasons = new Map<string, Reason>();
  /** Staged rows that are valid but not addressable, per kind ("in het buitenland"). */
  readonly kinds = new Map<string, number>();
  /** Remarks on staged rows (a field dropped, a value read as unknown), per column and reason. */
  readonly notes = new Map<string, Noted>();
  /** Staged rows per mark (see Accepted.mark in sources/source.ts). */
  readonly marks = new Map<string, number>();

  constructor(
    readonly source: SourceDefinition,
    readonly loadId: number,
    readonly pseudonymizer: Pseudonymizer,
    readonly liveTable: string,
  ) {}

  route(record: SourceRecord): void {
    this.rowsRead++;
    const checked = shiftedRow(record) ?? unfitField(record, this.source.maxLength) ?? this.source.validate(record, { pseudonymizer: this.pseudonymizer });
    if (!checked.ok) {
      this.rowsRejected++;
      this.#count(checked.column, checked.reason, 1);
      this.#spool(
        REJECTED,
        copyLine([
          this.loadId,
          record.line,
          record.location ?? `regel ${record.line}`,
          checked.column,
          checked.reason,
          JSON.stringify(this.#rawForAudit(record)),
        ]),
      );
      return;
    }
    this.rowsStaged++;
    if (checked.kind !== undefined) this.kinds.set(checked.kind, (this.kinds.get(checked.kind) ?? 0) + 1);
    if (checked.notes) {
      for (const n of checked.notes) this.#note({ ...n, count: 1, firstLine: record.line, firstLocation: record.location ?? `regel ${record.line}` });
    }
    if (checked.mark !== undefined) this.marks.set(checked.mark, (this.marks.get(checked.mark) ?? 0) + 1);
    const lead = `${this.loadId}\t${record.line}\t`;
    for (const row of checked.rows) {
      const line = row.table.copyLine(row.fields, lead);
      if (row.table.name === this.liveTable) {
        this.#live.push(line);
        this.pending += line.length;
      } else this.#spool(row.table.name, line);
    }
  }

  /** Rows a format read, checked and wrote as COPY text itself (SourceFormat.readPlain): staged, nothing to note. */
  countPlain(rows: number): void {
    this.rowsRead += rows;
    this.rowsStaged += rows;
  }

  /** Whether lines for the live table are waiting. */
  get hasLive(): boolean {
    return this.#live.length > 0;
  }

  takeLive(): string {
    const text = this.#live.join('');
    this.pending -= text.length;
    this.#live.length = 0;
    return text;
  }

  /** The spooled text gathered since the last call, per table. */
  takeSpooled(): [string, string][] {
    const taken: [string, string][] = [];
    for (const [table, lines] of this.#spooled) if (lines.length > 0) taken.push([table, lines.join('')]);
    for (const [, text] of taken) this.pending -= text.length;
    this.#spooled.clear();
    return taken;
  }

  /** Adds the counts of another router (an ingest worker's part of the file). */
  merge(counts: RouterCounts): void {
    for (const r of counts.reasons) count(this.reasons, r.column, r.reason, r.count);
    for (const n of counts.notes) this.#note(n);
    for (const [kind, n] of counts.kinds) this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + n);
    for (const [mark, n] of counts.marks) this.marks.set(mark, (this.marks.get(mark) ?? 0) + n);
  }

  /** The counts as plain data, for a worker to send to the main thread. */
  counts(): RouterCounts {
    return { reasons: [...this.reasons.values()], notes: [...this.notes.values()], kinds: [...this.kinds], marks: [...this.marks] };
  }

  #count(column: string, reason: string, n: number): void {
    count(this.reasons, column, reason, n);
  }

  #note(n: Noted): void {
    const key = `${n.column}\u0000${n.reason}`;
    const seen = this.notes.get(key);
    if (!seen) this.notes.set(key, { ...n });
    else {
      seen.count += n.count;
      // Parts of a file read on workers report in any order: the first place is the lowest line.
      if (n.firstLine < seen.firstLine) [seen.firstLine, seen.firstLocation] = [n.firstLine, n.firstLocation];
    }
  }

  #spool(table: string, line: string): void {
    const lines = this.#spooled.get(table);
    if (lines) lines.push(line);
    else this.#spooled.set(table, [line]);
    this.pending += line.length;
  }

  /** The row as read, minus BSNs: a valid one becomes its pseudonym, an invalid one is masked. */
  #rawForAudit(record: SourceRecord): Record<string, string | undefined> {
    const raw = { ...record.fields };
    // Shifted values may sit under any column: a BSN or a name under "postcode". Keep only lengths.
    if (record.fieldCount) {
      for (const key in raw) if (raw[key]) raw[key] = `[gemaskeerd, ${raw[key].length} tekens]`;
      return raw;
    }
    // jsonb holds neither U+0000 nor half a surrogate pair (JSON.stringify writes one as \ud800,
    // which PostgreSQL refuses, and that failed the whole load): keep the row readable, mark where
    // the NUL was, and put U+FFFD where a lone surrogate was.
    for (const key in raw) {
      const value = raw[key];
      if (value === undefined) continue;
      if (value.includes('\u0000')) raw[key] = value.replace(/\u0000/g, '\u2400');
      if (!wellFormed(raw[key]!)) raw[key] = (raw[key] as unknown as WellFormedString).toWellFormed();
    }
    for (const field of this.source.maskedFields) {
      const value = raw[field]?.trim();
      if (!value) continue;
      const bsn = bsnDigits(value);
      raw[field] = bsn !== null ? `pseudoniem:${this.pseudonymizer.pseudonymise(bsn)}` : `[gemaskeerd, ${value.length} tekens]`;
    }
    return raw;
  }
}

export interface RouterCounts {
  reasons: Reason[];
  notes: Noted[];
  kinds: [string, number][];
  marks: [string, number][];
}

function count(map: Map<string, Reason>, column: string, reason: string, n: number): void {
  const key = `${column}\u0000${reason}`;
  const seen = map.get(key);
  if (seen) seen.count += n;
  else map.set(key, { column, reason, count: n });
}

/** A row with more values than the header has columns: every value after the extra delimiter is in the wrong column. */
function shiftedRow(record: SourceRecord): { ok: false; column: string; reason: string } | undefined {
  const count = record.fieldCount;
  if (!count?.extra) return undefined;
  return {
    ok: false,
    column: 'rij',
    reason: `de rij heeft ${count.row} velden, de kopregel ${count.header} kolommen (een scheidingsteken in een waarde zonder aanhalingstekens?)`,
  };
}

/** String methods of ES2024, which Node 20's V8 has and this project's ES2022 typings do not. */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * Whether a string holds no half of a surrogate pair. V8 answers at once for the usual one-byte
 * string, so the check costs nothing on Latin text.
 */
const wellFormed = (value: string): boolean => (value as unknown as WellFormedString).isWellFormed();

/**
 * Checks every source shares: no absurdly long field, no NUL character (PostgreSQL text cannot
 * hold one), and no lone surrogate: JSON may escape one (`"\ud800"`), UTF-8 cannot encode it, and
 * it would reach the database as U+FFFD in a name or fail the load in a rejected row's JSON.
 */
function unfitField(record: SourceRecord, maxLength: SourceDefinition['maxLength']): { ok: false; column: string; reason: string } | undefined {
  for (const key in record.fields) {
    const value = record.fields[key];
    if (value === undefined) continue;
    const max = maxLength?.[key] ?? MAX_FIELD_LENGTH;
    if (value.length > max) {
      return { ok: false, column: key, reason: `veld is ${value.length} tekens lang; het maximum is ${max}` };
    }
    if (value.indexOf('\u0000') !== -1) return { ok: false, column: key, reason: 'veld bevat een NUL-teken (binaire inhoud)' };
    if (!wellFormed(value)) return { ok: false, column: key, reason: 'veld bevat een half Unicode-teken (een losse surrogaathelft, geen geldige tekst)' };
  }
  return undefined;
}
