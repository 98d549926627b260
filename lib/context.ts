import type { Config } from './config.ts';
import type { Database } from './db.ts';
import type { Logger } from './logger.ts';
import type { StepProgressOptions } from './progress.ts';
import type { Pseudonymizer } from './pseudonym.ts';
import type { SourceRegistry } from '../sources/index.ts';

/** What every step of a run needs; made once per process by bin/ or by a test. */
export interface PipelineContext {
  db: Database;
  config: Config;
  log: Logger;
  pseudonymizer: Pseudonymizer;
  /** Where progress goes (a terminal, or log lines how often); by default stderr when it is a terminal. */
  progress?: StepProgressOptions;
  /** The sources a run knows (sources/index.ts); the production registry when absent, a test's own when given. */
  sources?: SourceRegistry;
  /** The folder of transform scripts (transforms/ when absent): a test's own source brings its own. */
  transformsDir?: string;
}
