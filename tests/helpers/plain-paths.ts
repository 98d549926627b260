import { expect } from 'vitest';
import type { Pseudonymizer } from '../../lib/pseudonym.ts';
import { RowRouter } from '../../pipelines/ingest/row-router.ts';
import type { SourceDefinition, SourceFormat } from '../../sources/source.ts';

/** What a file stages read one way: sorted COPY lines per table (and `rejected`), counts, reasons, notes, kinds, marks. */
export interface Staged {
  tables: Record<string, string[]>;
  rowsRead: number;
  rowsStaged: number;
  rowsRejected: number;
  reasons: string[];
  notes: string[];
  kinds: string[];
  marks: string[];
  plainRows: number;
}

/**
 * Reads the file through the format's plain reader (plain: true) or its ordinary reader and the
 * source's validate(), as the loader does, and gathers what each staging table would receive.
 */
export async function stage(source: SourceDefinition, format: SourceFormat, path: string, plain: boolean, pseudonymizer: Pseudonymizer): Promise<Staged> {
  const names = Object.keys(source.tables);
  const live = names[0]!;
  const router = new RowRouter(source, 7, pseudonymizer, live);
  const text = new Map<string, string>();
  const add = (table: string, t: string) => text.set(table, (text.get(table) ?? '') + t);
  let plainRows = 0;
  const reader = plain ? await format.readPlain!(path, { displayName: 'f.csv', pseudonymizer, loadId: 7, maxLine: 1000 }) : null;
  if (plain && !reader) throw new Error('the plain reader declined the file');
  if (reader) {
    for await (const chunk of reader) {
      router.countPlain(chunk.rows);
      plainRows += chunk.rows;
      for (const record of chunk.records) router.route(record);
      if (chunk.copy) add(live, chunk.copy.toString('utf8'));
      for (const [table, buffer] of chunk.spooled) add(table, buffer.toString('utf8'));
    }
  } else {
    for await (const record of format.read(path, { displayName: 'f.csv' })) router.route(record);
  }
  add(live, router.takeLive());
  for (const [table, t] of router.takeSpooled()) add(table, t);
  const tables: Record<string, string[]> = {};
  for (const name of [...names, 'rejected']) tables[name] = (text.get(name) ?? '').split('\n').filter(Boolean).sort();
  for (const name of text.keys()) expect(Object.keys(tables)).toContain(name);
  return {
    tables,
    rowsRead: router.rowsRead,
    rowsStaged: router.rowsStaged,
    rowsRejected: router.rowsRejected,
    reasons: [...router.reasons.values()].map((r) => `${r.column}|${r.reason}|${r.count}`).sort(),
    notes: [...router.notes.values()].map((n) => `${n.column}|${n.reason}|${n.count}|${n.firstLine}`).sort(),
    kinds: [...router.kinds].map(([k, n]) => `${k}|${n}`).sort(),
    marks: [...router.marks].map(([k, n]) => `${k}|${n}`).sort(),
    plainRows,
  };
}

/** Both ways must stage the same; returns what the plain way staged (with how many rows it read plainly). */
export async function compareBothWays(source: SourceDefinition, format: SourceFormat, path: string, pseudonymizer: Pseudonymizer): Promise<Staged> {
  const ordinary = await stage(source, format, path, false, pseudonymizer);
  const plain = await stage(source, format, path, true, pseudonymizer);
  expect(plain.plainRows).toBeLessThanOrEqual(plain.rowsRead);
  const { plainRows: _a, ...a } = ordinary;
  const { plainRows: _b, ...b } = plain;
  expect(b).toEqual(a);
  return plain;
}
