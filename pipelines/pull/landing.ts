import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isInProgressName } from '../ingest/inbox.ts';
import { PullRefusal } from './errors.ts';

/** The pull's temporary files: a dot name and .part, both of which the inbox scan skips. */
const TEMP_PREFIX = '.pull-';
/** Slower than this, a transfer is taken to be stuck: 3 GB would take five weeks. */
const MIN_BYTES_PER_SECOND = 1024;

export interface Landed {
  bytes: number;
  sha256: string;
  /** Moves the file into the inbox folder under a free name (never over another file); returns that name. */
  commit(name: string): Promise<string>;
  discard(): Promise<void>;
}

export interface LandOptions {
  /** The inbox folder of the source: the temporary file is written in it, so the rename is atomic. */
  dir: string;
  maxBytes: number;
  /** What the server said the size is; a different count refuses the file. */
  expectedBytes?: number;
  /** A checksum the server publishes (hex); a different one refuses the file. */
  expectedSha256?: string;
  /** No data for this long aborts the transfer. */
  idleMs: number;
  /** The remote modification time, kept on the file as wget and rsync -t do. */
  mtime?: Date;
}

/**
 * Streams a download into a temporary file in the inbox folder, counting and hashing as it goes.
 * Past `maxBytes` it stops at once (the source is destroyed, which closes the connection): nothing
 * is held in memory beyond one chunk. Whatever goes wrong, the temporary file is removed; only
 * `commit` puts a complete, verified file where the inbox scan sees it.
 */
export async function land(source: Readable, options: LandOptions): Promise<Landed> {
  await mkdir(options.dir, { recursive: true });
  const temp = join(options.dir, `${TEMP_PREFIX}${randomUUID()}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  let idle: NodeJS.Timeout | undefined;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) {
        done(new PullRefusal(`groter dan de grens van ${megabytes(options.maxBytes)} (PULL_MAX_MB); afgebroken na ${megabytes(bytes)}`));
        return;
      }
      hash.update(chunk);
      arm();
      done(null, chunk);
    },
  });
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => meter.destroy(new Error(`geen gegevens ontvangen in ${Math.round(options.idleMs / 1000)} s`)), options.idleMs);
  };
  // The idle timer alone let a server that sends a byte now and then (each one reset it) hold the
  // night's run, and its lock, for ever. So over every window of idleMs after the first (which
  // includes setting up) at least MIN_BYTES_PER_SECOND must have come on average.
  let windowStart = 0;
  let windows = 0;
  const pace = setInterval(() => {
    const got = bytes - windowStart;
    windowStart = bytes;
    if (windows++ > 0 && got > 0 && got < (MIN_BYTES_PER_SECOND * options.idleMs) / 1000) {
      meter.destroy(new Error(`te traag: ${got} bytes in ${Math.round(options.idleMs / 1000)} s (minder dan ${MIN_BYTES_PER_SECOND / 1024} kB/s)`));
    }
  }, options.idleMs);
  const stopTimers = () => {
    clearTimeout(idle);
    clearInterval(pace);
  };
  try {
    arm();
    await pipeline(source, meter, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
    stopTimers();
    if (options.expectedBytes !== undefined && bytes !== options.expectedBytes) {
      throw new Error(`onvolledig: ${bytes} van ${options.expectedBytes} bytes ontvangen`);
    }
    const sha256 = hash.digest('hex');
    if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== sha256) {
      throw new PullRefusal(`de SHA-256 klopt niet met wat de bron publiceert (${options.expectedSha256.slice(0, 12)}…, ontvangen ${sha256.slice(0, 12)}…)`);
    }
    // On disk before it is in the inbox: a power cut must not leave a named, half-written file.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.mtime && !Number.isNaN(options.mtime.getTime())) await utimes(temp, options.mtime, options.mtime);
    return {
      bytes,
      sha256,
      commit: (name) => commit(temp, options.dir, name),
      discard: () => rm(temp, { force: true }),
    };
  } catch (error) {
    stopTimers();
    source.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

async function commit(temp: string, dir: string, wanted: string): Promise<string> {
  const name = safeName(wanted);
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? name : `${stem}-${n}${ext}`;
    const target = join(dir, candidate);
    try {
      // link() fails on an existing name where rename() would silently replace a file that waits.
      await link(temp, target);
      await unlink(temp);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
      // Some shares have no hard links: only this process writes here (it holds the run lock).
      if (
        await stat(target).then(
          () => true,
          () => false,
        )
      )
        continue;
      await rename(temp, target);
    }
    await syncDir(dir);
    return candidate;
  }
  throw new Error(`geen vrije naam voor ${name} in ${dir}`);
}

/** Temporary files a killed pull left behind; called while holding the run lock. */
export async function removeStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(TEMP_PREFIX) && n.endsWith('.part')).map((n) => rm(join(dir, n), { force: true })));
}

/**
 * A remote name as a plain file name: a hostile server may answer a listing with `../x` or a
 * name with control characters. Only the last segment is kept, odd characters become `_`, and
 * a leading dot goes (the scan would skip the file for ever).
 */
export function safeName(remote: string): string {
  const last = remote.split(/[/\\]/).pop() ?? '';
  let name = last
    .replace(/[^\p{L}\p{N}._\- ]/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(-200);
  if (!name || isInProgressName(name)) name = `${name || 'download'}.bestand`;
  return name;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => {});
  await handle?.close();
}

export function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}
