import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withSuggestion } from '../lib/did-you-mean.ts';
import type { SourceName } from '../sources/source.ts';
import type { Reads } from './reads.ts';

export type Severity = 'laag' | 'midden' | 'hoog';

/**
 * A published rule: everything a citizen, a privacy officer or a judge needs to know what it
 * flags and why, next to the SQL that does it.
 *
 * The SQL yields one row per signal with the columns subject_key, verblijfsobject_id, severity,
 * score (a number that grows when the situation gets worse), evidence (jsonb) and explanation
 * (Dutch), and may yield `persons`: the persons the rule counted or linked, as a JSON array of
 * {"pseudonym": "<64 hex>", "rol": "bewoner" | "briefadres" | "eigenaar" | "huurder" | "houder" | ...}.
 * They are stored in pakhuis.signal_persons, and reident.reveal shows no one else: derive them
 * from the same rows the rule counts, so that count and persons stay equal. Parameters are
 * written as :name and bound as query parameters, never spliced in. `current_date` is the day of
 * the run (`pakhuis run --today` moves it), not the clock's. A signal belongs to the municipality
 * of its verblijfsobject, or to the one a column `gemeentecode` names.
 */
export interface RuleDefinition<P extends z.ZodObject = z.ZodObject> {
  code: string;
  title: string;
  rationale: string;
  norm: string;
  severity: Severity;
  /**
   * The sources without which the rule's result means nothing. Until each has been loaded once
   * the rule is not evaluated and its signals stay as they were: without the BAG, for one, every
   * registered address would look unknown. A rule may read other sources too, where they only
   * add to a signal (permits as an exemption for OVERBEWONING).
   */
  requires: readonly SourceName[];
  /**
   * The rule reads `signal_candidates`: what the other rules produced in this same publish (a
   * temporary table with the columns of pakhuis.signals that a rule yields, plus rule_code). Such a
   * rule is evaluated after every rule that does not, whatever its place in the register.
   */
  readsCandidates?: boolean;
  /**
   * Which columns of which model relation the SQL reads (rules/reads.ts names the source of each
   * relation). Declared, not derived at run time, so that the DPIA appendix says what the rule
   * reads; tests/verantwoording.test.ts holds it to the SQL, so it cannot drift.
   */
  reads: Reads;
  /**
   * The rule follows persons or companies from one address to another, and may cross the
   * municipal border where an agreement (SAMENWERKING) allows it: its SQL tests that with
   * pakhuis.samen(a, b). signals.rules names the agreement beside it.
   */
  acrossMunicipalities?: boolean;
  parameters: P;
  sql: string;
}

export interface ResolvedRule {
  definition: RuleDefinition;
  params: Record<string, unknown>;
  version: string;
  /** SQL with :name replaced by $n, and the values in that order. */
  boundSql: string;
  values: unknown[];
}

export function defineRule<P extends z.ZodObject>(rule: RuleDefinition<P>): RuleDefinition<P> {
  return rule;
}

/** The version changes whenever the SQL or a parameter in force changes, so a signal names what made it. */
export function resolveRule(definition: RuleDefinition, overrides: Record<string, unknown> = {}): ResolvedRule {
  // A misspelled parameter would otherwise be dropped and the default would silently stay in force.
  const known = Object.keys(definition.parameters.shape);
  const unknown = Object.keys(overrides).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new Error(`rule ${definition.code}: unknown parameter ${unknown.map((k) => withSuggestion(k, known)).join(', ')}`);
  }
  const parsed = definition.parameters.safeParse(overrides);
  if (!parsed.success) {
    throw new Error(`rule ${definition.code}: invalid parameters: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const params = parsed.data;
  const names: string[] = [];
  const boundSql = definition.sql.replace(/(?<!:):([a-zA-Z][a-zA-Z0-9]*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`rule ${definition.code}: SQL uses :${name}, which is not a parameter`);
    let index = names.indexOf(name);
    if (index === -1) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  const canonicalParams = JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))));
  const version = createHash('sha256').update(definition.sql).update('\0').update(canonicalParams).digest('hex').slice(0, 12);
  return { definition, params, version, boundSql, values: names.map((n) => params[n]) };
}

/** A list parameter: the JSON config gives an array, the environment `a,b`. */
export const lijst = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  );
