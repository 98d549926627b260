import { mkdir, readdir, rename, stat, lstat, copyFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { SOURCES } from '../../sources/index.ts';

export interface InboxFile {
  source: string;
  /** From the folder inbox/<gemeentecode>/<source>/; absent for inbox/<source>/. */
  gemeentecode?: string;
  path: string;
  /** Path relative to the inbox, used as the file's name in records and messages. */
  name: string;
}

/**
 * The folder a source's files are dropped in, by hand or by the pull: inbox/<source>/, or
 * inbox/<gemeentecode>/<source>/ for one municipality's registers.
 */
export function inboxFolder(inbox: string, source: string, gemeentecode?: string): string {
  return gemeentecode ? join(inbox, gemeentecode, source) : join(inbox, source);
}

/** The inbox's municipality folders (four digits), in order. */
async function gemeenteFolders(inbox: string): Promise<string[]> {
  const entries = await readdir(inbox, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && /^\d{4}$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** Names the scan skips: files still being written by their convention, and the pull's own temporary files. */
export function isInProgressName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.part') || name.endsWith('.tmp');
}

/**
 * Files ready to load, per source folder, oldest name first. A file (or BAG folder) modified in the
 * last `stableSeconds` may still be being copied and waits for the next run, unless it is in
 * `complete`: the pull renames a file into the inbox only once it is whole.
 */
export async function scanInbox(
  inbox: string,
  stableSeconds: number,
  now = Date.now(),
  complete: ReadonlySet<string> = new Set(),
  /** The source folders to look in: the registry's names (PipelineContext.sources). */
  sources: readonly string[] = SOURCES,
): Promise<{ ready: InboxFile[]; waiting: InboxFile[] }> {
  const ready: InboxFile[] = [];
  const waiting: InboxFile[] = [];
  const folders: (string | undefined)[] = [undefined, ...(await gemeenteFolders(inbox))];
  for (const source of sources)
    for (const gemeentecode of folders) {
      const dir = inboxFolder(inbox, source, gemeentecode);
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (isInProgressName(entry.name)) continue;
        const path = join(dir, entry.name);
        const file: InboxFile = { source, path, name: relative(inbox, path), ...(gemeentecode ? { gemeentecode } : {}) };
        // A link, pipe or device is not waited for: the load refuses it unopened and it is archived.
        if (!entry.isFile() && !entry.isDirectory()) {
          ready.push(file);
          continue;
        }
        // Gone since the listing (someone took it back): nothing to load, and no reason to fail the night.
        const changed = await lastChange(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        if (changed === undefined) continue;
        // 0 turns the wait off. It must not be left to the comparison: mtime has sub-millisecond
        // precision and Date.now() does not, so a file written in the same millisecond as the scan
        // looked 0.9 ms in the future and waited a run (seen as a flaky test).
        const stable = stableSeconds === 0 || complete.has(path) || now - changed >= stableSeconds * 1000;
        (stable ? ready : waiting).push(file);
      }
    }
  return { ready, waiting };
}

// lstat: a dangling link inside a BAG folder made stat throw, and every night failed on it.
async function lastChange(path: string): Promise<number> {
  const s = await lstat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs;
  for (const entry of await readdir(path)) latest = Math.max(latest, await lastChange(join(path, entry)));
  return latest;
}

/** Where a handled file goes: loaded files to the day folder, the others to a subfolder named for why. */
export type ArchiveOutcome = 'loaded' | 'duplicate' | 'rejected' | 'quarantine';

/**
 * Moves a handled file out of the inbox into archive/<source>/<yyyy-mm-dd>/. A rename cannot fill
 * a disk; across file systems it falls back to copy-then-delete, and a failed copy leaves the
 * original in the inbox. A file refused or put in quarantine gets its reason in a file beside it
 * (<name>.reden.txt), for whoever looks in the folder rather than in the run record.
 */
export async function archive(file: InboxFile, archiveDir: string, outcome: ArchiveOutcome, when = new Date(), reason?: string): Promise<string> {
  const day = when.toISOString().slice(0, 10);
  const dir = join(archiveDir, ...(file.gemeentecode ? [file.gemeentecode] : []), file.source, day, outcome === 'loaded' ? '' : outcome);
  await mkdir(dir, { recursive: true });
  let target = join(dir, basename(file.path));
  if (await exists(target)) target = join(dir, `${Date.now()}-${basename(file.path)}`);
  try {
    await rename(file.path, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    // Across file systems only data is copied: copying a pipe would block, a link would copy
    // the file it points to. Such an entry holds nothing of the inbox's own: it is removed.
    const kind = await lstat(file.path);
    if (!kind.isFile() && !kind.isDirectory()) {
      await rm(file.path, { force: true });
      if (reason !== undefined) await writeFile(`${target}.reden.txt`, `${file.name}\n${when.toISOString()}\n${reason}\n`, 'utf8');
      return target;
    }
    try {
      await copyFile(file.path, target);
    } catch (copyError) {
      await rm(target, { force: true });
      throw copyError;
    }
    await rm(file.path, { recursive: true, force: true });
  }
  if (reason !== undefined) {
    await writeFile(`${target}.reden.txt`, `${file.name}\n${when.toISOString()}\n${reason}\n`, 'utf8');
  }
  return target;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
