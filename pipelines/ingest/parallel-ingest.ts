import type { Worker } from 'node:worker_threads';
import { projectUrl } from '../../lib/root.ts';
import { startTsWorker } from '../../lib/ts-worker.ts';
import { FileRejectedError, type SourceFormat, type SourceName, type SplitPlan } from '../../sources/source.ts';
import type { IngestWorkerData, IngestWorkerMessage } from './ingest-worker.ts';
import type { RowRouter } from './row-router.ts';

const WORKER_MODULE = projectUrl('pipelines/ingest/ingest-worker.ts');

/** Heap per worker: enough for a piece in flight; a cap makes V8 collect instead of grow. */
const WORKER_HEAP_MB = 96;

export interface ParallelIngest {
  format: SourceFormat;
  path: string;
  displayName: string;
  plan: SplitPlan;
  /** The main thread's router: its source, load, live table and key are the workers' too, and the totals and reasons of all parts are added to it. */
  router: RowRouter;
  /** Receives the text for other staging tables and rejected rows. */
  spool: (table: string, text: string) => Promise<void>;
  onRows?: (rows: number) => void | Promise<void>;
}

/**
 * Reads the parts of one CSV file on one worker each and yields the live table's COPY text as it
 * arrives, in whatever order the parts produce it: staging rows carry their line number, so order
 * in the table carries no meaning.
 */
export async function* parallelLines(job: ParallelIngest): AsyncGenerator<string> {
  const { router } = job;
  const { key, keyVersion } = router.pseudonymizer.forWorkerThread();
  const queue: { worker: Worker; message: IngestWorkerMessage }[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let running = job.plan.ranges.length;
  const finished = new Set<Worker>();
  const workers = job.plan.ranges.map((_, index) => {
    const data: IngestWorkerData = {
      // Only production sources are read in parts (planParallel in ingest.ts).
      source: router.source.name as SourceName,
      format: job.format.name,
      path: job.path,
      displayName: job.displayName,
      plan: job.plan,
      index,
      loadId: router.loadId,
      liveTable: router.liveTable,
      key,
      keyVersion,
    };
    const worker = startTsWorker(WORKER_MODULE, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
    worker.on('message', (message: IngestWorkerMessage) => {
      if (message.type === 'end' || message.type === 'error') finished.add(worker);
      queue.push({ worker, message });
      wake?.();
    });
    worker.on('error', (error) => {
      failure ??= new Error(`ingest worker failed: ${error.message}`, { cause: error });
      wake?.();
    });
    worker.on('exit', (code) => {
      if (!finished.has(worker)) failure ??= new Error(`ingest worker stopped without finishing its part (exit code ${code})`);
      wake?.();
    });
    return worker;
  });
  try {
    while (running > 0) {
      const next = queue.shift();
      if (!next) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const { worker, message } = next;
      if (message.type === 'error') {
        throw message.rejectedFile ? new FileRejectedError(message.rejectedFile.file, message.rejectedFile.reason) : new Error(message.message);
      }
      if (message.type === 'end') {
        router.rowsRead += message.rowsRead;
        router.rowsStaged += message.rowsStaged;
        router.rowsRejected += message.rowsRejected;
        router.merge(message.counts);
        running--;
        continue;
      }
      for (const [table, text] of message.spooled) await job.spool(table, text);
      await job.onRows?.(message.rows);
      worker.postMessage('more');
      if (message.live) yield message.live;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
