import { sql, type Kysely } from 'kysely';
import type { Session } from '../lib/db.ts';
import { kyselyOf, type DB } from '../lib/kysely.ts';
import type { Int8 } from '../lib/database-schema.ts';
import { withSuggestion } from '../lib/did-you-mean.ts';
import { ConfigError } from '../lib/errors.ts';
import { failpoint } from '../lib/failpoint.ts';
import { RULES } from '../rules/index.ts';
import { resolveRule, type ResolvedRule } from '../rules/rule.ts';
import { SOURCE_LABELS, sourcesOf, type SourceRegistry } from '../sources/index.ts';
import type { SourceName } from '../sources/source.ts';
import { onDay, planOf, runPlan, type TransformResult } from '../transforms/model.ts';
import { loadTransforms } from '../transforms/graph.ts';
import { StepProgress } from '../lib/progress.ts';
import type { PipelineContext } from '../lib/context.ts';
import { recordRunCounts } from './trend.ts';
import { gemeentenOf } from '../lib/config.ts';
import { meerdereGemeenten } from '../lib/gemeenten.ts';

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
  /** What the BRP model build decided about periods and residents, when it ran (transforms/20_brp.sql). */
  brp?: BrpModelCounts;
  /** Open signals per municipality and rule, after the merge. */
  perGemeente: { gemeentecode: string; naam: string; open: number; perRule: Record<string, number> }[];
}

export interface BrpModelCounts {
  /** Periods ended by a newer occurrence outside the model: abroad, a locatiebeschrijving, a rejected row. */
  gesloten_door_voorkomen_elders: number;
  /** Periods closed at an unknown date (the ending occurrence or event has date 00000000). */
  einde_onbekend: number;
  /** Periods whose end lay before their start, closed at their start instead. */
  einde_voor_aanvang: number;
  /** Closed occurrences of which neither start nor end is known: kept in staging only. */
  zonder_datums: number;
  /** Registrations ended by death, by suspension of the list, by "vastgesteld verblijft niet op adres". */
  overlijden: number;
  opschorting: number;
  niet_op_adres: number;
  /** Lists suspended with reason F (fout) or W (wissen): never a resident. */
  lijsten_nooit_bewoner: number;
  /** Current residents whose start date leaves their residence uncertain (mogelijke bewoners). */
  mogelijke_bewoners: number;
}

export function resolvedRules(ctx: PipelineContext): ResolvedRule[] {
  const codes = RULES.map((r) => r.code);
  const unknown = Object.keys(ctx.config.rules).filter((code) => !codes.includes(code));
  if (unknown.length) throw new ConfigError([`rules: unknown rule ${unknown.map((c) => withSuggestion(c, codes)).join(', ')}`]);
  return RULES.map((rule) => resolveRule(rule, ctx.config.rules[rule.code] ?? {}));
}

/** The newest load per source and municipality, made at the start of publishing (ON COMMIT DROP). */
type PublishLoads = {
  publish_loads: { source: SourceName; gemeentecode: string; load_id: Int8 };
};

/** The typed builder on the publishing transaction, knowing its temporary table too. */
const publishing = (tx: Session): Kysely<DB & PublishLoads> => kyselyOf(tx).withTables<PublishLoads>();

/** Work that must commit with the new signals or not at all (tonight's report). */
export type BeforeCommit = (tx: Session, evaluated: { rules: RuleOutcome[]; peildatum: string }) => Promise<void>;

export interface PublishOptions {
  /** The day the run counts as made on (ISO); default the database's current_date. */
  peildatum?: string;
}

/**
 * Write-audit-publish in one transaction: rebuild the model from the newest loads, run every rule,
 * and merge the results into the signal store. Readers see the previous state until COMMIT; a
 * failure anywhere leaves it untouched. Progress shows step by step, as the ingest shows rows.
 */
