import type { Config } from '../../lib/config.ts';
import type { Session } from '../../lib/db.ts';
import { withSuggestion } from '../../lib/did-you-mean.ts';
import { aantal } from '../../lib/dutch.ts';
import { RULES } from '../../rules/index.ts';
import { resolveRule, type ResolvedRule } from '../../rules/rule.ts';
import { SOURCE_LABELS } from '../../sources/index.ts';
import type { SourceName } from '../../sources/source.ts';
import { onDay } from '../../transforms/model.ts';

/** A trial change of rule parameters, as a setting is written: RULE_OVERBEWONING__NORM_M2=15. */
const OVERRIDE = /^RULE_([A-Z0-9_]+?)__([A-Z0-9_]+)=(.*)$/s;
const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const EXAMPLES = 3;

export class RulesTryError extends Error {}

/** Overrides per rule code and parameter (camelCase, as the rule declares it), checked against the register. */
export function parseOverrides(args: string[]): Record<string, Record<string, string>> {
  const codes = RULES.map((r) => r.code);
  const overrides: Record<string, Record<string, string>> = {};
  for (const arg of args) {
    const match = OVERRIDE.exec(arg);
    if (!match) throw new RulesTryError(`"${arg}" is geen wijziging in de vorm RULE_<REGEL>__<PARAMETER>=<waarde>`);
    const [, code, param, value] = match as unknown as [string, string, string, string];
    const rule = RULES.find((r) => r.code === code);
    if (!rule) throw new RulesTryError(`onbekende regel ${withSuggestion(code, codes)}`);
    const known = Object.keys(rule.parameters.shape);
    const name = camel(param);
    if (!known.includes(name)) {
      const spelled = known.map((k) => k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase());
      throw new RulesTryError(`regel ${code} heeft geen parameter ${withSuggestion(param, spelled)}`);
    }
    (overrides[code] ??= {})[name] = value;
  }
  return overrides;
}

export interface Variants {
  current: ResolvedRule[];
  tried: ResolvedRule[];
}

/** The rule set as configured, and with the overrides: checked before any database is opened. */
export function ruleVariants(config: Pick<Config, 'rules'>, overrides: Record<string, Record<string, string>>): Variants {
  const resolve = (extra: Record<string, Record<string, string>>): ResolvedRule[] =>
    RULES.map((rule) => {
      try {
        return resolveRule(rule, { ...(config.rules[rule.code] ?? {}), ...(extra[rule.code] ?? {}) });
      } catch (error) {
        throw new RulesTryError(`regel ${rule.code}: ongeldige parameterwaarde`, { cause: error });
      }
    });
  return { current: resolve({}), tried: resolve(overrides) };
}

export interface RuleDiff {
  code: string;
  versionNow: string;
  versionTried: string;
  changedParams: Record<string, { now: unknown; tried: unknown }>;
  /** Why the rule was not evaluated (a source never loaded). */
  skipped?: string;
  now: number;
  tried: number;
  appear: Example[];
  disappear: Example[];
  severity: (Example & { from: string; to: string })[];
  counts: { appear: number; disappear: number; severity: number };
}

interface Example {
  subject_key: string;
  adres: string | null;
}

/**
 * Evaluates the rule set twice on the published model, with the parameters in force and with the
 * overrides, inside one transaction that is rolled back; after the working tables are made the
 * transaction is read-only, so no rule SQL, however written, can change a signal, a judgement or
 * the register. Compared per rule: signals that would appear, disappear or change severity.
 */
