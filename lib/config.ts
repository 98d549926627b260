import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { withSuggestion } from './did-you-mean.ts';
import { ConfigError } from './errors.ts';
import { isLoopbackHost, parseAfter, parseLocation, type AfterPull, type PullLocation } from './pull-locations.ts';
import { allowEntryProblem, isAllowed, listEntries, plainAddress, recipientProblem } from './recipients.ts';
import { parseGemeenten, type GemeentenConfig } from './gemeenten.ts';

const intFromEnv = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const optionalIntFromEnv = z.coerce.number().int().nonnegative().optional();
const boolFromEnv = (fallback: boolean) =>
  z.preprocess((v) => (typeof v === 'string' ? /^(1|true|yes|ja)$/i.test(v.trim()) : v), z.boolean()).default(fallback);
/**
 * A comma-separated list whose every entry must pass `problem` (which says why it does not); the
 * entries that pass are kept as `normalise` gives them back (the addresses the mailer will use).
 */
const checkedList = (problem: (entry: string) => string | undefined, normalise: (entry: string) => string) =>
  z
    .preprocess(
      listEntries,
      z
        .array(z.string())
        .superRefine((entries, ctx) => {
          for (const entry of entries) {
            const why = problem(entry);
            if (why) ctx.addIssue({ code: 'custom', message: why });
          }
        })
        .transform((entries) => entries.map(normalise)),
    )
    .default([]);

// Locations are separated by white space (spaces or new lines): a URL cannot hold a raw space, and a
// comma may be part of a file name. In the JSON file a list of strings does as well.
const locations = z
  .preprocess((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v), z.array(z.string()))
  .default([])
  .transform((texts, ctx): PullLocation[] => {
    const parsed: PullLocation[] = [];
    texts.forEach((text, i) => {
      const result = parseLocation(text);
      if (result.ok) parsed.push(result.location);
      else ctx.addIssue({ code: 'custom', message: `location ${i + 1}: ${result.reason}` });
    });
    return parsed;
  });
const after = z
  .string()
  .optional()
  .transform((text, ctx): AfterPull => {
    if (text === undefined) return undefined;
    const result = parseAfter(text);
    if (result.ok) return result.after;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return undefined;
  });
const PULL_SOURCE_KEYS = ['PULL_BAG', 'PULL_BRP', 'PULL_PERMITS', 'PULL_DAMOCLES', 'PULL_MELDINGEN'] as const;

