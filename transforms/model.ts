import type { Session } from '../lib/db.ts';
import { loadTransforms, type SourceTables, type Transform } from './graph.ts';

export interface TransformResult {
  script: string;
  ms: number;
}

/** Where the transforms are and which sources fill which staging tables; production's by default. */
export interface TransformOptions {
  dir?: string;
  sources?: SourceTables;
}

/**
 * Rebuilds the model tables whose inputs changed, inside the caller's publishing transaction.
 * Expects a temp table publish_loads(source, load_id) naming the load each source publishes.
 * Which scripts run, and in which order, follows from their headers (transforms/graph.ts).
 * `current_date` in a script means the run's day (`peildatum`, ISO, checked by the caller), so a
 * run replayed with `pakhuis run --today` dates what it closes.
 */
export async function rebuildModel(
  tx: Session,
  changed: ReadonlySet<string>,
  available: ReadonlySet<string>,
  peildatum: string,
  onScript?: (script: string) => void,
  options: TransformOptions = {},
): Promise<TransformResult[]> {
  return runPlan(tx, planOf(await loadTransforms(options.dir, options.sources), changed, available), peildatum, onScript);
}

/** Runs planned scripts in their order, timing each: the caller that counted the plan first runs what it counted. */
export async function runPlan(tx: Session, plan: Transform[], peildatum: string, onScript?: (script: string) => void): Promise<TransformResult[]> {
  const results: TransformResult[] = [];
  for (const script of plan) {
    onScript?.(script.file);
    const started = performance.now();
    await tx.exec(onDay(script.sql, peildatum));
    results.push({ script: script.file, ms: Math.round(performance.now() - started) });
  }
  return results;
}

/** SQL with `current_date` replaced by the given day, as a literal: a date is all it can be. */
export function onDay(sql: string, peildatum: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(peildatum)) throw new Error(`peildatum ${peildatum} is not an ISO date`);
  return sql.replace(/\bcurrent_date\b/gi, `DATE '${peildatum}'`);
}

/**
 * The transform scripts a rebuild runs, in order: those whose own sources are all published and
 * one of whose sources (its own, or those of the scripts building what it reads) changed.
 */
export async function plannedScripts(changed: ReadonlySet<string>, available: ReadonlySet<string>, options: TransformOptions = {}): Promise<string[]> {
  return planOf(await loadTransforms(options.dir, options.sources), changed, available).map((t) => t.file);
}

export function planOf(transforms: Transform[], changed: ReadonlySet<string>, available: ReadonlySet<string>): Transform[] {
  return transforms.filter((t) => t.requires.every((s) => available.has(s)) && t.triggers.some((s) => changed.has(s)));
}