export async function publish(ctx: PipelineContext, runId: number, beforeCommit?: BeforeCommit, options: PublishOptions = {}): Promise<PublishResult> {
  const rules = resolvedRules(ctx);
  let progress: StepProgress | undefined;
  let committed = false;
  try {
    const result = await publishInTransaction(
      ctx,
      runId,
      rules,
      (total) => (progress = StepProgress.start('publiceren', total, ctx.log, ctx.progress)),
      beforeCommit,
      options,
    );
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
  beforeCommit: BeforeCommit | undefined,
  options: PublishOptions,
): Promise<PublishResult> {
  return ctx.db.transaction(async (tx) => {
    const peildatum = options.peildatum ?? (await tx.query<{ d: string }>(`SELECT current_date::text AS d`)).rows[0]!.d;
    // The views that count days (feedback owed) count from the run's day inside this transaction.
    await tx.query(`SELECT set_config('pakhuis.vandaag', $1, true)`, [peildatum]);
    // Rebuilding the model sorts and hashes millions of rows: give this transaction the memory to
    // do it in RAM (PGlite keeps its defaults: its heap is the Node process's).
    // JIT compilation costs seconds per statement here and buys nothing for hash joins and sorts.
    if (ctx.db.kind === 'postgres') await tx.exec(`SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'; SET LOCAL jit = off;`);
    const gemeenten = gemeentenOf(ctx.config);
    await syncGemeenten(tx, gemeenten);
    // A delivery is the full state of one source of one municipality: each keeps its newest load,
    // so Woerden's BRP of tonight replaces Woerden's and leaves Oudewater's. With one municipality
    // (GEMEENTEN unset) the newest load of a source is all of it, as before.
    if (meerdereGemeenten(gemeenten)) {
      await tx.query(
        `
        CREATE TEMP TABLE publish_loads ON COMMIT DROP AS
        SELECT DISTINCT ON (source, gemeentecode) source, gemeentecode, id AS load_id FROM pakhuis.loads
        WHERE gemeentecode = ANY ($1::text[]) ORDER BY source, gemeentecode, id DESC`,
        [gemeenten.gemeenten.map((g) => g.code)],
      );
    } else {
      await tx.exec(`
        CREATE TEMP TABLE publish_loads ON COMMIT DROP AS
        SELECT DISTINCT ON (source) source, '0000'::text AS gemeentecode, id AS load_id FROM pakhuis.loads ORDER BY source, id DESC;`);
    }
    const k = publishing(tx);
    const loads = await k
      .selectFrom('publish_loads as p')
      .leftJoin('model.source_state as s', (join) => join.onRef('s.source', '=', 'p.source').onRef('s.gemeentecode', '=', 'p.gemeentecode'))
      .select(['p.source', 'p.gemeentecode', 'p.load_id', 's.load_id as current'])
      .execute();
    // A source published before but without a load now (its municipality left GEMEENTEN).
    const dropped = await k
      .selectFrom('model.source_state as s')
      .select(sql<SourceName>`s.source`.as('source'))
      .distinct()
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('publish_loads as p').select('p.source').whereRef('p.source', '=', 's.source').whereRef('p.gemeentecode', '=', 's.gemeentecode'),
          ),
        ),
      )
      .execute();
    const available = new Set(loads.map((l) => l.source));
    // Compared as text: pg returns int8 as a string, PGlite as a number.
    const changed = new Set([
      ...loads.filter((l) => l.current === null || String(l.current) !== String(l.load_id)).map((l) => l.source),
      ...dropped.map((d) => d.source),
    ]);
    // Model scripts, rules, match rates, the merge, the report and the commit.
    // The transforms folder is read and checked once: the plan counted for the progress is the one run.
    const plan = planOf(await loadTransforms(ctx.transformsDir, sourcesOf(ctx)), changed, available);
    const progress = startProgress(plan.length + rules.length + 4);
    const transforms = await runPlan(tx, plan, peildatum, (script) => progress.step(`model ${script}`));
    await failpoint('publish');
    await k
      .deleteFrom('model.source_state as s')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('publish_loads as p').select('p.source').whereRef('p.source', '=', 's.source').whereRef('p.gemeentecode', '=', 's.gemeentecode'),
          ),
        ),
      )
      .execute();
    if (changed.size > 0) {
      await k
        .insertInto('model.source_state')
        .columns(['source', 'gemeentecode', 'load_id', 'run_id'])
        .expression(
          k
            .selectFrom('publish_loads')
            .select(['source', 'gemeentecode', 'load_id', sql<number>`${runId}::bigint`.as('run_id')])
            .where('source', 'in', [...changed]),
        )
        .onConflict((oc) =>
          oc
            .columns(['source', 'gemeentecode'])
            .doUpdateSet({ load_id: (eb) => eb.ref('excluded.load_id'), run_id: (eb) => eb.ref('excluded.run_id'), published_at: sql`clock_timestamp()` }),
        )
        .execute();
    }
    progress.step('adreskoppeling');
    const matchRates = await measureMatchRates(tx, sourcesOf(ctx));
    const brp = transforms.some((t) => t.script === '20_brp.sql') ? (await tx.query<BrpModelCounts>('SELECT * FROM brp_model_telling')).rows[0] : undefined;
    const outcomes = await evaluateRules(tx, rules, runId, available, peildatum, (code) => progress.step(`regel ${code}`));
    const evaluated = rules.filter((r) => !outcomes.find((o) => o.code === r.definition.code)?.skipped);
    progress.step('signalen samenvoegen');
    const signals = await mergeSignals(tx, evaluated, runId);
    const counted = await k
      .selectFrom('pakhuis.signals')
      .select(['gemeentecode', 'gemeente_naam as naam', 'rule_code', sql<number>`count(*)::int`.as('n')])
      .where('status', '=', 'open')
      .groupBy(['gemeentecode', 'gemeente_naam', 'rule_code'])
      .orderBy('gemeentecode')
      .orderBy('rule_code')
      .execute();
    const perGemeente: PublishResult['perGemeente'] = [];
    for (const r of counted) {
      // The view's columns are not null here: signal_store's are (a view's never say so).
      const gemeentecode = r.gemeentecode!;
      let g = perGemeente.find((x) => x.gemeentecode === gemeentecode);
      if (!g) perGemeente.push((g = { gemeentecode, naam: r.naam!, open: 0, perRule: {} }));
      g.open += r.n;
      g.perRule[r.rule_code!] = r.n;
    }
    await recordRunCounts(tx, { runId, peildatum, rules: rules.map((r) => r.definition.code), feedbackDays: ctx.config.MELDING_TERUGKOPPELING_DAGEN });
    progress.step('rapport');
    await beforeCommit?.(tx, { rules: outcomes, peildatum });
    progress.step('vastleggen (commit)');
    return {
      published: Object.fromEntries(loads.map((l) => [l.gemeentecode === '0000' ? l.source : `${l.source}/${l.gemeentecode}`, Number(l.load_id)])),
      changed: [...changed],
      transforms,
      rules: outcomes,
      signals,
      matchRates,
      brp,
      perGemeente,
    };
  });
}