/**
 * Every setting, in environment-variable spelling. An optional JSON file (PAKHUIS_CONFIG, default
 * ./pakhuis.config.json) may set the same keys; the environment wins. Rule parameters are set as
 * RULE_<CODE>__<PARAM> (two underscores), e.g. RULE_OVERBEWONING__NORM_M2=15, or under "rules" in the file.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    DATABASE_URL: z.string().url().optional(),
    PGLITE_DIR: z.string().default('./data/pglite'),
    INBOX_DIR: z.string().default('./inbox'),
    ARCHIVE_DIR: z.string().default('./archive'),
    OUT_DIR: z.string().default('./out'),
    // Working files of a load (rows for the other staging tables, rejected rows, unpacked zips),
    // removed when the load ends; a killed run's are removed by the next run (pipelines/spool.ts).
    SPOOL_DIR: z.string().default('./data/spool'),
    PSEUDONYMIZATION_KEY: z.string().min(32, 'must be at least 32 characters (256 bits of randomness as hex or base64 is advised)').optional(),
    PSEUDONYMIZATION_KEY_FILE: z.string().optional(),
    PSEUDONYMIZATION_KEY_VERSION: intFromEnv(1),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    FILE_STABLE_SECONDS: intFromEnv(5),
    XLSX_MAX_MB: intFromEnv(50),
    // Large CSV files are validated on this many worker threads (1: on the main thread only). One
    // core is left to PostgreSQL's COPY backend: on two cores, two workers loaded 2 M BRP rows 18 %
    // faster but peaked at 365 MB instead of 207 MB, and BAG no faster.
    INGEST_WORKERS: intFromEnv(Math.max(1, Math.min(4, availableParallelism() - 1))),
    INGEST_PARALLEL_MIN_MB: intFromEnv(32),
    SCHEDULE_CRON: z.string().default('30 3 * * *'),
    SCHEDULE_TZ: z.string().default('Europe/Amsterdam'),
    SCHEDULE_CATCH_UP: boolFromEnv(true),
    // Each source's maximum age; unset, the source's own default (freshnessDays in sources/<name>/index.ts).
    FRESHNESS_BRP_DAYS: optionalIntFromEnv,
    FRESHNESS_BAG_DAYS: optionalIntFromEnv,
    FRESHNESS_PERMITS_DAYS: optionalIntFromEnv,
    FRESHNESS_DAMOCLES_DAYS: optionalIntFromEnv,
    FRESHNESS_MELDINGEN_DAYS: optionalIntFromEnv,
    // Every melder gets feedback: a melding without it after this many days is listed and counted.
    MELDING_TERUGKOPPELING_DAGEN: z.coerce.number().int().min(1).max(365).default(28),
    RETENTION_STAGING_DAYS: intFromEnv(30),
    RETENTION_ARCHIVE_DAYS: intFromEnv(90),
    RETENTION_RESOLVED_SIGNAL_MONTHS: intFromEnv(12),
    // A registration that ended this long ago leaves the history kept across exports: no rule reads
    // that history, and "who lived here then" is the BRP's own question after that.
    RETENTION_HISTORY_MONTHS: intFromEnv(24),
    // Spread monitor (signals.spreiding): an area with at least SPREIDING_MIN open signals of a rule
    // and more than SPREIDING_FACTOR times the municipality's rate per resident is named as a
    // concentration to discuss. Below 1 every area above average would be named.
    SPREIDING_FACTOR: z.coerce.number().min(1).max(100).default(3),
    SPREIDING_MIN: z.coerce.number().int().min(1).max(10_000).default(5),
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: z.coerce.number().int().positive().default(587),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    SMTP_PASSWORD_FILE: z.string().optional(),
    SMTP_ALLOW_PLAIN: boolFromEnv(false),
    REPORT_FROM: z.string().default('informatiepakhuis@localhost'),
    REPORT_RECIPIENTS: checkedList(recipientProblem, (entry) => plainAddress(entry)!),
    REPORT_RECIPIENT_ALLOWLIST: checkedList(allowEntryProblem, (entry) => entry.toLowerCase()),
    // A night with nothing new or worse: a short "niets nieuws" mail once a week, so silence never
    // has to mean the product stopped; every night, or never.
    REPORT_NOTHING_NEW: z.enum(['wekelijks', 'dagelijks', 'nooit']).default('wekelijks'),
    // The monthly ondermijningsoverleg (politie, OM, RIEC): `pakhuis overleg --mail`, same allow-list.
    OVERLEG_RECIPIENTS: checkedList(recipientProblem, (entry) => plainAddress(entry)!),
    // A folder the nightly report's files are written into instead of mailed (reports/channels/file-drop.ts),
    // for a case system that picks up files; REPORT_DROP_DIR_<gemeentecode> for one municipality.
    REPORT_DROP_DIR: z.string().optional(),
    // Where each source's exports are fetched from (pipelines/pull/); none set: nothing is pulled.
    PULL_BAG: locations,
    PULL_BRP: locations,
    PULL_PERMITS: locations,
    PULL_DAMOCLES: locations,
    PULL_MELDINGEN: locations,
    PULL_BAG_AFTER: after,
    PULL_BRP_AFTER: after,
    PULL_PERMITS_AFTER: after,
    PULL_DAMOCLES_AFTER: after,
    PULL_MELDINGEN_AFTER: after,
    PULL_SFTP_KEY_FILE: z.string().optional(),
    PULL_SFTP_KNOWN_HOSTS: z.string().optional(),
    PULL_CA_FILE: z.string().optional(),
    // The national BAG extract is about 3 GB, a gemeente extract tens of MB: room for growth, not for a runaway server.
    PULL_MAX_MB: z.coerce.number().int().positive().default(8192),
    PULL_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(60),
    PULL_RETRIES: intFromEnv(2),
    PULL_RETRY_SECONDS: intFromEnv(30),
    PULL_ALLOW_HTTP_LOCALHOST: boolFromEnv(false),
    // The municipalities this warehouse serves and the agreements between them (lib/gemeenten.ts).
    GEMEENTEN: z.string().optional(),
    SAMENWERKING: z.string().optional(),
    GEMEENTE_NAMEN: z.string().optional(),
    rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    // REPORT_RECIPIENTS_<gemeentecode>: who gets that municipality's report (else REPORT_RECIPIENTS).
    recipientsPerGemeente: z
      .record(
        z.string(),
        checkedList(recipientProblem, (entry) => plainAddress(entry)!),
      )
      .default({}),
    // REPORT_DROP_DIR_<gemeentecode>: the folder that municipality's report is written into.
    dropDirPerGemeente: z.record(z.string(), z.string().min(1)).default({}),
    // PULL_<SOURCE>_<gemeentecode>: locations whose files are that municipality's (inbox/<code>/<source>/).
    pullPerGemeente: z.record(z.string(), locations).default({}),
  })
  .superRefine((config, ctx) => {
    const { config: gemeenten, problems } = parseGemeenten(config);
    for (const problem of problems) {
      const [setting, ...rest] = problem.split(': ');
      ctx.addIssue({ code: 'custom', path: [setting!], message: rest.join(': ') });
    }
    for (const key of Object.keys(config.pullPerGemeente)) {
      const code = key.slice(-4);
      if (!gemeenten.gemeenten.some((g) => g.code === code)) ctx.addIssue({ code: 'custom', path: [key], message: `${code} is not in GEMEENTEN` });
    }
    for (const [code, recipients] of Object.entries(config.recipientsPerGemeente)) {
      const path = [`REPORT_RECIPIENTS_${code}`];
      if (!gemeenten.gemeenten.some((g) => g.code === code)) ctx.addIssue({ code: 'custom', path, message: `${code} is not in GEMEENTEN` });
      const refused = recipients.filter((r) => !isAllowed(r, config.REPORT_RECIPIENT_ALLOWLIST));
      if (refused.length) ctx.addIssue({ code: 'custom', path, message: `${refused.join(', ')} not in REPORT_RECIPIENT_ALLOWLIST` });
    }
    for (const code of Object.keys(config.dropDirPerGemeente)) {
      if (!gemeenten.gemeenten.some((g) => g.code === code))
        ctx.addIssue({ code: 'custom', path: [`REPORT_DROP_DIR_${code}`], message: `${code} is not in GEMEENTEN` });
    }
    // At start-up, so that no command runs with a recipient the allow-list does not cover. The
    // addresses are configuration, not personal data of residents: naming them helps the fix.
    for (const setting of ['REPORT_RECIPIENTS', 'OVERLEG_RECIPIENTS'] as const) {
      const refused = config[setting].filter((r) => !isAllowed(r, config.REPORT_RECIPIENT_ALLOWLIST));
      if (refused.length) ctx.addIssue({ code: 'custom', path: [setting], message: `${refused.join(', ')} not in REPORT_RECIPIENT_ALLOWLIST` });
    }
    // Settings that only make sense together; each problem names the setting to change.
    const all: { key: string; location: PullLocation }[] = [
      ...PULL_SOURCE_KEYS.flatMap((key) => config[key].map((location) => ({ key, location }))),
      ...Object.entries(config.pullPerGemeente).flatMap(([key, list]) => list.map((location) => ({ key, location }))),
    ];
    const sftp = [...new Set(all.filter((a) => a.location.scheme === 'sftp').map((a) => a.key))];
    if (sftp.length && !config.PULL_SFTP_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['PULL_SFTP_KEY_FILE'],
        message: `required for the sftp:// locations in ${sftp.join(', ')} (SFTP logs in with a key only)`,
      });
    }
    if (sftp.length && !config.PULL_SFTP_KNOWN_HOSTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['PULL_SFTP_KNOWN_HOSTS'],
        message: `required for the sftp:// locations in ${sftp.join(', ')} (the server's host key is pinned, never trusted on first use)`,
      });
    }
    for (const { key, location } of all) {
      if (location.scheme !== 'http') continue;
      if (!isLoopbackHost(location.host)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${location.display}: plain http is refused; use https (http is only possible to a server on this machine)`,
        });
      } else if (!config.PULL_ALLOW_HTTP_LOCALHOST) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${location.display}: plain http is refused; use https, or set PULL_ALLOW_HTTP_LOCALHOST=true for this server on this machine`,
        });
      }
    }
    for (const key of PULL_SOURCE_KEYS) {
      const move = config[`${key}_AFTER`];
      const own = Object.entries(config.pullPerGemeente)
        .filter(([k]) => k.startsWith(`${key}_`))
        .flatMap(([, list]) => list);
      if (move && [...config[key], ...own].some((l) => l.scheme === 'https' || l.scheme === 'http')) {
        ctx.addIssue({
          code: 'custom',
          path: [`${key}_AFTER`],
          message: `move: is only possible for sftp:// and file:// locations, and ${key} has an http(s) one`,
        });
      }
    }
  });

/**
 * Settings that come in families: a rule's parameters (RULE_<CODE>__<PARAM>, checked against the
 * rule register when the run starts). The known-key check derives the rest from the schema, so a
 * setting added there is known at once. Only the secrets that are read from a file have a
 * `<SETTING>_FILE` key, and those are in the schema: any other `_FILE` would be ignored, so it is
 * an unknown setting (REPORT_RECIPIENT_ALLOWLIST_FILE would leave the report unrestricted).
 */
