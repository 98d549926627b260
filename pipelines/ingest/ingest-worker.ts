/**
 * An ingest worker: reads one part of a large CSV file, validates and pseudonymises its rows with
 * the same RowRouter as the main thread, and sends COPY text back in pieces. It waits for the
 * loader to take a piece before it runs more than two ahead, so memory stays bounded when
 * PostgreSQL is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { failpoint } from '../../lib/failpoint.ts';
import { Pseudonymizer } from '../../lib/pseudonym.ts';
import { SOURCE_DEFINITIONS } from '../../sources/index.ts';
import { FileRejectedError, type SourceName, type SplitPlan } from '../../sources/source.ts';
import { FLUSH_CHARS, RowRouter, type RouterCounts } from './row-router.ts';

export interface IngestWorkerData {
  /** A production source: the worker finds it in the registry by this name. */
  source: SourceName;
  format: string;
  path: string;
  displayName: string;
  plan: SplitPlan;
  index: number;
  loadId: number;
  liveTable: string;
  /** The pseudonymisation key; it stays inside this process. */
  key: string;
  keyVersion: number;
}

export type IngestWorkerMessage =
  | { type: 'data'; live: string; spooled: [string, string][]; rows: number }
  | { type: 'end'; rowsRead: number; rowsStaged: number; rowsRejected: number; counts: RouterCounts }
  | { type: 'error'; message: string; rejectedFile?: { file: string; reason: string } };

const AHEAD = 2;

async function run(data: IngestWorkerData): Promise<void> {
  const source = SOURCE_DEFINITIONS[data.source];
  const format = source.formats.find((f) => f.name === data.format);
  if (!format?.split) throw new Error(`format ${data.format} of ${data.source} cannot be read in parts`);
  const router = new RowRouter(source, data.loadId, new Pseudonymizer(data.key, data.keyVersion), data.liveTable);
  let inFlight = 0;
  let wake: (() => void) | undefined;
  parentPort!.on('message', () => {
    inFlight--;
    wake?.();
  });
  let sentRows = 0;
  const send = async () => {
    while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
    inFlight++;
    const message: IngestWorkerMessage = { type: 'data', live: router.takeLive(), spooled: router.takeSpooled(), rows: router.rowsRead - sentRows };
    sentRows = router.rowsRead;
    parentPort!.postMessage(message);
  };
  for await (const record of format.split.read(data.path, { displayName: data.displayName, plan: data.plan, index: data.index })) {
    router.route(record);
    if (router.pending >= FLUSH_CHARS) await send();
  }
  await send();
  await failpoint('ingest-worker');
  const end: IngestWorkerMessage = {
    type: 'end',
    rowsRead: router.rowsRead,
    rowsStaged: router.rowsStaged,
    rowsRejected: router.rowsRejected,
    counts: router.counts(),
  };
  parentPort!.postMessage(end);
}

run(workerData as IngestWorkerData).then(
  () => parentPort!.close(),
  (error: unknown) => {
    const message: IngestWorkerMessage =
      error instanceof FileRejectedError
        ? { type: 'error', message: error.message, rejectedFile: { file: error.file, reason: error.reason } }
        : { type: 'error', message: (error as Error)?.message ?? String(error) };
    parentPort!.postMessage(message);
    parentPort!.close();
  },
);
