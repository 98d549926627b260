import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';

describe('configuration', () => {
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
});
