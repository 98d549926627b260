import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectUrl } from '../lib/root.ts';
import { SOURCE_DEFINITIONS } from '../sources/index.ts';
import { parseHeader, type TransformHeader } from './header.ts';
import { relationsNamed, relationsWritten } from './scan.ts';

/** The transforms production runs. */
export const TRANSFORMS_DIR = fileURLToPath(projectUrl('transforms/'));

/** What the runner needs of a source: the staging tables it fills (SourceDefinition's `tables` keys). */
export type SourceTables = Readonly<Record<string, { readonly tables: Readonly<Record<string, unknown>> }>>;

export interface Transform {
  file: string;
  sql: string;
  header: TransformHeader;
  /** The sources whose staging it reads itself (or, reading none, those its inputs need): all must be published for it to run. */
  requires: string[];
  /** The sources whose change reruns it: those it reads, and those of the transforms that build what it reads. */
  triggers: string[];
}

/**
 * The transforms in `dir`, ordered so that every script runs after those that build what it
 * reads (file name breaks ties), with the sources each follows. Refuses, naming the file: a
 * missing header, a table the SQL names that the header does not declare, a write to a table it
 * does not declare as built, a table built by two scripts, a read of a staging table no source
 * fills or of a table no transform builds (unless marked external), and a cycle.
 */
export async function loadTransforms(dir = TRANSFORMS_DIR, sources: SourceTables = SOURCE_DEFINITIONS): Promise<Transform[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const scripts = await Promise.all(
    files.map(async (file) => {
      const sql = await readFile(join(dir, file), 'utf8');
      return { file, sql, header: checkedHeader(file, sql, sources) };
    }),
  );
  const builders = buildersOf(scripts);
  const inputs = new Map(scripts.map((s) => [s.file, upstream(s, builders)]));
  const order = topological(files, (file) => inputs.get(file)!);
  const stagingSource = sourceOfStaging(sources);
  const done = new Map<string, Transform>();
  for (const file of order) {
    const script = scripts.find((s) => s.file === file)!;
    const direct = new Set<string>();
    for (const read of script.header.reads) {
      if (!read.relation.startsWith('staging.')) continue;
      const table = read.viewOf ?? read.relation;
      const source = stagingSource.get(table);
      if (!source) throw new Error(`${file} reads ${table}, which no source stages (a view is declared as "staging.x (view of staging.table)")`);
      direct.add(source);
    }
    const upstreamScripts = inputs.get(file)!.map((builder) => done.get(builder)!);
    const requires = direct.size > 0 ? direct : new Set(upstreamScripts.flatMap((u) => u.requires));
    const triggers = script.header.rerunsOn ? new Set(script.header.rerunsOn) : new Set([...direct, ...upstreamScripts.flatMap((u) => u.triggers)]);
    done.set(file, { ...script, requires: [...requires].sort(), triggers: [...triggers].sort() });
  }
  return order.map((file) => done.get(file)!);
}

/** The header, checked against the SQL beneath it and against the source registry. */
function checkedHeader(file: string, sql: string, sources: SourceTables): TransformHeader {
  const header = parseHeader(file, sql);
  const declared = new Set([...header.reads.map((r) => r.relation), ...header.builds.map((b) => b.relation)]);
  for (const relation of relationsNamed(sql))
    if (!declared.has(relation)) throw new Error(`${file} reads ${relation}, which its header does not declare (-- reads: or -- builds:)`);
  const built = new Set(header.builds.map((b) => b.relation));
  for (const relation of relationsWritten(sql))
    if (!built.has(relation)) throw new Error(`${file} writes ${relation}, which its header does not declare (-- builds:)`);
  for (const source of header.rerunsOn ?? [])
    if (!(source in sources)) throw new Error(`${file} reruns on ${source}, which is not a source (${Object.keys(sources).join(', ')})`);
  return header;
}

/** Every built table with the scripts that build it; refuses a table two scripts build, unless each builds its own part. */
function buildersOf(scripts: { file: string; header: TransformHeader }[]): Map<string, string[]> {
  const builders = new Map<string, { file: string; part?: string }[]>();
  for (const { file, header } of scripts)
    for (const build of header.builds) {
      const others = builders.get(build.relation) ?? [];
      const clash = others.find((o) => o.part === undefined || build.part === undefined || o.part === build.part);
      if (clash) throw new Error(`${build.relation} is built by both ${clash.file} and ${file}: one script builds a table, or each its own declared part`);
      builders.set(build.relation, [...others, { file, part: build.part }]);
    }
  return new Map([...builders].map(([relation, list]) => [relation, list.map((b) => b.file)]));
}

/**
 * The scripts building what `script` reads (staging comes from sources, not scripts); refuses a
 * read nothing builds unless marked external. A transform that builds it still comes first.
 */
function upstream(script: { file: string; header: TransformHeader }, builders: Map<string, string[]>): string[] {
  const found = new Set<string>();
  for (const read of script.header.reads) {
    if (read.relation.startsWith('staging.')) continue;
    const by = (builders.get(read.relation) ?? []).filter((b) => b !== script.file);
    if (by.length === 0 && !read.external)
      throw new Error(`${script.file} reads ${read.relation}, which no transform builds (mark it "(external)" if a migration or the run keeps it)`);
    for (const builder of by) found.add(builder);
  }
  return [...found];
}

function sourceOfStaging(sources: SourceTables): Map<string, string> {
  return new Map(Object.entries(sources).flatMap(([name, definition]) => Object.keys(definition.tables).map((table) => [table, name] as const)));
}

/** Kahn's order with the ready scripts taken by file name; refuses a cycle, naming its scripts. */
function topological(files: string[], inputsOf: (file: string) => string[]): string[] {
  const order: string[] = [];
  const pending = new Set(files);
  while (pending.size > 0) {
    const ready = [...pending].filter((f) => inputsOf(f).every((i) => !pending.has(i))).sort();
    if (ready.length === 0)
      throw new Error(`transforms read each other's tables in a cycle (each reads what the next builds): ${cycle([...pending], inputsOf).join(' -> ')}`);
    order.push(ready[0]!);
    pending.delete(ready[0]!);
  }
  return order;
}

/** One cycle among the scripts left, walked from the first by its inputs until a script repeats. */
function cycle(left: string[], inputsOf: (file: string) => string[]): string[] {
  const path: string[] = [];
  let at = left.sort()[0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = inputsOf(at).find((i) => left.includes(i))!;
  }
  return [...path.slice(path.indexOf(at)), at];
}
