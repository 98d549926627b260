import { copyLine } from '../lib/db.ts';
import type { Pseudonymizer } from '../lib/pseudonym.ts';
import type { SourceDefinition } from '../sources/source.ts';
import type { SourceRecord } from '../sources/types.ts';
import { bsnDigits } from '../sources/validate.ts';

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

  constructor(
    readonly source: SourceDefinition,
    readonly loadId: number,
    readonly pseudonymizer: Pseudonymizer,
    readonly liveTable: string,
  ) {}

  route(record: SourceRecord): void {
    this.rowsRead++;
    const checked = shiftedRow(record) ?? unfitField(record) ?? this.source.validate(record, { pseudonymizer: this.pseudonymizer });
    if (!checked.ok) {
      this.rowsRejected++;
      this.#count(checked.column, checked.reason, 1);
      this.#spool(
        REJECTED,
        copyLine([this.loadId, record.line, record.location ?? `regel ${record.line}`, checked.column, checked.reason, JSON.stringify(this.#rawForAudit(record))]),
      );
      return;
    }
    this.rowsStaged++;
    const lead = `${this.loadId}\t${record.line}\t`;
    for (const row of checked.rows) {
      const line = copyLine(row.values, lead);
      if (row.table === this.liveTable) {
        this.#live.push(line);
        this.pending += line.length;
      } else this.#spool(row.table, line);
    }
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

  mergeReasons(reasons: Iterable<Reason>): void {
    for (const r of reasons) this.#count(r.column, r.reason, r.count);
  }

  #count(column: string, reason: string, count: number): void {
    const key = `${column}\u0000${reason}`;
    const seen = this.reasons.get(key);
    if (seen) seen.count += count;
    else this.reasons.set(key, { column, reason, count });
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
      for (const key in raw) if (raw[key]) raw[key] = `[gemaskeerd, ${raw[key]!.length} tekens]`;
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
interface WellFormedString extends String {
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
function unfitField(record: SourceRecord): { ok: false; column: string; reason: string } | undefined {
  for (const key in record.fields) {
    const value = record.fields[key];
    if (value === undefined) continue;
    if (value.length > MAX_FIELD_LENGTH) {
      return { ok: false, column: key, reason: `veld is ${value.length} tekens lang; het maximum is ${MAX_FIELD_LENGTH}` };
    }
    if (value.indexOf('\u0000') !== -1) return { ok: false, column: key, reason: 'veld bevat een NUL-teken (binaire inhoud)' };
    if (!wellFormed(value)) return { ok: false, column: key, reason: 'veld bevat een half Unicode-teken (een losse surrogaathelft, geen geldige tekst)' };
  }
  return undefined;
}
