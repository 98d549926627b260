import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { main } from '../../bin/cli.ts';

const BIN = new URL('../../bin/pakhuis.js', import.meta.url).pathname;

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `pakhuis <args>` as its own process, in `cwd` (a folder of the test's own, so relative default
 * folders never land in this checkout). `combined` sends stderr into stdout, to see the order.
 */
export async function pakhuis(args: string[], env: Record<string, string> = {}, options: { cwd?: string; combined?: boolean } = {}): Promise<Outcome> {
  const [file, argv] = options.combined ? ['sh', ['-c', 'exec node "$0" "$@" 2>&1', BIN, ...args]] : ['node', [BIN, ...args]];
  return spawned(file, argv, env, options.cwd);
}

/** `file argv` as its own process with only PATH, HOME, JSON logs and `env`, in `cwd` (default the temp folder): what it printed and its exit code. */
export async function spawned(file: string, argv: string[], env: Record<string, string> = {}, cwd = tmpdir()): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, argv, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'json', ...env },
      cwd,
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Lines a person reads on stderr: everything that is not a JSON log record. */
export const humanLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

/**
 * `pakhuis <args>` run by `main` in this process, with what it writes to stdout and stderr: for
 * help texts and usage errors, which need no database and not the second of a process start.
 */
export async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const { write: writeOut } = process.stdout;
  const { write: writeErr } = process.stderr;
  process.stdout.write = (chunk: string) => ((out += chunk), true);
  process.stderr.write = (chunk: string) => ((err += chunk), true);
  try {
    return { code: await main(args), out, err };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

/** A port where nothing listens: bound, read and closed again. */
export const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
