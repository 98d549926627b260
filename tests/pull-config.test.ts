import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';
import { patternRegExp } from '../lib/pull-locations.ts';
import { matchesHost, parseKnownHosts, verifyHostKey } from '../pipelines/pull/known-hosts.ts';
import { safeName } from '../pipelines/pull/landing.ts';
import { newKeyPair } from './helpers/sftp-server.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const SFTP_FILES = { PULL_SFTP_KEY_FILE: '/run/secrets/pull_key', PULL_SFTP_KNOWN_HOSTS: '/run/secrets/known_hosts' };

describe('pull configuration', () => {
  it('reads locations separated by white space from the environment, or a list from the config file', async () => {
    const config = loadConfig({
      env: { ...SFTP_FILES, PULL_BRP: ' sftp://pakhuis@sftp.gemeente.local/exports/brp/*.csv\n  sftp://pakhuis@10.0.0.5:2222/~/brp/export-????.csv ' },
    });
    expect(config.PULL_BRP).toEqual([
      expect.objectContaining({
        scheme: 'sftp',
        host: 'sftp.gemeente.local',
        port: 22,
        user: 'pakhuis',
        dir: '/exports/brp',
        pattern: '*.csv',
        glob: true,
        display: 'sftp://pakhuis@sftp.gemeente.local/exports/brp/*.csv',
      }),
      expect.objectContaining({
        scheme: 'sftp',
        host: '10.0.0.5',
        port: 2222,
        dir: 'brp',
        pattern: 'export-????.csv',
        glob: true,
        display: 'sftp://pakhuis@10.0.0.5:2222/~/brp/export-????.csv',
      }),
    ]);
    expect(patternRegExp('export-????.csv').test('export-2025.csv')).toBe(true);
    expect(patternRegExp('*.csv').test('brp.csv.sha256')).toBe(false);

    const dir = await mkdtemp(join(tmpdir(), 'pakhuis-pull-config-'));
    await writeFile(
      join(dir, 'pakhuis.config.json'),
      JSON.stringify({ PULL_DAMOCLES: ['file:///mnt/oov/Damocles%20register.xlsx'], PULL_DAMOCLES_AFTER: 'move:/mnt/oov/verwerkt' }),
    );
    const fromFile = loadConfig({ env: {}, cwd: dir });
    expect(fromFile.PULL_DAMOCLES).toEqual([expect.objectContaining({ scheme: 'file', dir: '/mnt/oov', pattern: 'Damocles register.xlsx', glob: false })]);
    expect(fromFile.PULL_DAMOCLES_AFTER).toEqual({ move: '/mnt/oov/verwerkt' });
  });

  it('names every wrong pull setting on a line of its own, and never repeats a password', () => {
    const problems = problemsOf({
      ...SFTP_FILES,
      PULL_BRP: 'sftp://pakhuis:geheim-wachtwoord@sftp.gemeente.local/exports/*.csv',
      PULL_BAG: 'ftp://kadaster.example/bag.zip https://kadaster.example/bag/*.zip https://kadaster.example/bag/',
      PULL_PERMITS: 'file://fileserver/vth/*.xlsx sftp://sftp.gemeente.local/vth/*.xlsx sftp://pakhuis@h/ex*ports/x.csv',
      PULL_DAMOCLES: 'damocles.xlsx',
      PULL_DAMOCLES_AFTER: 'delete',
      PULL_MAX_MB: '0',
    });
    expect(problems).toEqual([
      'PULL_BAG: location 1: scheme "ftp" is not supported (sftp, https or file)',
      'PULL_BAG: location 2: https://kadaster.example/bag/*.zip: wildcards are only possible for sftp:// and file:// (HTTPS cannot list a folder)',
      'PULL_BAG: location 3: https://kadaster.example/bag/: must name a file (HTTPS cannot list a folder)',
      'PULL_BRP: location 1: holds a password, which is refused: SFTP logs in with the key in PULL_SFTP_KEY_FILE, never a password in a URL',
      'PULL_PERMITS: location 1: file://fileserver/vth/*.xlsx: file:// takes a path on this machine (file:///mnt/share/…); mount a network share first',
      'PULL_PERMITS: location 2: sftp://sftp.gemeente.local/vth/*.xlsx: needs a user name (sftp://user@host/folder/file)',
      'PULL_PERMITS: location 3: sftp://pakhuis@h/ex*ports/x.csv: wildcards (* and ?) may only stand in the file name, not in a folder',
      expect.stringMatching(/^PULL_DAMOCLES: location 1: is not a URL/),
      'PULL_DAMOCLES_AFTER: must be move:<folder> (leave it unset to leave the files where they are)',
      expect.stringMatching(/^PULL_MAX_MB: /),
    ]);
    expect(problems.join('\n')).not.toContain('geheim-wachtwoord');
  });

  it('needs the key and the pinned host keys for sftp, refuses plain http elsewhere than this machine, and moves only what it can move', () => {
    expect(problemsOf({ PULL_BRP: 'sftp://pakhuis@sftp.gemeente.local/brp/*.csv' })).toEqual([
      'PULL_SFTP_KEY_FILE: required for the sftp:// locations in PULL_BRP (SFTP logs in with a key only)',
      "PULL_SFTP_KNOWN_HOSTS: required for the sftp:// locations in PULL_BRP (the server's host key is pinned, never trusted on first use)",
    ]);
    expect(problemsOf({ PULL_BAG: 'http://kadaster.example/bag.zip', PULL_ALLOW_HTTP_LOCALHOST: 'true' })).toEqual([
      'PULL_BAG: http://kadaster.example/bag.zip: plain http is refused; use https (http is only possible to a server on this machine)',
    ]);
    expect(problemsOf({ PULL_BAG: 'http://127.0.0.1:8080/bag.zip', PULL_ALLOW_HTTP_LOCALHOST: 'true' })).toEqual([]);
    expect(problemsOf({ PULL_BAG: 'https://kadaster.example/bag.zip', PULL_BAG_AFTER: 'move:gehad' })).toEqual([
      'PULL_BAG_AFTER: move: is only possible for sftp:// and file:// locations, and PULL_BAG has an http(s) one',
    ]);
  });

  it('shows a location without its query string, which may carry a token', () => {
    const config = loadConfig({ env: { PULL_BAG: 'https://extract.example/bag/BAGGEM0632L.zip?token=s3cr3t-t0ken' } });
    expect(config.PULL_BAG[0]!.display).toBe('https://extract.example/bag/BAGGEM0632L.zip?…');
    expect(config.PULL_BAG[0]!.href).toContain('token=s3cr3t-t0ken');
    expect(JSON.stringify(describeConfig(config))).not.toContain('s3cr3t');
    expect(describeConfig(config).pull).toEqual({ PULL_BAG: ['https://extract.example/bag/BAGGEM0632L.zip?…'] });
  });
});

