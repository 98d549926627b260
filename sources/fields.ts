import { RowError, type SourceRecord } from './source.ts';
import type { Checked } from './validate.ts';

/** The field's value, trimmed; empty counts as absent. */
export function opt(record: SourceRecord, name: string): string | undefined {
  const value = record.fields[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function req(record: SourceRecord, name: string): string {
  const value = opt(record, name);
  if (value === undefined) throw new RowError(name, 'verplicht veld is leeg');
  return value;
}

export function must<T>(checked: Checked<T>, column: string): T {
  if (!checked.ok) throw new RowError(column, checked.reason);
  return checked.value;
}

/** Checks the field when present; absent gives null. */
export function optional<T>(record: SourceRecord, name: string, check: (raw: string) => Checked<T>): T | null {
  const value = opt(record, name);
  return value === undefined ? null : must(check(value), name);
}

/** A value from a fixed list, matched case-insensitively; `map` turns synonyms into the listed value. */
export function oneOf(allowed: readonly string[], map: Record<string, string> = {}) {
  const byLower = new Map(allowed.map((a) => [a.toLowerCase(), a]));
  for (const [k, v] of Object.entries(map)) byLower.set(k.toLowerCase(), v);
  return (raw: string): Checked<string> => {
    const hit = byLower.get(raw.trim().toLowerCase());
    return hit ? { ok: true, value: hit } : { ok: false, reason: `waarde niet toegestaan; verwacht een van: ${allowed.join(', ')}` };
  };
}