export async function tryRules(db: { transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> }, variants: Variants): Promise<RuleDiff[]> {
  const { current, tried } = variants;
  const rollback = new Error('rollback');
  let diffs: RuleDiff[] = [];
  try {
    await db.transaction(async (tx) => {
      const peildatum = (await tx.query<{ d: string }>(`SELECT current_date::text AS d`)).rows[0]!.d;
      await tx.exec(`
        CREATE TEMP TABLE rules_try (variant text, rule_code text, subject_key text, verblijfsobject_id text, severity text) ON COMMIT DROP;
        CREATE TEMP TABLE signal_candidates (
          rule_code text, subject_key text, verblijfsobject_id text, severity text, score numeric,
          evidence jsonb, explanation text, rule_version text, persons jsonb
        ) ON COMMIT DROP;
        SET TRANSACTION READ ONLY;`);
      const { rows: loaded } = await tx.query<{ source: SourceName }>('SELECT source FROM model.source_state');
      const available = new Set(loaded.map((l) => l.source));
      for (const [variant, rules] of [
        ['nu', current],
        ['proef', tried],
      ] as const) {
        await tx.exec('DELETE FROM pg_temp.signal_candidates');
        const ordered = [...rules.filter((r) => !r.definition.readsCandidates), ...rules.filter((r) => r.definition.readsCandidates)];
        for (const rule of ordered) {
          if (rule.definition.requires.some((s) => !available.has(s))) continue;
          const n = rule.values.length;
          await tx.query(
            `INSERT INTO pg_temp.signal_candidates (rule_code, subject_key, verblijfsobject_id, severity, score, evidence, explanation, rule_version, persons)
             SELECT $${n + 1}::text, c.subject_key, c.verblijfsobject_id, c.severity, c.score, c.evidence, c.explanation, $${n + 2}::text, NULL
             FROM (${onDay(rule.boundSql, peildatum)}) c`,
            [...rule.values, rule.definition.code, rule.version],
          );
        }
        await tx.query(`INSERT INTO pg_temp.rules_try SELECT $1, rule_code, subject_key, verblijfsobject_id, severity FROM pg_temp.signal_candidates`, [
          variant,
        ]);
      }
      const { rows } = await tx.query<{
        rule_code: string;
        kind: string;
        subject_key: string;
        adres: string | null;
        from: string | null;
        to: string | null;
        total: number;
        rank: number;
      }>(`
        WITH d AS (
          SELECT coalesce(n.rule_code, p.rule_code) AS rule_code, coalesce(n.subject_key, p.subject_key) AS subject_key,
            coalesce(p.verblijfsobject_id, n.verblijfsobject_id) AS verblijfsobject_id,
            CASE WHEN n.subject_key IS NULL THEN 'appear' WHEN p.subject_key IS NULL THEN 'disappear' ELSE 'severity' END AS kind,
            n.severity AS "from", p.severity AS "to"
          FROM (SELECT * FROM pg_temp.rules_try WHERE variant = 'nu') n
          FULL JOIN (SELECT * FROM pg_temp.rules_try WHERE variant = 'proef') p USING (rule_code, subject_key)
          WHERE n.subject_key IS NULL OR p.subject_key IS NULL OR n.severity <> p.severity
        ),
        ranked AS (
          SELECT d.*, count(*) OVER (PARTITION BY rule_code, kind)::int AS total,
            row_number() OVER (PARTITION BY rule_code, kind ORDER BY subject_key)::int AS rank
          FROM d
        )
        SELECT r.rule_code, r.kind, r.subject_key, r."from", r."to", r.total, r.rank,
          CASE WHEN a.nummeraanduiding_id IS NOT NULL THEN concat_ws(' ', a.openbareruimte,
            a.huisnummer::text || coalesce(a.huisletter, '') || coalesce('-' || a.huisnummertoevoeging, ''), a.postcode, a.woonplaats) END AS adres
        FROM ranked r
        LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = r.verblijfsobject_id
        LEFT JOIN model.nummeraanduiding a ON a.nummeraanduiding_id = v.hoofdadres_id
        WHERE r.rank <= ${EXAMPLES}
        ORDER BY r.rule_code, r.kind, r.rank`);
      const { rows: totals } = await tx.query<{ variant: string; rule_code: string; n: number }>(
        `SELECT variant, rule_code, count(*)::int AS n FROM pg_temp.rules_try GROUP BY 1, 2`,
      );
      diffs = tried.map((rule, i) => {
        const code = rule.definition.code;
        const before = current[i]!;
        const changedParams = Object.fromEntries(
          Object.keys(rule.params)
            .filter((k) => JSON.stringify(rule.params[k]) !== JSON.stringify(before.params[k]))
            .map((k) => [k, { now: before.params[k], tried: rule.params[k] }]),
        );
        const mine = rows.filter((r) => r.rule_code === code);
        const of = (kind: string) => mine.filter((r) => r.kind === kind);
        const total = (kind: string) => of(kind)[0]?.total ?? 0;
        const count = (variant: string) => totals.find((t) => t.variant === variant && t.rule_code === code)?.n ?? 0;
        const missing = rule.definition.requires.filter((s) => !available.has(s));
        return {
          code,
          versionNow: before.version,
          versionTried: rule.version,
          changedParams,
          skipped: missing.length ? `${missing.map((s) => SOURCE_LABELS[s]).join(' en ')} nog nooit gepubliceerd` : undefined,
          now: count('nu'),
          tried: count('proef'),
          appear: of('appear').map(({ subject_key, adres }) => ({ subject_key, adres })),
          disappear: of('disappear').map(({ subject_key, adres }) => ({ subject_key, adres })),
          severity: of('severity').map(({ subject_key, adres, from, to }) => ({ subject_key, adres, from: from!, to: to! })),
          counts: { appear: total('appear'), disappear: total('disappear'), severity: total('severity') },
        };
      });
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return diffs;
}

// The subject key is not shown: for some rules it is a person's pseudonym.
const shown = (e: Example) => e.adres ?? '(adres niet in de BAG)';

/** What `pakhuis rules try` prints: per rule, what would change; rules without a change in one line each. */
export function formatTry(diffs: RuleDiff[]): string[] {
  const lines: string[] = [
    'Proef op het gepubliceerde model, in een transactie die is teruggedraaid: er is niets gepubliceerd en geen signaal of oordeel veranderd.',
    '',
  ];
  for (const d of diffs) {
    const params = Object.entries(d.changedParams).map(([k, v]) => `${k} ${JSON.stringify(v.now)} → ${JSON.stringify(v.tried)}`);
    const head = `${d.code}${params.length ? ` (${params.join(', ')}; versie ${d.versionNow} → ${d.versionTried})` : ''}`;
    if (d.skipped) {
      lines.push(`${head}: niet geëvalueerd, ${d.skipped}`);
      continue;
    }
    const { appear, disappear, severity } = d.counts;
    if (!appear && !disappear && !severity) {
      lines.push(`${head}: geen verschil (${aantal(d.now, 'signaal', 'signalen')})`);
      continue;
    }
    lines.push(`${head}: ${d.now} → ${aantal(d.tried, 'signaal', 'signalen')}`);
    if (appear) lines.push(`  erbij: ${appear}, bijvoorbeeld ${d.appear.map(shown).join('; ')}`);
    if (disappear) lines.push(`  vervallen: ${disappear}, bijvoorbeeld ${d.disappear.map(shown).join('; ')}`);
    if (severity) lines.push(`  andere ernst: ${severity}, bijvoorbeeld ${d.severity.map((e) => `${shown(e)} (${e.from} → ${e.to})`).join('; ')}`);
  }
  lines.push(
    '',
    'De gepubliceerde versie van een regel verandert pas als de instelling verandert (RULE_<REGEL>__<PARAMETER> of "rules" in pakhuis.config.json) en de volgende run draait.',
  );
  return lines;
}
