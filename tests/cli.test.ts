import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { humanLines, inProcess, pakhuis } from './helpers/cli.ts';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';

describe('pakhuis CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-cli-'));
  });

  it('explains itself and each command in Dutch', async () => {
    const top = await pakhuis(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^pakhuis: de opdrachtregel van het informatiepakhuis\n\nGebruik: pakhuis <opdracht>/);
    const names = [...top.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual([
      'migrate',
      'ingest',
      'pull',
      'run',
      'report',
      'status',
      'schedule',
      'triage',
      'terugkoppeling',
      'overleg',
      'nulmeting',
      'reveal',
      'inzage',
      'dpia',
      'rules',
      'access',
      'demo',
    ]);
    for (const name of names) {
      const { code, out } = await inProcess([name, '--help']);
      expect(code, name).toBe(0);
      expect(out, name).toContain(`\n\nGebruik: pakhuis ${name}`);
      // Dutch, not the English one-liners these were: no English function words in the text.
      expect(out, name).not.toMatch(/\b(the|and|with|Usage|show|write|apply|file)\b/);
    }
    expect((await inProcess(['ingest', '--help'])).out).toContain('pakhuis ingest <bag|brp|permits|damocles|meldingen> <bestand>');
  });

  it('says on `run --help` where the files come from, which key it needs and how the e-mail goes', async () => {
    const { code, stdout } = await pakhuis(['run', '--help']);
    expect(code).toBe(0);
    for (const word of [
      'INBOX_DIR',
      'bag/, brp/, permits/, damocles/ en meldingen/',
      'ARCHIVE_DIR',
      'PSEUDONYMIZATION_KEY_FILE',
      'E-mail',
      'SMTP_HOST',
      'REPORT_RECIPIENTS',
      'outbox (exitcode 4)',
    ]) {
      expect(stdout).toContain(word);
    }
  });

  it('exits 2 with the usage on stderr when called with nothing, an unknown command, a wrong option or missing arguments', async () => {
    const nothing = await pakhuis([]);
    expect(nothing.code).toBe(2);
    expect(nothing.stdout).toBe('');
    expect(nothing.stderr).toMatch(/^pakhuis: de opdrachtregel van het informatiepakhuis\n\nGebruik: pakhuis <opdracht>/);
    const unknown = await inProcess(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')[0]).toBe('pakhuis: onbekende opdracht "frobnicate"');
    const option = await inProcess(['status', '--verbose']);
    expect(option).toEqual({ code: 2, out: '', err: 'pakhuis status: onbekende optie --verbose\nGebruik: pakhuis status [--limit N]\n' });
    const missing = await inProcess(['ingest', 'brp']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^pakhuis ingest: bron en bestand ontbreken\nGebruik: /);
  });

  it('refuses to run without a pseudonymisation key, saying which setting is missing', async () => {
    const result = await pakhuis(['run'], { PGLITE_DIR: join(dir, 'db-nokey') });
    expect(result.code).toBe(1);
    expect(humanLines(result.stderr)).toEqual([expect.stringMatching(/^pakhuis run: invalid configuration: PSEUDONYMIZATION_KEY: required/)]);
  });

  it('refuses a key file that other users can read, naming file and mode, not the key', async () => {
    const keyFile = join(dir, 'open-key');
    await writeFile(keyFile, TEST_KEY + '\n');
    await chmod(keyFile, 0o644);
    const result = await pakhuis(['run'], { PGLITE_DIR: join(dir, 'db-openkey'), PSEUDONYMIZATION_KEY_FILE: keyFile });
    expect(result.code).toBe(1);
    expect(humanLines(result.stderr)).toEqual([
      `pakhuis run: invalid configuration: PSEUDONYMIZATION_KEY_FILE: ${keyFile} is open to other users (mode 0644); make it readable by the service user only: chmod 600 ${keyFile}`,
    ]);
    expect(result.stdout + result.stderr).not.toContain(TEST_KEY);
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
    expect(humanLines(failed.stderr)).toEqual([expect.stringMatching(/^pakhuis ingest: broken\.csv: verplichte kolom ontbreekt: bsn/)]);
    // The detail is in the log, at the chosen level: nothing but the one line when the log is off.
    expect(failed.stderr).toMatch(/"msg":"command failed"/);
    const quiet = await pakhuis(['ingest', 'brp', bad], { ...env, LOG_LEVEL: 'silent' });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pakhuis ingest: broken\.csv: verplichte kolom ontbreekt: bsn/)]);
    await database.drop();
  }, 180_000);

  it('refuses a recipient list the mailer would read differently, at start-up, with one line', async () => {
    const result = await pakhuis(['run'], {
      PGLITE_DIR: join(dir, 'db-mail'),
      PSEUDONYMIZATION_KEY: TEST_KEY,
      SMTP_HOST: '127.0.0.1',
      REPORT_RECIPIENT_ALLOWLIST: '@woerden.nl',
      REPORT_RECIPIENTS: '<evil@gmail.com> oov@woerden.nl',
    });
    expect(result.code).toBe(1);
    expect(humanLines(result.stderr)).toEqual([
      'pakhuis run: invalid configuration: REPORT_RECIPIENTS: "<evil@gmail.com> oov@woerden.nl" is not one plain e-mail address (name@domain); display names, <brackets>, (comments), groups, \';\' and quotes are refused',
    ]);
  });

  it('refuses a misspelled setting at start-up, naming the one meant', async () => {
    const result = await pakhuis(['status'], { PGLITE_DIR: join(dir, 'db-typo'), REPORT_RECIPIENT_ALLOWLST: '@woerden.nl' });
    expect(result.code).toBe(1);
    expect(humanLines(result.stderr)).toEqual([
      'pakhuis status: invalid configuration: unknown environment variable REPORT_RECIPIENT_ALLOWLST (did you mean REPORT_RECIPIENT_ALLOWLIST?)',
    ]);
  });
});
