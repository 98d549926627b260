/**
 * Walks a zip file, and the zips nested inside it, as a sequence of entry streams.
 *
 * Kadaster extracts nest zips (the national extract holds one zip per object type), and a
 * national VBO file is gigabytes, so entries are streamed one at a time and never buffered.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

/** What to do with an entry, judged by its base name. */
export type EntryChoice = 'read' | 'descend' | 'skip';

export interface ZipEntryStream {
  /** Base name of the entry (folders inside the zip are not part of it). */
  name: string;
  stream: Readable;
}

// A zip that contains itself (a "zip quine") must not send us into endless recursion.
const MAX_NESTING = 3;
// A nested zip is written to the spool disk whole (see below). Zipped data hardly compresses again,
// so a nested zip that unpacks to many times its packed size is a zip bomb meant to fill that disk;
// and a full disk counts as the machine's fault, so it would fail every night, not just the file.
const NESTED_MAX_RATIO = 20;
const NESTED_SLACK_BYTES = 1 << 20;

/**
 * Yields the entries `choose` marks 'read'; descends into those marked 'descend'. The caller
 * must finish or destroy each stream before asking for the next entry.
 */
export async function* zipEntries(zipPath: string, choose: (name: string) => EntryChoice, tempDir = tmpdir(), depth = 0): AsyncGenerator<ZipEntryStream> {
  const zip = await openZip(zipPath);
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      if (entry.fileName.endsWith('/')) continue;
      const name = basename(entry.fileName);
      const choice = choose(name);
      if (choice === 'read') {
        yield { name, stream: await openEntry(zip, entry) };
      } else if (choice === 'descend' && depth < MAX_NESTING) {
        if (entry.uncompressedSize > NESTED_MAX_RATIO * entry.compressedSize + NESTED_SLACK_BYTES) {
          const mb = (n: number) => (n / 1048576).toLocaleString('nl-NL', { maximumFractionDigits: 1 });
          throw new Error(
            `${name} pakt uit tot ${mb(entry.uncompressedSize)} MB uit ${mb(entry.compressedSize)} MB: een zip in een zip wordt nauwelijks kleiner, dit lijkt een zipbom en wordt niet uitgepakt`,
          );
        }
        // yauzl needs random access to a zip, which a compressed entry stream cannot give.
        const dir = await mkdtemp(join(tempDir, 'pakhuis-zip-'));
        try {
          const inner = join(dir, 'nested.zip');
          await pipeline(await openEntry(zip, entry), createWriteStream(inner));
          yield* zipEntries(inner, choose, tempDir, depth + 1);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    zip.close();
  }
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry) => (done(), resolve(entry));
    const onEnd = () => (done(), resolve(undefined));
    const onError = (err: Error) => (done(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}
