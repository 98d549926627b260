import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../bin/cli.ts';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { startSmtp } from './helpers/smtp.ts';

const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `pakhuis <args>` as its own process, in `cwd` (a folder of the test's own, so relative default
 * folders never land in this checkout). `combined` sends stderr into stdout, to see the order.
 */
async function pakhuis(args: string[], env: Record<string, string> = {}, options: { cwd?: string; combined?: boolean } = {}): Promise<Outcome> {
  const [file, argv] = options.combined ? ['sh', ['-c', 'exec node "$0" "$@" 2>&1', BIN, ...args]] : ['node', [BIN, ...args]];
  try {
    const { stdout, stderr } = await promisify(execFile)(file, argv as string[], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'json', ...env },
      cwd: options.cwd ?? tmpdir(),
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Lines a person reads on stderr: everything that is not a JSON log record. */
const humanLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

/** What `main` prints, run in this process: for the help texts, which need no database. */
async function inProcess(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    return { code: await main(args), out };
  } finally {
    process.stdout.write = write;
  }
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

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
    expect(names).toEqual(['migrate', 'ingest', 'run', 'report', 'status', 'schedule', 'triage', 'reveal', 'demo']);
    for (const name of names) {
      const { code, out } = await inProcess([name, '--help']);
      expect(code, name).toBe(0);
      expect(out, name).toContain(`\n\nGebruik: pakhuis ${name}`);
      // Dutch, not the English one-liners these were: no English function words in the text.
      expect(out, name).not.toMatch(/\b(the|and|with|Usage|show|write|apply|file)\b/);
    }
    expect((await inProcess(['ingest', '--help'])).out).toContain('pakhuis ingest <bag|brp|permits|damocles> <bestand>');
  });

  it('says on `run --help` where the files come from, which key it needs and how the e-mail goes', async () => {
    const { code, stdout } = await pakhuis(['run', '--help']);
    expect(code).toBe(0);
    for (const word of ['INBOX_DIR', 'bag/, brp/, permits/ en damocles/', 'ARCHIVE_DIR', 'PSEUDONYMIZATION_KEY_FILE', 'E-mail', 'SMTP_HOST', 'REPORT_RECIPIENTS', 'outbox (exitcode 4)']) {
      expect(stdout).toContain(word);
    }
  });

  it('exits 2 with the usage on stderr when called with nothing, an unknown command, a wrong option or missing arguments', async () => {
    const nothing = await pakhuis([]);
    expect(nothing.code).toBe(2);
    expect(nothing.stdout).toBe('');
    expect(nothing.stderr).toMatch(/^pakhuis: de opdrachtregel van het informatiepakhuis\n\nGebruik: pakhuis <opdracht>/);
    const unknown = await inProcessStderr(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')[0]).toBe('pakhuis: onbekende opdracht "frobnicate"');
    const option = await inProcessStderr(['status', '--verbose']);
    expect(option).toEqual({ code: 2, err: 'pakhuis status: onbekende optie --verbose\nGebruik: pakhuis status [--limit N]\n' });
    const missing = await inProcessStderr(['ingest', 'brp']);
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
    expect(humanLines(result.stderr)).toEqual([`pakhuis run: invalid configuration: PSEUDONYMIZATION_KEY_FILE: ${keyFile} is open to other users (mode 0644); make it readable by the service user only: chmod 600 ${keyFile}`]);
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
  });
});

/** main's stderr, in this process. */
async function inProcessStderr(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), err };
  } finally {
    process.stderr.write = write;
  }
}

