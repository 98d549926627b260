import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Config } from '../../lib/config.ts';
import { dropDirFor } from '../../lib/config.ts';
import { oneLine } from '../../lib/errors.ts';
import type { ChannelSender, Delivery, SendOutcome } from './channel.ts';

/** What a delivered folder holds beside the report's files, so a rerun knows its own delivery. */
export const MANIFEST = 'levering.json';

/**
 * One path segment of plain characters. The names come from data (a municipality code, a date, a
 * month from the command line): anything that could climb out of the folder, hide, or mean
 * something to a shell or Windows share is refused rather than cleaned up.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export class DropPathError extends Error {}

/**
 * The report as files in a folder (REPORT_DROP_DIR, or REPORT_DROP_DIR_<code> for a municipality's
 * nightly report), for a case system that picks files up. Each delivery is one folder,
 * `<dir>/<drop_name>/`, with every attachment and a manifest. Exactly once: the files are written
 * into a hidden `.<drop_name>.part` folder and that is renamed into place in one step, so a reader
 * never sees half a delivery; a rerun after a crash between the rename and the outbox's commit finds
 * its own manifest and records the delivery without writing it again.
 */
export function fileDropChannel(config: Config): ChannelSender {
  return {
    channel: 'file_drop',
    ready: () => Boolean(config.REPORT_DROP_DIR) || Object.keys(config.dropDirPerGemeente).length > 0,
    log: {
      sent: 'report written to the drop folder',
      failed: 'report could not be written to the drop folder; it stays in the outbox',
      notReady: 'reports are waiting in the outbox but no drop folder (REPORT_DROP_DIR) is configured',
    },
    failedLabel: 'rapport niet in de bestandsmap gezet',
    describeError: (error) => (error instanceof DropPathError ? error.message : `de bestandsmap kon niet worden beschreven (${oneLine(error)})`),
    async send(delivery: Delivery): Promise<SendOutcome> {
      const dir = delivery.kind === 'nachtrapport' ? dropDirFor(config, delivery.gemeentecode ?? undefined) : config.REPORT_DROP_DIR;
      if (!dir) {
        const setting = delivery.gemeentecode ? `REPORT_DROP_DIR_${delivery.gemeentecode} of REPORT_DROP_DIR` : 'REPORT_DROP_DIR';
        return { status: 'withheld', reason: `geen bestandsmap meer ingesteld in ${setting}`, notes: [] };
      }
      const root = resolve(dir);
      const target = inside(root, delivery.dropName ?? '');
      const names = delivery.attachments.map((a) => a.fileName);
      for (const name of names) inside(target, name);
      if (new Set([...names, MANIFEST]).size !== names.length + 1)
        throw new DropPathError(`rapport ${delivery.id}: twee bijlagen met dezelfde naam of met de naam ${MANIFEST}`);
      const manifest = JSON.stringify(
        { rapport: delivery.id, gemaakt: delivery.createdAt, soort: delivery.kind, gemeentecode: delivery.gemeentecode, bestanden: names },
        null,
        2,
      );
      // Hidden, so a reader that skips dot-files never takes it; safe, as the name it is made of is.
      // What an attempt killed while writing left there goes first (this row is locked: no one else writes it).
      const temp = join(root, `.${delivery.dropName}.part`);
      await rm(temp, { recursive: true, force: true });
      if (await isOurs(target, delivery)) return { status: 'sent', reference: target, refused: [], notes: [] };
      await mkdir(temp, { recursive: true });
      try {
        for (const a of delivery.attachments) await writeSynced(join(temp, a.fileName), a.content);
        await writeSynced(join(temp, MANIFEST), Buffer.from(`${manifest}\n`, 'utf8'));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { recursive: true, force: true });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EISDIR' || code === 'ENOTDIR')
          throw new DropPathError(`de map ${delivery.dropName} in ${root} bestaat al en hoort bij een ander rapport`, { cause: error });
        throw error;
      }
      await syncDir(root);
      return { status: 'sent', reference: target, refused: [], notes: [] };
    },
  };
}

/** `name` as one entry directly under `root`, or a DropPathError. */
export function inside(root: string, name: string): string {
  if (!SAFE_NAME.test(name) || name.includes('..'))
    throw new DropPathError(`weigert de bestandsnaam ${JSON.stringify(name)}: alleen letters, cijfers, . _ en -, zonder ..`);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (rel !== name || isAbsolute(rel)) throw new DropPathError(`weigert de bestandsnaam ${JSON.stringify(name)}: buiten de bestandsmap`);
  return path;
}

/** Whether the folder is there and its manifest is this delivery's. */
async function isOurs(target: string, delivery: Delivery): Promise<boolean> {
  const exists = await stat(target).then(
    () => true,
    () => false,
  );
  if (!exists) return false;
  const text = await readFile(join(target, MANIFEST), 'utf8').catch(() => '');
  try {
    const m = JSON.parse(text) as { rapport?: unknown; gemaakt?: unknown };
    return m.rapport === delivery.id && m.gemaakt === delivery.createdAt;
  } catch {
    return false;
  }
}

/** Written and flushed, so the rename never publishes a folder whose files a power cut empties. */
async function writeSynced(path: string, content: Buffer): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