const RULE_KEY = /^RULE_([A-Z_]+?)__([A-Z0-9_]+)$/;
const RECIPIENTS_KEY = /^REPORT_RECIPIENTS_(\d{4})$/;
const DROP_DIR_KEY = /^REPORT_DROP_DIR_(\d{4})$/;
const PULL_GEMEENTE_KEY = /^PULL_(BAG|BRP|PERMITS|DAMOCLES|MELDINGEN)_(\d{4})$/;
const KEY_FAMILIES: RegExp[] = [RULE_KEY, RECIPIENTS_KEY, DROP_DIR_KEY, PULL_GEMEENTE_KEY];

/**
 * Environment variables starting with one of these are taken to be meant for this program: one that
 * is no setting is a typo (REPORT_RECIPIENT_ALLOWLST would leave the report unrestricted). Other
 * variables are the rest of the machine's business.
 */
const OWN_PREFIXES = [
  'GEMEENTE',
  'SAMENWERKING',
  'REPORT_',
  'SMTP_',
  'RULE_',
  'RETENTION_',
  'FRESHNESS_',
  'PSEUDONYMIZATION_',
  'PULL_',
  'SCHEDULE_',
  'INGEST_',
  'SPREIDING_',
];

const INTERNAL_KEYS = ['rules', 'recipientsPerGemeente', 'dropDirPerGemeente', 'pullPerGemeente'];
const isKnownKey = (key: string) => (key in schema.shape && !INTERNAL_KEYS.includes(key)) || KEY_FAMILIES.some((f) => f.test(key));

