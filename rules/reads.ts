import type { SourceName } from '../sources/source.ts';

/**
 * The model relations a rule may read, and the source each is built from (sql/transforms). A rule
 * declares beside its SQL which columns of which relation it reads (`reads`); the DPIA appendix
 * lists them per source, and tests/dpia.test.ts checks the declaration against the SQL.
 */
export const MODEL_SOURCES = {
  'model.verblijfsobject': ['bag'],
  'model.nummeraanduiding': ['bag'],
  'model.inschrijving': ['brp', 'bag'],
  'model.bewoning': ['brp', 'bag'],
  'model.bewoning_telling': ['brp', 'bag'],
  'model.vergunning': ['permits', 'bag'],
  'model.damocles_zaak': ['damocles', 'bag'],
  'model.partij': ['permits', 'damocles'],
  'model.melding': ['meldingen', 'bag'],
  signal_candidates: [],
} as const satisfies Record<string, readonly SourceName[]>;

export type ModelRelation = keyof typeof MODEL_SOURCES;
export type Reads = Partial<Record<ModelRelation, readonly string[]>>;

/** The SQL without comments and string literals: what is left names relations and columns. */
export function sqlCode(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");
}

/** The relations of MODEL_SOURCES a rule's SQL names. */
export function relationsIn(sql: string): ModelRelation[] {
  const code = sqlCode(sql);
  return (Object.keys(MODEL_SOURCES) as ModelRelation[]).filter((r) =>
    r === 'signal_candidates' ? /(?<![.\w])signal_candidates\b/.test(code) : new RegExp(`\\b${r.replace('.', '\\.')}\\b`).test(code),
  );
}

/**
 * The columns of each relation the SQL names, given every relation's columns: a column counts as
 * read when its name stands in the code of a rule that reads its relation. Where two relations
 * share a name (verblijfsobject_id) both count: an overstatement, never an omission.
 */
export function columnsIn(sql: string, columns: Record<string, string[]>): Reads {
  const words = new Set(sqlCode(sql).toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  return Object.fromEntries(relationsIn(sql).map((r) => [r, (columns[r] ?? []).filter((c) => words.has(c)).sort()]));
}
