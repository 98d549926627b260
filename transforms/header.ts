/**
 * The header a transform script starts with: what it reads and what it builds, so that the runner
 * can order the scripts and tell which to rerun without a list kept beside them in TypeScript.
 *
 *   -- reads: staging.brp, model.verblijfsobject, model.adres_index
 *   -- builds: model.inschrijving, model.bewoning
 *   -- reruns on: brp
 *
 * An entry may carry one note in parentheses:
 *  - `staging.permits_for_model (view of staging.permits)`: a view over a source's staging table;
 *  - `model.x (external)`: read, but kept by a migration or the run itself, not by a transform;
 *  - `model.partij (part: zaak_soort = 'vergunning')`: this script builds one slice of a table
 *    that others build other slices of.
 * `reruns on` replaces the sources derived from the reads, for a script that must not follow all
 * of them (the history follows BRP loads only).
 */

export interface ReadEntry {
  relation: string;
  /** The staging table a view reads, whose source owns the view. */
  viewOf?: string;
  external?: boolean;
}

export interface BuildEntry {
  relation: string;
  /** Which slice of a shared table this script builds; absent when it builds the whole table. */
  part?: string;
}

export interface TransformHeader {
  reads: ReadEntry[];
  builds: BuildEntry[];
  rerunsOn?: string[];
}

const HEADER_LINE = /^--\s*(reads|builds|reruns on):(.*)$/;
const ENTRY = /^([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)(?:\s*\((.*)\))?$/;

/** The header of `sql` (the file named `file` in messages); throws when it is missing or malformed. */
export function parseHeader(file: string, sql: string): TransformHeader {
  const header: TransformHeader = { reads: [], builds: [] };
  let seen = false;
  for (const line of sql.split('\n')) {
    const match = HEADER_LINE.exec(line.trim());
    if (!match) break;
    seen = true;
    const [, key, rest] = match as unknown as [string, 'reads' | 'builds' | 'reruns on', string];
    const entries = rest
      .split(/,(?![^(]*\))/)
      .map((e) => e.trim())
      .filter(Boolean);
    if (key === 'reruns on') {
      header.rerunsOn = [...(header.rerunsOn ?? []), ...entries];
      continue;
    }
    for (const entry of entries) {
      const parsed = ENTRY.exec(entry);
      if (!parsed) throw new Error(`${file}: "${entry}" in its -- ${key}: header is not a schema-qualified table`);
      const [, relation, note] = parsed as unknown as [string, string, string | undefined];
      if (key === 'reads') header.reads.push(readEntry(file, relation, note));
      else header.builds.push(buildEntry(file, relation, note));
    }
  }
  if (!seen || header.builds.length === 0) throw new Error(`${file}: the script does not start with a -- builds: header (and -- reads: for what it reads)`);
  return header;
}

function readEntry(file: string, relation: string, note: string | undefined): ReadEntry {
  if (note === undefined) return { relation };
  if (note.trim() === 'external') return { relation, external: true };
  const view = /^view of ([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)$/.exec(note.trim());
  if (view) return { relation, viewOf: view[1]! };
  throw new Error(`${file}: the note "(${note})" on ${relation} is neither "(view of schema.table)" nor "(external)"`);
}

function buildEntry(file: string, relation: string, note: string | undefined): BuildEntry {
  if (note === undefined) return { relation };
  const part = /^part:\s*(.+)$/.exec(note.trim());
  if (part) return { relation, part: part[1]! };
  throw new Error(`${file}: the note "(${note})" on ${relation} is not "(part: ...)"`);
}
