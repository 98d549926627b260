import { crc32, deflateRawSync } from 'node:zlib';
import { writeZip, type ZipEntry } from './zip-writer.ts';

/** A deflated entry, as the zips of a Kadaster extract have them. */
export function deflatedEntry(name: string, content: string | Buffer): ZipEntry {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, stored: deflateRawSync(data), method: 8, crc: crc32(data), uncompressedSize: data.length };
}

/** An ordinary zip of the given files, deflated, built without a zip library as dependency. */
export function zipBuffer(entries: { name: string; data: Buffer | string }[]): Buffer {
  return writeZip(entries.map((e) => deflatedEntry(e.name, e.data)));
}

/** The text of one entry of a zip held in memory (an XLSX part, say), read with yauzl. */
export async function readZipText(zip: Buffer, name: string): Promise<string> {
  const yauzl = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('yauzl gave neither a zip nor an error'));
      file.on('entry', (entry: import('yauzl').Entry) => {
        if (entry.fileName !== name) return file.readEntry();
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`yauzl gave no stream for ${name}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      file.on('end', () => reject(new Error(`${name} not in the zip`)));
      file.readEntry();
    });
  });
}
