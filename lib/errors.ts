/**
 * Small typed errors. Each carries a Dutch-or-English one-line message fit for the CLI; the
 * underlying error travels as `cause` so the log keeps the detail.
 */
export class PakhuisError extends Error {
  override name = 'PakhuisError';
}

export class ConfigError extends PakhuisError {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** A migration numbered below one already applied: databases migrated before it would apply it out of order. */
export class MigrationOrderError extends PakhuisError {
  override name = 'MigrationOrderError';
}

export class RunLockedError extends PakhuisError {
  override name = 'RunLockedError';
}

export class StepError extends PakhuisError {
  override name = 'StepError';
  constructor(
    readonly step: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`step ${step} failed: ${message}`, options);
  }
}

/** PostgreSQL error classes by SQLSTATE, so callers branch on meaning instead of message text. */
export type PgErrorClass =
  'connection' | 'unique_violation' | 'integrity' | 'insufficient_privilege' | 'invalid_input' | 'lock' | 'disk_full' | 'cancelled' | 'other';

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function classifyPgError(error: unknown): PgErrorClass {
  const code = sqlState(error);
  if (!code) {
    const sysCode = (error as { code?: unknown } | null)?.code;
    if (sysCode === 'ECONNREFUSED' || sysCode === 'ECONNRESET' || sysCode === 'EPIPE') return 'connection';
    if (/terminated|connection.*closed|ECONNRESET/i.test(String((error as Error)?.message))) return 'connection';
    return 'other';
  }
  if (code === '23505') return 'unique_violation';
  if (code.startsWith('23')) return 'integrity';
  if (code === '42501') return 'insufficient_privilege';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return 'connection';
  if (code.startsWith('22')) return 'invalid_input';
  if (code === '55P03' || code === '40P01' || code === '40001') return 'lock';
  if (code === '53100') return 'disk_full';
  if (code === '57014') return 'cancelled';
  return 'other';
}

/**
 * Whether a failure to load a file lies with the file, so that loading it again would fail again:
 * PostgreSQL refusing a value (data exception, integrity, program limit) or a reader that broke
 * on the content. A lost connection, a full disk, a lock, a cancel, a missing privilege or an
 * error in our own SQL lies with the machine or the code: the file waits for the next run.
 */
export function blamesTheFile(error: unknown): boolean {
  for (let e: unknown = error; e; e = e instanceof Error ? e.cause : undefined) {
    const state = sqlState(e);
    if (state) return state.startsWith('22') || state.startsWith('23') || state.startsWith('54');
    const code = (e as { code?: unknown } | null)?.code;
    // Node's system errors (ENOSPC, EIO, ECONNRESET, EACCES ...) are about the machine.
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return false;
    if (classifyPgError(e) === 'connection') return false;
  }
  return true;
}

/**
 * What may be said about such a failure where people read it (a reason, a run record, an e-mail):
 * the SQLSTATE or the kind of error, never the message, which can quote the refused value.
 */
export function safeFailure(error: unknown): string {
  for (let e: unknown = error; e; e = e instanceof Error ? e.cause : undefined) {
    const state = sqlState(e);
    if (state) return `de database weigerde de inhoud (SQLSTATE ${state})`;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return `het lezen brak onverwacht af (${name})`;
}

/** One readable line for the CLI: the outermost message, plus the root cause's when it adds something. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let root: unknown = error;
  while (root instanceof Error && root.cause) root = root.cause;
  const rootMessage = root instanceof Error ? root.message : undefined;
  const text = rootMessage && rootMessage !== message && !message.includes(rootMessage) ? `${message} (${rootMessage})` : message;
  return text.replace(/\s+/g, ' ').trim();
}
