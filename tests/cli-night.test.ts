/**
 * The beheerder's night through the CLI: the key from a file, a mail server that is down (exit 4,
 * a Dutch line, status and --retry), a recipient outside the allow-list, the demo's output, and
 * report files of two databases side by side in one folder.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, humanLines, pakhuis } from './helpers/cli.ts';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { startSmtp } from './helpers/smtp.ts';

describe("the beheerder's night, through the CLI", () => {
  let dir: string;
  let checkout: string;
  let keyFile: string;
  let database: Awaited<ReturnType<typeof cliDatabase>>;
  let env: Record<string, string>;
  let out: string;
  const a = vbo(31, 100);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-night-'));
    out = join(dir, 'out');
    database = await cliDatabase(dir);
    // The key in a file only its owner can read, as the README's cron and systemd set-ups do.
    keyFile = join(dir, 'pseudonymization-key');
    await writeFile(keyFile, TEST_KEY + '\n', { mode: 0o600 });
    env = { ...database.env, PSEUDONYMIZATION_KEY_FILE: keyFile, FILE_STABLE_SECONDS: '0', REPORT_RECIPIENTS: 'oov@gemeente.example', SMTP_HOST: '127.0.0.1' };
    // A clone of a project (a `.git` folder is all git needs to call it a work tree), with the
    // default folders ./inbox and ./archive inside it.
    checkout = join(dir, 'checkout');
    await mkdir(join(checkout, '.git'), { recursive: true });
    await writeFileIn(join(checkout, 'inbox', 'bag', 'bag.csv'), bagCsv([a]));
    await writeFileIn(join(checkout, 'inbox', 'brp', 'brp.csv'), brpCsv(persons(12, a)));
  });
  afterAll(async () => database?.drop());

  it('runs the demo in Dutch without log lines', async () => {
    // The case starts here: the demo on one database, then a run on another, both writing one out folder.
    const other = await cliDatabase(dir);
    try {
      const demo = await pakhuis(['demo', '--residents', '100', '--data-dir', join(dir, 'demo')], { ...other.env, OUT_DIR: out }, { combined: true });
      expect(demo.code, demo.stdout).toBe(0);
      const lines = demo.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^Geen PSEUDONYMIZATION_KEY gezet: een lokale demosleutel/);
      expect(lines[1]).toMatch(/^Database: /);
      expect(lines.filter((l) => l.startsWith('{') || /migration|applied|run started/.test(l))).toEqual([]);
      expect(lines.at(-1)).toMatch(/^Demo klaar in [\d.]+ s\.$/);
      // The demo is Woerden and Oudewater: a report per municipality, its code in the name, as CSV and workbook.
      expect((await readdir(out)).sort()).toEqual(
        ['0589', '0589', '0632', '0632'].map((code, k) =>
          expect.stringMatching(new RegExp(`^anomalierapport-${code}-\\d{4}-\\d\\d-\\d\\d-run1\\.${k % 2 ? 'xlsx' : 'csv'}$`)),
        ),
      );
    } finally {
      await other.drop();
    }
  }, 180_000);

  it("publishes when the mail server is down, says so in Dutch without a stack trace, and exits 4; status shows it; --retry sends it; no report overwrites another database's", async () => {
    const port = await closedPort();
    const demoReports = (await readdir(out)).sort();
    const demoContent = await Promise.all(demoReports.map((f) => readFile(join(out, f))));
    const night = await pakhuis(['run'], { ...env, SMTP_PORT: String(port), OUT_DIR: out }, { cwd: checkout });
    expect(night.code, night.stderr).toBe(4);
    expect(night.stdout).toMatch(/^Run 1: geslaagd/);
    expect(night.stdout).toContain(`Waarschuwing: e-mail niet verzonden: de mailserver 127.0.0.1:${port} is niet bereikbaar (verbinding geweigerd).`);
    expect(humanLines(night.stderr)).toEqual([
      // The default folders lie inside a git work tree: warned before anything is loaded.
      `pakhuis: waarschuwing: INBOX_DIR, ARCHIVE_DIR liggen in de git-werkmap ${checkout}. Daar staan persoonsgegevens één 'git add' van een commit af; zet deze mappen buiten de checkout (README, "Installing on a server").`,
      `pakhuis run: gepubliceerd, maar e-mail niet verzonden: de mailserver 127.0.0.1:${port} is niet bereikbaar (verbinding geweigerd). Het rapport wacht in de outbox (pakhuis report --retry).`,
    ]);
    expect(night.stderr).not.toMatch(/^\s+at /m);
    expect(night.stderr).toMatch(/"error":"connect ECONNREFUSED[^"]*","code":"ESOCKET","msg":"report e-mail failed; it stays in the outbox"/);
    // This database's run 1 beside the demo's run 1 in the same folder: the demo's reports untouched.
    const day = /(\d{4}-\d\d-\d\d)-run1/.exec(demoReports[0]!)![1];
    expect((await readdir(out)).sort()).toEqual([...demoReports, `anomalierapport-${day}-run1.csv`, `anomalierapport-${day}-run1.xlsx`]);
    expect(await Promise.all(demoReports.map((f) => readFile(join(out, f))))).toEqual(demoContent);

    const status = await pakhuis(['status'], env, { cwd: checkout });
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^run\s+trigger\s+gestart \(Europe\/Amsterdam\)\s+duur\s+status\s+bestanden\s+geladen\s+afgekeurd\s+open signalen\s+e-mail\s+opmerking$/,
    );
    expect(lines[2]).toMatch(
      /^1\s+cli\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+[\d.]+ s\s+succeeded\s+2\s+13\s+0\s+1\s+NIET verzonden, wacht in outbox\s+\d+ waarschuwingen, zie onder$/,
    );
    expect(lines).toContain(
      `  run 1: e-mail niet verzonden: de mailserver 127.0.0.1:${port} is niet bereikbaar (verbinding geweigerd). Het rapport blijft in de outbox en gaat mee met de volgende run of met pakhuis report --retry`,
    );
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
  }, 180_000);

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
      // Refused at start-up, before a run is recorded (lib/config.ts).
      'pakhuis run: invalid configuration: REPORT_RECIPIENTS: iemand@elders.example not in REPORT_RECIPIENT_ALLOWLIST',
    ]);
  }, 180_000);
});
