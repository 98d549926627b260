import type { Config } from '../lib/config.ts';
import type { Session } from '../lib/db.ts';
import { SOURCE_LABELS, SOURCES, type SourceName } from '../sources/source.ts';

export interface Freshness {
  source: SourceName;
  lastLoadedAt: Date | null;
  maxAgeDays: number;
  stale: boolean;
}

export function maxAgeDays(config: Config, source: SourceName): number {
  return {
    brp: config.FRESHNESS_BRP_DAYS,
    bag: config.FRESHNESS_BAG_DAYS,
    permits: config.FRESHNESS_PERMITS_DAYS,
    damocles: config.FRESHNESS_DAMOCLES_DAYS,
  }[source];
}

/** Age of each source's newest load against its maximum; a missing source counts as stale. */
export async function checkFreshness(db: Pick<Session, 'query'>, config: Config, now = new Date()): Promise<Freshness[]> {
  const { rows } = await db.query<{ source: SourceName; loaded_at: Date }>(
    'SELECT source, max(loaded_at) AS loaded_at FROM pakhuis.loads GROUP BY source',
  );
  const latest = new Map(rows.map((r) => [r.source, new Date(r.loaded_at)]));
  return SOURCES.map((source) => {
    const lastLoadedAt = latest.get(source) ?? null;
    const maxAge = maxAgeDays(config, source);
    const stale = !lastLoadedAt || now.getTime() - lastLoadedAt.getTime() > maxAge * 86_400_000;
    return { source, lastLoadedAt, maxAgeDays: maxAge, stale };
  });
}

export function freshnessWarnings(freshness: Freshness[]): string[] {
  return freshness
    .filter((f) => f.stale)
    .map((f) =>
      f.lastLoadedAt
        ? `bron ${SOURCE_LABELS[f.source]} is verouderd: laatst geladen ${f.lastLoadedAt.toISOString().slice(0, 10)}, maximaal ${f.maxAgeDays} dagen oud`
        : `bron ${SOURCE_LABELS[f.source]} ontbreekt: nog nooit geladen`,
    );
}
