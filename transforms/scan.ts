/**
 * What a transform's SQL touches, read from its text: the staging, model and identity tables it
 * names, and those it writes. Comments and string literals are left out (`defer_indexes('model.x')`
 * names a table as a value), and so are function calls (`model.defer_indexes(`,
 * `identity.refresh_from_brp(`): what a function reads is the function's business, declared in the
 * header where it matters.
 */

const CHECKED_SCHEMAS = 'staging|model|identity';
const RELATION = `(?:${CHECKED_SCHEMAS})\\.[a-z_][a-z0-9_]*`;

/** The SQL with comments and string literals blanked, in one pass so that `--` inside a literal stays a literal. */
export function sqlCode(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, (m) => (m.startsWith("'") ? "''" : ' '));
}

/** The tables of the checked schemas the SQL names, outside comments, literals and function calls. */
export function relationsNamed(sql: string): string[] {
  const named = sqlCode(sql).match(new RegExp(`\\b${RELATION}\\b(?!\\s*\\()`, 'gi')) ?? [];
  return [...new Set(named.map((r) => r.toLowerCase()))].sort();
}

/** The tables of the checked schemas the SQL inserts into, updates, deletes from or truncates. */
export function relationsWritten(sql: string): string[] {
  const code = sqlCode(sql);
  const written = [...code.matchAll(new RegExp(`\\b(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(?:ONLY\\s+)?(${RELATION})\\b`, 'gi'))].map((m) => m[1]!);
  for (const m of code.matchAll(/\bTRUNCATE\s+(?:TABLE\s+)?([^;]+)/gi))
    for (const target of m[1]!.split(',')) {
      const name = new RegExp(`^\\s*(?:ONLY\\s+)?(${RELATION})\\b`, 'i').exec(target);
      if (name) written.push(name[1]!);
    }
  return [...new Set(written.map((r) => r.toLowerCase()))].sort();
}
