import { pino, destination, type DestinationStream, type Logger } from 'pino';
import { build as pretty } from 'pino-pretty';

export type { Logger };

/**
 * Paths that may hold personal data or secrets. The pipeline never logs row values on purpose;
 * this list is the second line of defence for a careless `log.info({ record })`.
 */
export const REDACT_PATHS = [
  'bsn',
  '*.bsn',
  'burgerservicenummer',
  '*.burgerservicenummer',
  'geslachtsnaam',
  '*.geslachtsnaam',
  'voornamen',
  '*.voornamen',
  'naam',
  '*.naam',
  'name',
  '*.name',
  'geboortedatum',
  '*.geboortedatum',
  'fields',
  '*.fields',
  'raw',
  '*.raw',
  'values',
  '*.values',
  'record',
  '*.record',
  'key',
  '*.key',
  'pseudonymizationKey',
  '*.pseudonymizationKey',
  'PSEUDONYMIZATION_KEY',
  'password',
  '*.password',
  'smtpPassword',
  '*.smtpPassword',
  'databaseUrl',
  '*.databaseUrl',
  'connectionString',
  '*.connectionString',
];

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty';
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const redact = { paths: REDACT_PATHS, censor: '[verwijderd]' };
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format === 'pretty' && !options.destination) {
    // In this thread and synchronous, not as a pino transport: a transport's worker thread wrote
    // its lines after the command's own output (two log lines after "Demo klaar").
    return pino({ level, redact }, pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
  }
  // Synchronous for the same reason: the log and the command's output appear in the order written.
  return pino({ level, redact }, (options.destination ?? destination({ dest: 2, sync: true })) as DestinationStream);
}
