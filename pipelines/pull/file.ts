import { constants, createReadStream, realpathSync } from 'node:fs';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { PullRefusal } from './errors.ts';
import type { ListedBackend, RemoteEntry, RemoteStat } from './listed.ts';

/**
 * The file a share's entry is, as a path with no link in it, or null when a link leads out of the
 * location's folder. A link within it is followed (`laatste.xlsx` pointing at today's export), but
 * NFS resolves links on this machine: one pointing at /run/secrets/... had the pull copy this
 * machine's own files, its key among them, into the inbox and on into the archive.
 */
function within(path: string): string | null {
  let real: string;
  let folder: string;
  try {
    real = realpathSync(path);
    folder = realpathSync(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return real.startsWith(folder.endsWith(sep) ? folder : folder + sep) ? real : null;
}

/** A folder on this machine, typically a network share mounted on the host (file:///mnt/…). */
export function fileBackend(): ListedBackend {
  const statOf = async (path: string): Promise<RemoteStat | null> => {
    const real = within(path);
    if (real === null) return null;
    const s = await stat(real).catch((error: NodeJS.ErrnoException) => {
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
    read: (path) => {
      // Looked at again as it is opened, and opened without following a link: no swap in between.
      const real = within(path);
      if (real === null) throw new PullRefusal(`${basename(path)} is een koppeling naar buiten de map en wordt niet gevolgd`);
      return createReadStream(real, { highWaterMark: 1 << 20, flags: (constants.O_RDONLY | constants.O_NOFOLLOW) as unknown as string });
    },
    async readSmall(path, maxBytes) {
      const real = within(path);
      if (real === null) return null;
      const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
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
      if (
        await stat(target).then(
          () => true,
          () => false,
        )
      )
        throw new Error(`${target} bestaat al`);
      await rename(path, target);
      return target;
    },
    join,
  };
}