/** The municipalities and agreements in force tonight, for the views and the rules' SQL. */
async function syncGemeenten(tx: Session, config: ReturnType<typeof gemeentenOf>): Promise<void> {
  const k = kyselyOf(tx);
  const codes = config.gemeenten.map((g) => g.code);
  // `<> ALL`, not NOT IN: an empty list (GEMEENTEN unset) removes every row.
  await k
    .deleteFrom('pakhuis.gemeenten')
    .where(sql<boolean>`code <> ALL (${codes}::text[])`)
    .execute();
  if (config.gemeenten.length > 0) {
    await k
      .insertInto('pakhuis.gemeenten')
      .values(config.gemeenten.map((g) => ({ code: g.code, naam: g.naam })))
      .onConflict((oc) => oc.column('code').doUpdateSet({ naam: (eb) => eb.ref('excluded.naam') }))
      .execute();
  }
  await k.deleteFrom('pakhuis.samenwerking').execute();
  const rows = config.samenwerkingen.flatMap((s) => s.gemeenten.map((gemeente) => ({ naam: s.naam, gemeente })));
  if (rows.length > 0) await k.insertInto('pakhuis.samenwerking').values(rows).execute();
}

/** Per source that declares where its model rows keep how they were matched (sources/<name>/index.ts, matchRates). */
async function measureMatchRates(tx: Session, sources: SourceRegistry): Promise<PublishResult['matchRates']> {
  const measured = Object.values(sources).filter((source) => source.matchRates);
  if (measured.length === 0) return {};
  const { rows } = await tx.query<{ source: string; method: string; n: number }>(
    measured
      .map(
        ({ matchRates: m }, i) =>
          `SELECT $${i + 1}::text AS source, match_method AS method, count(*)::int AS n FROM ${m!.table}${m!.where ? ` WHERE ${m!.where}` : ''} GROUP BY 2`,
      )
      .join('\n    UNION ALL '),
    measured.map((source) => source.name),
  );
  const rates: PublishResult['matchRates'] = {};
  for (const r of rows) (rates[r.source] ??= {})[r.method] = { rows: r.n, share: 0 };
  for (const methods of Object.values(rates)) {
    const total = Object.values(methods).reduce((sum, m) => sum + m.rows, 0);
    for (const m of Object.values(methods)) m.share = Math.round((m.rows / total) * 1000) / 1000;
  }
  return rates;
}

