import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Session } from '../lib/db.ts';
import type { SourceName } from '../sources/source.ts';

const TRANSFORMS_DIR = fileURLToPath(new URL('../sql/transforms/', import.meta.url));

/** Which transform scripts rebuild the model from which source's staging (and what they read). */
const DEPENDS_ON: Record<string, SourceName[]> = {
  '10_bag.sql': ['bag'],
  '20_brp.sql': ['brp', 'bag'],
  // History follows BRP loads only: a BAG change re-matches the current rows, not the past.
  '22_brp_history.sql': ['brp'],
  '25_identity.sql': ['brp'],
  '30_permits.sql': ['permits', 'bag', 'brp'],
  '40_damocles.sql': ['damocles', 'bag', 'brp'],
};

export interface TransformResult {
  script: string;
  ms: number;
}

/**
 * Rebuilds the model tables whose inputs changed, inside the caller's publishing transaction.
 * Expects a temp table publish_loads(source, load_id) naming the load each source publishes.
 * A script runs when one of its sources changed; 20_brp also reruns after a BAG change, because
 * address matching depends on BAG.
 */
export async function rebuildModel(
  tx: Session,
  changed: Set<SourceName>,
  available: Set<SourceName>,
  onScript?: (script: string) => void,
): Promise<TransformResult[]> {
  const results: TransformResult[] = [];
  for (const script of await plannedScripts(changed, available)) {
    onScript?.(script);
    const started = performance.now();
    await tx.exec(await readFile(TRANSFORMS_DIR + script, 'utf8'));
    results.push({ script, ms: Math.round(performance.now() - started) });
  }
  return results;
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
