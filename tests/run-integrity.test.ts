import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, newBsn, persons, vbo, writeFileIn } from './helpers/files.ts';
import { day, obj, writeInbox } from './helpers/registers.ts';

describe('write-audit-publish and freshness', () => {
  let ctx: TestContext;
  const a = vbo(1, 100);
  const b = vbo(2, 100);
  const signals = async () => (await ctx.db.query(`SELECT rule_code, subject_key, status, score::text FROM pakhuis.signals ORDER BY 1, 2`)).rows;

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-1.csv'), brpCsv(persons(12, a)));
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());
  afterEach(() => {
    delete process.env.PAKHUIS_FAILPOINT;
    delete process.env.PAKHUIS_FAILPOINT_MODE;
  });

  it('publishes nothing when a step fails, and says which step and why', async () => {
    const before = await signals();
    const reportsBefore = await readdir(ctx.config.OUT_DIR);
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-2.csv'), brpCsv([...persons(2, a), ...persons(12, b)]));
    process.env.PAKHUIS_FAILPOINT = 'publish';
    process.env.PAKHUIS_FAILPOINT_MODE = 'throw';
    const failed = await runPipeline(ctx, { trigger: 'test' });
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'publish' });
    expect(failed.error).toContain('failpoint publish');
    expect(await signals()).toEqual(before);
    expect(await readdir(ctx.config.OUT_DIR)).toEqual(reportsBefore);
    const { rows } = await ctx.db.query(`SELECT status, failed_step, error FROM pakhuis.runs WHERE id = $1`, [failed.runId]);
    expect(rows).toEqual([{ status: 'failed', failed_step: 'publish', error: expect.stringContaining('failpoint publish') }]);
    const { rows: model } = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM model.inschrijving WHERE verblijfsobject_id = $1`, [a.id]);
    expect(model).toEqual([{ n: 12 }]);

    // The next run publishes the load that was staged but never published.
    delete process.env.PAKHUIS_FAILPOINT;
    const next = await runPipeline(ctx, { trigger: 'test' });
    expect(next.status).toBe('succeeded');
    const after = await signals();
    expect(after.filter((s) => (s as { rule_code: string }).rule_code === 'OVERBEWONING')).toEqual([
      { rule_code: 'OVERBEWONING', subject_key: a.id, status: 'resolved', score: '12' },
      { rule_code: 'OVERBEWONING', subject_key: b.id, status: 'open', score: '12' },
    ]);
  });

  it('warns about stale and missing sources in the run record and at the top of the report', async () => {
    await ctx.db.query(`UPDATE pakhuis.loads SET loaded_at = now() - interval '3 days' WHERE source = 'brp'`);
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    const expected = [
      expect.stringMatching(/^bron BRP is verouderd: laatst geladen \d{4}-\d{2}-\d{2}, maximaal 2 dagen oud$/),
      'bron vergunningen ontbreekt: nog nooit geladen',
      'bron Damocles ontbreekt: nog nooit geladen',
      'bron meldpunt ontbreekt: nog nooit geladen',
      // Rules that read a source never loaded are not evaluated: no signals from missing inputs.
      'niet uitgevoerd, hun signalen blijven zoals ze waren: DAMOCLES_BEWONING (Damocles nog nooit geladen), ' +
        'DAMOCLES_BETROKKENE_ELDERS (Damocles nog nooit geladen), VERGUNNING_BIBOB (vergunningen en Damocles nog nooit geladen), ' +
        'HORECA_GEEN_PASSENDE_FUNCTIE (vergunningen nog nooit geladen), MELDING_EN_DATASIGNAAL (meldpunt nog nooit geladen)',
    ];
    expect(run.warnings).toEqual(expected);
    const { rows } = await ctx.db.query<{ warnings: string[] }>('SELECT warnings FROM pakhuis.runs WHERE id = $1', [run.runId]);
    expect(rows[0]!.warnings).toEqual(expected);
    const { readFile } = await import('node:fs/promises');
    const csv = (await readFile(run.reportPath!, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    expect(csv.slice(0, 3)).toEqual([
      expect.stringMatching(/^Waarschuwing: bron BRP is verouderd/),
      'Waarschuwing: bron vergunningen ontbreekt: nog nooit geladen',
      'Waarschuwing: bron Damocles ontbreekt: nog nooit geladen',
    ]);
    expect(csv[3]).toBe('Waarschuwing: bron meldpunt ontbreekt: nog nooit geladen');
    expect(csv[4]).toMatch(/^Waarschuwing: niet uitgevoerd, hun signalen blijven zoals ze waren: DAMOCLES_BEWONING/);
    expect(csv[5]).toMatch(/^Signaal;Regel;/);
    const bag = await ctx.db.query(`SELECT 1 FROM pakhuis.loads WHERE source = 'bag' AND loaded_at > now() - interval '1 day'`);
    expect(bag.rowCount).toBe(1);
  });
});

describe('rules whose inputs were never loaded', () => {
  let ctx: TestContext;
  const a = vbo(1, 100);
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('are not evaluated: BRP before the first BAG flags no address as unknown, and the BAG run then flags what is there', async () => {
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(persons(12, a)));
    const first = await runPipeline(ctx, { trigger: 'test' });
    expect(first.status).toBe('succeeded');
    // Without the BAG every one of the 12 addresses would look unknown to ADRES_ONBEKEND.
    expect((await ctx.db.query('SELECT 1 FROM pakhuis.signals')).rowCount).toBe(0);
    expect(first.warnings).toContainEqual(expect.stringContaining('ADRES_ONBEKEND (BAG nog nooit geladen)'));
    expect(first.publish!.rules.find((r) => r.code === 'OVERBEWONING')).toMatchObject({ produced: 0, skipped: 'BAG nog nooit geladen' });

    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a]));
    const second = await runPipeline(ctx, { trigger: 'test' });
    expect(second.status).toBe('succeeded');
    const { rows } = await ctx.db.query<{ rule_code: string; subject_key: string }>(`SELECT rule_code, subject_key FROM pakhuis.signals WHERE status = 'open'`);
    expect(rows).toEqual([{ rule_code: 'OVERBEWONING', subject_key: a.id }]);
    expect(second.warnings.join('\n')).not.toContain('ADRES_ONBEKEND');
  });
});

describe('a key rotation half done', () => {
  let ctx: TestContext;
  const o = obj(7, 'bijeenkomstfunctie');
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('is named in the run record while the published loads carry pseudonyms of different key versions', async () => {
    const holder = newBsn();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [o],
      brp: [{ bsn: holder, naam: 'Houder', stays: [{ obj: o, since: day(-400) }] }],
      permits: [{ zaak: 'V-1', type: 'exploitatievergunning', obj: o, bsn: holder, naam: 'Houder', van: day(-30) }],
    });
    const first = await runPipeline(ctx, { trigger: 'test' });
    expect(first.warnings.join('\n')).not.toContain('sleutelversies');
    // The new key: only the permits come in again, so BRP still carries version 1.
    await writeInbox(ctx.config.INBOX_DIR, { permits: [{ zaak: 'V-2', type: 'exploitatievergunning', obj: o, bsn: holder, naam: 'Houder', van: day(-30) }] });
    const rotated = await runPipeline({ ...ctx, pseudonymizer: new Pseudonymizer('n'.repeat(40), 2) }, { trigger: 'test' });
    expect(rotated.status).toBe('succeeded');
    const warning = expect.stringMatching(/^pseudoniemen van verschillende sleutelversies \(BRP 1, vergunningen 2\)/);
    expect(rotated.warnings).toContainEqual(warning);
    const { rows } = await ctx.db.query<{ warnings: string[] }>('SELECT warnings FROM pakhuis.runs WHERE id = $1', [rotated.runId]);
    expect(rows[0]!.warnings).toContainEqual(warning);
    expect(await readFile(rotated.reportPath!, 'utf8')).toMatch(/Waarschuwing: pseudoniemen van verschillende sleutelversies/);
  });
});

describe('a wrong key under a key version in use', () => {
  let ctx: TestContext;
  const closed = obj(8);
  const elsewhere = obj(9);
  const owner = newBsn();
  const elders = async () =>
    (await ctx.db.query(`SELECT subject_key, status, first_seen_run::int FROM pakhuis.signals WHERE rule_code = 'DAMOCLES_BETROKKENE_ELDERS'`)).rows;
  const damocles = (zaak: string) => ({ damocles: [{ zaak, obj: closed, start: day(-100), duur: 3, eigenaarBsn: owner, eigenaar: 'Eigenaar' }] });

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [closed, elsewhere],
      brp: [{ bsn: owner, naam: 'Eigenaar', stays: [{ obj: elsewhere, since: day(-400) }] }],
      ...damocles('D-1'),
    });
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('stores a check value for the version that reveals nothing of the key', async () => {
    const { rows } = await ctx.db.query<{ key_version: number; check_value: string }>('SELECT key_version, check_value FROM pakhuis.key_checks');
    expect(rows).toEqual([{ key_version: 1, check_value: ctx.pseudonymizer.checkValue }]);
    expect(rows[0]!.check_value).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.check_value).not.toContain(Buffer.from(TEST_KEY).toString('hex').slice(0, 16));
    expect(rows[0]!.check_value).not.toBe(ctx.pseudonymizer.pseudonymise('999993653'));
    expect(await elders()).toEqual([{ subject_key: 'D-1/eigenaar', status: 'open', first_seen_run: 1 }]);
  });

  it('stops the run before anything is loaded, in one line, and leaves the signals alone', async () => {
    await writeInbox(ctx.config.INBOX_DIR, damocles('D-1'));
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'damocles', 'damocles.csv'),
      (await readFile(join(ctx.config.INBOX_DIR, 'damocles', 'damocles.csv'), 'utf8')) + '\r\n',
    );
    const wrong = await runPipeline({ ...ctx, pseudonymizer: new Pseudonymizer('w'.repeat(40), 1) }, { trigger: 'test' });
    expect(wrong.status).toBe('failed');
    expect(wrong.failedStep).toBe('configuration');
    expect(wrong.error).toBe(
      'invalid configuration: PSEUDONYMIZATION_KEY is not the key version 1 was first used with (its check value differs); set that key, or a new key under a higher PSEUDONYMIZATION_KEY_VERSION',
    );
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM pakhuis.loads`)).rows).toEqual([{ n: 3 }]);
    expect(await readdir(join(ctx.config.INBOX_DIR, 'damocles'))).toEqual(['damocles.csv']);
    expect(await elders()).toEqual([{ subject_key: 'D-1/eigenaar', status: 'open', first_seen_run: 1 }]);
    // The right key again: the file loads and the signal is the same one, still open, not new.
    const right = await runPipeline(ctx, { trigger: 'test' });
    expect(right.status).toBe('succeeded');
    expect(right.files.map((f) => f.status)).toEqual(['loaded']);
    expect(await elders()).toEqual([{ subject_key: 'D-1/eigenaar', status: 'open', first_seen_run: 1 }]);
  });

  it('accepts another key under a new version (a rotation)', async () => {
    expect((await runPipeline({ ...ctx, pseudonymizer: new Pseudonymizer('w'.repeat(40), 2) }, { trigger: 'test' })).status).toBe('succeeded');
    expect((await ctx.db.query('SELECT key_version FROM pakhuis.key_checks ORDER BY 1')).rows).toEqual([{ key_version: 1 }, { key_version: 2 }]);
  });

  it.skipIf(!process.env.DATABASE_URL)('stops pakhuis ingest with a wrong key too', async () => {
    const file = join(ctx.dir, 'los.csv');
    await writeFileIn(file, 'bsn;postcode;huisnummer\n999993653;3441AB;1\n');
    const result = await promisify(execFile)('node', [new URL('../bin/pakhuis.js', import.meta.url).pathname, 'ingest', 'brp', file], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: ctx.url,
        PSEUDONYMIZATION_KEY: 'x'.repeat(40),
        PSEUDONYMIZATION_KEY_VERSION: '1',
        LOG_LEVEL: 'silent',
      },
      cwd: ctx.dir,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^pakhuis ingest: invalid configuration: PSEUDONYMIZATION_KEY is not the key version 1 was first used with/),
    ]);
    expect((await ctx.db.query(`SELECT 1 FROM pakhuis.loads WHERE file_name = 'los.csv'`)).rowCount).toBe(0);
  });
});

describe('two exports of one register in one night', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('publishes the newest and says which file was not published', async () => {
    const a = vbo(1, 100);
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-a.csv'), brpCsv(persons(12, a)));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-b.csv'), brpCsv(persons(3, a)));
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    expect(run.warnings).toContain(
      '2 bestanden van bron BRP geladen; alleen brp/brp-b.csv wordt gepubliceerd (een levering is een volledige stand), niet brp/brp-a.csv',
    );
    expect((await ctx.db.query(`SELECT 1 FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING'`)).rowCount).toBe(0);
  });
});
