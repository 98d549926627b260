import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';

const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function pakhuis(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'json', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pakhuis CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-cli-'));
  });

  it('explains itself and each command', async () => {
    const top = await pakhuis(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['migrate', 'ingest', 'run', 'demo', 'report']) expect(top.stdout).toContain(command);
    const ingest = await pakhuis(['ingest', '--help']);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain('pakhuis ingest <bag|brp|permits|damocles> <file>');
  });

  it('exits non-zero with one readable line on an unknown command or missing arguments', async () => {
    const unknown = await pakhuis(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('pakhuis: unknown command "frobnicate"');
    const missing = await pakhuis(['ingest', 'brp']);
    expect(missing.code).toBe(2);
  });

  it('refuses to run without a pseudonymisation key, saying which setting is missing', async () => {
    const result = await pakhuis(['run'], { PGLITE_DIR: join(dir, 'db-nokey') });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
    expect(lines).toEqual([expect.stringMatching(/^pakhuis run: invalid configuration: PSEUDONYMIZATION_KEY: required/)]);
  });

  it('ingests a file, and rejects a broken one with one line naming file and reason', async () => {
    const database = await cliDatabase(dir);
    const env = { ...database.env, PSEUDONYMIZATION_KEY: TEST_KEY };
    const good = join(dir, 'brp.csv');
    await writeFile(good, 'bsn;postcode;huisnummer\n999993653;3441AB;1\n');
    const ok = await pakhuis(['ingest', 'brp', good], env);
    expect(ok.stdout).toMatch(/brp\.csv: 1 rij geladen, 0 afgekeurd/);
    expect(ok.code).toBe(0);
    const bad = join(dir, 'broken.csv');
    await writeFile(bad, 'naam;postcode\nJan;3441AB\n');
    const failed = await pakhuis(['ingest', 'brp', bad], env);
    expect(failed.code).toBe(1);
    const lines = failed.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
    expect(lines).toEqual([expect.stringMatching(/^pakhuis ingest: broken\.csv: verplichte kolom ontbreekt: bsn/)]);
    // The detail is in the log, at the chosen level: nothing but the one line when the log is off.
    expect(failed.stderr).toMatch(/"msg":"command failed"/);
    const quiet = await pakhuis(['ingest', 'brp', bad], { ...env, LOG_LEVEL: 'silent' });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pakhuis ingest: broken\.csv: verplichte kolom ontbreekt: bsn/)]);
    await database.drop();
  });
});
