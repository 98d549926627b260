/**
 * A beheerder's set-up, as README.md ("Installing on a server", "Nightly") describes it: what the
 * checkout keeps out of git, which Node version, the deploy/ files for cron and systemd, and the
 * warning for data folders inside a git work tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutWarning, gitWorkTree } from '../lib/checkout-guard.ts';
import { loadConfig } from '../lib/config.ts';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const has = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

describe('what the checkout keeps out of git', () => {
  it('ignores every folder the program writes by default, and the files that hold secrets', () => {
    const repo = mkdtempSync(join(tmpdir(), 'pakhuis-gitignore-'));
    execFileSync('git', ['init', '-q', repo]);
    copyFileSync(join(root, '.gitignore'), join(repo, '.gitignore'));
    const defaults = loadConfig({ env: {} });
    // Every default folder setting (a new *_DIR gets checked without touching this test), the
    // demo's folders and key, the spool folder name, and the secrets' files.
    const folders = Object.entries(defaults)
      .filter(([k, v]) => k.endsWith('_DIR') && typeof v === 'string')
      .map(([, v]) => v as string);
    expect(folders).toEqual(expect.arrayContaining(['./data/pglite', './inbox', './archive', './out']));
    const paths = [
      ...folders.map((f) => `${f}/brp/export.csv`),
      './data/demo/inbox/brp/brp-0632.csv',
      './data/demo-key',
      './spool/part-1',
      './pakhuis.config.json',
      './.env',
      './sub/inbox/brp/x.csv',
    ];
    const check = spawnSync('git', ['check-ignore', '--no-index', '--verbose', '--non-matching', ...paths], { cwd: repo, encoding: 'utf8' });
    const notIgnored = check.stdout
      .split('\n')
      .filter((l) => l.startsWith('::'))
      .map((l) => l.slice(2).trim());
    expect(notIgnored).toEqual([]);
    // …and not the examples the README tells the beheerder to copy.
    const examples = ['deploy/pakhuis.config.json', 'deploy/pakhuis.cron', 'deploy/pakhuis-run.service', 'deploy/pakhuis-run.timer', '.env.example'];
    const examplesCheck = spawnSync('git', ['check-ignore', '--no-index', ...examples], { cwd: repo, encoding: 'utf8' });
    expect(examplesCheck.stdout.trim()).toBe('');
  });

  it('ignores none of the files the project tracks', () => {
    const tracked = spawnSync('git', ['ls-files', '--cached', '--ignored', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
    if (tracked.status !== 0) return; // not a git checkout (a release tarball): nothing to compare
    expect(tracked.stdout.trim()).toBe('');
  });

  it('warns when a folder with personal data lies inside a git work tree, and only then', () => {
    const base = mkdtempSync(join(tmpdir(), 'pakhuis-tree-'));
    const checkout = join(base, 'checkout');
    mkdirSync(join(checkout, '.git'), { recursive: true });
    // A worktree's .git is a file; that counts too.
    const worktree = join(base, 'worktree');
    mkdirSync(worktree);
    writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere\n');
    expect(gitWorkTree(join(checkout, 'inbox', 'not-yet-made'))).toBe(checkout);
    expect(gitWorkTree(join(worktree, 'out'))).toBe(worktree);
    expect(gitWorkTree(join(base, 'elsewhere'))).toBeNull();

    const defaults = loadConfig({ env: {} });
    expect(checkoutWarning(defaults, checkout)).toBe(
      `INBOX_DIR, ARCHIVE_DIR, OUT_DIR, PGLITE_DIR liggen in de git-werkmap ${checkout}. Daar staan persoonsgegevens één 'git add' van een commit af; zet deze mappen buiten de checkout (README, "Installing on a server").`,
    );
    const onServer = loadConfig({
      env: {
        DATABASE_URL: 'postgres://db/pakhuis',
        INBOX_DIR: join(base, 'var', 'inbox'),
        ARCHIVE_DIR: join(base, 'var', 'archive'),
        OUT_DIR: join(worktree, 'out'),
      },
    });
    expect(checkoutWarning(onServer, checkout)).toMatch(new RegExp(`^OUT_DIR ligt in de git-werkmap ${worktree}\\. `));
    expect(checkoutWarning({ ...onServer, OUT_DIR: join(base, 'var', 'out') }, checkout)).toBeNull();
  });
});

describe('the Node version', () => {
  it('is the one package.json, the README and every locked package agree on: npm ci on this Node gives no EBADENGINE', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
    expect(readme).toContain('**Node.js 20.19 or later** (20 LTS from 20.19, or 22 LTS from 22.12');
    const dir = mkdtempSync(join(tmpdir(), 'pakhuis-engines-'));
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(root, f), join(dir, f));
    // A dry run resolves the lock file and checks engines without downloading anything.
    const npm = spawnSync('npm', ['ci', '--dry-run', '--offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir },
    });
    expect(npm.status, npm.stderr).toBe(0);
    expect(npm.stdout + npm.stderr).not.toContain('EBADENGINE');
  });
});

describe('the nightly job from cron or systemd (deploy/)', () => {
  let dir: string;
  let database: Awaited<ReturnType<typeof cliDatabase>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pakhuis-deploy-'));
    database = await cliDatabase(dir);
  });
  afterAll(async () => database?.drop());

  it('has a cron line without CRON_TZ or a key in it, and that line runs the night', async () => {
    const cron = readFileSync(join(root, 'deploy', 'pakhuis.cron'), 'utf8');
    expect(cron).not.toMatch(/^\s*CRON_TZ/m);
    const jobs = cron.split('\n').filter((l) => /^\d/.test(l));
    expect(jobs).toHaveLength(1);
    const [minute, hour, dom, month, dow, user, ...command] = jobs[0]!.split(/\s+/);
    expect([minute, hour, dom, month, dow, user]).toEqual(['30', '3', '*', '*', '*', 'pakhuis']);
    const line = command.join(' ');
    expect(line).toContain('PSEUDONYMIZATION_KEY_FILE=/etc/pakhuis/pseudonymization-key');
    expect(line).not.toMatch(/PSEUDONYMIZATION_KEY=/);

    // The same line, with this machine's paths for /opt, /etc and /var, run by the shell cron uses.
    const etc = join(dir, 'etc');
    const varLib = join(dir, 'var');
    mkdirSync(etc);
    mkdirSync(join(dir, 'log'));
    writeFileSync(join(etc, 'pseudonymization-key'), TEST_KEY + '\n', { mode: 0o600 });
    const config = JSON.parse(readFileSync(join(root, 'deploy', 'pakhuis.config.json'), 'utf8')) as Record<string, unknown>;
    delete config.DATABASE_URL;
    delete config.SMTP_HOST;
    writeFileSync(
      join(etc, 'pakhuis.config.json'),
      JSON.stringify({
        ...config,
        INBOX_DIR: join(varLib, 'inbox'),
        ARCHIVE_DIR: join(varLib, 'archive'),
        OUT_DIR: join(varLib, 'out'),
        FILE_STABLE_SECONDS: 0,
      }),
    );
    const a = vbo(41, 100);
    await writeFileIn(join(varLib, 'inbox', 'bag', 'bag.csv'), bagCsv([a]));
    await writeFileIn(join(varLib, 'inbox', 'brp', 'brp.csv'), brpCsv(persons(12, a)));
    const local = line.replaceAll('/opt/informatiepakhuis', root).replaceAll('/etc/pakhuis', etc).replaceAll('/var/log/pakhuis', join(dir, 'log'));
    const run = spawnSync('/bin/sh', ['-c', local], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, ...database.env } });
    const log = readFileSync(join(dir, 'log', 'run.log'), 'utf8');
    expect(run.status, log).toBe(0);
    expect(log).toMatch(/^Run 1: geslaagd/m);
    expect(log).toContain('brp       brp/brp.csv: 12 rijen geladen, 0 afgekeurd');
  });

  it.skipIf(!has('systemd-analyze'))('has a service and a timer systemd accepts, the timer at 03:30 Amsterdam time', () => {
    const units = ['pakhuis-run.service', 'pakhuis-run.timer'].map((u) => join(root, 'deploy', u));
    const verify = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    // verify returns 0 on unknown keys and only warns: every warning counts here.
    expect(verify.stderr.split('\n').filter(Boolean)).toEqual([]);
    expect(verify.status).toBe(0);
    const timer = readFileSync(units[1]!, 'utf8');
    const onCalendar = /^OnCalendar=(.*)$/m.exec(timer)![1]!;
    expect(onCalendar).toBe('*-*-* 03:30:00 Europe/Amsterdam');
    const next = spawnSync('systemd-analyze', ['calendar', '--iterations=200', onCalendar], { encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC' } });
    const elapses = [...next.stdout.matchAll(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) => new Date(`${m[1]!.replace(' ', 'T')}Z`));
    expect(elapses.length).toBeGreaterThan(100);
    // Once a night, at 03:30 in Amsterdam, through the clock changes.
    const local = elapses.map((d) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d),
    );
    expect(new Set(local)).toEqual(new Set(['03:30']));
    expect(elapses.slice(1).every((d, i) => d.getTime() - elapses[i]!.getTime() >= 23 * 3600_000)).toBe(true);
    expect(timer).toMatch(/^Persistent=true$/m);
    const service = readFileSync(units[0]!, 'utf8');
    expect(service).toMatch(/^LoadCredential=pseudonymization-key:\/etc\/pakhuis\/pseudonymization-key$/m);
    expect(service).toMatch(/^Environment=PSEUDONYMIZATION_KEY_FILE=%d\/pseudonymization-key$/m);
    expect(service).not.toMatch(/PSEUDONYMIZATION_KEY=/);
  });

  it('tells the beheerder to make the database before the schema, and how to make the key', () => {
    const setup = readme.slice(readme.indexOf('## Installing on a server'), readme.indexOf('### Nightly'));
    const order = [
      'createdb pakhuis',
      'bin/pakhuis.js migrate',
      'createuser pakhuis',
      'GRANT pakhuis_etl TO pakhuis',
      'openssl rand -hex 32 > /etc/pakhuis/pseudonymization-key',
      'bin/pakhuis.js run',
    ];
    const at = order.map((step) => setup.indexOf(step));
    expect(
      at.every((i) => i > 0),
      JSON.stringify(order.filter((_, i) => at[i]! < 0)),
    ).toBe(true);
    expect(at).toEqual([...at].sort((x, y) => x - y));
    expect(readme).not.toMatch(/^CRON_TZ/m);
  });
});
