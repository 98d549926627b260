import type { Session } from '../lib/db.ts';
import { failpoint } from '../lib/failpoint.ts';
import { RULES } from '../rules/index.ts';
import { resolveRule, type ResolvedRule } from '../rules/rule.ts';
import { SOURCE_LABELS, type SourceName } from '../sources/source.ts';
import { plannedScripts, rebuildModel, type TransformResult } from '../transforms/model.ts';
import { StepProgress } from '../lib/progress.ts';
import type { PipelineContext } from './context.ts';

export interface RuleOutcome {
  code: string;
  version: string;
  produced: number;
  ms: number;
  /** Why the rule was not evaluated tonight (a source it reads was never loaded); its signals stay as they were. */
  skipped?: string;
}

export interface PublishResult {
  published: Record<string, number>;
  changed: SourceName[];
  transforms: TransformResult[];
  rules: RuleOutcome[];
  signals: { new: number; open: number; resolved: number; worsened: number };
  /** How each source's rows found their BAG object: per source, method to count and share. */
  matchRates: Record<string, Record<string, { rows: number; share: number }>>;
}

export function resolvedRules(ctx: PipelineContext): ResolvedRule[] {
  return RULES.map((rule) => resolveRule(rule, ctx.config.rules[rule.code] ?? {}));
}

/** Work that must commit with the new signals or not at all (tonight's report). */
export type BeforeCommit = (tx: Session, evaluated: { rules: RuleOutcome[] }) => Promise<void>;

/**
 * Write-audit-publish in one transaction: rebuild the model from the newest loads, run every rule,
 * and merge the results into the signal store. Readers see the previous state until COMMIT; a
 * failure anywhere leaves it untouched. Progress shows step by step, as the ingest shows rows.
 */
export async function publish(ctx: PipelineContext, runId: number, beforeCommit?: BeforeCommit): Promise<PublishResult> {
  const rules = resolvedRules(ctx);
  let progress: StepProgress | undefined;
  let committed = false;
  try {
    const result = await publishInTransaction(ctx, runId, rules, (total) => (progress = StepProgress.start('publiceren', total, ctx.log, ctx.progress)), beforeCommit);
    committed = true;
    return result;
  } finally {
    progress?.end(committed);
  }
}

async function publishInTransaction(
  ctx: PipelineContext,
  runId: number,
  rules: ResolvedRule[],
  startProgress: (steps: number) => StepProgress,
  beforeCommit?: BeforeCommit,
): Promise<PublishResult> {
  return ctx.db.transaction(async (tx) => {
    // Rebuilding the model sorts and hashes millions of rows: give this transaction the memory to
    // do it in RAM (PGlite keeps its defaults: its heap is the Node process's).
    // JIT compilation costs seconds per statement here and buys nothing for hash joins and sorts.
    if (ctx.db.kind === 'postgres') await tx.exec(`SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'; SET LOCAL jit = off;`);
    await tx.exec(`
      CREATE TEMP TABLE publish_loads ON COMMIT DROP AS
      SELECT DISTINCT ON (source) source, id AS load_id FROM pakhuis.loads ORDER BY source, id DESC;`);
    const { rows: loads } = await tx.query<{ source: SourceName; load_id: string; current: string | null }>(`
      SELECT p.source, p.load_id, s.load_id AS current
      FROM publish_loads p LEFT JOIN model.source_state s USING (source)`);
    const available = new Set(loads.map((l) => l.source));
    const changed = new Set(loads.filter((l) => l.current === null || l.current !== l.load_id).map((l) => l.source));
    // Model scripts, rules, match rates, the merge, the report and the commit.
    const progress = startProgress((await plannedScripts(changed, available)).length + rules.length + 4);
    const transforms = await rebuildModel(tx, changed, available, (script) => progress.step(`model ${script}`));
    await failpoint('publish');
    await tx.query(
      `INSERT INTO model.source_state (source, load_id, run_id)
       SELECT source, load_id, $1 FROM publish_loads WHERE source = ANY ($2)
       ON CONFLICT (source) DO UPDATE SET load_id = EXCLUDED.load_id, run_id = EXCLUDED.run_id, published_at = clock_timestamp()`,
      [runId, [...changed]],
    );
    progress.step('adreskoppeling');
    const matchRates = await measureMatchRates(tx);
    const outcomes = await evaluateRules(tx, rules, runId, available, (code) => progress.step(`regel ${code}`));
    const evaluated = rules.filter((r) => !outcomes.find((o) => o.code === r.definition.code)?.skipped);
    progress.step('signalen samenvoegen');
    const signals = await mergeSignals(tx, evaluated, runId);
    progress.step('rapport');
    await beforeCommit?.(tx, { rules: outcomes });
    progress.step('vastleggen (commit)');
    return {
      published: Object.fromEntries(loads.map((l) => [l.source, Number(l.load_id)])),
      changed: [...changed],
      transforms,
      rules: outcomes,
      signals,
      matchRates,
    };
  });
}

