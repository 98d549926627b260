import type { PipelineContext } from './context.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase } from './db.ts';
import { ConfigError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { migrate } from './migrate.ts';
import { Pseudonymizer } from './pseudonym.ts';

/** Opens everything a command needs; `requireKey` is false only for commands that touch no BSN. */
export async function openContext(options: { config?: Config; log?: Logger; requireKey?: boolean; migrate?: boolean } = {}): Promise<PipelineContext> {
  const config = options.config ?? loadConfig();
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  if (options.requireKey !== false && !config.PSEUDONYMIZATION_KEY) {
    throw new ConfigError(['PSEUDONYMIZATION_KEY: required (at least 32 characters); only `pakhuis demo` creates one itself']);
  }
  const db = await openDatabase({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  try {
    if (options.migrate !== false) await migrate(db, log);
  } catch (error) {
    await db.close();
    throw error;
  }
  // Commands that never pseudonymise still get an object; it refuses to work without a key.
  const pseudonymizer = config.PSEUDONYMIZATION_KEY
    ? new Pseudonymizer(config.PSEUDONYMIZATION_KEY, config.PSEUDONYMIZATION_KEY_VERSION)
    : (new Proxy(
        {},
        {
          get: () => {
            throw new ConfigError(['PSEUDONYMIZATION_KEY: required for this command']);
          },
        },
      ) as Pseudonymizer);
  return { db, config, log, pseudonymizer };
}