function unknownKeys(fromFile: Record<string, unknown>, file: string, env: NodeJS.ProcessEnv): string[] {
  const known = Object.keys(schema.shape).filter((k) => !INTERNAL_KEYS.includes(k));
  const problems: string[] = [];
  const inFile = Object.keys(fromFile).filter((k) => k !== 'rules' && !isKnownKey(k));
  if (inFile.length) problems.push(`${file}: unknown setting ${inFile.map((k) => withSuggestion(k, known)).join(', ')}`);
  const inEnv = Object.keys(env).filter((k) => OWN_PREFIXES.some((p) => k.startsWith(p)) && !isKnownKey(k));
  if (inEnv.length) problems.push(`unknown environment variable ${inEnv.map((k) => withSuggestion(k, known)).join(', ')}`);
  return problems;
}

export type Config = z.infer<typeof schema>;

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  overrides?: Partial<Record<keyof Config, unknown>>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolve(cwd, env.PAKHUIS_CONFIG ?? 'pakhuis.config.json');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Neither the parser's message nor the error itself as a cause: both quote the text around
      // the fault, which may be the key.
      throw new ConfigError([
        `${file} is not valid JSON (check quotes and commas; the parser's message is left out because it quotes the file, which may hold the key)`,
      ]);
    }
  } else if (env.PAKHUIS_CONFIG) {
    throw new ConfigError([`PAKHUIS_CONFIG points to ${file}, which does not exist`]);
  }
  if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
    throw new ConfigError([`${file} must hold one JSON object of settings`]);
  }
  const unknown = unknownKeys(fromFile, file, env);
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  input.rules = mergeRuleParams(fromFile, env);
  // The families of keys with a municipality code in their name, the environment over the file;
  // each is gathered under its own key, never taken as written from the file.
  const family = (pattern: RegExp, keyOf: (match: RegExpExecArray) => string): Record<string, unknown> => {
    const found: Record<string, unknown> = {};
    for (const [name, value] of [...Object.entries(fromFile), ...Object.entries(env)]) {
      const match = pattern.exec(name);
      if (match && value !== undefined && value !== '') found[keyOf(match)] = value;
    }
    return found;
  };
  input.recipientsPerGemeente = family(RECIPIENTS_KEY, (m) => m[1]!);
  input.dropDirPerGemeente = family(DROP_DIR_KEY, (m) => m[1]!);
  input.pullPerGemeente = family(PULL_GEMEENTE_KEY, (m) => m[0]);
  Object.assign(input, options.overrides ?? {});
  const problems = readSecretFiles(input, cwd);
  const parsed = schema.safeParse(input);
  // Only names and reasons: a rejected value may be a secret.
  // A family key (REPORT_RECIPIENTS_0589, PULL_PERMITS_0589) is named as it was written.
  const invalid = parsed.success
    ? []
    : parsed.error.issues.map(
        (i) => `${i.path.join('.').replace(/^(recipientsPerGemeente|dropDirPerGemeente|pullPerGemeente)\./, '') || '(root)'}: ${i.message}`,
      );
  if (unknown.length || problems.length || !parsed.success) throw new ConfigError([...unknown, ...problems, ...invalid]);
  return parsed.data;
}

