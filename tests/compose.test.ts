import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasComposeV1 = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  ports?: unknown[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

/**
 * `docker-compose config` with an env file made from .env.example (and nothing from the caller's
 * environment or a local .env): what an administrator gets after filling in the example. The
 * resolved YAML is read with the PyYAML that docker-compose itself runs on.
 */
function composeConfig(fill: Record<string, string>): { ok: true; services: Record<string, Service> } | { ok: false; error: string } {
  let env = readFileSync(join(root, '.env.example'), 'utf8');
  for (const [k, v] of Object.entries(fill)) env = env.replace(new RegExp(`^${k}=.*$`, 'm'), `${k}=${v}`);
  const envFile = join(mkdtempSync(join(tmpdir(), 'pakhuis-compose-')), 'env');
  writeFileSync(envFile, env);
  const run = spawnSync('docker-compose', ['--env-file', envFile, 'config'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (run.status !== 0) return { ok: false, error: run.stderr };
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: run.stdout, encoding: 'utf8' });
  return { ok: true, services: (JSON.parse(json) as { services: Record<string, Service> }).services };
}

const KEY = 'a'.repeat(64);

// The compose plugin is not on these machines; Debian's docker-compose (installed by .ci/run)
// validates the same file.
describe.skipIf(!hasComposeV1)('docker-compose.yml, as an administrator would run it', () => {
  it('refuses to start while the key or the database password in .env is empty, naming which', () => {
    const noKey = composeConfig({ POSTGRES_PASSWORD: 'b'.repeat(48) });
    expect(noKey).toMatchObject({ ok: false, error: expect.stringContaining('set PSEUDONYMIZATION_KEY in .env') });
    const noPassword = composeConfig({ PSEUDONYMIZATION_KEY: KEY });
    expect(noPassword).toMatchObject({ ok: false, error: expect.stringContaining('set POSTGRES_PASSWORD in .env') });
  });

  it('publishes no database port, builds its own image, and mounts inbox and out from the host', () => {
    const config = composeConfig({
      PSEUDONYMIZATION_KEY: KEY,
      POSTGRES_PASSWORD: 'b'.repeat(48),
      PAKHUIS_INBOX: '/srv/gemeente/inbox',
      PAKHUIS_OUT: '/srv/gemeente/out',
    });
    if (!config.ok) throw new Error(config.error);
    const { postgres, scheduler, smtp } = config.services;
    expect(postgres!.ports).toBeUndefined();
    expect(postgres!.environment!.POSTGRES_PASSWORD).toBe('b'.repeat(48));
    // Built from the Dockerfile: no `npm ci` over a bind-mounted checkout.
    expect(scheduler!.build).toBeDefined();
    expect(JSON.stringify(scheduler!.command)).not.toMatch(/npm/);
    expect(scheduler!.volumes!.some((v) => /:\/app(:|$)/.test(v))).toBe(false);
    expect(scheduler!.command).toEqual(['schedule']);
    expect(scheduler!.environment).toMatchObject({
      PSEUDONYMIZATION_KEY: KEY,
      DATABASE_URL: `postgres://pakhuis:${'b'.repeat(48)}@postgres:5432/pakhuis`,
      INBOX_DIR: '/srv/pakhuis/inbox',
      OUT_DIR: '/srv/pakhuis/out',
      SMTP_ALLOW_PLAIN: 'false',
    });
    expect(scheduler!.volumes).toEqual(expect.arrayContaining(['/srv/gemeente/inbox:/srv/pakhuis/inbox:rw', '/srv/gemeente/out:/srv/pakhuis/out:rw']));
    // The mail catcher is for trying out only, and shows the reports on this machine only.
    expect(smtp!.profiles).toEqual(['mailcatcher']);
    expect(smtp!.ports).toEqual(['127.0.0.1:8025:8025/tcp']);
  });

  it('builds an image that holds everything the CLI imports, and nothing of data, secrets or the host', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    const copied = [...dockerfile.matchAll(/^COPY (\S+)\/ \1\/$/gm)].map((m) => m[1]!);
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
    expect(ignore.split('\n')[ignore.split('\n').findIndex((l) => !l.startsWith('#'))]).toBe('*');
    // Every project folder the CLI reaches through its imports is copied into the image.
    const reached = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/(?:from |import\(|new URL\()'(\.{1,2}\/[^']+\.ts)'/g)) {
        const target = join(file, '..', m[1]!);
        reached.add(target.split('/')[0]!);
        visit(target);
      }
    };
    visit('bin/cli.ts');
    reached.add('bin').add('sql');
    for (const folder of reached) {
      expect(copied, folder).toContain(folder);
      expect(ignore, folder).toContain(`!${folder}/`);
    }
    expect(reached).not.toContain('tests');
  });

  it.skipIf(!hasComposeV1)('mounts the pull key and known_hosts files read-only where the settings point', () => {
    const config = composeConfig({ PSEUDONYMIZATION_KEY: KEY, POSTGRES_PASSWORD: 'b'.repeat(48) });
    if (!config.ok) throw new Error(config.error);
    const scheduler = config.services.scheduler!;
    for (const [setting, file] of [
      ['PULL_SFTP_KEY_FILE', 'pull_id_ed25519'],
      ['PULL_SFTP_KNOWN_HOSTS', 'pull_known_hosts'],
    ] as const) {
      expect(scheduler.environment).toMatchObject({ [setting]: `/run/secrets/${file}` });
      expect(JSON.stringify(scheduler.volumes)).toMatch(new RegExp(`:/run/secrets/${file}:ro"`));
    }
  });
});
