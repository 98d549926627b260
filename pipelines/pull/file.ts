import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ListedBackend, RemoteEntry, RemoteStat } from './listed.ts';

/** A folder on this machine, typically a network share mounted on the host (file:///mnt/…). */
export function fileBackend(): ListedBackend {
  const statOf = async (path: string): Promise<RemoteStat | null> => {
    const s = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    return s && s.isFile() ? { size: s.size, mtime: s.mtime } : null;
  };
  return {
    async list(dir) {
      const entries: RemoteEntry[] = [];
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        const path = join(dir, entry.name);
        const s = await statOf(path);
        if (s) entries.push({ name: entry.name, path, ...s });
      }
      return entries;
    },
    stat: statOf,
    read: (path) => createReadStream(path, { highWaterMark: 1 << 20 }),
    async readSmall(path, maxBytes) {
      const handle = await open(path, 'r').catch(() => null);
      if (!handle) return null;
      try {
        const buffer = Buffer.alloc(maxBytes);
        const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    },
    async move(path, folder) {
      const target = join(isAbsolute(folder) ? folder : join(dirname(path), folder), basename(path));
      await mkdir(dirname(target), { recursive: true });
      if (await stat(target).then(() => true, () => false)) throw new Error(`${target} bestaat al`);
      await rename(path, target);
      return target;
    },
    join,
  };
}
