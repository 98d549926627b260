/**
 * Where a source's exports are fetched from: one location is a URL (sftp://, https://, file://,
 * or http:// to this machine when allowed). Parsed here, without I/O, so that the configuration
 * can refuse a wrong one at start-up, and so that nothing ever prints a location other than its
 * `display` form.
 */

export type PullScheme = 'sftp' | 'https' | 'http' | 'file';

export interface PullLocation {
  scheme: PullScheme;
  /** Safe to print and store: a password is refused, a query string (which may carry a token) shows as `?…`. */
  display: string;
  /** Empty for file:. */
  host: string;
  port: number;
  /** The SFTP login name. */
  user?: string;
  /** The folder that holds the file (decoded); relative to the login folder when the URL path starts with `/~/`. */
  dir: string;
  /** The file name, or a pattern with `*` and `?` for sftp: and file:. */
  pattern: string;
  glob: boolean;
  /** What an http(s) request asks for, query included. */
  href: string;
}

export type ParsedLocation = { ok: true; location: PullLocation } | { ok: false; reason: string };

const DEFAULT_PORTS: Record<PullScheme, number> = { sftp: 22, https: 443, http: 80, file: 0 };

/**
 * The reasons never repeat the text given: a URL that fails to parse may still carry a password.
 */
export function parseLocation(text: string): ParsedLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'is not a URL (write sftp://user@host/folder/*.csv, https://host/path/file.zip or file:///folder/*.xlsx; a space as %20)' };
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['sftp', 'https', 'http', 'file'].includes(scheme)) {
    return { ok: false, reason: `scheme "${scheme.slice(0, 12)}" is not supported (sftp, https or file)` };
  }
  if (url.password) {
    return { ok: false, reason: 'holds a password, which is refused: SFTP logs in with the key in PULL_SFTP_KEY_FILE, never a password in a URL' };
  }
  if (url.hash) return { ok: false, reason: 'has a # part, which a location cannot use' };
  const s = scheme as PullScheme;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[s];
  const host = url.hostname.toLowerCase();
  // Shown from here on: a query string is not (it may carry a token). For sftp: and file: the
  // path is shown whole, a `?` wildcard included (the URL parser takes it for a query).
  let path = url.pathname;
  if (s === 'sftp' || s === 'file') {
    try {
      path = decodeURIComponent(url.pathname + url.search);
    } catch {
      return { ok: false, reason: `${s}://${url.host}: has a malformed %-escape` };
    }
  }
  const shown = path.replace(/[\x00-\x1f\x7f]/g, '\uFFFD');
  const display =
    s === 'file'
      ? `file://${url.host}${shown}`
      : `${s}://${url.username ? `${url.username}@` : ''}${url.host}${shown}${url.search && s !== 'sftp' ? '?…' : ''}`;
  const fail = (reason: string): ParsedLocation => ({ ok: false, reason: `${display}: ${reason}` });

  if (s === 'https' || s === 'http') {
    if (url.username) return fail('a user name in an http(s) URL is refused (no credentials in locations)');
    if (!host) return fail('has no host');
    const name = lastSegment(url.pathname);
    if (!name) return fail('must name a file (HTTPS cannot list a folder)');
    if (/[*]/.test(decodeSafe(url.pathname))) return fail('wildcards are only possible for sftp:// and file:// (HTTPS cannot list a folder)');
    return { ok: true, location: { scheme: s, display, host, port, dir: dirOf(url.pathname), pattern: decodeSafe(name), glob: false, href: url.href } };
  }

  // sftp: and file: list folders.
  if (s === 'file') {
    if (host && host !== 'localhost') return fail('file:// takes a path on this machine (file:///mnt/share/…); mount a network share first');
    if (url.username) return fail('file:// takes no user name');
  } else {
    if (!host) return fail('has no host');
    if (!url.username) return fail('needs a user name (sftp://user@host/folder/file)');
    if (path.startsWith('/~/')) path = path.slice(3);
  }
  if (/[\x00-\x1f\x7f]/.test(path)) return fail('has a control character in its path');
  const name = lastSegment(path);
  if (!name || name === '.' || name === '..') return fail('must end in a file name or a pattern such as *.csv');
  const dir = dirOf(path);
  if (/[*?]/.test(dir)) return fail('wildcards (* and ?) may only stand in the file name, not in a folder');
  if (dir.split('/').includes('..')) return fail('may not climb with ..');
  return {
    ok: true,
    location: {
      scheme: s,
      display,
      host,
      port,
      user: url.username ? decodeSafe(url.username) : undefined,
      dir,
      pattern: name,
      glob: /[*?]/.test(name),
      href: url.href,
    },
  };
}

/** http:// is only ever allowed to a server on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** `move:<folder>` after a file is safely in the inbox, or nothing: the remote side is left alone. */
export type AfterPull = { move: string } | undefined;

export function parseAfter(text: string): { ok: true; after: AfterPull } | { ok: false; reason: string } {
  const match = /^move:(.+)$/.exec(text.trim());
  if (!match || !match[1]!.trim()) return { ok: false, reason: 'must be move:<folder> (leave it unset to leave the files where they are)' };
  const folder = match[1]!.trim();
  if (/[\x00-\x1f\x7f]/.test(folder)) return { ok: false, reason: 'the folder has a control character' };
  return { ok: true, after: { move: folder } };
}

/** A shell-style pattern (`*`, `?`) for one file name, as a regular expression. */
export function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (path.startsWith('/') ? '/' : '.') : path.slice(0, i);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
