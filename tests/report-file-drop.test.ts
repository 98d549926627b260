import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { deliverPending, enqueue } from '../reports/outbox.ts';
import { inside, MANIFEST } from '../reports/channels/file-drop.ts';
import { dropDirFor, loadConfig } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { reportRows } from './helpers/report-csv.ts';

/** Every file under a folder, hidden ones too, as paths relative to it. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('nightly report by file drop (REPORT_DROP_DIR)', () => {
  let ctx: TestContext;
  let drop: string;
  const a = vbo(21, 100);

  beforeAll(async () => {
    ctx = await createTestContext({ REPORT_NOTHING_NEW: 'nooit' });
    drop = join(ctx.dir, 'drop');
    ctx.config.REPORT_DROP_DIR = drop;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const outbox = async () =>
    (
      await ctx.db.query<{
        id: number;
        channel: string;
        status: string;
        attempts: number;
        drop_name: string | null;
        message_id: string | null;
        subject: string | null;
      }>(`SELECT id::int AS id, channel, status, attempts, drop_name, message_id, subject FROM pakhuis.report_outbox ORDER BY id`)
    ).rows;

  it('writes the report, its workbook, page and chart into one folder of the drop, exactly once', async () => {
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag-1.csv'), bagCsv([a]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-1.csv'), brpCsv(persons(12, a)));
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    expect(run.delivery).toMatchObject({ sent: 1, failed: 0, withheld: 0 });
    const [row] = await outbox();
    const name = row!.drop_name!;
    expect(name).toMatch(/^anomalierapport-\d{4}-\d{2}-\d{2}-run1$/);
    expect(row).toMatchObject({ channel: 'file_drop', status: 'sent', attempts: 1, message_id: join(drop, name), subject: null });
    expect(await tree(drop)).toEqual(
      [`${name}/${name}.csv`, `${name}/${name}.xlsx`, `${name}/${name}.html`, `${name}/trend.png`, `${name}/${MANIFEST}`].sort(),
    );
    // The same CSV as the one kept in OUT_DIR, carrying tonight's signal.
    const csv = await readFile(join(drop, name, `${name}.csv`), 'utf8');
    expect(csv).toBe(await readFile(run.reportPath!, 'utf8'));
    expect(reportRows(csv).map((r) => [r.Regel, r.Verblijfsobject])).toEqual([['OVERBEWONING', a.id]]);
    const page = await readFile(join(drop, name, `${name}.html`), 'utf8');
    expect(page).toContain('OVERBEWONING');
    expect(page).not.toContain('cid:');
    expect(JSON.parse(await readFile(join(drop, name, MANIFEST), 'utf8'))).toMatchObject({ rapport: row!.id, soort: 'nachtrapport' });

    // A crash after the rename, before the outbox's commit: the row is pending again, and a
    // half-written folder of an earlier attempt lies beside it. The retry records the delivery
    // it finds and writes nothing twice; the half-written folder goes.
    const written = (await stat(join(drop, name, `${name}.csv`))).mtimeMs;
    await ctx.db.query(`UPDATE pakhuis.report_outbox SET status = 'pending' WHERE id = $1`, [row!.id]);
    await mkdir(join(drop, `.${name}.part`));
    await writeFile(join(drop, `.${name}.part`, 'half.csv'), 'half');
    expect(await deliverPending(ctx)).toMatchObject({ sent: 1, failed: 0 });
    expect((await stat(join(drop, name, `${name}.csv`))).mtimeMs).toBe(written);
    expect((await readdir(drop)).sort()).toEqual([name]);
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await deliverPending(ctx)).toMatchObject({ sent: 0, failed: 0 });
  });

  it('keeps a quiet night home (REPORT_NOTHING_NEW=nooit), as by e-mail', async () => {
    const before = await readdir(drop);
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    expect(run.reportNotMailedQuiet).toBe(true);
    expect((await outbox()).at(-1)).toMatchObject({ channel: 'file_drop', status: 'not_sent' });
    expect(await readdir(drop)).toEqual(before);
    const { rows } = await ctx.db.query(`SELECT mail_status FROM signals.runs WHERE run_id = $1`, [run.runId]);
    expect(rows).toEqual([{ mail_status: 'niets_nieuws' }]);
  });

  it('writes nothing for a failed run', async () => {
    const before = { rows: (await outbox()).length, drop: await tree(drop) };
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-3.csv'), brpCsv(persons(14, a)));
    process.env.PAKHUIS_FAILPOINT = 'publish';
    process.env.PAKHUIS_FAILPOINT_MODE = 'throw';
    try {
      const run = await runPipeline(ctx, { trigger: 'test' });
      expect(run.status).toBe('failed');
    } finally {
      delete process.env.PAKHUIS_FAILPOINT;
      delete process.env.PAKHUIS_FAILPOINT_MODE;
    }
    expect(await outbox()).toHaveLength(before.rows);
    expect(await tree(drop)).toEqual(before.drop);
  });

  it('keeps a report it cannot write in the outbox, counts the attempt, and delivers it on a retry', async () => {
    // The folder cannot be made: a file stands where it should be.
    const blocked = join(ctx.dir, 'blocked');
    await writeFile(blocked, 'geen map');
    ctx.config.REPORT_DROP_DIR = blocked;
    ctx.config.REPORT_NOTHING_NEW = 'dagelijks';
    try {
      const run = await runPipeline(ctx, { trigger: 'test' });
      expect(run.status).toBe('succeeded');
      expect(run.delivery).toMatchObject({ sent: 0, failed: 1 });
      expect(run.delivery!.errors[0]).toMatch(/^rapport niet in de bestandsmap gezet: de bestandsmap kon niet worden beschreven/);
      // The run's warning names the folder, not an e-mail that was never meant to go.
      expect(run.warnings.join(' ')).toMatch(/rapport niet in de bestandsmap gezet: .*Het rapport blijft in de outbox/);
      expect(run.warnings.join(' ')).not.toContain('e-mail');
      const last = (await outbox()).at(-1)!;
      expect(last).toMatchObject({ status: 'pending', attempts: 1 });
      await rm(blocked);
      expect(await deliverPending(ctx)).toMatchObject({ sent: 1, failed: 0 });
      expect((await outbox()).at(-1)).toMatchObject({ id: last.id, status: 'sent', attempts: 2 });
      expect(await readdir(blocked)).toEqual([last.drop_name]);
    } finally {
      ctx.config.REPORT_DROP_DIR = drop;
      ctx.config.REPORT_NOTHING_NEW = 'nooit';
    }
  });

  it('refuses to deliver a file whose name would leave its folder, and writes nothing', async () => {
    const id = await ctx.db.transaction((tx) =>
      enqueue(tx, {
        kind: 'nachtrapport',
        runId: null,
        fileName: 'ontsnapping.csv',
        filePath: null,
        payload: { channel: 'file_drop', dropName: 'ontsnapping' },
        status: 'pending',
        attachments: [{ filename: '../ontsnapt.csv', content: 'x', contentType: 'text/csv' }],
      }),
    );
    const before = await tree(drop);
    const outcome = await deliverPending(ctx, undefined, [id]);
    expect(outcome).toMatchObject({ sent: 0, failed: 1 });
    expect(outcome.errors).toEqual([
      'rapport niet in de bestandsmap gezet: weigert de bestandsnaam "../ontsnapt.csv": alleen letters, cijfers, . _ en -, zonder ..',
    ]);
    expect(await tree(drop)).toEqual(before);
    expect(await readdir(ctx.dir)).not.toContain('ontsnapt.csv');
    expect((await outbox()).find((r) => r.id === id)).toMatchObject({ status: 'pending', attempts: 1 });
    await ctx.db.query(`DELETE FROM pakhuis.report_outbox WHERE id = $1`, [id]);

    // The folder name is checked by the database as well: such a row cannot be stored.
    const stored = ctx.db.transaction((tx) =>
      enqueue(tx, {
        kind: 'nachtrapport',
        runId: null,
        fileName: 'x.csv',
        filePath: null,
        payload: { channel: 'file_drop', dropName: '../x' },
        status: 'pending',
        attachments: [],
      }),
    );
    await expect(stored).rejects.toThrow(/report_outbox_payload/);
    for (const name of ['..', '../x', '/etc/passwd', 'a/b', 'a\\b', '.verborgen', '', 'a..b', 'naam met spatie', 'é']) {
      expect(() => inside(drop, name), name).toThrow(/weigert de bestandsnaam/);
    }
    expect(inside(drop, '0589-2026-01-01.csv')).toBe(join(drop, '0589-2026-01-01.csv'));
  });

  it('refuses to overwrite a folder of the same name that another report wrote', async () => {
    const name = 'anomalierapport-0000-01-01-run9';
    await mkdir(join(drop, name));
    await writeFile(join(drop, name, MANIFEST), JSON.stringify({ rapport: 999999, gemaakt: 'elders' }));
    const id = await ctx.db.transaction((tx) =>
      enqueue(tx, {
        kind: 'nachtrapport',
        runId: null,
        fileName: `${name}.csv`,
        filePath: null,
        payload: { channel: 'file_drop', dropName: name },
        status: 'pending',
        attachments: [{ filename: `${name}.csv`, content: 'eigen', contentType: 'text/csv' }],
      }),
    );
    const outcome = await deliverPending(ctx, undefined, [id]);
    expect(outcome).toMatchObject({ sent: 0, failed: 1 });
    expect(outcome.errors[0]).toMatch(/bestaat al en hoort bij een ander rapport/);
    expect(await readdir(join(drop, name))).toEqual([MANIFEST]);
    expect((await readdir(drop)).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('withholds a waiting report when no folder is configured for it any more', async () => {
    const id = await ctx.db.transaction((tx) =>
      enqueue(tx, {
        kind: 'nachtrapport',
        runId: null,
        fileName: 'x.csv',
        filePath: null,
        payload: { channel: 'file_drop', dropName: 'later' },
        status: 'pending',
        attachments: [],
        gemeentecode: '0589',
      }),
    );
    // A folder is configured for another municipality only.
    const moved = { ...ctx, config: { ...ctx.config, REPORT_DROP_DIR: undefined, dropDirPerGemeente: { '0632': drop } } };
    expect(await deliverPending(moved, undefined, [id])).toMatchObject({ sent: 0, failed: 0, withheld: 1 });
    const { rows } = await ctx.db.query(`SELECT status, last_error FROM pakhuis.report_outbox WHERE id = $1`, [id]);
    expect(rows).toEqual([{ status: 'not_sent', last_error: 'geen bestandsmap meer ingesteld in REPORT_DROP_DIR_0589 of REPORT_DROP_DIR' }]);
  });
});

describe('choosing the channel per municipality', () => {
  it('reads REPORT_DROP_DIR_<code>; the most specific setting wins', () => {
    const config = loadConfig({
      env: {
        GEMEENTEN: '0632,0589,0335',
        GEMEENTE_NAMEN: '0335=Montfoort',
        REPORT_DROP_DIR: '/srv/drop',
        REPORT_DROP_DIR_0589: '/srv/drop-oudewater',
        REPORT_RECIPIENTS_0632: 'oov@woerden.nl',
      },
      cwd: '/nonexistent',
    });
    expect(dropDirFor(config, '0589')).toBe('/srv/drop-oudewater');
    // Woerden asked for mail of its own; Montfoort follows the general folder.
    expect(dropDirFor(config, '0632')).toBeUndefined();
    expect(dropDirFor(config, '0335')).toBe('/srv/drop');
    expect(dropDirFor({ ...config, REPORT_DROP_DIR: undefined }, '0335')).toBeUndefined();
  });

  it('refuses a folder for a municipality the warehouse does not serve', () => {
    expect(() => loadConfig({ env: { GEMEENTEN: '0632', REPORT_DROP_DIR_0589: '/srv/x' }, cwd: '/nonexistent' })).toThrow(ConfigError);
    try {
      loadConfig({ env: { GEMEENTEN: '0632', REPORT_DROP_DIR_0589: '/srv/x' }, cwd: '/nonexistent' });
    } catch (error) {
      expect((error as ConfigError).message).toContain('REPORT_DROP_DIR_0589: 0589 is not in GEMEENTEN');
    }
  });
});
