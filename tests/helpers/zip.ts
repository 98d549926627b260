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
