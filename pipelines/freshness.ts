import { gemeentenOf, type Config } from '../lib/config.ts';
import type { Session } from '../lib/db.ts';
import { aantal } from '../lib/dutch.ts';
import { SOURCE_DEFINITIONS, type SourceRegistry } from '../sources/index.ts';
import type { SourceDefinition, SourceName } from '../sources/source.ts';

export interface Freshness {
  source: string;
  /** With GEMEENTEN set, each municipality's delivery is judged on its own. */
  gemeentecode?: string;
  lastLoadedAt: Date | null;
  maxAgeDays: number;
  stale: boolean;
}

/** FRESHNESS_<NAME>_DAYS when it is set, else the source's own default. */
export function maxAgeDays(config: Config, source: SourceDefinition): number {
  const setting = (config as Partial<Record<string, unknown>>)[`FRESHNESS_${source.name.toUpperCase()}_DAYS`];
  return typeof setting === 'number' ? setting : source.freshnessDays;
}

/**
 * Age of each source's newest load against its maximum; a missing source counts as stale. With
 * several municipalities, per municipality: Woerden's fresh BRP says nothing about Oudewater's.
 */
export async function checkFreshness(
  db: Pick<Session, 'query'>,
  config: Config,
  { now = new Date(), sources = SOURCE_DEFINITIONS }: { now?: Date; sources?: SourceRegistry } = {},
): Promise<Freshness[]> {
  const codes = gemeentenOf(config).gemeenten.map((g) => g.code);
  const { rows } = await db.query<{ source: string; gemeentecode: string; loaded_at: Date }>(
    'SELECT source, gemeentecode, max(loaded_at) AS loaded_at FROM pakhuis.loads GROUP BY source, gemeentecode',
  );
  const latest = new Map<string, Date>();
  for (const r of rows) {
    const key = codes.length ? `${r.source}/${r.gemeentecode}` : r.source;
    const at = new Date(r.loaded_at);
    if (!latest.has(key) || latest.get(key)! < at) latest.set(key, at);
  }
  const scopes: (string | undefined)[] = codes.length ? codes : [undefined];
  return Object.values(sources).flatMap(({ name: source }) =>
    scopes.map((gemeentecode) => {
      const lastLoadedAt = latest.get(gemeentecode ? `${source}/${gemeentecode}` : source) ?? null;
      const maxAge = maxAgeDays(config, sources[source]!);
      const stale = !lastLoadedAt || now.getTime() - lastLoadedAt.getTime() > maxAge * 86_400_000;
      return { source, ...(gemeentecode ? { gemeentecode } : {}), lastLoadedAt, maxAgeDays: maxAge, stale };
    }),
  );
}

/**
 * `notRefreshed`: sources the pull could not (wholly) fetch in this run. For those the warning says
 * how old their data now is, also while it is still within its maximum age.
 */
export function freshnessWarnings(
  freshness: Freshness[],
  options: { notRefreshed?: readonly SourceName[]; now?: Date; sources?: SourceRegistry } = {},
): string[] {
  const now = options.now ?? new Date();
  const sources: SourceRegistry = options.sources ?? SOURCE_DEFINITIONS;
  const notRefreshed = new Set<string>(options.notRefreshed ?? []);
  return freshness
    .filter((f) => f.stale || notRefreshed.has(f.source))
    .map((f) => {
      const label = sources[f.source]!.label + (f.gemeentecode ? ` van ${f.gemeentecode}` : '');
      if (!f.lastLoadedAt) return `bron ${label} ontbreekt: nog nooit geladen`;
      const day = f.lastLoadedAt.toISOString().slice(0, 10);
      const age = notRefreshed.has(f.source) ? ` (nu ${ageText(now.getTime() - f.lastLoadedAt.getTime())} oud; ophalen mislukt)` : '';
      return f.stale
        ? `bron ${label} is verouderd: laatst geladen ${day}${age}, maximaal ${f.maxAgeDays} dagen oud`
        : `bron ${label} is niet opgehaald: de gegevens zijn van ${day}, nu ${ageText(now.getTime() - f.lastLoadedAt.getTime())} oud (maximaal ${f.maxAgeDays} dagen)`;
    });
}

function ageText(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  return days >= 1 ? aantal(days, 'dag', 'dagen') : aantal(Math.max(0, Math.floor(ms / 3_600_000)), 'uur', 'uur');
}