describe('known_hosts', () => {
  const a = newKeyPair();
  const b = newKeyPair();
  const blob = (k: { public: string }) => Buffer.from(k.public.split(' ')[1]!, 'base64');
  const line = (hosts: string, k: { public: string }) => `${hosts} ${k.public.split(' ').slice(0, 2).join(' ')}`;

  it('matches host lists, wildcards, negation and other ports as ssh does', () => {
    expect(matchesHost('sftp.gemeente.local,10.0.0.5', 'sftp.gemeente.local')).toBe(true);
    expect(matchesHost('*.gemeente.local,!test.gemeente.local', 'sftp.gemeente.local')).toBe(true);
    expect(matchesHost('*.gemeente.local,!test.gemeente.local', 'test.gemeente.local')).toBe(false);
    expect(matchesHost('[sftp.gemeente.local]:2222', '[sftp.gemeente.local]:2222')).toBe(true);
    expect(matchesHost('sftp.gemeente.local', '[sftp.gemeente.local]:2222')).toBe(false);
  });

  it('accepts only the pinned key, refuses a revoked one, and skips what it cannot use', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        line('sftp.gemeente.local', a),
        `@cert-authority *.gemeente.local ${b.public.split(' ').slice(0, 2).join(' ')}`,
        `@revoked oud.gemeente.local ${b.public.split(' ').slice(0, 2).join(' ')}`,
        line('oud.gemeente.local', b),
        'damaged line',
        `sftp.gemeente.local ssh-rsa ${a.public.split(' ')[1]}`, // type and blob disagree
      ].join('\n'),
    );
    expect(entries).toHaveLength(4);
    expect(verifyHostKey(entries, 'sftp.gemeente.local', 22, blob(a))).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'SFTP.gemeente.local', 22, blob(a))).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'sftp.gemeente.local', 22, blob(b))).toEqual({ ok: false, reason: 'changed' });
    expect(verifyHostKey(entries, 'sftp.gemeente.local', 2222, blob(a))).toEqual({ ok: false, reason: 'unknown' });
    expect(verifyHostKey(entries, 'nieuw.gemeente.local', 22, blob(b))).toEqual({ ok: false, reason: 'unknown' });
    expect(verifyHostKey(entries, 'oud.gemeente.local', 22, blob(b))).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('names from a remote listing', () => {
  it('become plain file names in the inbox folder', () => {
    expect(safeName('../../etc/cron.d/evil.csv')).toBe('evil.csv');
    expect(safeName('..\\..\\evil.csv')).toBe('evil.csv');
    expect(safeName('.verborgen.csv')).toBe('verborgen.csv');
    expect(safeName('brp\u0000\n2025.csv')).toBe('brp__2025.csv');
    expect(safeName('export.csv.part')).toBe('export.csv.part.bestand');
    expect(safeName('BAGGEM0632L-15012025.zip')).toBe('BAGGEM0632L-15012025.zip');
  });
});
