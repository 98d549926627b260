import { crc32, createDeflateRaw } from 'node:zlib';
import { writeZip, type ZipEntry } from '../../lib/zip-writer.ts';

/**
 * Entries for tests that need archives no real tool would produce: entries whose declared size
 * lies, or that inflate to hundreds of megabytes; the product's own writer puts them together.
 */
export { writeZip, type ZipEntry };

export function storedEntry(name: string, content: string | Buffer): ZipEntry {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, stored: data, method: 0, crc: crc32(data), uncompressedSize: data.length };
}

/** Deflates `totalBytes` zeros chunk by chunk, so a 200 MB bomb never sits in memory. */
export async function zerosEntry(name: string, totalBytes: number): Promise<ZipEntry> {
  const chunk = Buffer.alloc(Math.min(totalBytes, 4 * 1024 * 1024));
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  for (let left = totalBytes; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { name, stored: Buffer.concat(out), method: 8, crc, uncompressedSize: totalBytes };
}