async function evaluateRules(
  tx: Session,
  rules: ResolvedRule[],
  runId: number,
  available: ReadonlySet<SourceName>,
  peildatum: string,
  onRule: (code: string) => void,
): Promise<RuleOutcome[]> {
  // Each rule's results go to this session's own table first, which a rule that reads the others'
  // candidates (MELDING_EN_DATASIGNAAL) can read; they are handed to the owner's table at the end.
  await tx.exec(`
    CREATE TEMP TABLE signal_candidates (
      rule_code text, subject_key text, verblijfsobject_id text, severity text, score numeric,
      evidence jsonb, explanation text, rule_version text, persons jsonb, gemeentecode text
    ) ON COMMIT DROP;`);
  const outcomes: RuleOutcome[] = [];
  // A rule that reads the others' candidates comes after all of them.
  const ordered = [...rules.filter((r) => !r.definition.readsCandidates), ...rules.filter((r) => r.definition.readsCandidates)];
  for (const rule of ordered) {
    const { definition: d } = rule;
    onRule(d.code);
    await kyselyOf(tx)
      .insertInto('pakhuis.rules')
      .values({
        code: d.code,
        title: d.title,
        rationale: d.rationale,
        norm: d.norm,
        severity: d.severity,
        parameters: JSON.stringify(rule.params),
        version: rule.version,
        sql: d.sql.trim(),
        over_gemeentegrens: Boolean(d.acrossMunicipalities),
      })
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          rationale: eb.ref('excluded.rationale'),
          norm: eb.ref('excluded.norm'),
          severity: eb.ref('excluded.severity'),
          parameters: eb.ref('excluded.parameters'),
          version: eb.ref('excluded.version'),
          sql: eb.ref('excluded.sql'),
          over_gemeentegrens: eb.ref('excluded.over_gemeentegrens'),
          // A rule keeps the day it was published until its version changes.
          published_at: eb
            .case()
            .when('pakhuis.rules.version', '=', eb.ref('excluded.version'))
            .then(eb.ref('pakhuis.rules.published_at'))
            .else(sql<Date>`clock_timestamp()`)
            .end(),
        })),
      )
      .execute();
    const missing = d.requires.filter((source) => !available.has(source));
    if (missing.length > 0) {
      const names = missing.map((source) => SOURCE_LABELS[source]).join(' en ');
      outcomes.push({ code: d.code, version: rule.version, produced: 0, ms: 0, skipped: `${names} nog nooit geladen` });
      continue;
    }
    const started = performance.now();
    const n = rule.values.length;
    // `persons` is optional: to_jsonb(c) -> 'persons' is null for a rule whose SQL yields no such
    // column, and JSON null where the rule linked no one. So is `gemeentecode`: a signal belongs to
    // the municipality the rule names, else to that of its verblijfsobject.
    const { rowCount } = await tx.query(
      `INSERT INTO pg_temp.signal_candidates (rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation, rule_version, persons, gemeentecode)
       SELECT $${n + 1}::text, c.subject_key, c.verblijfsobject_id, c.severity, c.score,
         c.evidence || jsonb_build_object('regel', $${n + 1}::text, 'regel_versie', $${n + 2}::text, 'parameters', $${n + 3}::jsonb, 'run', $${n + 4}::bigint),
         c.explanation, $${n + 2}::text, nullif(to_jsonb(c) -> 'persons', 'null'::jsonb),
         coalesce(to_jsonb(c) ->> 'gemeentecode', (SELECT v.gemeentecode FROM model.verblijfsobject v WHERE v.verblijfsobject_id = c.verblijfsobject_id), '0000')
       FROM (${onDay(rule.boundSql, peildatum)}) c`,
      [...rule.values, d.code, rule.version, JSON.stringify(rule.params), runId],
    );
    outcomes.push({ code: d.code, version: rule.version, produced: rowCount, ms: Math.round(performance.now() - started) });
  }
  // Only pakhuis.merge_signals, with the owner's rights, turns the owner's candidates into signals (migration 0021).
  await tx.query(
    `INSERT INTO pakhuis.signal_candidates (run_id, rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation, rule_version, persons, gemeentecode)
     SELECT $1, rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation, rule_version, persons, gemeentecode FROM pg_temp.signal_candidates`,
    [runId],
  );
  // Reported in the register's order, as before.
  return rules.map((r) => outcomes.find((o) => o.code === r.definition.code)!);
}

/** The night's candidates merged into the signal store by the owner's function (migration 0021), which also resolves what was not produced again. */
async function mergeSignals(tx: Session, rules: ResolvedRule[], runId: number): Promise<PublishResult['signals']> {
  const { rows } = await sql<{ new_signals: number; open_signals: number; resolved_signals: number; worsened_signals: number }>`
    SELECT * FROM pakhuis.merge_signals(${runId}, ${rules.map((r) => r.definition.code)})`.execute(kyselyOf(tx));
  const merged = rows[0]!;
  return { new: merged.new_signals, open: merged.open_signals, resolved: merged.resolved_signals, worsened: merged.worsened_signals };
}
