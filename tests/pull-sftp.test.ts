import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync } from 'node:fs';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../pipelines/ingest/ingest.ts';
import { pullSources } from '../pipelines/pull/index.ts';
import { SOURCE_DEFINITIONS } from '../sources/index.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { brpCsv, persons, vbo } from './helpers/files.ts';
import { everything, withPull } from './helpers/pull.ts';
import { knownHostsLine, newKeyPair, startSftpServer, writeKeyFile, type SftpServer } from './helpers/sftp-server.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('pull over SFTP (a real ssh2 server with key authentication and a host key)', () => {
  let ctx: TestContext;
  let server: SftpServer;
  let remote: string;
  let keyFile: string;
  let knownHosts: string;
  const hooks: { onList?: (dir: string) => void; onRead?: (path: string, offset: number) => 'cut' | void } = {};
  const clientKey = newKeyPair();

  beforeAll(async () => {
    ctx = await createTestContext();
    remote = join(ctx.dir, 'remote');
    await mkdir(remote, { recursive: true });
    keyFile = writeKeyFile(join(ctx.dir, 'id_ed25519'), clientKey);
    server = await startSftpServer(remote, { clientKey, onList: (d) => hooks.onList?.(d), onRead: (p, o) => hooks.onRead?.(p, o) });
    knownHosts = join(ctx.dir, 'known_hosts');
    await writeFile(knownHosts, `# pinned\n${knownHostsLine('127.0.0.1', server.port, server.hostKey)}\n`);
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    delete hooks.onList;
    delete hooks.onRead;
    await rm(join(ctx.config.INBOX_DIR, 'brp'), { recursive: true, force: true });
  });

  const inbox = () => join(ctx.config.INBOX_DIR, 'brp');
  const location = (folder: string, pattern = '*.csv') => `sftp://pakhuis@127.0.0.1:${server.port}/${folder}/${pattern}`;
  const pull = (folder: string, extra: Record<string, unknown> = {}) =>
    pullSources(withPull(ctx, { PULL_BRP: location(folder), PULL_SFTP_KEY_FILE: keyFile, PULL_SFTP_KNOWN_HOSTS: knownHosts, ...extra }), { runId: undefined });
  const put = async (folder: string, name: string, content: string | Buffer) => {
    await mkdir(join(remote, folder), { recursive: true });
    await writeFile(join(remote, folder, name), content);
    return join(remote, folder, name);
  };

  it('fetches a new file into inbox/brp/, records where it came from, and fetches it only once', async () => {
    const content = brpCsv(persons(3, vbo(1, 100)));
    const original = await put('new', 'brp-20250101.csv', content);
    await put('new', 'readme.txt', 'not matched by *.csv');
    await put('new', '.hidden.csv', 'a dot file is still being written by convention');

    const first = await pull('new');
    expect(first.warnings).toEqual([]);
    expect(first.fetched.map((f) => f.inboxName)).toEqual(['brp-20250101.csv']);
    expect(await everything(inbox())).toEqual(['brp-20250101.csv']);
    expect(await readFile(join(inbox(), 'brp-20250101.csv'), 'utf8')).toBe(content);
    // The remote modification time is kept, as rsync -t does.
    expect(Math.floor((await stat(join(inbox(), 'brp-20250101.csv'))).mtimeMs / 1000)).toBe(Math.floor((await stat(original)).mtimeMs / 1000));
    const { rows } = await ctx.db.query<{ remote: string; remote_size: number; sha256: string; inbox_name: string; location: string }>(
      'SELECT remote, remote_size::int, sha256, inbox_name, location FROM pakhuis.pulled_files',
    );
    expect(rows).toEqual([
      {
        remote: `sftp://pakhuis@127.0.0.1:${server.port}/new/brp-20250101.csv`,
        remote_size: Buffer.byteLength(content),
        sha256: sha(content),
        inbox_name: 'brp-20250101.csv',
        location: location('new'),
      },
    ]);
    // Never deleted or moved on the remote side unless configured.
    expect(await readFile(original, 'utf8')).toBe(content);

    const opened = server.opened.length;
    const second = await pull('new');
    expect(second.fetched).toEqual([]);
    expect(second.outcomes[0]!.unchanged).toBe(1);
    expect(server.opened.length).toBe(opened);

    // The same content under another name is a new remote file and is fetched, but the manifest
    // loads it once.
    copyFileSync(original, join(remote, 'new', 'brp-20250101-kopie.csv'));
    const third = await pull('new');
    expect(third.fetched.map((f) => f.inboxName)).toEqual(['brp-20250101-kopie.csv']);
    const brp = SOURCE_DEFINITIONS.brp;
    expect((await ingestFile(ctx, brp, join(inbox(), 'brp-20250101.csv'), { displayName: 'brp/brp-20250101.csv' })).status).toBe('loaded');
    const again = await ingestFile(ctx, brp, join(inbox(), 'brp-20250101-kopie.csv'), { displayName: 'brp/brp-20250101-kopie.csv' });
    expect(again.status).toBe('duplicate');
  });

  it('lets a file that grows between two looks, or during the download, wait for the next run', async () => {
    const path = await put('growing', 'brp.csv', brpCsv(persons(2, vbo(2, 80))));
    hooks.onList = () => appendFileSync(path, `${'9'.repeat(9)};Nog;Een;19900101;9102AB;2;;;W;20200101;;;0\n`);
    const between = await pull('growing');
    expect(between.fetched).toEqual([]);
    expect(between.outcomes[0]!.waiting).toEqual([`sftp://pakhuis@127.0.0.1:${server.port}/growing/brp.csv`]);
    expect(between.warnings).toEqual([
      expect.stringMatching(/^bron BRP: sftp:\/\/pakhuis@127\.0\.0\.1:\d+\/growing\/brp\.csv wordt nog geschreven .* wacht op de volgende run$/),
    ]);
    expect(await everything(inbox())).toEqual([]);

    delete hooks.onList;
    let grown = false;
    hooks.onRead = () => {
      if (!grown) appendFileSync(path, 'nog een regel\n');
      grown = true;
    };
    const during = await pull('growing');
    expect(during.fetched).toEqual([]);
    expect(during.outcomes[0]!.waiting).toHaveLength(1);
    expect(await everything(inbox())).toEqual([]);

    delete hooks.onRead;
    const still = await pull('growing');
    expect(still.fetched.map((f) => f.inboxName)).toEqual(['brp.csv']);
    expect(sha(await readFile(join(inbox(), 'brp.csv')))).toBe(sha(await readFile(path)));
  });

  it('refuses a server whose host key is not pinned, or another than pinned, before offering the client key', async () => {
    await put('hostkey', 'brp.csv', 'bsn\n');
    const other = newKeyPair();
    const changed = join(ctx.dir, 'known_hosts_changed');
    await writeFile(changed, `${knownHostsLine('127.0.0.1', server.port, other)}\n`);
    const unknown = join(ctx.dir, 'known_hosts_unknown');
    await writeFile(
      unknown,
      `${knownHostsLine('127.0.0.1', server.port + 1, server.hostKey)}\nsftp.elders.example ${server.hostKey.public.split(' ').slice(0, 2).join(' ')}\n`,
    );
    const before = { connections: server.connections, authentications: server.authentications };

    const wrong = await pull('hostkey', { PULL_SFTP_KNOWN_HOSTS: changed, PULL_RETRIES: 2 });
    expect(wrong.outcomes[0]!.error).toMatch(/^hostsleutel geweigerd: \[127\.0\.0\.1\]:\d+ toont een andere sleutel \(SHA256:[A-Za-z0-9+/]{43}\)/);
    expect(wrong.outcomes[0]!.attempts).toBe(1);
    expect(wrong.warnings[0]).toMatch(/^bron BRP: ophalen van sftp:\/\/pakhuis@127\.0\.0\.1:\d+\/hostkey\/\*\.csv mislukt: hostsleutel geweigerd/);
    const notThere = await pull('hostkey', { PULL_SFTP_KNOWN_HOSTS: unknown });
    expect(notThere.outcomes[0]!.error).toMatch(/staat niet in PULL_SFTP_KNOWN_HOSTS/);

    expect(server.connections - before.connections).toBe(2);
    expect(server.authentications).toBe(before.authentications);
    expect(await everything(inbox())).toEqual([]);
    const { rows } = await ctx.db.query<{ last_error: string; last_success_at: Date | null }>(
      'SELECT last_error, last_success_at FROM pakhuis.pull_locations WHERE location = $1',
      [location('hostkey')],
    );
    expect(rows).toEqual([{ last_error: expect.stringMatching(/staat niet in/), last_success_at: null }]);
  });

  it.skipIf(spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error !== undefined)(
    'accepts a host key from a known_hosts file hashed by ssh-keygen -H',
    async () => {
      await put('hashed', 'brp.csv', brpCsv(persons(1, vbo(3, 60))));
      const hashed = join(ctx.dir, 'known_hosts_hashed');
      await writeFile(hashed, `${knownHostsLine('127.0.0.1', server.port, server.hostKey)}\n`);
      execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
      const text = await readFile(hashed, 'utf8');
      expect(text).toMatch(/^\|1\|/);
      expect(text).not.toContain('127.0.0.1');
      const result = await pull('hashed', { PULL_SFTP_KNOWN_HOSTS: hashed });
      expect(result.warnings).toEqual([]);
      expect(result.fetched).toHaveLength(1);
    },
  );

  it('leaves nothing in the inbox when the connection drops halfway, and retries a bounded number of times', async () => {
    const big = Buffer.alloc(700 * 1024, 'a');
    await put('cut', 'big.csv', big);
    hooks.onRead = (_path, offset) => (offset > 0 ? 'cut' : undefined);
    const before = server.connections;
    const result = await pull('cut', { PULL_RETRIES: 2 });
    expect(result.outcomes[0]!.attempts).toBe(3);
    expect(server.connections - before).toBe(3);
    expect(result.outcomes[0]!.error).toMatch(/verbinding|verbroken|SFTP/);
    expect(result.warnings[0]).toMatch(/^bron BRP: ophalen van .*\/cut\/\*\.csv mislukt na 3 pogingen: /);
    expect(await everything(inbox())).toEqual([]);
    expect((await ctx.db.query('SELECT 1 FROM pakhuis.pulled_files WHERE remote LIKE $1', ['%/cut/%'])).rows).toEqual([]);

    delete hooks.onRead;
    const whole = await pull('cut');
    expect(whole.fetched).toHaveLength(1);
    expect(sha(await readFile(join(inbox(), 'big.csv')))).toBe(sha(big));
  });

  it('moves the remote file only when PULL_BRP_AFTER says so, and only once it is in the inbox', async () => {
    const path = await put('after', 'brp.csv', brpCsv(persons(1, vbo(4, 60))));
    await mkdir(join(remote, 'after', 'opgehaald'));
    const result = await pull('after', { PULL_BRP_AFTER: 'move:opgehaald' });
    expect(result.warnings).toEqual([]);
    expect(await everything(inbox())).toEqual(['brp.csv']);
    expect(await stat(path).catch(() => null)).toBeNull();
    expect(await readFile(join(remote, 'after', 'opgehaald', 'brp.csv'), 'utf8')).toBe(await readFile(join(inbox(), 'brp.csv'), 'utf8'));
    const { rows } = await ctx.db.query<{ moved_to: string }>('SELECT moved_to FROM pakhuis.pulled_files WHERE remote LIKE $1', ['%/after/brp.csv']);
    expect(rows).toEqual([{ moved_to: '/after/opgehaald/brp.csv' }]);
  });

  it('refuses a file whose published checksum (<name>.sha256) does not match, and fetches it once it does', async () => {
    const content = brpCsv(persons(1, vbo(5, 60)));
    await put('checksum', 'brp.csv', content);
    await put('checksum', 'brp.csv.sha256', `${'0'.repeat(64)}  brp.csv\n`);
    const wrong = await pull('checksum');
    expect(wrong.outcomes[0]!.refused).toEqual([
      { remote: expect.stringMatching(/\/checksum\/brp\.csv$/), reason: expect.stringMatching(/SHA-256 klopt niet/) },
    ]);
    expect(await everything(inbox())).toEqual([]);
    expect(wrong.notRefreshed).toEqual(['brp']);
    await put('checksum', 'brp.csv.sha256', `${sha(content)}  brp.csv\n`);
    const right = await pull('checksum');
    expect(right.fetched).toHaveLength(1);
  });

  it('refuses a key the server does not accept, and a key file that others can read', async () => {
    await put('keys', 'brp.csv', 'bsn\n');
    const stranger = writeKeyFile(join(ctx.dir, 'id_stranger'), newKeyPair());
    const refused = await pull('keys', { PULL_SFTP_KEY_FILE: stranger });
    expect(refused.outcomes[0]!.error).toMatch(/^de server weigert de sleutel uit PULL_SFTP_KEY_FILE voor gebruiker pakhuis\b/);
    chmodSync(stranger, 0o644);
    const open = await pull('keys', { PULL_SFTP_KEY_FILE: stranger });
    expect(open.outcomes[0]!.error).toMatch(/leesbaar voor groep of anderen \(modus 644\)/);
    expect(await everything(inbox())).toEqual([]);
  });
  // The share's listing goes the same way (pullListed): a file share is the other listed location.
  it('follows a link on a file:// share within its folder, never one that leads out of it', async () => {
    const share = join(ctx.dir, 'share');
    const outside = join(ctx.dir, 'geheim.key');
    await mkdir(join(share, 'maand'), { recursive: true });
    await writeFile(outside, 'bsn;geslachtsnaam\n123456782;Buitenstaander\n');
    await writeFile(join(share, 'maand', 'brp-maand.csv'), brpCsv(persons(2, vbo(7, 80))));
    await symlink(join(share, 'maand', 'brp-maand.csv'), join(share, 'laatste.csv'));
    await symlink(outside, join(share, 'uitweg.csv'));
    const shareRun = await pullSources(withPull(ctx, { PULL_BRP: `file://${share}/*.csv` }), { runId: undefined });
    expect(shareRun.outcomes[0]!.fetched.map((f) => f.inboxName)).toEqual(['laatste.csv']);
    expect(await everything(inbox())).toEqual(['laatste.csv']);
    const single = await pullSources(withPull(ctx, { PULL_BRP: `file://${share}/uitweg.csv` }), { runId: undefined });
    expect(single.outcomes[0]!.fetched).toEqual([]);
    expect(await everything(inbox())).toEqual(['laatste.csv']);
  });
});
