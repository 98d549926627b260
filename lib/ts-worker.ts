import { Worker, type WorkerOptions } from 'node:worker_threads';

const TSX_API_URL = import.meta.resolve('tsx/esm/api');

/**
 * A worker thread running a TypeScript module through tsx. `execArgv: ['--import', 'tsx']` does not
 * work on Node 20: tsx registers its hooks only on the main thread there (it checks isMainThread,
 * as worker_threads.isInternalThread does not exist before Node 22.14). So a small bootstrap
 * registers tsx explicitly through its API and then imports the module. Both are absolute URLs,
 * so neither depends on the working directory of the run.
 */
export function startTsWorker(module: URL, options: Omit<WorkerOptions, 'eval'>): Worker {
  const bootstrap = `import(${JSON.stringify(TSX_API_URL)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
