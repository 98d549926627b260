import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasComposeV1 = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  // The compose plugin is not on these machines; Debian's docker-compose validates the same file.
  it.skipIf(!hasComposeV1)('is accepted by `docker-compose config` and defines the nightly scheduler', () => {
    const out = execFileSync('docker-compose', ['config'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out).toMatch(/scheduler:/);
    expect(out).toMatch(/node bin\/pakhuis\.js schedule/);
    expect(out).toMatch(/image: postgres:16/);
  });

  it.skipIf(!hasComposeV1)('mounts the pull key and known_hosts files read-only where the settings point', () => {
    const out = execFileSync('docker-compose', ['config'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
    for (const [setting, file] of [['PULL_SFTP_KEY_FILE', 'pull_id_ed25519'], ['PULL_SFTP_KNOWN_HOSTS', 'pull_known_hosts']]) {
      expect(out).toContain(`${setting}: /run/secrets/${file}`);
      expect(out).toMatch(new RegExp(`:/run/secrets/${file}:ro$`, 'm'));
    }
  });
});
