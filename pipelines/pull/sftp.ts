import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import ssh2 from 'ssh2';
import type { Algorithms, FileEntryWithStats, SFTPWrapper, ServerHostKeyAlgorithm, Stats } from 'ssh2';
import { PullRefusal } from './errors.ts';
import { fingerprint, hostName, pinnedTypes, verifyHostKey, type HostKeyVerdict } from './known-hosts.ts';
import type { PullJob } from './job.ts';
import type { ListedBackend, RemoteEntry, RemoteStat } from './listed.ts';
import { PullNetworkError, networkProblem } from './network.ts';

// Host key algorithms ssh2 can verify, by the key type known_hosts writes.
const HOST_KEY_ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

export interface SftpSession {
  backend: ListedBackend;
  close(): void;
}

/**
 * Logs in with the key only, after checking the server's host key against PULL_SFTP_KNOWN_HOSTS:
 * a host that is not there, or that shows another key, is refused before anything is sent; the
 * refusal gives the fingerprint the server showed, for the administrator to compare.
 */
export async function openSftp(job: PullJob): Promise<SftpSession> {
  const { location, config } = job;
  const [privateKey, knownHosts] = await Promise.all([job.secrets.privateKey(), job.secrets.knownHosts()]);
  const types = pinnedTypes(knownHosts, location.host, location.port);
  const serverHostKey = types.flatMap((t) => HOST_KEY_ALGORITHMS[t] ?? []);
  const algorithms: Algorithms | undefined = serverHostKey.length ? { serverHostKey } : undefined;
  const client = new ssh2.Client();
  let verdict: HostKeyVerdict | undefined;
  let offered: Buffer | undefined;
  const timeoutMs = config.PULL_TIMEOUT_SECONDS * 1000;
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', (error: Error & { level?: string }) => {
      if (verdict && !verdict.ok) reject(hostKeyRefusal(verdict.reason, hostName(location.host, location.port), offered!));
      else if (error.level === 'client-authentication')
        reject(new PullRefusal(`de server weigert de sleutel uit PULL_SFTP_KEY_FILE voor gebruiker ${location.user}`, { cause: error }));
      else reject(networkProblem(error));
    });
    client.connect({
      host: location.host,
      port: location.port,
      username: location.user,
      privateKey,
      readyTimeout: timeoutMs,
      keepaliveInterval: Math.max(1000, Math.floor(timeoutMs / 3)),
      keepaliveCountMax: 3,
      algorithms,
      hostVerifier: (key: Buffer) => {
        offered = key;
        verdict = verifyHostKey(knownHosts, location.host, location.port, key);
        return verdict.ok;
      },
    });
  });
  // A dropped connection must fail whatever waits on it: ssh2 leaves an SFTP request on a closed
  // channel unanswered, which would hang the run.
  const link = new Link();
  client.on('error', (error) => link.fail(networkProblem(error)));
  client.on('close', () => link.fail(new PullNetworkError('verbinding verbroken', 'ECONNRESET')));
  const sftp = await link.call<SFTPWrapper>((cb) => client.sftp(cb));
  // A protocol error on the channel is emitted on the wrapper; unheard, it would end the process.
  sftp.on('error', (error: Error) => link.fail(networkProblem(error)));
  return { backend: sftpBackend(sftp, link), close: () => client.end() };
}

/** Pending requests and open streams of one connection, failed together when it drops. */
export class Link {
  private dead: Error | undefined;
  private readonly waiting = new Set<(error: Error) => void>();
  private readonly streams = new Set<Readable>();

  call<T>(fn: (cb: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.waiting.add(fail);
      fn((error, value) => {
        this.waiting.delete(fail);
        if (error) reject(networkProblem(error));
        else resolve(value);
      });
    });
  }

  stream(readable: Readable): Readable {
    if (this.dead) readable.destroy(this.dead);
    this.streams.add(readable);
    readable.once('close', () => this.streams.delete(readable));
    // The landing opens the remote file before it makes its folder and pipes it: a connection that
    // drops in between destroys a stream nobody listens to yet, and an unheard 'error' ends the
    // process. The reader still gets the error: a destroyed stream fails the pipe it joins.
    readable.on('error', () => undefined);
    return readable;
  }

  fail(error: Error): void {
    this.dead ??= error;
    for (const reject of this.waiting) reject(this.dead);
    this.waiting.clear();
    for (const s of this.streams) s.destroy(this.dead);
  }
}

function hostKeyRefusal(reason: 'unknown' | 'changed' | 'revoked', name: string, key: Buffer): PullRefusal {
  const shown = `${fingerprint(key)}`;
  return new PullRefusal(
    reason === 'unknown'
      ? `hostsleutel geweigerd: ${name} staat niet in PULL_SFTP_KNOWN_HOSTS (de server toont ${shown}; controleer die bij de beheerder van de server en zet de sleutel erin)`
      : reason === 'revoked'
        ? `hostsleutel geweigerd: de sleutel van ${name} (${shown}) is in PULL_SFTP_KNOWN_HOSTS ingetrokken (@revoked)`
        : `hostsleutel geweigerd: ${name} toont een andere sleutel (${shown}) dan PULL_SFTP_KNOWN_HOSTS vastlegt; mogelijk een aanval of een vervangen server`,
  );
}

function sftpBackend(sftp: SFTPWrapper, link: Link): ListedBackend {
  const call = <T>(fn: (cb: (error: Error | undefined | null, value: T) => void) => void): Promise<T> => link.call(fn);
  const statOf = async (path: string): Promise<RemoteStat | null> => {
    const s = await call<Stats>((cb) => sftp.stat(path, cb)).catch((error: { code?: number }) => {
      // SSH_FX_NO_SUCH_FILE: gone between two looks.
      if (error.code === 2) return null;
      throw error;
    });
    return s && isRegular(s.mode) ? toStat(s) : null;
  };
  return {
    async list(dir) {
      const list = await call<FileEntryWithStats[]>((cb) => sftp.readdir(dir, cb));
      const entries: RemoteEntry[] = [];
      for (const e of list) {
        const path = posix.join(dir, e.filename);
        const kind = e.attrs.mode === undefined ? S_IFREG : e.attrs.mode & S_IFMT;
        if (kind === S_IFREG) entries.push({ name: e.filename, path, ...toStat(e.attrs) });
        else if (kind === S_IFLNK) {
          const s = await statOf(path);
          if (s) entries.push({ name: e.filename, path, ...s });
        }
      }
      return entries;
    },
    stat: statOf,
    read: (path) => link.stream(sftp.createReadStream(path, { highWaterMark: 256 * 1024 })),
    async readSmall(path, maxBytes) {
      const s = await statOf(path);
      if (!s) return null;
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of link.stream(sftp.createReadStream(path, { end: maxBytes - 1 }))) {
        chunks.push(chunk as Buffer);
        total += (chunk as Buffer).length;
        if (total >= maxBytes) break;
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    async move(path, folder) {
      const target = posix.join(folder.startsWith('/') ? folder : posix.join(posix.dirname(path), folder), posix.basename(path));
      // SFTP's rename never replaces a file: an existing target is an error, which is what we want.
      await call<void>((cb) => sftp.rename(path, target, (error) => cb(error, undefined)));
      return target;
    },
    join: (...parts) => posix.join(...parts),
  };
}

function isRegular(mode: number | undefined): boolean {
  return mode === undefined || (mode & S_IFMT) === S_IFREG;
}

function toStat(attrs: { size: number; mtime: number }): RemoteStat {
  return { size: attrs.size, mtime: new Date(attrs.mtime * 1000) };
}
