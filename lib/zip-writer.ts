import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A small zip writer (single disk, no zip64) for the workbooks this product writes: an XLSX is a
 * zip of XML parts. Entries are a few hundred kilobytes at most, so they are built in memory.
 */
export interface ZipEntry {
  name: string;
  /** Bytes as stored in the archive (already deflated when method is 8). */
  stored: Buffer;
  method: 0 | 8;
  crc: number;
  uncompressedSize: number;
}

/** The files deflated, in the order given. */
export function zip(files: { name: string; content: string | Buffer }[]): Buffer {
  return writeZip(
    files.map((file) => {
      const data = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      return { name: file.name, stored: deflateRawSync(data), method: 8, crc: crc32(data), uncompressedSize: data.length };
    }),
  );
}

/** Entries as given, sizes and checksums included: the tests build archives that lie with it. */
export function writeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00, a fixed time: the same input gives the same bytes
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.stored.length, 18);
    local.writeUInt32LE(entry.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.stored.length, 20);
    central.writeUInt32LE(entry.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.stored);
    centrals.push(central, name);
    offset += local.length + name.length + entry.stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
