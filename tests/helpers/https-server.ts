/**
 * A real HTTPS server on 127.0.0.1 with a certificate from a throw-away CA that `openssl` makes
 * for the test (so nothing long-lived is committed, and the public roots do not trust it).
 * Routes are plain request handlers; every request is counted with the status it got.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TestCa {
  /** PEM of the CA, for PULL_CA_FILE. */
  caFile: string;
  key: string;
  cert: string;
}

/** A CA and a server certificate for localhost and 127.0.0.1, valid for two days. */
export function makeCa(dir: string): TestCa {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=informatiepakhuis test CA');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  return { caFile: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') };
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestWebServer {
  port: number;
  url(path: string): string;
  routes: Map<string, Route>;
  /** Every request: path, the conditional headers it carried and the status it got. */
  log: { path: string; ifNoneMatch?: string; ifModifiedSince?: string; status?: number }[];
  close(): Promise<void>;
}

export async function startWebServer(options: { tls?: TestCa } = {}): Promise<TestWebServer> {
  const routes = new Map<string, Route>();
  const log: TestWebServer['log'] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: TestWebServer['log'][number] = { path, ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'] };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    res.on('close', () => (entry.status ??= res.statusCode));
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    route(req, res);
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `${options.tls ? 'https' : 'http'}://localhost:${port}${path}`,
    routes,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound and released, so a connection there is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
