import { readFile, stat } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { Config } from '../../lib/config.ts';
import { PullRefusal } from './errors.ts';
import { parseKnownHosts, type KnownHostEntry } from './known-hosts.ts';

/**
 * The files a pull reads besides the exports: the SFTP key, the pinned host keys and a private
 * CA. Read once per pull and only when a location needs them, so that an https-only setup never
 * touches a key file. Messages name the setting and the path, never the content.
 */
export interface Secrets {
  privateKey(): Promise<Buffer>;
  knownHosts(): Promise<KnownHostEntry[]>;
  /** Trusted CAs for https: the public roots plus PULL_CA_FILE, or undefined for Node's default. */
  ca(): Promise<string[] | undefined>;
}

export function secretsFrom(config: Config): Secrets {
  const once = <T>(load: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= load());
  };
  return {
    privateKey: once(async () => {
      const path = config.PULL_SFTP_KEY_FILE!;
      const s = await stat(path).catch((error: NodeJS.ErrnoException) => {
        throw new PullRefusal(`PULL_SFTP_KEY_FILE ${path} kan niet worden gelezen (${error.code ?? 'fout'})`, { cause: error });
      });
      if (!s.isFile()) throw new PullRefusal(`PULL_SFTP_KEY_FILE ${path} is geen bestand`);
      // As ssh refuses it: a key others can read is no longer only ours.
      if (process.platform !== 'win32' && (s.mode & 0o077) !== 0) {
        throw new PullRefusal(`PULL_SFTP_KEY_FILE ${path} is leesbaar voor groep of anderen (modus ${(s.mode & 0o777).toString(8)}); zet hem op 600`);
      }
      return readFile(path);
    }),
    knownHosts: once(async () => {
      const path = config.PULL_SFTP_KNOWN_HOSTS!;
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new PullRefusal(`PULL_SFTP_KNOWN_HOSTS ${path} kan niet worden gelezen (${error.code ?? 'fout'})`, { cause: error });
      });
      return parseKnownHosts(text);
    }),
    ca: once(async () => {
      const path = config.PULL_CA_FILE;
      if (!path) return undefined;
      const pem = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new PullRefusal(`PULL_CA_FILE ${path} kan niet worden gelezen (${error.code ?? 'fout'})`, { cause: error });
      });
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new PullRefusal(`PULL_CA_FILE ${path} bevat geen PEM-certificaat`);
      // Added to the public roots, not instead of them: the BAG comes from a public server, an
      // export share of the municipality may have its own CA.
      return [...rootCertificates, pem];
    }),
  };
}
