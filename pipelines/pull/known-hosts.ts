import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH known_hosts, read the way `ssh` reads it: host patterns (comma lists, `*` and `?`,
 * negation with `!`, `[host]:port` for other ports than 22), hashed entries (`|1|salt|hash`, as
 * `ssh-keygen -H` writes them) and the `@revoked` marker. `@cert-authority` lines are skipped:
 * host certificates are not supported, so such a host is unknown and refused.
 */
export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  hosts: string;
  type: string;
  key: Buffer;
  line: number;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? (fields.shift() as KnownHostEntry['marker']) : undefined;
    const [hosts, type, base64] = fields;
    if (!hosts || !type || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    // The blob starts with its own type; a line whose two disagree is damaged.
    if (blobType(key) !== type) return;
    entries.push({ marker, hosts, type, key, line: i + 1 });
  });
  return entries;
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function hostName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

export function matchesHost(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  let matched = false;
  for (const pattern of hosts.toLowerCase().split(',')) {
    const negated = pattern.startsWith('!');
    if (!wildcard(negated ? pattern.slice(1) : pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: 'unknown' | 'changed' | 'revoked' };

/** Whether `key` (the SSH wire blob the server offered) is pinned for the host in these entries. */
export function verifyHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostName(host, port);
  const forHost = entries.filter((e) => matchesHost(e.hosts, name));
  if (forHost.some((e) => e.marker === '@revoked' && e.key.equals(key))) return { ok: false, reason: 'revoked' };
  const pinned = forHost.filter((e) => !e.marker);
  if (pinned.some((e) => e.key.equals(key))) return { ok: true };
  return { ok: false, reason: pinned.length ? 'changed' : 'unknown' };
}

/** The key types pinned for a host, so the server is asked for a key we can check (as ssh does). */
export function pinnedTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = hostName(host, port);
  return [...new Set(entries.filter((e) => !e.marker && matchesHost(e.hosts, name)).map((e) => e.type))];
}

/** As `ssh-keygen -l` prints it: SHA256:<base64 without padding>. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function blobType(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const n = key.readUInt32BE(0);
  return n > 0 && n < 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('latin1') : undefined;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}
