/**
 * The bundled CLI (`npm run build`, bin/build.js) and when bin/pakhuis.js runs it (bin/bundle.js):
 * only while it matches the sources and the installed packages, and then with the outcome the
 * sources give. The bundle is built into a folder of this test's own, one level below the project
 * as dist/ is, so the checkout's dist/ and the other tests' CLI runs are not touched.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../bin/build.js';
import { ENTRY, MANIFEST, freshBundle, type Manifest } from '../bin/bundle.js';
import { spawned, type Outcome } from './helpers/cli.ts';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

const ROOT = new URL('../', import.meta.url);

/** `main(argv)` of the CLI module at `entry`, as its own process; the sources' entry needs tsx registered first. */
function cli(entry: URL, args: string[], env: Record<string, string>, cwd: string): Promise<Outcome> {
  const load = entry.pathname.endsWith('.ts') ? `(await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register();` : '';
  const script = `${load} const { main } = await import(${JSON.stringify(entry.href)}); process.exitCode = await main(process.argv.slice(1));`;
  return spawned(process.execPath, ['--input-type=module', '-e', script, ...args], env, cwd);
}

describe('the bundled CLI', () => {
  const out = new URL(`.dist-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}/`, ROOT);
  let dir: string;

  beforeAll(async () => {
    await buildBundle(out);
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-bundle-'));
  }, 120_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is run only while every file it was built from, and the installed packages, are as they were', async () => {
    expect(freshBundle(out)?.href).toBe(new URL(ENTRY, out).href);
    const manifest = JSON.parse(await readFile(new URL(MANIFEST, out), 'utf8')) as Manifest;
    // Our own modules, the CLI's dynamic imports among them; no package file.
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['bin/cli.ts', 'pipelines/run.ts', 'lib/root.ts', 'reports/overleg/index.ts']));
    expect(Object.keys(manifest.inputs).filter((f) => f.startsWith('node_modules/'))).toEqual([]);
    expect(manifest.installed).toMatch(/^[0-9a-f]{64}$/);

    // What a stale bundle looks like to the check: a file changed since (its digest no longer
    // matches), a file that no longer exists, packages installed since, an unreadable manifest.
    // The check reads the manifest only: a folder holding an edited one is all a case needs.
    const stale = async (edit: (m: Manifest) => void | string) => {
      const copy = new URL(`.dist-test-${process.pid}-stale/`, ROOT);
      await mkdir(copy, { recursive: true });
      try {
        const m = structuredClone(manifest);
        const text = edit(m);
        await writeFile(new URL(MANIFEST, copy), typeof text === 'string' ? text : JSON.stringify(m));
        return freshBundle(copy);
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
    };
    expect(await stale(() => {})).toBeDefined();
    expect(await stale((m) => void (m.inputs['pipelines/run.ts'] = '0'.repeat(64)))).toBeUndefined();
    expect(await stale((m) => void (m.inputs['pipelines/gone.ts'] = '0'.repeat(64)))).toBeUndefined();
    expect(await stale((m) => void (m.installed = '0'.repeat(64)))).toBeUndefined();
    expect(await stale((m) => void (m.installed = null))).toBeUndefined();
    expect(await stale((m) => void (m.inputs = {}))).toBeUndefined();
    expect(await stale(() => '{"format": 1, "inputs": ')).toBeUndefined();
    expect(freshBundle(new URL('.dist-test-none/', ROOT))).toBeUndefined();
  });

  it('holds no module that finds files relative to itself, which the bundle moves', async () => {
    const manifest = JSON.parse(await readFile(new URL(MANIFEST, out), 'utf8')) as Manifest;
    const relative: string[] = [];
    for (const file of Object.keys(manifest.inputs)) {
      const text = await readFile(new URL(file, ROOT), 'utf8');
      if (file !== 'lib/root.ts' && /import\.meta\.(url|dirname|filename)|__dirname|__filename/.test(text)) relative.push(file);
    }
    expect(relative, 'use projectUrl() of lib/root.ts').toEqual([]);
  });

  it('runs the night as the sources do', async () => {
    const a = vbo(31, 60);
    const outcomes = [];
    for (const entry of [new URL(ENTRY, out), new URL('bin/cli.ts', ROOT)]) {
      const work = await mkdtemp(join(dir, 'run-'));
      await writeFileIn(join(work, 'inbox', 'bag', 'bag.csv'), bagCsv([a, vbo(32, 120)]));
      await writeFileIn(join(work, 'inbox', 'brp', 'brp.csv'), brpCsv(persons(9, a)));
      const database = await cliDatabase(work);
      try {
        const env = {
          ...database.env,
          PSEUDONYMIZATION_KEY: TEST_KEY,
          FILE_STABLE_SECONDS: '0',
          INBOX_DIR: join(work, 'inbox'),
          ARCHIVE_DIR: join(work, 'archive'),
          OUT_DIR: join(work, 'out'),
          SPOOL_DIR: join(work, 'spool'),
        };
        const run = await cli(entry, ['run'], env, work);
        expect(run.code, run.stderr).toBe(0);
        const status = await cli(entry, ['status'], env, work);
        expect(status.code, status.stderr).toBe(0);
        const steady = (text: string) =>
          text
            .replaceAll(work, 'WORK')
            .replace(/\d+(?:[.,]\d+)? s\b/g, '# s')
            .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?/g, 'T');
        outcomes.push({ run: steady(run.stdout), status: steady(status.stdout) });
      } finally {
        await database.drop();
      }
    }
    const [bundled, sources] = outcomes;
    expect(bundled!.run).toMatch(/^Run 1: geslaagd/);
    expect(bundled!.run).toContain('OVERBEWONING                 1');
    expect(bundled).toEqual(sources);
  }, 180_000);

  it('reads a file in parts on worker threads (INGEST_WORKERS) as the sources do: the worker module is found from dist/ too', async () => {
    const outcomes = [];
    for (const entry of [new URL(ENTRY, out), new URL('bin/cli.ts', ROOT)]) {
      const work = await mkdtemp(join(dir, 'parallel-'));
      const file = join(work, 'brp.csv');
      await writeFileIn(file, brpCsv(persons(40, vbo(41, 300))));
      const database = await cliDatabase(work);
      try {
        const env = { ...database.env, PSEUDONYMIZATION_KEY: TEST_KEY, INGEST_WORKERS: '2', INGEST_PARALLEL_MIN_MB: '0', LOG_LEVEL: 'info' };
        const ingest = await cli(entry, ['ingest', 'brp', file], env, work);
        expect(ingest.code, ingest.stderr).toBe(0);
        const loaded = ingest.stderr
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { msg: string; reader?: string; rowsStaged?: number })
          .find((r) => r.msg === 'file loaded');
        expect(loaded).toMatchObject({ reader: 'parallel', rowsStaged: 40 });
        outcomes.push(ingest.stdout);
      } finally {
        await database.drop();
      }
    }
    expect(outcomes[0]).toMatch(/40 rijen geladen, 0 afgekeurd/);
    expect(outcomes[0]).toBe(outcomes[1]);
  }, 120_000);
});