/**
 * Secrets that may be read from a file named by `<NAME>_FILE` (as the official PostgreSQL image
 * and systemd's LoadCredential do), so that the key stays out of crontabs, unit files, `ps` and
 * the process environment of everything the job starts. The file must not be readable or writable
 * by other users: like ssh and PostgreSQL with their key files, a key every local account can
 * read is refused rather than used.
 */
const SECRET_FILE_SETTINGS = ['PSEUDONYMIZATION_KEY', 'SMTP_PASSWORD'] as const;

function readSecretFiles(input: Record<string, unknown>, cwd: string): string[] {
  const problems: string[] = [];
  for (const name of SECRET_FILE_SETTINGS) {
    const fileSetting = `${name}_FILE`;
    const path = input[fileSetting];
    if (path === undefined || path === '') continue;
    if (typeof path !== 'string') continue; // the schema names the wrong type
    if (input[name] !== undefined) {
      problems.push(`${name} and ${fileSetting} are both set; set one of them`);
      continue;
    }
    const file = resolve(cwd, path);
    let mode: number;
    try {
      const s = statSync(file);
      if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      mode = s.mode;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        `${fileSetting}: ${file} ${code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by this user' : 'is not a readable file'}`,
      );
      continue;
    }
    if (process.platform !== 'win32' && (mode & 0o027) !== 0) {
      problems.push(
        `${fileSetting}: ${file} is open to other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); make it readable by the service user only: chmod 600 ${file}`,
      );
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      problems.push(`${fileSetting}: ${file} cannot be read by this user`);
      continue;
    }
    // One trailing line break is how editors and `echo` end a file; it is not part of the secret.
    const value = text.replace(/\r?\n$/, '');
    if (value === '') problems.push(`${fileSetting}: ${file} is empty`);
    else input[name] = value;
  }
  return problems;
}

