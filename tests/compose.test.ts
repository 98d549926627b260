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
});
