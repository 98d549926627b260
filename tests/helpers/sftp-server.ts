/**
 * A real SFTP server in the test process (ssh2's Server): public-key authentication for one
 * user, a host key of its own, and a folder as its file system (jailed: paths resolve inside
 * it). Counters and hooks let a test see what the client did and make a file grow or a
 * connection drop at the moment that matters.
 */
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { open, readdir, rename, stat, type FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, SFTPWrapper } from 'ssh2';

const { Server, utils } = ssh2;
const { OPEN_MODE, STATUS_CODE } = utils.sftp;

export interface KeyPair {
  private: string;
  public: string;
}

export function newKeyPair(): KeyPair {
  // ssh2 1.17 strips leading zero bytes from an ed25519 public key (mscdex/ssh2#1513, #1390), so
  // about one pair in 256 cannot be parsed back and failed a test now and then: take another.
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

/** Writes a private key as ssh wants it (mode 600). */
export function writeKeyFile(path: string, key: KeyPair): string {
  writeFileSync(path, key.private, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** One known_hosts line: `[host]:port type base64`. */
export function knownHostsLine(host: string, port: number, key: KeyPair): string {
  const [type, base64] = key.public.split(' ');
  return `${port === 22 ? host : `[${host}]:${port}`} ${type} ${base64}`;
}

export interface SftpServerOptions {
  user?: string;
  /** The client key the server accepts. */
  clientKey: KeyPair;
  hostKey?: KeyPair;
  /** Called at the first READDIR of a listing, right after it is answered. */
  onList?: (dir: string) => void | Promise<void>;
  /** Called before each READ is answered; 'cut' ends the connection instead of answering. */
  onRead?: (path: string, offset: number) => 'cut' | void;
}

export interface SftpServer {
  port: number;
  hostKey: KeyPair;
  /** Files opened for reading, in order (paths inside the root). */
  opened: string[];
  connections: number;
  /** Authentication requests: none when the client refused the host key first. */
  authentications: number;
  close(): Promise<void>;
}

export async function startSftpServer(root: string, options: SftpServerOptions): Promise<SftpServer> {
  const hostKey = options.hostKey ?? newKeyPair();
  const user = options.user ?? 'pakhuis';
  const allowed = utils.parseKey(options.clientKey.public) as ParsedKey;
  const state = { opened: [] as string[], connections: 0, authentications: 0 };
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    state.connections++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      state.authentications++;
      if (ctx.method !== 'publickey' || ctx.username !== user) return ctx.reject(['publickey']);
      const offered = ctx.key.data;
      const expected = allowed.getPublicSSH();
      if (ctx.key.algo !== allowed.type || offered.length !== expected.length || !timingSafeEqual(offered, expected)) return ctx.reject(['publickey']);
      if (ctx.signature && allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => serve(acceptSftp(), root, client, options, state));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hostKey,
    get opened() {
      return state.opened;
    },
    get connections() {
      return state.connections;
    },
    get authentications() {
      return state.authentications;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

type Handle = { kind: 'file'; path: string; fh: FileHandle } | { kind: 'dir'; path: string; done: boolean };

function serve(sftp: SFTPWrapper, root: string, client: Connection, options: SftpServerOptions, state: { opened: string[] }): void {
  const handles = new Map<string, Handle>();
  let next = 0;
  const inside = (p: string) => join(root, normalize(`/${p}`));
  const newHandle = (h: Handle) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(next++);
    handles.set(id.toString('hex'), h);
    return id;
  };
  const attrsOf = (s: Awaited<ReturnType<typeof stat>>) => ({
    mode: Number(s.mode),
    uid: 0,
    gid: 0,
    size: Number(s.size),
    atime: Math.floor(Number(s.atimeMs) / 1000),
    mtime: Math.floor(Number(s.mtimeMs) / 1000),
  });
  const fail = (id: number) => () => sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
  client.once('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') void h.fh.close().catch(() => {});
  });

  sftp.on('OPEN', async (id, filename, flags) => {
    if (!(flags & OPEN_MODE.READ) || flags & OPEN_MODE.WRITE) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED);
    const fh = await open(inside(filename), 'r').catch(() => null);
    if (!fh) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    state.opened.push(filename);
    sftp.handle(id, newHandle({ kind: 'file', path: filename, fh }));
  });
  sftp.on('READ', async (id, handle, offset, length) => {
    const h = handles.get(handle.toString('hex'));
    if (h?.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE);
    if (options.onRead?.(h.path, offset) === 'cut') {
      client.end();
      return;
    }
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await h.fh.read(buffer, 0, length, offset);
    if (bytesRead === 0) return sftp.status(id, STATUS_CODE.EOF);
    sftp.data(id, buffer.subarray(0, bytesRead));
  });
  sftp.on('FSTAT', async (id, handle) => {
    const h = handles.get(handle.toString('hex'));
    if (h?.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE);
    sftp.attrs(id, attrsOf(await h.fh.stat()));
  });
  sftp.on('CLOSE', async (id, handle) => {
    const key = handle.toString('hex');
    const h = handles.get(key);
    handles.delete(key);
    if (h?.kind === 'file') await h.fh.close();
    sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on('OPENDIR', async (id, path) => {
    const s = await stat(inside(path)).catch(() => null);
    if (!s?.isDirectory()) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.handle(id, newHandle({ kind: 'dir', path, done: false }));
  });
  sftp.on('READDIR', async (id, handle) => {
    const h = handles.get(handle.toString('hex'));
    if (h?.kind !== 'dir') return sftp.status(id, STATUS_CODE.FAILURE);
    if (h.done) return sftp.status(id, STATUS_CODE.EOF);
    h.done = true;
    const names = await readdir(inside(h.path));
    const entries = await Promise.all(
      names.map(async (filename) => ({ filename, longname: filename, attrs: attrsOf(await stat(join(inside(h.path), filename))) })),
    );
    if (entries.length === 0) sftp.status(id, STATUS_CODE.EOF);
    else sftp.name(id, entries);
    await options.onList?.(h.path);
  });
  for (const event of ['STAT', 'LSTAT'] as const) {
    sftp.on(event, async (id: number, path: string) => {
      const s = await stat(inside(path)).catch(() => null);
      if (!s) return fail(id)();
      sftp.attrs(id, attrsOf(s));
    });
  }
  sftp.on('RENAME', async (id, from, to) => {
    if (
      await stat(inside(to)).then(
        () => true,
        () => false,
      )
    )
      return sftp.status(id, STATUS_CODE.FAILURE);
    await rename(inside(from), inside(to)).then(
      () => sftp.status(id, STATUS_CODE.OK),
      () => sftp.status(id, STATUS_CODE.FAILURE),
    );
  });
  sftp.on('REALPATH', (id, path) => sftp.name(id, [{ filename: normalize(`/${path}`), longname: '', attrs: {} as never }]));
}