/** Rule parameters from the file's "rules" object, then RULE_<CODE>__<PARAM> keys of the file, then of the environment. */
function mergeRuleParams(fromFile: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const rules: Record<string, Record<string, unknown>> = {};
  const fileRules = fromFile.rules;
  if (fileRules && typeof fileRules === 'object') {
    for (const [code, params] of Object.entries(fileRules)) rules[code.toUpperCase()] = { ...(params as object) };
  }
  for (const [name, value] of [...Object.entries(fromFile), ...Object.entries(env)]) {
    const match = RULE_KEY.exec(name);
    if (!match || value === undefined) continue;
    const [, code, param] = match as unknown as [string, string, string];
    (rules[code] ??= {})[camel(param)] = value;
  }
  return rules;
}

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const parsedGemeenten = new WeakMap<Config, GemeentenConfig>();

/** The municipalities and agreements of a loaded configuration (checked when it was loaded). */
export function gemeentenOf(config: Config): GemeentenConfig {
  let parsed = parsedGemeenten.get(config);
  if (!parsed) parsedGemeenten.set(config, (parsed = parseGemeenten(config).config));
  return parsed;
}

/** Who gets a municipality's report: REPORT_RECIPIENTS_<code>, else REPORT_RECIPIENTS. */
export function recipientsFor(config: Config, gemeentecode: string | undefined): string[] {
  return (gemeentecode && config.recipientsPerGemeente[gemeentecode]) || config.REPORT_RECIPIENTS;
}

/**
 * The folder a municipality's nightly report is written into, or undefined when it goes by e-mail.
 * The most specific setting wins: REPORT_DROP_DIR_<code>, then REPORT_RECIPIENTS_<code> (that
 * municipality asked for mail), then REPORT_DROP_DIR.
 */
export function dropDirFor(config: Config, gemeentecode: string | undefined): string | undefined {
  if (gemeentecode && config.dropDirPerGemeente[gemeentecode]) return config.dropDirPerGemeente[gemeentecode];
  if (gemeentecode && config.recipientsPerGemeente[gemeentecode]) return undefined;
  return config.REPORT_DROP_DIR || undefined;
}

/** A redacted copy safe to log. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    database: config.DATABASE_URL ? 'postgresql (DATABASE_URL)' : `pglite (${config.PGLITE_DIR})`,
    inbox: config.INBOX_DIR,
    archive: config.ARCHIVE_DIR,
    out: config.OUT_DIR,
    pseudonymizationKey: config.PSEUDONYMIZATION_KEY ? `set (version ${config.PSEUDONYMIZATION_KEY_VERSION})` : 'missing',
    smtp: config.SMTP_HOST ? `${config.SMTP_HOST}:${config.SMTP_PORT}` : 'not configured',
    dropDir: config.REPORT_DROP_DIR ?? 'not configured',
    pull: Object.fromEntries([
      ...PULL_SOURCE_KEYS.filter((k) => config[k].length).map((k) => [k, config[k].map((l) => l.display)]),
      ...Object.entries(config.pullPerGemeente).map(([k, list]) => [k, list.map((l) => l.display)]),
    ]),
  };
}
