import { Worker } from 'node:worker_threads';

/**
 * SHA-256 of a file, or of a folder (names and contents of its files in name order), computed on a
 * worker thread so that hashing runs beside parsing instead of before it.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream, statSync, readdirSync } = require('node:fs');
const { join, relative } = require('node:path');
function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}
async function hashFile(path) {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk);
  return h.digest('hex');
}
(async () => {
  const root = workerData;
  if (statSync(root).isDirectory()) {
    const h = createHash('sha256');
    for (const f of files(root)) h.update(relative(root, f) + '\\0' + (await hashFile(f)) + '\\n');
    return h.digest('hex');
  }
  return hashFile(root);
})().then((hex) => parentPort.postMessage({ hex }), (e) => parentPort.postMessage({ error: String(e && e.message || e) }));
`;

export function hashPath(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: path });
    worker.once('message', (m: { hex?: string; error?: string }) => {
      if (m.hex) resolve(m.hex);
      else reject(new Error(`cannot hash ${path}: ${m.error}`));
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
