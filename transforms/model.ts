import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Session } from '../lib/db.ts';
import type { SourceName } from '../sources/source.ts';

const TRANSFORMS_DIR = fileURLToPath(new URL('../sql/transforms/', import.meta.url));

/** Which transform scripts rebuild the model from which source's staging (and what they read). */
export const DEPENDS_ON: Record<string, SourceName[]> = {
  '10_bag.sql': ['bag'],
  '20_brp.sql': ['brp', 'bag'],
  // History follows BRP loads only: a BAG change re-matches the current rows, not the past.
  '22_brp_history.sql': ['brp'],
  '25_identity.sql': ['brp'],
  '30_permits.sql': ['permits', 'bag', 'brp'],
  '40_damocles.sql': ['damocles', 'bag', 'brp'],
  '50_meldingen.sql': ['meldingen', 'bag'],
};

export interface TransformResult {
  script: string;
  ms: number;
}

/**
 * Rebuilds the model tables whose inputs changed, inside the caller's publishing transaction.
 * Expects a temp table publish_loads(source, load_id) naming the load each source publishes.
 * A script runs when one of its sources changed; 20_brp also reruns after a BAG change, because
 * address matching depends on BAG. `current_date` in a script means the run's day (`peildatum`,
 * ISO, checked by the caller), so a run replayed with `pakhuis run --today` dates what it closes.
 */
export async function rebuildModel(
  tx: Session,
  changed: Set<SourceName>,
  available: Set<SourceName>,
  peildatum: string,
  onScript?: (script: string) => void,
): Promise<TransformResult[]> {
  const results: TransformResult[] = [];
  for (const script of await plannedScripts(changed, available)) {
    onScript?.(script);
    const started = performance.now();
    await tx.exec(onDay(await readFile(TRANSFORMS_DIR + script, 'utf8'), peildatum));
    results.push({ script, ms: Math.round(performance.now() - started) });
  }
  return results;
}

/** SQL with `current_date` replaced by the given day, as a literal: a date is all it can be. */
export function onDay(sql: string, peildatum: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(peildatum)) throw new Error(`peildatum ${peildatum} is not an ISO date`);
  return sql.replace(/\bcurrent_date\b/gi, `DATE '${peildatum}'`);
}

/** The transform scripts a rebuild runs, in order: those whose primary source is there and one of whose sources changed. */
export async function plannedScripts(changed: Set<SourceName>, available: Set<SourceName>): Promise<string[]> {
  const scripts = (await readdir(TRANSFORMS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  return scripts.filter((script) => {
    const deps = DEPENDS_ON[script] ?? [];
    const primary = deps[0];
    return Boolean(primary && available.has(primary) && deps.some((d) => changed.has(d)));
  });
}
