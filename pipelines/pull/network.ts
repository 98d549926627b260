import { PullRefusal } from './errors.ts';

const SYSTEM: Record<string, string> = {
  ECONNREFUSED: 'verbinding geweigerd (draait de server?)',
  ECONNRESET: 'verbinding verbroken door de andere kant',
  EPIPE: 'verbinding verbroken',
  ETIMEDOUT: 'geen antwoord (time-out)',
  ENOTFOUND: 'host niet gevonden (DNS)',
  EAI_AGAIN: 'host niet gevonden (DNS tijdelijk onbereikbaar)',
  EHOSTUNREACH: 'host onbereikbaar',
  ENETUNREACH: 'netwerk onbereikbaar',
  ENOENT: 'bestand of map bestaat niet',
  EACCES: 'geen toegang',
};

// SFTP status codes (draft-ietf-secsh-filexfer-02, section 7).
const SFTP: Record<number, string> = {
  1: 'einde van het bestand',
  2: 'bestand of map bestaat niet',
  3: 'geen toegang',
  4: 'de server meldt een fout',
  6: 'geen verbinding',
  7: 'verbinding verbroken',
  8: 'niet ondersteund door de server',
};

/** An error with a Dutch message for the run's warnings; `code` is kept so callers can branch on it. */
export class PullNetworkError extends Error {
  override name = 'PullNetworkError';
  constructor(
    message: string,
    readonly code: string | number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A Dutch line for what went wrong on the wire. Messages from servers and libraries are not
 * repeated beyond their code: a server's text is input, and may be long or hostile.
 */
export function networkProblem(error: unknown): Error {
  if (error instanceof PullRefusal || error instanceof PullNetworkError) return error;
  const e = error as { code?: unknown; level?: string; message?: string };
  if (typeof e.code === 'number') return new PullNetworkError(`SFTP: ${SFTP[e.code] ?? `status ${e.code}`}`, e.code, { cause: error });
  if (typeof e.code === 'string' && SYSTEM[e.code]) return new PullNetworkError(SYSTEM[e.code]!, e.code, { cause: error });
  if (e.level === 'client-timeout') return new PullNetworkError('geen antwoord binnen PULL_TIMEOUT_SECONDS (time-out)', 'ETIMEDOUT', { cause: error });
  // ssh2's words for a request whose channel closed under it.
  if (e.message === 'No response from server') return new PullNetworkError('verbinding verbroken tijdens het lezen', 'ECONNRESET', { cause: error });
  if (e.level === 'client-socket') return new PullNetworkError('verbinding verbroken', 'ECONNRESET', { cause: error });
  const message = String(e.message ?? error)
    .replace(/\s+/g, ' ')
    .slice(0, 160);
  return new PullNetworkError(message, typeof e.code === 'string' ? e.code : undefined, { cause: error });
}
