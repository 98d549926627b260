import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, gemeentenOf, loadConfig, recipientsFor } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';
import { resolvedRules } from '../pipelines/publish.ts';
import type { PipelineContext } from '../lib/context.ts';

/** The one-line message loadConfig refuses these settings with, or undefined when it accepts them. */
function refusal(env: Record<string, string>, cwd?: string): string | undefined {
  try {
    loadConfig({ env, cwd });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('configuration', () => {
  it('reads GEMEENTEN, SAMENWERKING and per-municipality recipients strictly', () => {
    const config = loadConfig({
      env: {
        GEMEENTEN: '0632, 0589,0335',
        GEMEENTE_NAMEN: '0335=Montfoort',
        SAMENWERKING: 'Werkorganisatie=0632+0589,0589+0335',
        REPORT_RECIPIENTS: 'oov@woerden.nl',
        REPORT_RECIPIENTS_0589: 'oov@oudewater.nl',
        REPORT_RECIPIENT_ALLOWLIST: '@woerden.nl,@oudewater.nl',
      },
    });
    expect(gemeentenOf(config)).toEqual({
      gemeenten: [
        { code: '0632', naam: 'Woerden' },
        { code: '0589', naam: 'Oudewater' },
        { code: '0335', naam: 'Montfoort' },
      ],
      samenwerkingen: [
        { naam: 'Werkorganisatie', gemeenten: ['0589', '0632'] },
        { naam: 'samenwerking Montfoort en Oudewater', gemeenten: ['0335', '0589'] },
      ],
    });
    expect([recipientsFor(config, '0589'), recipientsFor(config, '0632')]).toEqual([['oov@oudewater.nl'], ['oov@woerden.nl']]);
    expect(gemeentenOf(loadConfig({ env: {} }))).toEqual({ gemeenten: [], samenwerkingen: [] });
    expect(refusal({ GEMEENTEN: '632,0589,0589,0000,9876' })).toBe(
      [
        'invalid configuration: GEMEENTEN: "632" is geen gemeentecode (4 cijfers, zoals 0632)',
        'GEMEENTEN: 0589 staat er twee keer in',
        'GEMEENTEN: 0000 is geen gemeentecode',
        'GEMEENTEN: de naam van 9876 is onbekend; geef hem met GEMEENTE_NAMEN=9876=Naam',
      ].join('; '),
    );
    expect(refusal({ GEMEENTEN: '0632,0589', SAMENWERKING: '0632+0344' })).toContain('SAMENWERKING: 0344 staat niet in GEMEENTEN');
    expect(refusal({ GEMEENTEN: '0632,0589', SAMENWERKING: '0632 en 0589' })).toContain('is geen afspraak; schrijf 0632+0589 of Naam=0632+0589');
    expect(refusal({ GEMEENTEN: '0632', SAMENWERKING: '0632+0632' })).toContain('noemt maar één gemeente');
    expect(refusal({ GEMEENTEN: '0632', GEMEENTE_NAMEN: '0335=<script>' })).toContain('GEMEENTE_NAMEN: de naam bij 0335 bevat tekens');
    expect(refusal({ GEMEENTEN: '0632,0589', REPORT_RECIPIENTS_0589: 'iemand@elders.example', REPORT_RECIPIENT_ALLOWLIST: '@oudewater.nl' })).toContain(
      'REPORT_RECIPIENTS_0589: iemand@elders.example not in REPORT_RECIPIENT_ALLOWLIST',
    );
    expect(refusal({ GEMEENTEN: '0632', REPORT_RECIPIENTS_0589: 'oov@oudewater.nl' })).toContain('REPORT_RECIPIENTS_0589: 0589 is not in GEMEENTEN');
    expect(refusal({ GEMEENTEN_LIJST: '0632' })).toContain('unknown environment variable GEMEENTEN_LIJST');
    expect(refusal({ GEMEENTEN: '0632', PULL_PERMITS_0344: 'file:///mnt/utrecht/*.xlsx' })).toContain('PULL_PERMITS_0344: 0344 is not in GEMEENTEN');
    expect(refusal({ GEMEENTEN: '0632', PULL_PERMITS_0632: 'sftp://oov@vth.example/export/*.xlsx' })).toContain(
      'PULL_SFTP_KEY_FILE: required for the sftp:// locations in PULL_PERMITS_0632',
    );
    expect(
      loadConfig({ env: { GEMEENTEN: '0632,0589', PULL_PERMITS_0589: 'file:///mnt/oudewater/*.xlsx' } }).pullPerGemeente.PULL_PERMITS_0589!.map(
        (l) => l.display,
      ),
    ).toEqual(['file:///mnt/oudewater/*.xlsx']);
  });

  it('has defaults that run the embedded database', () => {
    const config = loadConfig({ env: {} });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PGLITE_DIR).toBe('./data/pglite');
    expect(config.SCHEDULE_TZ).toBe('Europe/Amsterdam');
  });

  it('lists every invalid setting in one error, without echoing values', () => {
    const secret = 'too-short-secret';
    let error: unknown;
    try {
      loadConfig({ env: { PSEUDONYMIZATION_KEY: secret, DATABASE_URL: 'not a url', SMTP_PORT: '-5', LOG_LEVEL: 'loud' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PSEUDONYMIZATION_KEY', 'SMTP_PORT']);
    expect(message).not.toContain(secret);
  });

  it('refuses a config file that is not JSON without quoting any of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pakhuis-config-'));
    // The key without quotes: the parser's own message would quote the text right around it.
    await writeFile(join(dir, 'pakhuis.config.json'), '{"PSEUDONYMIZATION_KEY": geheimsleutel-in-bestand-0123456789abc}');
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(/pakhuis\.config\.json is not valid JSON/);
    expect(() => loadConfig({ env: {}, cwd: dir })).not.toThrow(/geheim|sleutel/);
  });

  it('takes rule parameters from the environment', () => {
    const config = loadConfig({ env: { RULE_OVERBEWONING__NORM_M2: '15' } });
    expect(config.rules.OVERBEWONING).toEqual({ normM2: '15' });
  });

  it('describes itself without secrets', () => {
    const config = loadConfig({ env: { PSEUDONYMIZATION_KEY: 'k'.repeat(40), DATABASE_URL: 'postgres://u:hunter2@db/x' } });
    expect(JSON.stringify(describeConfig(config))).not.toMatch(/hunter2|kkkk/);
  });

  describe('report recipients, read as the mailer reads them', () => {
    const allow = { REPORT_RECIPIENT_ALLOWLIST: '@woerden.nl' };
    // The three strings an attacker got past the ending-with check: each went (also) to gmail.com.
    it.each([['evil@gmail.com;oov@woerden.nl'], ['<evil@gmail.com> oov@woerden.nl'], ['evil@gmail.com (x@woerden.nl']])(
      'refuses %s at start-up with one line',
      (recipients) => {
        const message = refusal({ ...allow, REPORT_RECIPIENTS: recipients });
        expect(message).toMatch(/^invalid configuration: REPORT_RECIPIENTS: /);
        expect(message).toContain('is not one plain e-mail address');
        expect(message!.split('\n')).toHaveLength(1);
      },
    );

    it('refuses display names, quotes, groups and a second @, allow-list or not', () => {
      for (const recipients of [
        'OOV <oov@woerden.nl>',
        '"evil@gmail.com"@woerden.nl',
        'evil@gmail.com@woerden.nl',
        'oov: oov@woerden.nl;',
        'oov@woerden.nl (beheer)',
      ]) {
        expect(refusal({ REPORT_RECIPIENTS: recipients }), recipients).toMatch(/is not one plain e-mail address/);
      }
    });

    it('names the recipient the allow-list does not cover', () => {
      expect(refusal({ ...allow, REPORT_RECIPIENTS: 'oov@woerden.nl,iemand@evilwoerden.nl' })).toBe(
        'invalid configuration: REPORT_RECIPIENTS: iemand@evilwoerden.nl not in REPORT_RECIPIENT_ALLOWLIST',
      );
    });

    it('refuses an allow-list entry that is neither @domain nor an address', () => {
      expect(refusal({ REPORT_RECIPIENT_ALLOWLIST: 'woerden.nl' })).toMatch(
        /REPORT_RECIPIENT_ALLOWLIST: "woerden.nl" is neither @domain nor one plain e-mail address/,
      );
    });

    it('keeps plain addresses, trimmed, from the environment and from a JSON array', async () => {
      expect(loadConfig({ env: { ...allow, REPORT_RECIPIENTS: ' oov@woerden.nl , Analist@Woerden.NL ' } }).REPORT_RECIPIENTS).toEqual([
        'oov@woerden.nl',
        'Analist@woerden.nl',
      ]);
      const dir = await mkdtemp(join(tmpdir(), 'pakhuis-config-'));
      await writeFile(join(dir, 'pakhuis.config.json'), JSON.stringify({ REPORT_RECIPIENTS: ['oov@woerden.nl'], REPORT_RECIPIENT_ALLOWLIST: ['@woerden.nl'] }));
      expect(loadConfig({ env: {}, cwd: dir }).REPORT_RECIPIENTS).toEqual(['oov@woerden.nl']);
    });
  });

  describe('unknown settings', () => {
    it('refuses a misspelled key in the config file, naming it with the key it resembles', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pakhuis-config-'));
      await writeFile(
        join(dir, 'pakhuis.config.json'),
        JSON.stringify({ REPORT_RECIPIENTS: 'oov@woerden.nl,iemand@gmail.com', REPORT_RECIPIENT_ALLOWLST: '@woerden.nl' }),
      );
      expect(refusal({}, dir)).toMatch(/pakhuis\.config\.json: unknown setting REPORT_RECIPIENT_ALLOWLST \(did you mean REPORT_RECIPIENT_ALLOWLIST\?\)$/);
    });

    it('refuses an environment variable with one of our prefixes that is no setting', () => {
      expect(refusal({ SMTP_HOTS: 'mail.example', PATH: '/usr/bin', LOGNAME: 'x' })).toBe(
        'invalid configuration: unknown environment variable SMTP_HOTS (did you mean SMTP_HOST?)',
      );
      expect(refusal({ REPORT_RECIPIENT_ALLOWLST: '@woerden.nl' })).toMatch(/did you mean REPORT_RECIPIENT_ALLOWLIST\?/);
    });

    it('knows every key of the schema and the rule parameters without a list of its own; _FILE only for the secrets read from a file', () => {
      expect(refusal({ RETENTION_ARCHIVE_DAYS: '10', RULE_OVERBEWONING__NORM_M2: '15', PULL_TIMEOUT_SECONDS: '30' })).toBeUndefined();
      // Known, and read: a missing file is its own error, not an unknown setting.
      expect(refusal({ SMTP_PASSWORD_FILE: '/nonexistent/pakhuis-smtp' })).toMatch(/SMTP_PASSWORD_FILE: \/nonexistent\/pakhuis-smtp does not exist/);
      expect(refusal({ RETENTION_ARCHIVE_DAY_FILE: '/x' })).toMatch(/unknown environment variable RETENTION_ARCHIVE_DAY_FILE/);
      // A setting no file is read for would be silently ignored: the allow-list would not hold.
      expect(refusal({ REPORT_RECIPIENT_ALLOWLIST_FILE: '/etc/pakhuis/allow' })).toMatch(/unknown environment variable REPORT_RECIPIENT_ALLOWLIST_FILE/);
    });

    it('refuses an unknown rule or rule parameter when the run resolves its rules', () => {
      const rules = (env: Record<string, string>) => () => resolvedRules({ config: loadConfig({ env }) } as PipelineContext);
      expect(rules({ RULE_OVERBEWONNIG__NORM_M2: '15' })).toThrow(/unknown rule OVERBEWONNIG \(did you mean OVERBEWONING\?\)/);
      expect(rules({ RULE_OVERBEWONING__NORM_M3: '15' })).toThrow(/rule OVERBEWONING: unknown parameter normM3 \(did you mean normM2\?\)/);
      expect(rules({ RULE_OVERBEWONING__NORM_M2: '15' })).not.toThrow();
    });
  });

  describe('secrets from files (*_FILE), so a key need not stand in a crontab or unit file', () => {
    const key = 'sleutel-uit-bestand-0123456789abcdef0123456789';
    const secretFile = async (content: string, mode: number) => {
      const dir = await mkdtemp(join(tmpdir(), 'pakhuis-secret-'));
      const path = join(dir, 'secret');
      await writeFile(path, content);
      await chmod(path, mode);
      return path;
    };

    it('reads the key and the SMTP password from files readable by their owner only, without the final line break', async () => {
      const config = loadConfig({
        env: { PSEUDONYMIZATION_KEY_FILE: await secretFile(key + '\n', 0o600), SMTP_PASSWORD_FILE: await secretFile('wachtwoord met spatie \n', 0o400) },
      });
      expect(config.PSEUDONYMIZATION_KEY).toBe(key);
      expect(config.SMTP_PASSWORD).toBe('wachtwoord met spatie ');
    });

    it('refuses a file other users can read, naming file and mode but not the content', async () => {
      const path = await secretFile(key, 0o644);
      let error: unknown;
      try {
        loadConfig({ env: { PSEUDONYMIZATION_KEY_FILE: path } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`PSEUDONYMIZATION_KEY_FILE: ${path} is open to other users (mode 0644)`);
      expect((error as Error).message).not.toContain(key);
    });

    it('refuses a missing or empty file, a key too short, and a key set both ways', async () => {
      expect(() => loadConfig({ env: { PSEUDONYMIZATION_KEY_FILE: '/nonexistent/pakhuis-key' } })).toThrow(
        /PSEUDONYMIZATION_KEY_FILE: \/nonexistent\/pakhuis-key does not exist/,
      );
      expect(() => loadConfig({ env: { SMTP_PASSWORD_FILE: '' } })).not.toThrow();
      const empty = await secretFile('\n', 0o600);
      expect(() => loadConfig({ env: { PSEUDONYMIZATION_KEY_FILE: empty } })).toThrow(/is empty/);
      const short = await secretFile('kort-geheim', 0o600);
      expect(() => loadConfig({ env: { PSEUDONYMIZATION_KEY_FILE: short } })).toThrow(/PSEUDONYMIZATION_KEY: must be at least 32 characters/);
      expect(() => loadConfig({ env: { PSEUDONYMIZATION_KEY_FILE: short } })).not.toThrow(/kort-geheim/);
      const both = await secretFile(key, 0o600);
      expect(() => loadConfig({ env: { PSEUDONYMIZATION_KEY: key, PSEUDONYMIZATION_KEY_FILE: both } })).toThrow(
        /PSEUDONYMIZATION_KEY and PSEUDONYMIZATION_KEY_FILE are both set/,
      );
    });
  });
});
