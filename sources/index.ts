/**
 * The registry: every source the warehouse loads, by name. The list of sources, their labels,
 * freshness defaults, match rates, key versions and staging tables are all read from here (or
 * from a registry a test puts in PipelineContext.sources), never kept beside it.
 */
import { bag } from './bag/index.ts';
import { brp } from './brp/index.ts';
import { damocles } from './damocles/index.ts';
import { meldingen } from './meldingen/index.ts';
import { permits } from './permits/index.ts';
import type { SourceDefinition, SourceName } from './source.ts';

/** Table and column names go into SQL as written: only plain schema-qualified names are declared. */
const QUALIFIED = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

/** Source declarations by name; each declaration's name is its key. */
export type SourceRegistry = Readonly<Record<string, SourceDefinition>>;

/** The production sources, in the order runs load them and lists show them. */
export const SOURCE_DEFINITIONS = checked({ bag, brp, permits, damocles, meldingen } satisfies { [N in SourceName]: SourceDefinition<N> });

export const SOURCES: readonly SourceName[] = Object.freeze(Object.keys(SOURCE_DEFINITIONS) as SourceName[]);

/** Each source as the Dutch warnings and reports name it. */
export const SOURCE_LABELS: Readonly<Record<SourceName, string>> = Object.freeze(
  Object.fromEntries(SOURCES.map((name) => [name, SOURCE_DEFINITIONS[name].label])) as Record<SourceName, string>,
);

/** The registry a run uses: the one the caller put in its context, else the production one. */
export function sourcesOf(ctx: { sources?: SourceRegistry }): SourceRegistry {
  return ctx.sources ?? SOURCE_DEFINITIONS;
}

/** Every staging table of a registry's sources, with the source that declares it. */
export function stagingTables(registry: SourceRegistry): { table: string; source: string }[] {
  return Object.values(registry).flatMap((source) => Object.values(source.tables).map((table) => ({ table: table.name, source: source.name })));
}

/**
 * Refuses a registry whose declarations contradict each other, at start-up rather than in the
 * middle of a night: a name that is not its key, a staging table two sources claim, a table name
 * that is not a plain schema-qualified identifier.
 */
export function checked<R extends SourceRegistry>(registry: R): R {
  const owner = new Map<string, string>();
  for (const [key, source] of Object.entries(registry)) {
    if (source.name !== key) throw new Error(`source registered as ${key} declares the name ${source.name}`);
    const tables = Object.entries(source.tables);
    if (tables.length === 0) throw new Error(`source ${key} declares no staging table`);
    for (const [name, table] of tables) if (table.name !== name) throw new Error(`source ${key}: staging table ${table.name} is listed as ${name}`);
    const named = [...tables.map(([name]) => name), ...(source.matchRates ? [source.matchRates.table] : [])];
    for (const name of named) if (!QUALIFIED.test(name)) throw new Error(`source ${key}: ${name} is not a schema-qualified table name`);
    for (const [, table] of tables) {
      const other = owner.get(table.name);
      if (other !== undefined) throw new Error(`staging table ${table.name} is declared by both ${other} and ${key}`);
      owner.set(table.name, key);
    }
    const keyed = source.keyVersionIn;
    if (keyed && !(source.tables[keyed.name] === keyed && keyed.columns.includes('key_version'))) {
      throw new Error(`source ${key}: keyVersionIn is not one of its staging tables with a key_version column`);
    }
  }
  return registry;
}