describe("the beheerder's night, through the CLI", () => {
  let dir: string;
  let checkout: string;
  let keyFile: string;
  let database: Awaited<ReturnType<typeof cliDatabase>>;
  let env: Record<string, string>;
  const a = vbo(31, 100);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-night-'));
    database = await cliDatabase(dir);
    // The key in a file only its owner can read, as the README's cron and systemd set-ups do.
    keyFile = join(dir, 'pseudonymization-key');
    await writeFile(keyFile, TEST_KEY + '\n', { mode: 0o600 });
    env = { ...database.env, PSEUDONYMIZATION_KEY_FILE: keyFile, FILE_STABLE_SECONDS: '0', REPORT_RECIPIENTS: 'oov@gemeente.example', SMTP_HOST: '127.0.0.1' };
    // A clone of a project (a `.git` folder is all git needs to call it a work tree), with the
    // default folders ./inbox, ./archive and ./out inside it.
    checkout = join(dir, 'checkout');
    await mkdir(join(checkout, '.git'), { recursive: true });
    await writeFileIn(join(checkout, 'inbox', 'bag', 'bag.csv'), bagCsv([a]));
    await writeFileIn(join(checkout, 'inbox', 'brp', 'brp.csv'), brpCsv(persons(12, a)));
  });
  afterAll(async () => database?.drop());

  it('publishes when the mail server is down, says so in Dutch without a stack trace, and exits 4; status shows it; --retry sends it', async () => {
    const port = await closedPort();
    const night = await pakhuis(['run'], { ...env, SMTP_PORT: String(port) }, { cwd: checkout });
    expect(night.code, night.stderr).toBe(4);
    expect(night.stdout).toMatch(/^Run 1: geslaagd/);
    expect(night.stdout).toContain(`Waarschuwing: e-mail niet verzonden: de mailserver 127.0.0.1:${port} is niet bereikbaar (verbinding geweigerd).`);
    expect(humanLines(night.stderr)).toEqual([
      // The default folders lie inside a git work tree: warned before anything is loaded.
      `pakhuis: waarschuwing: INBOX_DIR, ARCHIVE_DIR, OUT_DIR liggen in de git-werkmap ${checkout}. Daar staan persoonsgegevens één 'git add' van een commit af; zet deze mappen buiten de checkout (README, "Installing on a server").`,
      `pakhuis run: gepubliceerd, maar het rapport is niet gemaild: de mailserver 127.0.0.1:${port} is niet bereikbaar (verbinding geweigerd). Het wacht in de outbox (pakhuis report --retry).`,
    ]);
    expect(night.stderr).not.toMatch(/^\s+at /m);
    expect(night.stderr).toMatch(/"error":"connect ECONNREFUSED[^"]*","code":"ESOCKET","msg":"report e-mail failed; it stays in the outbox"/);

    const status = await pakhuis(['status'], env, { cwd: checkout });
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(/^run\s+trigger\s+gestart \(Europe\/Amsterdam\)\s+duur\s+status\s+bestanden\s+geladen\s+afgekeurd\s+open signalen\s+e-mail\s+opmerking$/);
    expect(lines[2]).toMatch(/^1\s+cli\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+[\d.]+ s\s+succeeded\s+2\s+13\s+0\s+1\s+NIET verzonden, wacht in outbox\s+\d+ waarschuwingen, zie onder$/);
    expect(lines).toContain(`  run 1: e-mail niet verzonden: de mailserver 127.0.0.1:${port} is niet bereikbaar (verbinding geweigerd). Het rapport blijft in de outbox en gaat mee met de volgende run of met pakhuis report --retry`);
    // Local time: the hour shown is the Amsterdam hour of now, not the UTC one.
    const hour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', hourCycle: 'h23' }).format(new Date());
    expect([hour, String((Number(hour) + 23) % 24).padStart(2, '0')]).toContain(/ (\d\d):\d\d:\d\d /.exec(lines[2]!)![1]);

    const smtp = await startSmtp();
    try {
      const retry = await pakhuis(['report', '--retry'], { ...env, SMTP_PORT: String(smtp.port) }, { cwd: checkout });
      expect(retry).toMatchObject({ code: 0, stdout: '1 rapport verzonden, 0 mislukt\n' });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
    const after = await pakhuis(['status'], env, { cwd: checkout });
    expect(after.stdout.split('\n')[2]).toMatch(/\s+verzonden\s+\d+ waarschuwingen, zie onder$/);
  });

  it('fails the run on a recipient outside the allow-list, naming that recipient', async () => {
    const elsewhere = join(dir, 'elders');
    const refused = await pakhuis(
      ['run'],
      {
        ...env,
        SMTP_PORT: '2525',
        REPORT_RECIPIENTS: 'oov@gemeente.example,iemand@elders.example',
        REPORT_RECIPIENT_ALLOWLIST: '@gemeente.example',
        INBOX_DIR: join(elsewhere, 'inbox'),
        ARCHIVE_DIR: join(elsewhere, 'archive'),
        OUT_DIR: join(elsewhere, 'out'),
      },
      { cwd: elsewhere.replace(/elders$/, '') },
    );
    expect(refused.code).toBe(1);
    // One line, and no warning about a git work tree: these folders are outside one.
    expect(humanLines(refused.stderr)).toEqual([
      'pakhuis run: run 2 mislukt in stap configuration: invalid configuration: REPORT_RECIPIENTS: "iemand@elders.example" not in REPORT_RECIPIENT_ALLOWLIST',
    ]);
  });

  it('runs the demo in Dutch without log lines, and two databases never overwrite each other\'s report', async () => {
    const out = join(dir, 'out');
    // The case: the demo on one database, then the same on another, both writing ./out.
    const other = await cliDatabase(dir);
    try {
      const demo = await pakhuis(['demo', '--residents', '100', '--data-dir', join(dir, 'demo')], { PATH: process.env.PATH!, ...other.env, OUT_DIR: out, LOG_FORMAT: 'json' }, { combined: true });
      expect(demo.code, demo.stdout).toBe(0);
      const lines = demo.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^Geen PSEUDONYMIZATION_KEY gezet: een lokale demosleutel/);
      expect(lines[1]).toMatch(/^Database: /);
      expect(lines.filter((l) => l.startsWith('{') || /migration|applied|run started/.test(l))).toEqual([]);
      expect(lines.at(-1)).toMatch(/^Demo klaar in [\d.]+ s\.$/);
      const [first] = await readdir(out);
      expect(first).toMatch(/^anomalierapport-\d{4}-\d\d-\d\d-run1\.csv$/);
      const firstContent = await readFile(join(out, first!), 'utf8');

      const second = await pakhuis(['run'], { ...env, SMTP_HOST: '', OUT_DIR: out, INBOX_DIR: join(dir, 'empty-inbox'), ARCHIVE_DIR: join(dir, 'archive') });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/^Run 3: geslaagd/);
      // Run numbers are per database: a third database's run 1 takes the next free name.
      const third = await cliDatabase(dir);
      try {
        const run1 = await pakhuis(['run'], { ...env, ...third.env, SMTP_HOST: '', OUT_DIR: out, INBOX_DIR: join(dir, 'empty-inbox'), ARCHIVE_DIR: join(dir, 'archive') });
        expect(run1.code, run1.stderr).toBe(0);
        expect(run1.stdout).toMatch(/^Run 1: geslaagd/);
      } finally {
        await third.drop();
      }
      const files = await readdir(out);
      expect(files).toHaveLength(3);
      expect(files).toEqual(expect.arrayContaining([first, first!.replace('-run1.csv', '-run1-2.csv'), first!.replace('-run1.csv', '-run3.csv')]));
      expect(await readFile(join(out, first!), 'utf8')).toBe(firstContent);
    } finally {
      await other.drop();
    }
  });
});
