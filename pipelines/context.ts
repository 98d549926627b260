import type { Config } from '../lib/config.ts';
import type { Database } from '../lib/db.ts';
import type { Logger } from '../lib/logger.ts';
import type { StepProgressOptions } from '../lib/progress.ts';
import type { Pseudonymizer } from '../lib/pseudonym.ts';

/** What every step of a run needs; made once per process by bin/ or by a test. */
export interface PipelineContext {
  db: Database;
  config: Config;
  log: Logger;
  pseudonymizer: Pseudonymizer;
  /** Where progress goes (a terminal, or log lines how often); by default stderr when it is a terminal. */
  progress?: StepProgressOptions;
}