async function measureMatchRates(tx: Session): Promise<PublishResult['matchRates']> {
  const { rows } = await tx.query<{ source: string; method: string; n: number }>(`
    SELECT 'brp' AS source, match_method AS method, count(*)::int AS n FROM model.inschrijving WHERE geldig_tot IS NULL GROUP BY 2
    UNION ALL SELECT 'permits', match_method, count(*)::int FROM model.vergunning GROUP BY 2
    UNION ALL SELECT 'damocles', match_method, count(*)::int FROM model.damocles_zaak GROUP BY 2`);
  const rates: PublishResult['matchRates'] = {};
  for (const r of rows) (rates[r.source] ??= {})[r.method] = { rows: r.n, share: 0 };
  for (const methods of Object.values(rates)) {
    const total = Object.values(methods).reduce((sum, m) => sum + m.rows, 0);
    for (const m of Object.values(methods)) m.share = Math.round((m.rows / total) * 1000) / 1000;
  }
  return rates;
}

async function evaluateRules(tx: Session, rules: ResolvedRule[], runId: number, available: ReadonlySet<SourceName>, onRule: (code: string) => void): Promise<RuleOutcome[]> {
  await tx.exec(`
    CREATE TEMP TABLE signal_candidates (
      rule_code text, subject_key text, verblijfsobject_id text, severity text, score numeric,
      evidence jsonb, explanation text, rule_version text
    ) ON COMMIT DROP;`);
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    const { definition: d } = rule;
    onRule(d.code);
    await tx.query(
      `INSERT INTO pakhuis.rules (code, title, rationale, norm, severity, parameters, version, sql)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, rationale = EXCLUDED.rationale, norm = EXCLUDED.norm,
         severity = EXCLUDED.severity, parameters = EXCLUDED.parameters, version = EXCLUDED.version, sql = EXCLUDED.sql,
         published_at = CASE WHEN pakhuis.rules.version = EXCLUDED.version THEN pakhuis.rules.published_at ELSE clock_timestamp() END`,
      [d.code, d.title, d.rationale, d.norm, d.severity, JSON.stringify(rule.params), rule.version, d.sql.trim()],
    );
    const missing = d.requires.filter((source) => !available.has(source));
    if (missing.length > 0) {
      const names = missing.map((source) => SOURCE_LABELS[source]).join(' en ');
      outcomes.push({ code: d.code, version: rule.version, produced: 0, ms: 0, skipped: `${names} nog nooit geladen` });
      continue;
    }
    const started = performance.now();
    const n = rule.values.length;
    const { rowCount } = await tx.query(
      `INSERT INTO signal_candidates
       SELECT $${n + 1}::text, c.subject_key, c.verblijfsobject_id, c.severity, c.score,
         c.evidence || jsonb_build_object('regel', $${n + 1}::text, 'regel_versie', $${n + 2}::text, 'parameters', $${n + 3}::jsonb, 'run', $${n + 4}::bigint),
         c.explanation, $${n + 2}::text
       FROM (${rule.boundSql}) c`,
      [...rule.values, d.code, rule.version, JSON.stringify(rule.params), runId],
    );
    outcomes.push({ code: d.code, version: rule.version, produced: rowCount, ms: Math.round(performance.now() - started) });
  }
  return outcomes;
}

/**
 * Signal lifecycle: a candidate opens a new signal or refreshes an open one; an open signal of an
 * evaluated rule that was not produced again is resolved. A signal counts as worsened when its
 * score rises or it comes back after being resolved: that is what puts it in the next report again.
 */
async function mergeSignals(tx: Session, rules: ResolvedRule[], runId: number): Promise<PublishResult['signals']> {
  const { rows } = await tx.query<{ inserted: boolean; worsened: boolean }>(
    `INSERT INTO pakhuis.signals AS s (rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation,
       rule_version, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at)
     SELECT rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation, rule_version, 'open',
       $1, $1, clock_timestamp(), clock_timestamp()
     FROM signal_candidates
     ON CONFLICT (rule_code, subject_key) DO UPDATE SET
       verblijfsobject_id = EXCLUDED.verblijfsobject_id,
       severity = EXCLUDED.severity,
       score = EXCLUDED.score,
       evidence = EXCLUDED.evidence,
       explanation = EXCLUDED.explanation,
       rule_version = EXCLUDED.rule_version,
       status = 'open',
       last_seen_run = EXCLUDED.last_seen_run,
       last_seen_at = EXCLUDED.last_seen_at,
       resolved_run = NULL,
       resolved_at = NULL,
       worsened_run = CASE WHEN s.status = 'resolved' OR EXCLUDED.score > s.score THEN EXCLUDED.last_seen_run ELSE s.worsened_run END
     RETURNING (xmax = 0) AS inserted, (worsened_run = $1) AS worsened`,
    [runId],
  );
  const resolved = await tx.query(
    `UPDATE pakhuis.signals s SET status = 'resolved', resolved_run = $1, resolved_at = clock_timestamp()
     WHERE s.status = 'open' AND s.rule_code = ANY ($2)
       AND NOT EXISTS (SELECT 1 FROM signal_candidates c WHERE c.rule_code = s.rule_code AND c.subject_key = s.subject_key)`,
    [runId, rules.map((r) => r.definition.code)],
  );
  const inserted = rows.filter((r) => r.inserted).length;
  return {
    new: inserted,
    open: rows.length,
    resolved: resolved.rowCount,
    worsened: rows.filter((r) => !r.inserted && r.worsened).length,
  };
}
