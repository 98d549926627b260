import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pakhuis as run } from './helpers/cli.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { closedPort } from './helpers/https-server.ts';

/** `pakhuis <args>`, without log lines. */
const pakhuis = (args: string[], env: Record<string, string>) => run(args, { LOG_LEVEL: 'silent', ...env });

describe('pakhuis pull', () => {
  let dir: string;
  let env: Record<string, string>;
  let ctx: TestContext;
  beforeAll(async () => {
    // A migrated database from the test harness: the commands then skip the migrations, which
    // on a fresh embedded database take most of a command's time. The embedded one is closed
    // here first, since one process at a time may open its folder.
    ctx = await createTestContext();
    if (!ctx.url) await ctx.db.close();
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-pull-cli-'));
    await mkdir(join(dir, 'share'));
    await writeFile(join(dir, 'share', 'vergunningen-2025.csv'), 'Zaaknummer;Soort vergunning\nZ1;horeca\n');
    env = {
      ...(ctx.url ? { DATABASE_URL: ctx.url } : { PGLITE_DIR: ctx.config.PGLITE_DIR }),
      INBOX_DIR: join(dir, 'inbox'),
      FILE_STABLE_SECONDS: '0',
      PULL_PERMITS: `file://${dir}/share/*.csv`,
    };
  });
  afterAll(async () => {
    await ctx?.close().catch(() => rm(ctx.dir, { recursive: true, force: true }));
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches now and prints what it got; status shows the last pull', async () => {
    const first = await pakhuis(['pull'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(`opgehaald vergunningen vergunningen-2025.csv (1 kB) van file://${dir}/share/vergunningen-2025.csv`);
    const status = await pakhuis(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`Ophalen per bron:\\n.*\\n.*\\nvergunningen\\s+file://${dir}/share/\\*\\.csv\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d{4}-`),
    );
  });

  it('exits non-zero with one line when a location cannot be reached, naming it in the warning', async () => {
    const port = await closedPort();
    const down = await pakhuis(['pull', 'bag'], { ...env, PULL_BAG: `https://localhost:${port}/bag.zip`, PULL_RETRIES: '0' });
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`Waarschuwing: bron BAG: ophalen van https://localhost:${port}/bag.zip mislukt: verbinding geweigerd`);
    expect(down.stderr.trim()).toBe('pakhuis pull: 1 locatie niet bereikbaar');
  });

  it('refuses a password in a location at start-up without printing it', async () => {
    const refused = await pakhuis(['pull'], { ...env, PULL_BRP: 'sftp://pakhuis:Zomer2025!@sftp.gemeente.local/brp/*.csv' });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^pakhuis pull: invalid configuration: PULL_BRP: location 1: holds a password, which is refused/),
    ]);
    expect(refused.stdout + refused.stderr).not.toContain('Zomer2025');
  });
});
