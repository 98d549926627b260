import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const intFromEnv = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const boolFromEnv = (fallback: boolean) =>
  z.preprocess((v) => (typeof v === 'string' ? /^(1|true|yes|ja)$/i.test(v.trim()) : v), z.boolean()).default(fallback);
const list = z
  .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.string()))
  .default([]);

/**
 * Every setting, in environment-variable spelling. An optional JSON file (PAKHUIS_CONFIG, default
 * ./pakhuis.config.json) may set the same keys; the environment wins. Rule parameters are set as
 * RULE_<CODE>__<PARAM> (two underscores), e.g. RULE_OVERBEWONING__NORM_M2=15, or under "rules" in the file.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default('./data/pglite'),
  INBOX_DIR: z.string().default('./inbox'),
  ARCHIVE_DIR: z.string().default('./archive'),
  OUT_DIR: z.string().default('./out'),
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
  FRESHNESS_BRP_DAYS: intFromEnv(2),
  FRESHNESS_BAG_DAYS: intFromEnv(35),
  FRESHNESS_PERMITS_DAYS: intFromEnv(8),
  FRESHNESS_DAMOCLES_DAYS: intFromEnv(8),
  RETENTION_STAGING_DAYS: intFromEnv(30),
  RETENTION_ARCHIVE_DAYS: intFromEnv(90),
  RETENTION_RESOLVED_SIGNAL_MONTHS: intFromEnv(12),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().positive().default(587),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_PASSWORD_FILE: z.string().optional(),
  SMTP_ALLOW_PLAIN: boolFromEnv(false),
  REPORT_FROM: z.string().default('informatiepakhuis@localhost'),
  REPORT_RECIPIENTS: list,
  REPORT_RECIPIENT_ALLOWLIST: list,
  rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

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
      throw new ConfigError([`${file} is not valid JSON (check quotes and commas; the parser's message is left out because it quotes the file, which may hold the key)`]);
    }
  } else if (env.PAKHUIS_CONFIG) {
    throw new ConfigError([`PAKHUIS_CONFIG points to ${file}, which does not exist`]);
  }
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  input.rules = mergeRuleParams(fromFile.rules, env);
  Object.assign(input, options.overrides ?? {});
  const problems = readSecretFiles(input, cwd);
  const parsed = schema.safeParse(input);
  if (!parsed.success || problems.length > 0) {
    // Only names and reasons: a rejected value may be a secret.
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError([...problems, ...issues]);
  }
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
      problems.push(`${fileSetting}: ${file} ${code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by this user' : 'is not a readable file'}`);
      continue;
    }
    if (process.platform !== 'win32' && (mode & 0o027) !== 0) {
      problems.push(`${fileSetting}: ${file} is open to other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); make it readable by the service user only: chmod 600 ${file}`);
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

function mergeRuleParams(fileRules: unknown, env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const rules: Record<string, Record<string, unknown>> = {};
  if (fileRules && typeof fileRules === 'object') {
    for (const [code, params] of Object.entries(fileRules)) rules[code.toUpperCase()] = { ...(params as object) };
  }
  for (const [name, value] of Object.entries(env)) {
    const match = /^RULE_([A-Z_]+?)__([A-Z0-9_]+)$/.exec(name);
    if (!match || value === undefined) continue;
    const [, code, param] = match as unknown as [string, string, string];
    (rules[code] ??= {})[camel(param)] = value;
  }
  return rules;
}

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A redacted copy safe to log. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    database: config.DATABASE_URL ? 'postgresql (DATABASE_URL)' : `pglite (${config.PGLITE_DIR})`,
    inbox: config.INBOX_DIR,
    archive: config.ARCHIVE_DIR,
    out: config.OUT_DIR,
    pseudonymizationKey: config.PSEUDONYMIZATION_KEY ? `set (version ${config.PSEUDONYMIZATION_KEY_VERSION})` : 'missing',
    smtp: config.SMTP_HOST ? `${config.SMTP_HOST}:${config.SMTP_PORT}` : 'not configured',
  };
}
